use crate::controls::iam::{identities, identity_subject, list, phi_accounts};
use crate::prelude::*;

control! {
    /// # Requirement
    /// No IAM user, group or role has inline policies; permissions come from managed policies.
    ///
    /// # Rationale
    /// An inline policy is embedded in one identity: it cannot be reused, versioned, or listed
    /// with the account's other policies, so a review of "who can read PHI" that looks at
    /// managed policies misses it. Managed policies keep each permission set in one place with
    /// a version history, which is what HIPAA's requirement to authorise, establish and review
    /// access needs.
    ///
    /// # Evaluation
    /// Reads `inline_policies` of every IAM user, group and role; service-linked roles are
    /// skipped (AWS manages their policies). Fails naming the inline policies, passes when
    /// there are none; `error` when they could not be read.
    ///
    /// # Remediation
    /// Turn each inline policy into a customer-managed policy, attach it, then delete the
    /// inline copy.
    ///
    /// - Console: IAM → Users/Groups/Roles → the identity → Permissions → the inline policy →
    ///   copy its JSON → Policies → Create policy (paste) → attach it to the identity → remove
    ///   the inline policy.
    /// - CLI: `aws iam get-role-policy --role-name ROLE --policy-name NAME` (or `get-user-policy`
    ///   / `get-group-policy`), `aws iam create-policy --policy-name NAME --policy-document file://doc.json`,
    ///   `aws iam attach-role-policy --role-name ROLE --policy-arn ARN`, then
    ///   `aws iam delete-role-policy --role-name ROLE --policy-name NAME`.
    /// - Terraform: replace `aws_iam_role_policy` / `aws_iam_user_policy` / `aws_iam_group_policy`
    ///   with `aws_iam_policy` plus `aws_iam_role_policy_attachment` (or the user/group form).
    ///
    /// # References
    /// - AWS Config rule `iam-no-inline-policy-check`
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html>
    id: "IAM-201",
    slug: "iam-no-inline-policies",
    title: "IAM identities have no inline policies",
    severity: Low,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(i)", "308(a)(4)(i)", "308(a)(4)(ii)(B)", "308(a)(4)(ii)(C)", "312(a)(1)"],
    config_rules: ["iam-no-inline-policy-check"],
    prowler_checks: [],
    resource_kinds: [IamUser, IamGroup, IamRole],
    inputs: [Regional(IamUsers), Regional(IamGroups), Regional(IamRoles)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let phi = phi_accounts(ctx);
    for identity in identities(ctx) {
        if identity.service_linked {
            continue;
        }
        let subject = identity_subject(ctx, identity.resource, &phi);
        let names: Vec<&str> = identity.inline.iter().map(|p| p.name.as_str()).collect();
        let evidence = evidence!["inline_policies" => list(names.iter().copied())];
        if names.is_empty() {
            out.pass(
                subject,
                format!("the {} has no inline policies", identity.noun),
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!(
                    "the {} has inline policies: `{}`",
                    identity.noun,
                    names.join("`, `")
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(user("alice", |_| {})),
        fail: Fixture::new().with(user("alice", |u| {
            u.inline_policies = vec![inline("s3-read", allow("s3:GetObject", "*"))];
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    #[test]
    fn users_groups_and_roles() {
        let rows = Fixture::new()
            .with(user("alice", |_| {}))
            .with(group("clinicians", |g| {
                g.inline_policies = vec![inline("ehr-read", allow("s3:GetObject", "*"))];
            }))
            .with(role("app", r#"{"Statement":[]}"#, |r| {
                r.inline_policies = vec![inline("queue", allow("sqs:SendMessage", "*"))];
            }))
            .with(role(
                "AWSServiceRoleForSupport",
                r#"{"Statement":[]}"#,
                |r| {
                    r.path = "/aws-service-role/".into();
                    r.inline_policies = vec![inline("aws", allow("support:*", "*"))];
                },
            ))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
