//! Account-level settings: credential report (root + users), password policy, account
//! summary, account-level S3 Block Public Access, EBS encryption defaults per region and the
//! AWS Artifact BAA of the production account.

use phiguard_model::kinds::{
    AccountSettings, AccountSummary, ArtifactAgreement, CredentialReportKey, CredentialReportRow,
    EbsDefaults, PasswordPolicy, PublicAccessBlock,
};

use super::{DEV, Demo, EU_WEST_1, PROD, US_EAST_1, US_WEST_2, iam, kms};

const ALL_ON: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: true,
    ignore_public_acls: true,
    block_public_policy: true,
    restrict_public_buckets: true,
};

fn root(
    demo: &Demo,
    account: &str,
    mfa: bool,
    key: Option<CredentialReportKey>,
) -> CredentialReportRow {
    CredentialReportRow {
        user: CredentialReportRow::ROOT.into(),
        arn: format!("arn:aws:iam::{account}:root"),
        user_creation_time: Some(demo.days_ago(2400)),
        password_enabled: true,
        password_last_used: Some(demo.days_ago(190)),
        password_last_changed: Some(demo.days_ago(400)),
        mfa_active: mfa,
        access_key_1: key,
        access_key_2: None,
    }
}

/// Production: root with a hardware MFA and no keys, a strong password policy, account-wide
/// Block Public Access, EBS encryption by default except in the marketing region, and an
/// active BAA accepted in AWS Artifact.
pub(crate) fn prod(demo: &Demo) -> AccountSettings {
    let mut credential_report = vec![root(demo, PROD, true, None)];
    credential_report.extend(iam::credential_report(demo, PROD));
    AccountSettings {
        credential_report,
        password_policy: Some(PasswordPolicy {
            minimum_password_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
            allow_users_to_change_password: true,
        }),
        summary: Some(AccountSummary {
            account_mfa_enabled: true,
            account_access_keys_present: false,
            root_mfa_is_virtual: Some(false),
            users: iam::user_count(PROD),
        }),
        s3_public_access_block: Some(ALL_ON),
        ebs_defaults: vec![
            EbsDefaults {
                region: US_EAST_1.into(),
                encryption_by_default: true,
                default_kms_key_id: Some(kms::prod_key(kms::EHR_DB)),
            },
            EbsDefaults {
                region: US_WEST_2.into(),
                encryption_by_default: true,
                default_kms_key_id: Some(super::kms_arn(PROD, US_WEST_2, kms::DR_PHI)),
            },
            EbsDefaults {
                region: EU_WEST_1.into(),
                encryption_by_default: false,
                default_kms_key_id: None,
            },
        ],
        artifact_agreements: vec![ArtifactAgreement {
            name: "AWS Business Associate Addendum".into(),
            agreement_type: "DEFAULT".into(),
            state: "ACTIVE".into(),
            scope: "account".into(),
            effective_start: Some(demo.days_ago(1100)),
            effective_end: None,
        }],
    }
}

/// Development: root with a virtual MFA and an old access key, a weak password policy, no
/// account-level Block Public Access, EBS encryption by default off, no BAA (it holds no PHI).
pub(crate) fn dev(demo: &Demo) -> AccountSettings {
    let root_key = CredentialReportKey {
        active: true,
        last_rotated: Some(demo.days_ago(700)),
        last_used: Some(demo.days_ago(250)),
    };
    let mut credential_report = vec![root(demo, DEV, true, Some(root_key))];
    credential_report.extend(iam::credential_report(demo, DEV));
    AccountSettings {
        credential_report,
        password_policy: Some(PasswordPolicy {
            minimum_password_length: 8,
            require_symbols: false,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            max_password_age: None,
            password_reuse_prevention: None,
            allow_users_to_change_password: true,
        }),
        summary: Some(AccountSummary {
            account_mfa_enabled: true,
            account_access_keys_present: true,
            root_mfa_is_virtual: Some(true),
            users: iam::user_count(DEV),
        }),
        s3_public_access_block: None,
        ebs_defaults: vec![
            EbsDefaults {
                region: US_EAST_1.into(),
                encryption_by_default: false,
                default_kms_key_id: None,
            },
            EbsDefaults {
                region: EU_WEST_1.into(),
                encryption_by_default: false,
                default_kms_key_id: None,
            },
        ],
        artifact_agreements: Vec::new(),
    }
}
