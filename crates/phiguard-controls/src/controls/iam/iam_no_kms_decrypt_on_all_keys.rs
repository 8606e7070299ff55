use phiguard_model::policy::Statement;

use crate::controls::iam::{PolicyScan, granted, scan_policies};
use crate::prelude::*;

/// The actions the Config rules block by default in the HIPAA pack.
const BLOCKED: [&str; 2] = ["kms:Decrypt", "kms:ReEncryptFrom"];

control! {
    /// # Requirement
    /// No customer-managed or inline IAM policy allows `kms:Decrypt` or `kms:ReEncryptFrom` on
    /// all KMS keys.
    ///
    /// # Rationale
    /// Encryption protects PHI only as long as the ability to decrypt is limited. A policy that
    /// lets an identity decrypt with any key gives it every encrypted PHI store the key
    /// policies do not separately lock down. HIPAA requires encryption and decryption
    /// mechanisms and access control over ePHI; scoping decrypt rights to the keys a workload
    /// needs keeps the two together.
    ///
    /// # Evaluation
    /// Reads the default-version `document` of every customer-managed policy attached to at
    /// least one principal (unattached ones are not applicable) and the `inline_policies` of
    /// every user, group and role that has some (service-linked roles excepted). Fails when an
    /// Allow statement covers `kms:Decrypt` or `kms:ReEncryptFrom` (through `kms:Decrypt`,
    /// `kms:*`, `*`, `kms:ReEncrypt*` or `NotAction`) on all keys (`Resource: "*"`, or a KMS
    /// ARN ending in `key/*` or `*`). As in the AWS Config rules, conditions are not
    /// considered. Passes otherwise.
    ///
    /// # Remediation
    /// Scope decrypt permissions to the ARNs of the keys the workload uses.
    ///
    /// - Console: IAM → Policies → policy → Edit → JSON; set `Resource` of the KMS statement to
    ///   the key ARNs.
    /// - CLI: `aws iam create-policy-version --policy-arn ARN --policy-document file://scoped.json --set-as-default`
    ///   (or `aws iam put-role-policy` for an inline policy).
    /// - Terraform: `statement { actions = ["kms:Decrypt"] resources = [aws_kms_key.phi.arn] }`
    ///   in an `aws_iam_policy_document`.
    ///
    /// # References
    /// - AWS Config rules `iam-customer-policy-blocked-kms-actions`, `iam-inline-policy-blocked-kms-actions` (blockedActionsPatterns `kms:Decrypt,kms:ReEncryptFrom`)
    /// - <https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html>
    id: "IAM-012",
    slug: "iam-no-kms-decrypt-on-all-keys",
    title: "No customer-managed or inline policy allows decrypting with every KMS key",
    severity: Medium,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["312(a)(1)", "312(a)(2)(iv)"],
    config_rules: ["iam-customer-policy-blocked-kms-actions", "iam-inline-policy-blocked-kms-actions"],
    prowler_checks: [],
    resource_kinds: [IamPolicy, IamUser, IamGroup, IamRole],
    inputs: [Regional(IamPolicies), Regional(IamUsers), Regional(IamGroups), Regional(IamRoles)],
}

/// Whether a resource pattern covers every KMS key.
fn all_keys(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    phiguard_model::arn::Arn::parse(resource).is_some_and(|arn| {
        (arn.service == "kms" || arn.service == "*")
            && (arn.resource == "*" || arn.resource == "key/*")
    })
}

fn finding(statement: &Statement) -> Option<String> {
    if !statement.resource.iter().any(|r| all_keys(r)) {
        return None;
    }
    let granted: Vec<String> = BLOCKED
        .iter()
        .filter_map(|action| granted(statement, action))
        .collect();
    (!granted.is_empty()).then(|| {
        format!(
            "{} on `{}`",
            granted.join(" and "),
            statement.resource.join(",")
        )
    })
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    scan_policies(
        ctx,
        out,
        &PolicyScan {
            finding,
            pass: "no statement allows decrypting with every KMS key",
            fail: "allows decrypting with every KMS key",
        },
    );
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    crate::control::Examples {
        pass: Fixture::new().with(customer_policy("app-kms", allow("kms:Decrypt", key), 1)),
        fail: Fixture::new().with(customer_policy("app-kms", allow("kms:Decrypt", "*"), 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    #[test]
    fn resource_patterns() {
        assert!(all_keys("*"));
        assert!(all_keys("arn:aws:kms:*:111122223333:key/*"));
        assert!(all_keys("arn:aws:kms:us-east-1:111122223333:*"));
        assert!(!all_keys("arn:aws:kms:us-east-1:111122223333:key/abcd"));
        assert!(!all_keys("arn:aws:s3:::bucket/*"));
    }

    fn verdict(document: &str) -> Status {
        Fixture::new()
            .with(customer_policy("p", doc(document), 1))
            .run(&CONTROL)[0]
            .status
    }

    #[test]
    fn action_patterns() {
        let on_all = |action: &str| {
            format!(r#"{{"Statement":{{"Effect":"Allow","Action":"{action}","Resource":"*"}}}}"#)
        };
        assert_eq!(verdict(&on_all("kms:*")), Status::Fail);
        assert_eq!(verdict(&on_all("kms:ReEncrypt*")), Status::Fail);
        assert_eq!(verdict(&on_all("*")), Status::Fail);
        assert_eq!(verdict(&on_all("kms:Encrypt")), Status::Pass);
        assert_eq!(verdict(&on_all("kms:GenerateDataKey")), Status::Pass);
        assert_eq!(
            verdict(r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#),
            Status::Fail
        );
        assert_eq!(
            verdict(r#"{"Statement":{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}}"#),
            Status::Pass
        );
    }

    fn fixture() -> Fixture {
        Fixture::new()
            .with(customer_policy("broad", allow("kms:*", "*"), 3))
            .with(user("analyst", |u| {
                u.inline_policies = vec![inline(
                    "decrypt",
                    allow("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/*"),
                )];
            }))
    }

    #[test]
    fn report() {
        let rows = fixture().run(&CONTROL);
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.status == Status::Fail));
        insta::assert_snapshot!(render(&rows));
    }
}
