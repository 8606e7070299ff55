//! S3 buckets (EHR documents and their DR replica, lab results, imaging, portal uploads,
//! billing exports, the CloudTrail log bucket, access logs, a public marketing bucket...) and
//! AWS Backup plans and vaults.

use phiguard_model::kinds::{
    BackupCopyAction, BackupPlan, BackupRule, BackupSelection, BackupTagCondition, BackupVault,
    LifecycleRule, ObjectLock, PublicAccessBlock, ReplicationRule, S3Bucket, S3Encryption,
    S3Logging,
};
use phiguard_model::{FieldError, Resource};

use super::{DEV, Demo, EU_WEST_1, PROD, US_EAST_1, US_WEST_2, kms, kms_arn, policy};

/// The bucket CloudTrail delivers to.
pub(crate) const TRAIL_BUCKET: &str = "riverside-cloudtrail-logs";
/// The bucket receiving S3 server access logs.
const ACCESS_LOGS: &str = "riverside-s3-access-logs";

const BLOCK_ALL: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: true,
    ignore_public_acls: true,
    block_public_policy: true,
    restrict_public_buckets: true,
};

fn sse_kms(key: String) -> Option<S3Encryption> {
    Some(S3Encryption {
        algorithm: "aws:kms".into(),
        kms_key_id: Some(key),
        bucket_key_enabled: true,
    })
}

fn sse_s3() -> Option<S3Encryption> {
    Some(S3Encryption {
        algorithm: "AES256".into(),
        kms_key_id: None,
        bucket_key_enabled: false,
    })
}

fn logging_to(prefix: &str) -> Option<S3Logging> {
    Some(S3Logging {
        target_bucket: ACCESS_LOGS.into(),
        target_prefix: format!("{prefix}/"),
    })
}

/// A bucket in PHI scope with the clinic's baseline: SSE-KMS, versioning, Block Public
/// Access, TLS-only policy, access logging, owner-enforced object ownership.
fn baseline(demo: &Demo, name: &str, key: String) -> S3Bucket {
    S3Bucket {
        creation_date: Some(demo.days_ago(1000)),
        encryption: sse_kms(key),
        versioning: Some("Enabled".into()),
        mfa_delete: false,
        public_access_block: Some(BLOCK_ALL),
        policy: Some(super::tls_only_bucket_policy(name, "")),
        policy_is_public: Some(false),
        acl_grants_public: false,
        object_ownership: Some("BucketOwnerEnforced".into()),
        logging: logging_to(name),
        object_lock: None,
        replication_rules: Vec::new(),
        lifecycle_rules: Vec::new(),
    }
}

fn bucket(account: &str, region: &str, name: &str, details: S3Bucket) -> Resource {
    Resource::new(format!("arn:aws:s3:::{name}"), account, region, details).named(name)
}

pub(crate) fn build(demo: &mut Demo) {
    buckets(demo);
    backup(demo);
}

fn buckets(demo: &mut Demo) {
    let phi_key = kms::prod_key(kms::PHI_DATA);

    // EHR documents: the model bucket, replicated to the DR region.
    let mut ehr = baseline(demo, "riverside-ehr-documents", phi_key.clone());
    ehr.replication_rules.push(ReplicationRule {
        status: "Enabled".into(),
        destination_bucket: "arn:aws:s3:::riverside-ehr-documents-dr".into(),
        destination_account: None,
    });
    ehr.lifecycle_rules.push(LifecycleRule {
        id: "expire-noncurrent-after-7y".into(),
        status: "Enabled".into(),
        prefix: String::new(),
        expiration_days: None,
        noncurrent_expiration_days: Some(2557),
    });
    demo.add(
        bucket(PROD, US_EAST_1, "riverside-ehr-documents", ehr)
            .tag("PHI", "Yes")
            .tag("App", "ehr"),
    );
    let dr = baseline(
        demo,
        "riverside-ehr-documents-dr",
        kms_arn(PROD, US_WEST_2, kms::DR_PHI),
    );
    demo.add(
        bucket(PROD, US_WEST_2, "riverside-ehr-documents-dr", dr)
            .tag("PHI", "Yes")
            .tag("App", "ehr"),
    );

    // Lab results: SSE-S3 only and no TLS-only policy.
    let mut lab = baseline(demo, "riverside-lab-results", String::new());
    lab.encryption = sse_s3();
    lab.policy = None;
    lab.policy_is_public = Some(false);
    demo.add(
        bucket(PROD, US_EAST_1, "riverside-lab-results", lab)
            .tag("PHI", "Yes")
            .tag("App", "lab-interface"),
    );

    // Imaging archive: legacy key, versioning suspended during a migration.
    let mut imaging = baseline(
        demo,
        "riverside-imaging-archive",
        kms::prod_key(kms::LEGACY_IMAGING),
    );
    imaging.versioning = Some("Suspended".into());
    imaging.lifecycle_rules.push(LifecycleRule {
        id: "to-glacier".into(),
        status: "Enabled".into(),
        prefix: "studies/".into(),
        expiration_days: None,
        noncurrent_expiration_days: None,
    });
    demo.add(
        bucket(PROD, US_EAST_1, "riverside-imaging-archive", imaging)
            .tag("PHI", "true")
            .tag("App", "pacs"),
    );

    // Patient portal uploads: scoped by the DataSensitivity tag, access logging off.
    let mut uploads = baseline(demo, "riverside-patient-portal-uploads", phi_key.clone());
    uploads.logging = None;
    uploads.replication_rules.push(ReplicationRule {
        status: "Enabled".into(),
        destination_bucket: "arn:aws:s3:::riverside-ehr-documents-dr".into(),
        destination_account: None,
    });
    demo.add(
        bucket(PROD, US_EAST_1, "riverside-patient-portal-uploads", uploads)
            .tag("DataSensitivity", "PHI")
            .tag("App", "patient-portal"),
    );

    // Billing exports: compliant, kept seven years under Object Lock, read by the
    // clearinghouse vendor.
    let mut billing = baseline(demo, "riverside-billing-exports", phi_key.clone());
    billing.object_lock = Some(ObjectLock {
        enabled: true,
        mode: Some("GOVERNANCE".into()),
        days: None,
        years: Some(7),
    });
    demo.add(
        bucket(PROD, US_EAST_1, "riverside-billing-exports", billing)
            .tag("PHI", "Yes")
            .tag("App", "billing"),
    );

    // Referral fax drop: the bucket policy could not be read (denied to the scanner).
    let mut fax = baseline(demo, "riverside-referral-fax-inbox", phi_key);
    fax.policy = None;
    fax.policy_is_public = None;
    let mut fax = bucket(PROD, US_EAST_1, "riverside-referral-fax-inbox", fax)
        .tag("PHI", "Yes")
        .tag("App", "fax-gateway");
    fax.errors.push(FieldError {
        field: "policy".into(),
        code: "AccessDenied".into(),
        message: "the bucket policy denies s3:GetBucketPolicy to every principal but the \
                  fax-gateway role"
            .into(),
    });
    fax.errors.push(FieldError {
        field: "policy_is_public".into(),
        code: "AccessDenied".into(),
        message: String::new(),
    });
    demo.add(fax);

    // The CloudTrail bucket: KMS, Object Lock for six years, CloudTrail write access.
    let trail_key = kms::prod_key(kms::TRAIL);
    let mut trail = baseline(demo, TRAIL_BUCKET, trail_key);
    trail.policy = Some(super::tls_only_bucket_policy(
        TRAIL_BUCKET,
        r#"{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::riverside-cloudtrail-logs"},{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::riverside-cloudtrail-logs/AWSLogs/111122223333/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}"#,
    ));
    trail.object_lock = Some(ObjectLock {
        enabled: true,
        mode: Some("COMPLIANCE".into()),
        days: Some(2192),
        years: None,
    });
    trail.lifecycle_rules.push(LifecycleRule {
        id: "glacier-after-90d".into(),
        status: "Enabled".into(),
        prefix: "AWSLogs/".into(),
        expiration_days: Some(2557),
        noncurrent_expiration_days: None,
    });
    demo.add(bucket(PROD, US_EAST_1, TRAIL_BUCKET, trail).tag("App", "audit"));

    // Access logs: SSE-S3 (server access logging cannot deliver to SSE-KMS buckets), seven
    // years of lifecycle.
    let mut access = baseline(demo, ACCESS_LOGS, String::new());
    access.encryption = sse_s3();
    access.logging = None;
    access.lifecycle_rules.push(LifecycleRule {
        id: "expire-after-7y".into(),
        status: "Enabled".into(),
        prefix: String::new(),
        expiration_days: Some(2557),
        noncurrent_expiration_days: Some(30),
    });
    demo.add(bucket(PROD, US_EAST_1, ACCESS_LOGS, access).tag("App", "audit"));

    // Operational buckets without PHI.
    for (region, name, app) in [
        (US_EAST_1, "riverside-config-history", "audit"),
        (US_EAST_1, "riverside-terraform-state", "platform"),
        (US_WEST_2, "riverside-backup-reports", "backup"),
        (US_EAST_1, "riverside-alb-access-logs", "ehr"),
    ] {
        let mut b = baseline(demo, name, String::new());
        b.encryption = sse_s3();
        demo.add(bucket(PROD, region, name, b).tag("App", app));
    }

    // Website assets served through CloudFront with origin access control.
    let mut site = baseline(demo, "riverside-website-assets", String::new());
    site.encryption = sse_s3();
    site.versioning = None;
    site.logging = None;
    site.policy = Some(super::tls_only_bucket_policy(
        "riverside-website-assets",
        r#"{"Sid":"AllowCloudFrontOAC","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::riverside-website-assets/*","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/E2EXAMPLEPORTAL"}}}"#,
    ));
    demo.add(bucket(PROD, US_EAST_1, "riverside-website-assets", site).tag("App", "website"));

    // Marketing brochures in eu-west-1: public by policy and ACL, no Block Public Access.
    let mut brochures = baseline(demo, "riverside-marketing-eu-brochures", String::new());
    brochures.encryption = sse_s3();
    brochures.versioning = None;
    brochures.logging = None;
    brochures.public_access_block = None;
    brochures.object_ownership = Some("ObjectWriter".into());
    brochures.acl_grants_public = true;
    brochures.policy = Some(policy(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::riverside-marketing-eu-brochures/*"}]}"#,
    ));
    brochures.policy_is_public = Some(true);
    demo.add(
        bucket(
            PROD,
            EU_WEST_1,
            "riverside-marketing-eu-brochures",
            brochures,
        )
        .tag("App", "marketing"),
    );

    // Development: synthetic data, weaker settings.
    let dev_buckets: [(&str, &str, bool, bool); 4] = [
        (US_EAST_1, "riverside-dev-artifacts", true, true),
        (US_EAST_1, "riverside-dev-synthetic-fixtures", false, false),
        (US_EAST_1, "riverside-dev-scratch", false, true),
        (EU_WEST_1, "riverside-dev-eu-logs", true, false),
    ];
    for (region, name, versioned, blocked) in dev_buckets {
        let mut b = baseline(demo, name, kms_arn(DEV, US_EAST_1, kms::DEV_GENERAL));
        if name != "riverside-dev-artifacts" {
            b.encryption = sse_s3();
        }
        b.versioning = versioned.then(|| "Enabled".to_string());
        b.public_access_block = blocked.then_some(BLOCK_ALL);
        b.policy = None;
        b.policy_is_public = Some(false);
        b.logging = None;
        b.creation_date = Some(demo.days_ago(300));
        demo.add(bucket(DEV, region, name, b).tag("App", "dev"));
    }
}

fn backup(demo: &mut Demo) {
    let phi_vault_arn = "arn:aws:backup:us-east-1:111122223333:backup-vault:riverside-phi-vault";
    let dr_vault_arn = "arn:aws:backup:us-west-2:111122223333:backup-vault:riverside-phi-dr-vault";

    // PHI plan: daily, 35 days, copied to the DR region for a year; selects by the PHI tag
    // only, so resources scoped by `DataSensitivity=PHI` are not covered.
    let phi_plan = BackupPlan {
        rules: vec![
            BackupRule {
                name: "daily-35d".into(),
                schedule_expression: Some("cron(0 5 ? * * *)".into()),
                target_vault: "riverside-phi-vault".into(),
                delete_after_days: Some(35),
                copy_actions: vec![BackupCopyAction {
                    destination_vault_arn: dr_vault_arn.into(),
                    delete_after_days: Some(365),
                }],
            },
            BackupRule {
                name: "monthly-7y".into(),
                schedule_expression: Some("cron(0 6 1 * ? *)".into()),
                target_vault: "riverside-phi-vault".into(),
                delete_after_days: Some(2557),
                copy_actions: Vec::new(),
            },
        ],
        selections: vec![BackupSelection {
            name: "phi-tagged".into(),
            resources: Vec::new(),
            not_resources: Vec::new(),
            tags: vec![
                BackupTagCondition {
                    key: "PHI".into(),
                    value: "Yes".into(),
                },
                BackupTagCondition {
                    key: "PHI".into(),
                    value: "true".into(),
                },
            ],
        }],
    };
    demo.add(
        Resource::new(
            "arn:aws:backup:us-east-1:111122223333:backup-plan:7a1e0000-0000-4000-8000-00000000b001",
            PROD,
            US_EAST_1,
            phi_plan,
        )
        .named("riverside-phi-daily"),
    );

    // Operations plan: weekly, the Terraform state and config history buckets.
    let ops_plan = BackupPlan {
        rules: vec![BackupRule {
            name: "weekly-90d".into(),
            schedule_expression: Some("cron(0 7 ? * SUN *)".into()),
            target_vault: "Default".into(),
            delete_after_days: Some(90),
            copy_actions: Vec::new(),
        }],
        selections: vec![BackupSelection {
            name: "ops-buckets".into(),
            resources: vec![
                "arn:aws:s3:::riverside-terraform-state".into(),
                "arn:aws:s3:::riverside-config-history".into(),
            ],
            not_resources: Vec::new(),
            tags: Vec::new(),
        }],
    };
    demo.add(
        Resource::new(
            "arn:aws:backup:us-east-1:111122223333:backup-plan:7a1e0000-0000-4000-8000-00000000b002",
            PROD,
            US_EAST_1,
            ops_plan,
        )
        .named("riverside-ops-weekly"),
    );

    let vaults: [(&str, &str, &str, BackupVault); 4] = [
        (
            PROD,
            US_EAST_1,
            "riverside-phi-vault",
            BackupVault {
                encryption_key_arn: Some(kms::prod_key(kms::BACKUP)),
                locked: true,
                min_retention_days: Some(35),
                max_retention_days: Some(2557),
                lock_date: Some(demo.days_ago(500)),
                recovery_points: 1260,
            },
        ),
        (
            PROD,
            US_WEST_2,
            "riverside-phi-dr-vault",
            BackupVault {
                encryption_key_arn: Some(kms_arn(PROD, US_WEST_2, kms::DR_PHI)),
                locked: true,
                min_retention_days: Some(35),
                max_retention_days: Some(400),
                lock_date: Some(demo.days_ago(480)),
                recovery_points: 3100,
            },
        ),
        (
            PROD,
            US_EAST_1,
            "Default",
            BackupVault {
                encryption_key_arn: Some(kms_arn(
                    PROD,
                    US_EAST_1,
                    "0d1e5a11-0000-4000-8000-0000000000a9",
                )),
                locked: false,
                min_retention_days: None,
                max_retention_days: None,
                lock_date: None,
                recovery_points: 52,
            },
        ),
        (
            DEV,
            US_EAST_1,
            "dev-vault",
            BackupVault {
                encryption_key_arn: Some(kms_arn(DEV, US_EAST_1, kms::DEV_GENERAL)),
                locked: false,
                min_retention_days: None,
                max_retention_days: None,
                lock_date: None,
                recovery_points: 0,
            },
        ),
    ];
    for (account, region, name, vault) in vaults {
        let arn = format!("arn:aws:backup:{region}:{account}:backup-vault:{name}");
        let r = Resource::new(arn.clone(), account, region, vault).named(name);
        let r = if arn == phi_vault_arn || arn == dr_vault_arn {
            r.tag("PHI", "Yes")
        } else {
            r
        };
        demo.add(r);
    }
}
