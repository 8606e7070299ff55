//! KMS keys: customer managed keys for PHI data, the trail and the DR copy (rotated), a legacy
//! imaging key and a marketing key without rotation, AWS managed keys, a signing key and one
//! key pending deletion.

use phiguard_model::Resource;
use phiguard_model::kinds::KmsKey;

use super::{DEV, Demo, EU_WEST_1, PROD, US_EAST_1, US_WEST_2, kms_arn};

/// Customer managed key for PHI in S3 and DynamoDB (us-east-1).
pub(crate) const PHI_DATA: &str = "0d1e5a11-0000-4000-8000-000000000001";
/// Customer managed key for the EHR database and volumes (us-east-1).
pub(crate) const EHR_DB: &str = "0d1e5a11-0000-4000-8000-000000000002";
/// Customer managed key for CloudTrail, its bucket and log group (us-east-1).
pub(crate) const TRAIL: &str = "0d1e5a11-0000-4000-8000-000000000003";
/// Legacy key of the imaging archive, rotation never turned on (us-east-1).
pub(crate) const LEGACY_IMAGING: &str = "0d1e5a11-0000-4000-8000-000000000004";
/// The DR region's PHI key (us-west-2).
pub(crate) const DR_PHI: &str = "0d1e5a11-0000-4000-8000-000000000005";
/// Secrets and SNS key (us-east-1).
pub(crate) const APP_SECRETS: &str = "0d1e5a11-0000-4000-8000-000000000006";
/// Backup vault key (us-east-1).
pub(crate) const BACKUP: &str = "0d1e5a11-0000-4000-8000-000000000007";
/// Development account key (us-east-1).
pub(crate) const DEV_GENERAL: &str = "0d1e5a11-0000-4000-8000-000000000101";

/// The ARN of a production key in us-east-1.
pub(crate) fn prod_key(id: &str) -> String {
    kms_arn(PROD, US_EAST_1, id)
}

fn key(manager: &str, state: &str, rotation: Option<bool>, aliases: &[&str]) -> KmsKey {
    KmsKey {
        key_manager: manager.into(),
        key_state: state.into(),
        key_spec: "SYMMETRIC_DEFAULT".into(),
        key_usage: "ENCRYPT_DECRYPT".into(),
        origin: "AWS_KMS".into(),
        rotation_enabled: rotation,
        deletion_date: None,
        aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
    }
}

pub(crate) fn build(demo: &mut Demo) {
    let customer =
        |rotation: bool, alias: &str| key("CUSTOMER", "Enabled", Some(rotation), &[alias]);
    let keys: Vec<(&str, &str, &str, KmsKey, bool)> = vec![
        (
            PROD,
            US_EAST_1,
            PHI_DATA,
            customer(true, "alias/riverside-phi-data"),
            true,
        ),
        (
            PROD,
            US_EAST_1,
            EHR_DB,
            customer(true, "alias/riverside-ehr-db"),
            true,
        ),
        (
            PROD,
            US_EAST_1,
            TRAIL,
            customer(true, "alias/riverside-cloudtrail"),
            false,
        ),
        (
            PROD,
            US_EAST_1,
            LEGACY_IMAGING,
            customer(false, "alias/imaging-legacy"),
            true,
        ),
        (
            PROD,
            US_EAST_1,
            APP_SECRETS,
            customer(true, "alias/riverside-app-secrets"),
            true,
        ),
        (
            PROD,
            US_EAST_1,
            BACKUP,
            customer(true, "alias/riverside-backup"),
            true,
        ),
        (
            PROD,
            US_WEST_2,
            DR_PHI,
            customer(true, "alias/riverside-phi-dr"),
            true,
        ),
        (
            PROD,
            EU_WEST_1,
            "0d1e5a11-0000-4000-8000-000000000008",
            customer(false, "alias/marketing-eu"),
            false,
        ),
        (
            DEV,
            US_EAST_1,
            DEV_GENERAL,
            customer(false, "alias/dev-general"),
            false,
        ),
    ];
    for (account, region, id, details, phi) in keys {
        let name = details.aliases.first().cloned().unwrap_or_default();
        let mut r = Resource::new(kms_arn(account, region, id), account, region, details)
            .named(name)
            .tag("Owner", "platform-team");
        if phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    }

    // AWS managed keys: rotated by AWS every year.
    let managed = [
        (
            PROD,
            US_EAST_1,
            "0d1e5a11-0000-4000-8000-0000000000a1",
            "alias/aws/s3",
        ),
        (
            PROD,
            US_EAST_1,
            "0d1e5a11-0000-4000-8000-0000000000a2",
            "alias/aws/ebs",
        ),
        (
            PROD,
            US_EAST_1,
            "0d1e5a11-0000-4000-8000-0000000000a3",
            "alias/aws/rds",
        ),
        (
            PROD,
            US_WEST_2,
            "0d1e5a11-0000-4000-8000-0000000000a4",
            "alias/aws/ebs",
        ),
        (
            DEV,
            US_EAST_1,
            "0d1e5a11-0000-4000-8000-0000000001a1",
            "alias/aws/ebs",
        ),
    ];
    for (account, region, id, alias) in managed {
        demo.add_untagged(
            Resource::new(
                kms_arn(account, region, id),
                account,
                region,
                key("AWS", "Enabled", Some(true), &[alias]),
            )
            .named(alias),
        );
    }

    // An asymmetric signing key for e-prescription documents: rotation does not apply.
    let mut signing = key("CUSTOMER", "Enabled", None, &["alias/erx-document-signing"]);
    signing.key_spec = "RSA_2048".into();
    signing.key_usage = "SIGN_VERIFY".into();
    demo.add(
        Resource::new(
            prod_key("0d1e5a11-0000-4000-8000-000000000009"),
            PROD,
            US_EAST_1,
            signing,
        )
        .named("alias/erx-document-signing"),
    );

    // A retired key, scheduled for deletion.
    let mut retired = key("CUSTOMER", "PendingDeletion", Some(false), &[]);
    retired.deletion_date = Some(demo.days_ahead(6));
    demo.add(
        Resource::new(
            prod_key("0d1e5a11-0000-4000-8000-00000000000a"),
            PROD,
            US_EAST_1,
            retired,
        )
        .named("retired-fax-gateway-key"),
    );
}
