//! Account-level settings: the IAM credential report, password policy and account summary,
//! the account's S3 Block Public Access, and its AWS Artifact agreements.

use std::time::Duration;

use phiguard_model::DataSource;
use phiguard_model::kinds::{
    AccountSummary, ArtifactAgreement, CredentialReportKey, CredentialReportRow, PasswordPolicy,
    PublicAccessBlock,
};

use crate::call::{CallError, absent_if};
use crate::client;
use crate::convert::ts;
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let (report, policy, summary, pab, artifact) = futures::join!(
        credential_report(scope),
        password_policy(scope),
        summary(scope),
        account_public_access_block(scope),
        artifact_agreements(scope),
    );
    scope.setting(DataSource::IamCredentialReport, report, |s, v| {
        s.credential_report = v;
    });
    scope.setting(DataSource::IamPasswordPolicy, policy, |s, v| {
        s.password_policy = v;
    });
    scope.setting(DataSource::IamAccountSummary, summary, |s, v| s.summary = v);
    scope.setting(DataSource::S3AccountPublicAccessBlock, pab, |s, v| {
        s.s3_public_access_block = v;
    });
    scope.setting(DataSource::ArtifactAgreements, artifact, |s, v| {
        s.artifact_agreements = v;
    });
}

async fn credential_report(scope: &Scope) -> Result<Vec<CredentialReportRow>, CallError> {
    let iam = client!(scope, aws_sdk_iam);
    // Generation is asynchronous: ask, then poll (about 10 s at most in practice).
    for attempt in 0..30u32 {
        let state = iam.generate_credential_report().send().await?;
        let complete = state.state().is_some_and(|s| s.as_str() == "COMPLETE");
        if complete || attempt > 0 {
            match iam.get_credential_report().send().await {
                Ok(out) => {
                    let content = out
                        .content()
                        .ok_or_else(|| CallError::new("parse", "empty credential report"))?;
                    return parse_credential_report(content.as_ref());
                }
                Err(e) => {
                    let e = CallError::from(e);
                    if !e.is(&["ReportInProgress", "ReportNotPresent"]) {
                        return Err(e);
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(if scope.account.emulator {
            50
        } else {
            1000
        }))
        .await;
    }
    Err(CallError::new(
        "timeout",
        "the credential report was still being generated after 30 attempts",
    ))
}

/// Parses the credential report CSV.
pub fn parse_credential_report(csv_bytes: &[u8]) -> Result<Vec<CredentialReportRow>, CallError> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let headers = reader
        .headers()
        .map_err(|e| CallError::new("parse", &format!("credential report header: {e}")))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            CallError::new(
                "parse",
                &format!("credential report has no `{name}` column"),
            )
        })
    };
    let user = need("user")?;
    let arn = need("arn")?;
    let mfa = need("mfa_active")?;
    let password_enabled = need("password_enabled")?;
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            CallError::new("parse", &format!("credential report row {}: {e}", i + 2))
        })?;
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let time = |name: &str| get(col(name)).parse::<jiff::Timestamp>().ok();
        let flag = |c: usize| {
            record
                .get(c)
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        };
        let key = |n: u8| {
            let active = get(col(&format!("access_key_{n}_active")));
            if active.is_empty() {
                return None;
            }
            let last_rotated = time(&format!("access_key_{n}_last_rotated"));
            let is_active = active.eq_ignore_ascii_case("true");
            (is_active || last_rotated.is_some()).then(|| CredentialReportKey {
                active: is_active,
                last_rotated,
                last_used: time(&format!("access_key_{n}_last_used_date")),
            })
        };
        rows.push(CredentialReportRow {
            user: get(Some(user)).to_string(),
            arn: get(Some(arn)).to_string(),
            user_creation_time: time("user_creation_time"),
            password_enabled: flag(password_enabled),
            password_last_used: time("password_last_used"),
            password_last_changed: time("password_last_changed"),
            mfa_active: flag(mfa),
            access_key_1: key(1),
            access_key_2: key(2),
        });
    }
    Ok(rows)
}

async fn password_policy(scope: &Scope) -> Result<Option<PasswordPolicy>, CallError> {
    let iam = client!(scope, aws_sdk_iam);
    let out = absent_if(
        iam.get_account_password_policy()
            .send()
            .await
            .map_err(CallError::from),
        &["NoSuchEntity", "NoSuchEntityException"],
    )?;
    Ok(out.and_then(|o| {
        o.password_policy().map(|p| PasswordPolicy {
            minimum_password_length: p
                .minimum_password_length()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            require_symbols: p.require_symbols(),
            require_numbers: p.require_numbers(),
            require_uppercase_characters: p.require_uppercase_characters(),
            require_lowercase_characters: p.require_lowercase_characters(),
            max_password_age: p.max_password_age().and_then(|n| u32::try_from(n).ok()),
            password_reuse_prevention: p
                .password_reuse_prevention()
                .and_then(|n| u32::try_from(n).ok()),
            allow_users_to_change_password: p.allow_users_to_change_password(),
        })
    }))
}

async fn summary(scope: &Scope) -> Result<Option<AccountSummary>, CallError> {
    use aws_sdk_iam::types::SummaryKeyType;
    let iam = client!(scope, aws_sdk_iam);
    let out = iam.get_account_summary().send().await?;
    let map = out
        .summary_map()
        .ok_or_else(|| CallError::new("parse", "GetAccountSummary returned no SummaryMap"))?;
    let get = |k: SummaryKeyType| map.get(&k).copied().unwrap_or(0);
    let mfa = get(SummaryKeyType::AccountMfaEnabled) > 0;
    let root_arn = format!("arn:aws:iam::{}:root", scope.account_id());
    let root_mfa_is_virtual = if mfa {
        let mut pages = iam.list_virtual_mfa_devices().into_paginator().send();
        let mut virtual_root = false;
        while let Some(page) = pages.next().await {
            let page = page?;
            virtual_root |= page.virtual_mfa_devices().iter().any(|d| {
                d.serial_number().ends_with(":mfa/root-account-mfa-device")
                    || d.user().is_some_and(|u| u.arn() == root_arn)
            });
        }
        Some(virtual_root)
    } else {
        None
    };
    Ok(Some(AccountSummary {
        account_mfa_enabled: mfa,
        account_access_keys_present: get(SummaryKeyType::AccountAccessKeysPresent) > 0,
        root_mfa_is_virtual,
        users: u32::try_from(get(SummaryKeyType::Users)).unwrap_or(0),
    }))
}

async fn account_public_access_block(
    scope: &Scope,
) -> Result<Option<PublicAccessBlock>, CallError> {
    let s3control = client!(scope, aws_sdk_s3control);
    let out = absent_if(
        s3control
            .get_public_access_block()
            .account_id(scope.account_id())
            .send()
            .await
            .map_err(CallError::from),
        &["NoSuchPublicAccessBlockConfiguration"],
    )?;
    Ok(out.and_then(|o| {
        o.public_access_block_configuration()
            .map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            })
    }))
}

async fn artifact_agreements(scope: &Scope) -> Result<Vec<ArtifactAgreement>, CallError> {
    let artifact = client!(scope, aws_sdk_artifact);
    let mut pages = artifact.list_customer_agreements().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page?;
        for a in page.customer_agreements() {
            out.push(ArtifactAgreement {
                name: a.name().unwrap_or_default().to_string(),
                agreement_type: String::new(),
                state: a
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                scope: if a.organization_arn().is_some() {
                    "organization".to_string()
                } else {
                    "account".to_string()
                },
                effective_start: ts(a.effective_start()),
                effective_end: ts(a.effective_end()),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_report_rows() {
        let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-02T03:04:05+00:00,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::123456789012:user/alice,2022-05-01T00:00:00+00:00,true,no_information,2022-05-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
        let rows = parse_credential_report(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_root());
        assert!(!rows[0].mfa_active);
        assert!(rows[0].access_key_1.as_ref().unwrap().active);
        assert!(rows[0].access_key_2.is_none());
        assert!(rows[0].password_last_used.is_some());
        assert!(rows[1].password_enabled && rows[1].mfa_active);
        assert_eq!(rows[1].password_last_used, None);
        assert!(parse_credential_report(b"nope\n1\n").is_err());
    }
}
