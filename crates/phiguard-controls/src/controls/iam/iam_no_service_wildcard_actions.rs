use phiguard_model::policy::Statement;

use crate::controls::iam::{PolicyScan, scan_policies};
use crate::prelude::*;

control! {
    /// # Requirement
    /// No customer-managed or inline IAM policy allows every action of a service
    /// (`"Action": "s3:*"`, `"kms:*"`, ...).
    ///
    /// # Rationale
    /// `service:*` grants today's and tomorrow's actions of a service, including the
    /// destructive and the administrative ones (`s3:PutBucketPolicy`, `kms:ScheduleKeyDeletion`,
    /// `dynamodb:DeleteTable`). HIPAA requires access to ePHI to be authorised for each role and
    /// limited to what it needs; listing the actions a workload uses is how that limit is
    /// written down.
    ///
    /// # Evaluation
    /// Reads the default-version `document` of every customer-managed policy that is attached
    /// to at least one principal (`attachment_count`; unattached policies are not applicable)
    /// and the `inline_policies` of every user, group and role that has some (service-linked
    /// roles excepted). Fails when an Allow statement lists an action of the form `service:*`,
    /// whatever its resources, naming the statement; passes otherwise. `Action: "*"` is
    /// IAM-009's business; AWS-managed policies are not evaluated.
    ///
    /// # Remediation
    /// Replace `service:*` with the specific actions the workload needs (IAM Access Analyzer can
    /// generate them from CloudTrail activity).
    ///
    /// - Console: IAM → Policies → policy → Edit → JSON; or IAM → Roles → role → Permissions →
    ///   inline policy → Edit. Access Analyzer → Generate policy to start from real usage.
    /// - CLI: `aws iam create-policy-version --policy-arn ARN --policy-document file://scoped.json --set-as-default`
    ///   or `aws iam put-role-policy --role-name ROLE --policy-name NAME --policy-document file://scoped.json`.
    /// - Terraform: in `aws_iam_policy_document` statements, list `actions = ["s3:GetObject", "s3:PutObject"]`
    ///   instead of `["s3:*"]`.
    ///
    /// # References
    /// - AWS Config rule `iam-policy-no-statements-with-full-access`
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html>
    id: "IAM-010",
    slug: "iam-no-service-wildcard-actions",
    title: "No customer-managed or inline policy allows all actions of a service",
    severity: Medium,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(i)", "308(a)(4)(i)", "308(a)(4)(ii)(B)", "312(a)(1)"],
    config_rules: ["iam-policy-no-statements-with-full-access"],
    prowler_checks: [],
    resource_kinds: [IamPolicy, IamUser, IamGroup, IamRole],
    inputs: [Regional(IamPolicies), Regional(IamUsers), Regional(IamGroups), Regional(IamRoles)],
}

/// Whether an action pattern is `service:*`.
fn is_service_wildcard(action: &str) -> bool {
    action.split_once(':').is_some_and(|(service, rest)| {
        rest == "*"
            && !service.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

fn finding(statement: &Statement) -> Option<String> {
    let full: Vec<String> = statement
        .action
        .iter()
        .filter(|a| is_service_wildcard(a))
        .map(|a| format!("`{a}`"))
        .collect();
    (!full.is_empty()).then(|| format!("{} on `{}`", full.join(", "), statement.resource.join(",")))
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    scan_policies(
        ctx,
        out,
        &PolicyScan {
            finding,
            pass: "no statement allows all actions of a service",
            fail: "allows all actions of a service",
        },
    );
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(customer_policy(
            "reports",
            allow("s3:GetObject", "arn:aws:s3:::reports/*"),
            1,
        )),
        fail: Fixture::new().with(customer_policy(
            "reports",
            allow("s3:*", "arn:aws:s3:::reports/*"),
            1,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    #[test]
    fn what_counts_as_a_service_wildcard() {
        assert!(is_service_wildcard("s3:*"));
        assert!(is_service_wildcard("aws-marketplace:*"));
        assert!(!is_service_wildcard("*"));
        assert!(!is_service_wildcard("s3:Get*"));
        assert!(!is_service_wildcard("*:*") && !is_service_wildcard(":*"));
    }

    fn fixture() -> Fixture {
        Fixture::new()
            .with(customer_policy("unused", allow("s3:*", "*"), 0))
            .with(customer_policy(
                "mixed",
                doc(r#"{"Statement":[
                    {"Effect":"Deny","Action":"kms:*","Resource":"*"},
                    {"Sid":"Logs","Effect":"Allow","Action":["logs:*","s3:GetObject"],"Resource":"*"}]}"#),
                2,
            ))
            .with(aws_policy("AmazonS3FullAccess", allow("s3:*", "*"), 1))
            .with(role("app", r#"{"Statement":[]}"#, |r| {
                r.inline_policies = vec![
                    inline("ok", allow("dynamodb:GetItem", "*")),
                    inline("wide", allow("dynamodb:*", "arn:aws:dynamodb:us-east-1:111122223333:table/x")),
                ];
            }))
            .with(user("no-inline", |_| {}))
    }

    #[test]
    fn policies_and_inline_policies() {
        let rows = fixture().run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:iam::111122223333:policy/unused",
                    Status::NotApplicable
                ),
                ("arn:aws:iam::111122223333:policy/mixed", Status::Fail),
                ("arn:aws:iam::111122223333:role/app", Status::Fail),
            ]
        );
        assert_eq!(
            rows[1].reason,
            "allows all actions of a service: `logs:*` on `*`"
        );
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&fixture().run(&CONTROL)));
    }
}
