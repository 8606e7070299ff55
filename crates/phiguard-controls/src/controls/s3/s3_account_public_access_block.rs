use crate::prelude::*;

control! {
    /// # Requirement
    /// Every account turns on all four S3 Block Public Access settings at account level:
    /// `BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy` and `RestrictPublicBuckets`.
    ///
    /// # Rationale
    /// One public ACL or one `"Principal": "*"` statement is enough to publish a bucket of
    /// PHI to the whole internet, and such mistakes are the most common cause of cloud data
    /// breaches. The account-level settings override every bucket and access point in the
    /// account, including buckets created tomorrow by someone who never heard of HIPAA, so
    /// they are the guardrail that makes "no public PHI" hold by construction rather than by
    /// review. Buckets that must serve public content belong in a separate account.
    ///
    /// # Evaluation
    /// Reads the account-level Block Public Access configuration
    /// (`s3control:GetPublicAccessBlock`, `s3_public_access_block` in the account settings)
    /// once per account. Passes when all four settings are on; fails when any is off (the
    /// reason names them) or when the account has no configuration at all.
    ///
    /// # Remediation
    /// Turn on all four Block Public Access settings for the account.
    ///
    /// - Console: S3 → Block Public Access settings for this account → Edit → Block all public
    ///   access → Save changes.
    /// - CLI: `aws s3control put-public-access-block --account-id ACCOUNT_ID
    ///   --public-access-block-configuration
    ///   BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
    /// - Terraform: `resource "aws_s3_account_public_access_block" "this" { block_public_acls = true
    ///   ignore_public_acls = true block_public_policy = true restrict_public_buckets = true }`
    ///
    /// In AWS Organizations, an S3 policy or an SCP denying `s3:PutAccountPublicAccessBlock`
    /// keeps the setting from being turned off again.
    ///
    /// # References
    /// - AWS Config rule `s3-account-level-public-access-blocks-periodic`; Prowler
    ///   `s3_account_level_public_access_blocks`
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
    id: "S3-004",
    slug: "s3-account-public-access-block",
    title: "S3 Block Public Access is on for the whole account",
    severity: High,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(1)(ii)(B)", "308(a)(3)(i)", "308(a)(4)(ii)(C)", "312(a)(1)"],
    config_rules: ["s3-account-level-public-access-blocks-periodic"],
    prowler_checks: ["s3_account_level_public_access_blocks"],
    resource_kinds: [],
    inputs: [Regional(S3AccountPublicAccessBlock)],
}

/// The names of the settings that are off.
pub(crate) fn settings_off(pab: &PublicAccessBlock) -> Vec<&'static str> {
    [
        ("BlockPublicAcls", pab.block_public_acls),
        ("IgnorePublicAcls", pab.ignore_public_acls),
        ("BlockPublicPolicy", pab.block_public_policy),
        ("RestrictPublicBuckets", pab.restrict_public_buckets),
    ]
    .into_iter()
    .filter(|(_, on)| !on)
    .map(|(name, _)| name)
    .collect()
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let Some(pab) = &account.settings.s3_public_access_block else {
            out.fail(
                subject,
                "account has no S3 Block Public Access configuration",
                evidence!["s3_public_access_block" => None::<&str>],
            );
            continue;
        };
        let evidence = evidence![
            "block_public_acls" => pab.block_public_acls,
            "ignore_public_acls" => pab.ignore_public_acls,
            "block_public_policy" => pab.block_public_policy,
            "restrict_public_buckets" => pab.restrict_public_buckets,
        ];
        let off = settings_off(pab);
        if off.is_empty() {
            out.pass(
                subject,
                "all four Block Public Access settings are on",
                evidence,
            );
        } else {
            let names: Vec<String> = off.iter().map(|n| format!("`{n}`")).collect();
            out.fail(
                subject,
                format!("Block Public Access settings off: {}", names.join(", ")),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let all = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };
    crate::control::Examples {
        pass: Fixture::new().account(|a| a.s3_public_access_block = Some(all)),
        fail: Fixture::new().account(|a| a.s3_public_access_block = None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn partial_settings_name_what_is_off() {
        let rows = Fixture::new()
            .account(|a| {
                a.s3_public_access_block = Some(PublicAccessBlock {
                    block_public_acls: true,
                    ignore_public_acls: false,
                    block_public_policy: true,
                    restrict_public_buckets: false,
                });
            })
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [("AWS::::Account:111122223333", Status::Fail)]
        );
        assert_eq!(
            rows[0].reason,
            "Block Public Access settings off: `IgnorePublicAcls`, `RestrictPublicBuckets`"
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn missing_configuration_fails_and_phi_is_reported() {
        let rows = Fixture::new()
            .with(s3_bucket("phi", |_| {}).tag("PHI", "Yes"))
            .run(&CONTROL);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status, Status::Fail);
        assert!(rows[0].phi, "an account holding PHI is reported as PHI");
        assert_eq!(
            rows[0].reason,
            "account has no S3 Block Public Access configuration"
        );
    }

    #[test]
    fn failed_collection_is_an_error() {
        let rows = Fixture::new()
            .coverage(
                S3AccountPublicAccessBlock,
                GLOBAL,
                phiguard_model::CoverageState::Failed {
                    message: "throttled".into(),
                },
            )
            .run(&CONTROL);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status, Status::Error, "{rows:#?}");
    }
}
