use crate::controls::iam::{
    identities, identity_subject, list, managed_policy_document, missing_because, phi_accounts,
};
use crate::prelude::*;

/// AWS's own full-administrator policy, recognised even when its document was not collected.
const ADMINISTRATOR_ACCESS: &str = ":iam::aws:policy/AdministratorAccess";

control! {
    /// # Requirement
    /// No IAM user, group or role holds a policy that allows every action on every resource
    /// (`"Action": "*"` on `"Resource": "*"`), whether a customer-managed policy, an AWS-managed
    /// policy such as `AdministratorAccess`, or an inline policy.
    ///
    /// # Rationale
    /// Full administrator rights include reading every PHI data store, turning off CloudTrail
    /// and deleting backups. HIPAA requires access to be authorised for each person's role
    /// (access authorisation, access establishment and modification) and minimum necessary;
    /// standing administrator access for everyday identities breaks both and turns any
    /// compromised credential into a full breach. Administration belongs to a few
    /// break-glass or just-in-time roles, each a documented, waived exception.
    ///
    /// # Evaluation
    /// For every IAM user, group and role (service-linked roles excepted), reads
    /// `attached_policies` (each policy's default-version document, looked up among the
    /// collected managed policies) and `inline_policies`. Fails when any of them has an Allow
    /// statement with `Action: "*"` and `Resource: "*"`, naming each such policy; an attached
    /// `AdministratorAccess` fails even if its document was not collected. Passes when none
    /// does. `error` when an attached policy's document is missing from the inventory and
    /// nothing else already fails. Evaluations are marked PHI when the account holds PHI.
    ///
    /// # Remediation
    /// Replace full-administrator policies with least-privilege policies for the job; keep
    /// administration in a small number of break-glass or just-in-time roles, MFA-protected,
    /// and record them as waivers in `phiguard.toml`.
    ///
    /// - Console: IAM → Users / Groups / Roles → Permissions → remove the policy; IAM Access
    ///   Analyzer → "Generate policy" from CloudTrail activity for a least-privilege one.
    /// - CLI: `aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AdministratorAccess`,
    ///   `aws iam delete-user-policy --user-name USER --policy-name NAME`, or
    ///   `aws iam create-policy-version --policy-arn ARN --policy-document file://least-privilege.json --set-as-default`.
    /// - Terraform: remove the `aws_iam_*_policy_attachment` of `AdministratorAccess` and
    ///   replace `"*"` actions in `aws_iam_policy` / `aws_iam_role_policy` documents with the
    ///   actions the workload needs.
    ///
    /// # References
    /// - AWS Config rule `iam-policy-no-statements-with-admin-access`; Prowler `iam_aws_attached_policy_no_administrative_privileges`, `iam_customer_attached_policy_no_administrative_privileges`, `iam_inline_policy_no_administrative_privileges`; CIS AWS Foundations 1.16
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege>
    id: "IAM-009",
    slug: "iam-no-admin-star-policies",
    title: "No user, group or role has a policy allowing all actions on all resources",
    severity: High,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: [
        "308(a)(1)(ii)(B)",
        "308(a)(3)(i)",
        "308(a)(3)(ii)(B)",
        "308(a)(4)(i)",
        "308(a)(4)(ii)(B)",
        "308(a)(4)(ii)(C)",
        "312(a)(1)",
    ],
    config_rules: ["iam-policy-no-statements-with-admin-access"],
    prowler_checks: [
        "iam_aws_attached_policy_no_administrative_privileges",
        "iam_customer_attached_policy_no_administrative_privileges",
        "iam_inline_policy_no_administrative_privileges",
    ],
    resource_kinds: [IamUser, IamGroup, IamRole],
    inputs: [Regional(IamUsers), Regional(IamGroups), Regional(IamRoles), Regional(IamPolicies)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let phi = phi_accounts(ctx);
    for identity in identities(ctx) {
        if identity.service_linked {
            continue;
        }
        let subject = identity_subject(ctx, identity.resource, &phi);
        let mut admin = Vec::new();
        let mut admin_names = Vec::new();
        let mut unknown = Vec::new();
        for policy in identity.attached {
            match managed_policy_document(ctx, &policy.arn) {
                Some(document) if document.grants_full_admin() => {
                    admin.push(format!("attached `{}`", policy.name));
                    admin_names.push(policy.name.as_str());
                }
                Some(_) => {}
                None if policy.arn.ends_with(ADMINISTRATOR_ACCESS) => {
                    admin.push(format!("attached `{}`", policy.name));
                    admin_names.push(policy.name.as_str());
                }
                None => unknown.push(format!("`{}`", policy.arn)),
            }
        }
        for policy in identity.inline {
            if policy.document.grants_full_admin() {
                admin.push(format!("inline `{}`", policy.name));
                admin_names.push(policy.name.as_str());
            }
        }
        let evidence = evidence![
            "attached_policies" => list(identity.attached.iter().map(|p| p.name.as_str())),
            "inline_policies" => list(identity.inline.iter().map(|p| p.name.as_str())),
            "admin_policies" => list(admin_names),
        ];
        let reason = if admin.is_empty() {
            None
        } else {
            Some(format!(
                "{} has full administrator access (`*` on `*`) through {}",
                identity.noun,
                admin.join(", ")
            ))
        };
        if let Some(reason) = reason {
            out.fail(subject, reason, evidence);
        } else if !unknown.is_empty() {
            let reason = missing_because(
                ctx,
                &identity.resource.account,
                IamPolicies,
                format!(
                    "the document of attached policy {} is missing from the inventory",
                    unknown.join(", ")
                ),
            );
            out.error(subject, reason, evidence);
        } else {
            out.pass(
                subject,
                format!("no policy of the {} allows `*` on `*`", identity.noun),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    let readonly = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    crate::control::Examples {
        pass: Fixture::new()
            .with(aws_policy("ReadOnlyAccess", allow("s3:Get*", "*"), 1))
            .with(group("auditors", |g| {
                g.attached_policies = vec![attached(readonly)]
            })),
        fail: Fixture::new()
            .with(aws_policy("AdministratorAccess", allow("*", "*"), 1))
            .with(group("admins", |g| {
                g.attached_policies = vec![attached(admin)]
            })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    fn fixture() -> Fixture {
        let custom_admin = policy_arn("everything");
        let scoped = policy_arn("scoped");
        Fixture::new()
            .with(customer_policy("everything", allow("*", "*"), 1))
            .with(customer_policy(
                "scoped",
                allow("s3:*", "arn:aws:s3:::reports/*"),
                1,
            ))
            // Not collected: recognised by ARN.
            .with(user("ops", |u| {
                u.attached_policies = vec![attached("arn:aws:iam::aws:policy/AdministratorAccess")];
            }))
            .with(user("reader", |u| {
                u.attached_policies = vec![attached(&scoped)]
            }))
            .with(user("lost", |u| {
                u.attached_policies = vec![attached(&policy_arn("not-collected"))];
            }))
            .with(group("builders", |g| {
                g.inline_policies = vec![inline("all", allow("*", "*"))];
            }))
            .with(role("deployer", r#"{"Statement":[]}"#, |r| {
                r.attached_policies = vec![attached(&custom_admin)];
            }))
            .with(role(
                "AWSServiceRoleForSupport",
                r#"{"Statement":[]}"#,
                |r| {
                    r.path = "/aws-service-role/support.amazonaws.com/".into();
                },
            ))
    }

    #[test]
    fn every_route_to_admin_fails() {
        let rows = fixture().run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:iam::111122223333:user/ops", Status::Fail),
                ("arn:aws:iam::111122223333:user/reader", Status::Pass),
                ("arn:aws:iam::111122223333:user/lost", Status::Error),
                ("arn:aws:iam::111122223333:group/builders", Status::Fail),
                ("arn:aws:iam::111122223333:role/deployer", Status::Fail),
            ]
        );
        assert_eq!(
            rows[3].reason,
            "group has full administrator access (`*` on `*`) through inline `all`"
        );
    }

    #[test]
    fn scoped_star_action_is_not_admin() {
        let rows = Fixture::new()
            .with(user("u", |u| {
                u.inline_policies = vec![inline("p", allow("*", "arn:aws:s3:::one"))];
            }))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass);
    }

    #[test]
    fn unreadable_inline_policies_are_an_error() {
        let mut u = user("u", |_| {});
        u.errors.push(phiguard_model::FieldError {
            field: "inline_policies".into(),
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
