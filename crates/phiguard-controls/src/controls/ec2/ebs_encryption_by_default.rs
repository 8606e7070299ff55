use crate::prelude::*;

control! {
    /// # Requirement
    /// EBS encryption by default is turned on in every region scanned, in every account.
    ///
    /// # Rationale
    /// Encryption by default makes the account encrypt every new EBS volume and snapshot copy,
    /// whoever creates it and with whatever tool, including volumes launched from unencrypted
    /// AMIs and volumes created by other AWS services. It is the guardrail that keeps
    /// EC2-001 true over time. It is a per-region setting: a region nobody uses today is where
    /// tomorrow's forgotten test instance with a copy of production data will run.
    ///
    /// # Evaluation
    /// Reads `ebs_defaults` of each account (ec2:GetEbsEncryptionByDefault and
    /// ec2:GetEbsDefaultKmsKeyId) and evaluates each scanned region of the account once.
    /// Passes when `encryption_by_default` is true (the evidence shows the default key,
    /// `alias/aws/ebs` unless changed); fails when it is false. A region for which the
    /// inventory has no entry is reported as an error (not collected), never as a pass.
    ///
    /// # Remediation
    /// Turn on EBS encryption by default in every region, preferably with a customer managed
    /// KMS key.
    ///
    /// - Console: EC2 → (region) → Settings → Data protection and security → EBS encryption →
    ///   Manage → Enable → choose the default key → Update EBS encryption; repeat per region.
    /// - CLI: `aws ec2 enable-ebs-encryption-by-default --region REGION` and
    ///   `aws ec2 modify-ebs-default-kms-key-id --kms-key-id KEY_ARN --region REGION`
    /// - Terraform: `resource "aws_ebs_encryption_by_default" "this" { enabled = true }` and
    ///   `resource "aws_ebs_default_kms_key" "this" { key_arn = aws_kms_key.ebs.arn }`, one
    ///   provider alias per region.
    ///
    /// # References
    /// - AWS Config rule `ec2-ebs-encryption-by-default`; Prowler `ec2_ebs_default_encryption`
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html>
    id: "EC2-002",
    slug: "ebs-encryption-by-default",
    title: "EBS encryption by default is on in every region",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: ["ec2-ebs-encryption-by-default"],
    prowler_checks: ["ec2_ebs_default_encryption"],
    resource_kinds: [],
    inputs: [Regional(Ec2EbsDefaults)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        for region in &account.regions {
            let subject = ctx.region_subject(account, region);
            let Some(defaults) = account
                .settings
                .ebs_defaults
                .iter()
                .find(|d| d.region == *region)
            else {
                out.error(
                    subject,
                    format!("EBS encryption-by-default setting for `{region}` not collected"),
                    evidence![],
                );
                continue;
            };
            let evidence = evidence![
                "encryption_by_default" => defaults.encryption_by_default,
                "default_kms_key_id" => defaults.default_kms_key_id.as_deref(),
            ];
            out.check(
                subject,
                defaults.encryption_by_default,
                "EBS encryption by default is on",
                "EBS encryption by default is off",
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let defaults = |on: bool| {
        move |a: &mut AccountSettings| {
            a.ebs_defaults = [REGION, REGION_2]
                .into_iter()
                .map(|region| EbsDefaults {
                    region: region.into(),
                    encryption_by_default: on,
                    default_kms_key_id: Some("alias/aws/ebs".into()),
                })
                .collect();
        }
    };
    crate::control::Examples {
        pass: Fixture::new().account(defaults(true)),
        fail: Fixture::new().account(defaults(false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn per_region_and_missing_region_is_an_error() {
        let rows = Fixture::new()
            .account(|a| {
                a.ebs_defaults = vec![
                    EbsDefaults {
                        region: REGION_2.into(),
                        encryption_by_default: false,
                        default_kms_key_id: None,
                    },
                    // A region that was not scanned is ignored.
                    EbsDefaults {
                        region: "ap-southeast-2".into(),
                        encryption_by_default: false,
                        default_kms_key_id: None,
                    },
                ];
            })
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("AWS::::Account:111122223333/us-east-1", Status::Error),
                ("AWS::::Account:111122223333/eu-west-1", Status::Fail),
            ]
        );
        assert!(
            rows[0].reason.contains("not collected"),
            "{}",
            rows[0].reason
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn denied_in_one_region() {
        let rows = Fixture::new()
            .account(|a| {
                a.ebs_defaults = [REGION, REGION_2]
                    .into_iter()
                    .map(|region| EbsDefaults {
                        region: region.into(),
                        encryption_by_default: true,
                        default_kms_key_id: None,
                    })
                    .collect();
            })
            .coverage(
                Ec2EbsDefaults,
                REGION_2,
                phiguard_model::CoverageState::Denied {
                    code: "UnauthorizedOperation".into(),
                    message: String::new(),
                },
            )
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("AWS::::Account:111122223333/us-east-1", Status::Pass),
                ("AWS::::Account:111122223333/eu-west-1", Status::Error),
            ]
        );
    }
}
