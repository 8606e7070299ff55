use crate::controls::iam::{identity_subject, list, phi_accounts};
use crate::prelude::*;

control! {
    /// # Requirement
    /// IAM users receive permissions only through groups (or roles they assume), never through
    /// policies attached to or embedded in the user.
    ///
    /// # Rationale
    /// Permissions granted person by person drift: nobody can say who can reach PHI without
    /// reading every user, and leavers' and movers' access is missed. HIPAA requires access to
    /// be authorised, established and modified according to role; groups are the IAM
    /// expression of a role, and reviewing a handful of groups is feasible where reviewing
    /// every user is not.
    ///
    /// # Evaluation
    /// Reads `attached_policies` and `inline_policies` of every IAM user (and lists `groups`
    /// as evidence). Fails when the user has any attached managed policy or inline policy,
    /// naming them; passes when it has none. Evaluations are marked PHI when the account holds
    /// PHI.
    ///
    /// # Remediation
    /// Move each user's policies to a group that represents the role, add the user to it, and
    /// remove the user's own policies.
    ///
    /// - Console: IAM → User groups → Create group (attach the policies) → Add users; then IAM
    ///   → Users → user → Permissions → Remove.
    /// - CLI: `aws iam add-user-to-group --group-name ROLE --user-name alice`, then
    ///   `aws iam detach-user-policy --user-name alice --policy-arn ARN` and
    ///   `aws iam delete-user-policy --user-name alice --policy-name NAME`.
    /// - Terraform: replace `aws_iam_user_policy_attachment` / `aws_iam_user_policy` with
    ///   `aws_iam_group_policy_attachment` and `aws_iam_user_group_membership`.
    ///
    /// # References
    /// - AWS Config rule `iam-user-no-policies-check`; CIS AWS Foundations 1.15
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html>
    id: "IAM-011",
    slug: "iam-user-permissions-via-groups",
    title: "IAM users get permissions only through groups",
    severity: Low,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(i)", "308(a)(4)(ii)(B)", "308(a)(4)(ii)(C)", "312(a)(1)"],
    config_rules: ["iam-user-no-policies-check"],
    prowler_checks: [],
    resource_kinds: [IamUser],
    inputs: [Regional(IamUsers)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let phi = phi_accounts(ctx);
    for (resource, user) in ctx.iam_users() {
        let subject = identity_subject(ctx, resource, &phi);
        let own: Vec<String> = user
            .attached_policies
            .iter()
            .map(|p| format!("attached `{}`", p.name))
            .chain(
                user.inline_policies
                    .iter()
                    .map(|p| format!("inline `{}`", p.name)),
            )
            .collect();
        let evidence = evidence![
            "attached_policies" => list(user.attached_policies.iter().map(|p| p.name.as_str())),
            "inline_policies" => list(user.inline_policies.iter().map(|p| p.name.as_str())),
            "groups" => &user.groups,
        ];
        if own.is_empty() {
            out.pass(subject, "user has no policies of its own", evidence);
        } else {
            out.fail(
                subject,
                format!("user has policies of its own: {}", own.join(", ")),
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
        pass: Fixture::new().with(user("alice", |u| u.groups = vec!["clinicians".into()])),
        fail: Fixture::new().with(user("alice", |u| {
            u.attached_policies = vec![attached("arn:aws:iam::aws:policy/ReadOnlyAccess")];
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    fn fixture() -> Fixture {
        Fixture::new()
            .with(user("grouped", |u| u.groups = vec!["billing".into()]))
            .with(user("inline", |u| {
                u.inline_policies = vec![inline("s3-read", allow("s3:GetObject", "*"))];
            }))
            .with(user("both", |u| {
                u.attached_policies = vec![attached("arn:aws:iam::aws:policy/ReadOnlyAccess")];
                u.inline_policies = vec![inline("extra", allow("sqs:SendMessage", "*"))];
            }))
    }

    #[test]
    fn own_policies_fail() {
        let rows = fixture().run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:iam::111122223333:user/grouped", Status::Pass),
                ("arn:aws:iam::111122223333:user/inline", Status::Fail),
                ("arn:aws:iam::111122223333:user/both", Status::Fail),
            ]
        );
        assert_eq!(
            rows[2].reason,
            "user has policies of its own: attached `ReadOnlyAccess`, inline `extra`"
        );
    }

    #[test]
    fn unreadable_attachments_are_an_error() {
        let mut u = user("u", |_| {});
        u.errors.push(phiguard_model::FieldError {
            field: "attached_policies".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(u).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&fixture().run(&CONTROL)));
    }
}
