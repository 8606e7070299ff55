use std::collections::BTreeSet;

use phiguard_model::policy::{Principal, Statement};

use crate::controls::iam::{identity_subject, list, phi_accounts};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every IAM role that another organisation's AWS account (a vendor, an MSP, a SaaS
    /// monitoring tool) can assume requires an `sts:ExternalId` in its trust policy, and no
    /// role can be assumed by every AWS account.
    ///
    /// # Rationale
    /// A third party that assumes roles in many customers' accounts can be tricked into using
    /// its access on behalf of someone else (the confused-deputy problem); the ExternalId the
    /// customer agrees with the vendor closes that door. A trust policy open to `*` lets any
    /// AWS account in the world in. HIPAA requires that access to ePHI be authorised and that
    /// business associates' access rest on an agreement; the trust policy is where that
    /// agreement is enforced.
    ///
    /// # Evaluation
    /// Reads the `trust_policy` of every IAM role. Looks at Allow statements covering
    /// `sts:AssumeRole` with AWS principals. An account is third-party when it is neither one
    /// of the scanned accounts nor listed in `trusted_accounts` in `phiguard.toml`. Fails when
    /// a third-party account is trusted without an `sts:ExternalId` condition; fails (and says
    /// so first) when the principal is `*` without any condition, or `*` with conditions that
    /// do not limit the caller's account or organisation (`aws:PrincipalAccount`,
    /// `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`; an ExternalId alone is not a secret).
    /// Passes when every third-party account must present an ExternalId. Not applicable for
    /// service-linked roles and roles only AWS services, federated identities or first-party
    /// accounts can assume. Principals that are unique ids of deleted identities cannot be
    /// assumed by anyone and are ignored. Evaluations are marked PHI when the account holds
    /// PHI.
    ///
    /// # Remediation
    /// Agree a unique ExternalId with each vendor and require it in the role's trust policy;
    /// remove trust in accounts you do not have a contract (and a BAA, if they touch PHI) with.
    ///
    /// - Console: IAM → Roles → role → Trust relationships → Edit trust policy; add
    ///   `"Condition": {"StringEquals": {"sts:ExternalId": "VALUE-FROM-VENDOR"}}`.
    /// - CLI: `aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json`.
    /// - Terraform: in the role's `assume_role_policy` document, add
    ///   `condition { test = "StringEquals" variable = "sts:ExternalId" values = [var.vendor_external_id] }`.
    /// - CloudFormation: `AssumeRolePolicyDocument` → `Condition: { StringEquals: { "sts:ExternalId": !Ref VendorExternalId } }`.
    ///
    /// # References
    /// - Prowler `iam_role_cross_account_readonlyaccess_policy` and `iam_role_cross_service_confused_deputy_prevention` (related, not HIPAA-mapped)
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>
    id: "IAM-013",
    slug: "iam-third-party-role-requires-external-id",
    title: "Roles trusted by third-party accounts require an ExternalId",
    severity: High,
    seed_area: ThirdParties,
    shared_area: AccessManagement,
    citations: ["308(a)(4)(ii)(B)", "308(b)(1)", "312(a)(1)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [IamRole],
    inputs: [Regional(IamRoles)],
}

/// Who an AWS principal id names.
#[derive(Debug, PartialEq, Eq)]
enum Who<'p> {
    /// `*` or `arn:aws:iam::*:root`.
    Anyone,
    /// A 12-digit account (from an account id or a principal ARN).
    Account(&'p str),
    /// A unique id (`AROA...`) left by a deleted principal: nobody can use it.
    Unresolved,
}

fn who(id: &str) -> Who<'_> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if id == "*" {
        return Who::Anyone;
    }
    if is_account(id) {
        return Who::Account(id);
    }
    match phiguard_model::arn::Arn::parse(id) {
        Some(arn) if arn.account.contains('*') => Who::Anyone,
        Some(arn) if is_account(arn.account) => Who::Account(arn.account),
        _ => Who::Unresolved,
    }
}

/// Statement text for evidence: principals and condition keys, never condition values.
fn describe(statement: &Statement) -> String {
    let mut text = String::from("Allow sts:AssumeRole to ");
    match (&statement.principal, &statement.not_principal) {
        (_, Some(_)) => text.push_str("everyone but NotPrincipal"),
        (Some(Principal::Wildcard(p)), None) => text.push_str(p),
        (Some(Principal::Map(map)), None) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(kind, ids)| format!("{kind}:{}", ids.iter().collect::<Vec<_>>().join(",")))
                .collect();
            text.push_str(&parts.join(" "));
        }
        (None, None) => text.push_str("nobody"),
    }
    let keys = condition_keys(statement);
    if !keys.is_empty() {
        text.push_str(" if ");
        text.push_str(&keys.into_iter().collect::<Vec<_>>().join(", "));
    }
    text
}

fn condition_keys(statement: &Statement) -> BTreeSet<&str> {
    statement
        .condition
        .values()
        .flat_map(|keys| keys.keys().map(String::as_str))
        .collect()
}

/// What one role's trust policy allows, gathered over its statements.
#[derive(Default)]
struct Trust<'a> {
    /// `*` with no condition at all.
    open: bool,
    /// `*` with conditions that do not limit the caller's account.
    open_with_conditions: BTreeSet<&'a str>,
    /// Third-party accounts trusted without an ExternalId.
    without_external_id: BTreeSet<&'a str>,
    /// Third-party accounts that must present an ExternalId.
    with_external_id: BTreeSet<&'a str>,
}

fn analyse<'a>(statements: &'a [Statement], first_party: &BTreeSet<&str>) -> Trust<'a> {
    let mut trust = Trust::default();
    for statement in statements {
        if statement.effect != phiguard_model::policy::Effect::Allow
            || !statement.covers_action("sts:AssumeRole")
        {
            continue;
        }
        let ids: Vec<&str> = match (&statement.principal, &statement.not_principal) {
            (_, Some(_)) => vec!["*"],
            (Some(principal), None) => principal.ids("AWS"),
            (None, None) => Vec::new(),
        };
        let external_id = !statement.condition_values("sts:ExternalId").is_empty();
        let by_org = !statement.condition_values("aws:PrincipalOrgID").is_empty()
            || !statement
                .condition_values("aws:PrincipalOrgPaths")
                .is_empty();
        let by_account: Vec<&str> = statement
            .condition_values("aws:PrincipalAccount")
            .into_iter()
            .flat_map(|(_, values)| values.iter().map(String::as_str))
            .collect();
        let mut accounts: Vec<&str> = Vec::new();
        for id in ids {
            match who(id) {
                Who::Anyone if !statement.has_condition() => trust.open = true,
                Who::Anyone if by_org => {}
                Who::Anyone if !by_account.is_empty() => accounts.extend(&by_account),
                Who::Anyone => trust.open_with_conditions.extend(condition_keys(statement)),
                Who::Account(account) => accounts.push(account),
                Who::Unresolved => {}
            }
        }
        for account in accounts {
            if first_party.contains(account) {
                continue;
            }
            if external_id {
                trust.with_external_id.insert(account);
            } else {
                trust.without_external_id.insert(account);
            }
        }
    }
    trust
}

/// `account `1`` or `accounts `1`, `2``.
fn accounts(items: &BTreeSet<&str>) -> String {
    let noun = if items.len() == 1 {
        "account"
    } else {
        "accounts"
    };
    format!("{noun} {}", ticked(items))
}

fn ticked(items: &BTreeSet<&str>) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let phi = phi_accounts(ctx);
    let first_party: BTreeSet<&str> = ctx
        .accounts()
        .iter()
        .map(|a| a.id.as_str())
        .chain(ctx.settings.trusted_accounts.iter().map(String::as_str))
        .collect();
    for (resource, role) in ctx.iam_roles() {
        let subject = identity_subject(ctx, resource, &phi);
        let statements = &role.trust_policy.statements;
        let assume: Vec<String> = statements
            .iter()
            .filter(|s| {
                s.effect == phiguard_model::policy::Effect::Allow
                    && s.covers_action("sts:AssumeRole")
            })
            .map(describe)
            .collect();
        if role.is_service_linked() {
            out.not_applicable(
                subject,
                "service-linked role: AWS manages its trust policy",
                evidence!["path" => &role.path],
            );
            continue;
        }
        let trust = analyse(statements, &first_party);
        let third_party: BTreeSet<&str> = trust
            .without_external_id
            .union(&trust.with_external_id)
            .copied()
            .collect();
        let evidence = evidence![
            "trust_policy" => list(assume),
            "third_party_accounts" => list(third_party.iter().copied()),
            "trusted_accounts" => &ctx.settings.trusted_accounts,
        ];
        if trust.open {
            out.fail(
                subject,
                "critical: any principal in any AWS account can assume the role (`Principal: *` without conditions)",
                evidence,
            );
        } else if !trust.open_with_conditions.is_empty() {
            out.fail(
                subject,
                format!(
                    "any AWS account can assume the role: `Principal: *` is only conditioned on {}, which does not limit the caller's account",
                    ticked(&trust.open_with_conditions)
                ),
                evidence,
            );
        } else if !trust.without_external_id.is_empty() {
            out.fail(
                subject,
                format!(
                    "third-party {} can assume the role without an `sts:ExternalId` condition",
                    accounts(&trust.without_external_id)
                ),
                evidence,
            );
        } else if !trust.with_external_id.is_empty() {
            out.pass(
                subject,
                format!(
                    "third-party {} must present an ExternalId",
                    accounts(&trust.with_external_id)
                ),
                evidence,
            );
        } else {
            out.not_applicable(
                subject,
                "no third-party AWS account can assume the role",
                evidence,
            );
        }
    }
}

#[cfg(test)]
const VENDOR_WITH_EXTERNAL_ID: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
    "Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole",
    "Condition":{"StringEquals":{"sts:ExternalId":"example-external-id"}}}]}"#;

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(role("vendor-monitoring", VENDOR_WITH_EXTERNAL_ID, |_| {})),
        fail: Fixture::new().with(role(
            "vendor-monitoring",
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole"}]}"#,
            |_| {},
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    fn trust(principal: &str, condition: &str) -> String {
        format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
        )
    }

    fn verdict(trust_policy: &str) -> Row {
        Fixture::new()
            .with(role("r", trust_policy, |_| {}))
            .settings(|s| s.trusted_accounts = vec!["222233334444".into()])
            .run(&CONTROL)
            .remove(0)
    }

    #[test]
    fn principal_ids() {
        assert_eq!(who("*"), Who::Anyone);
        assert_eq!(who("arn:aws:iam::*:root"), Who::Anyone);
        assert_eq!(who("999988887777"), Who::Account("999988887777"));
        assert_eq!(
            who("arn:aws:iam::999988887777:role/x"),
            Who::Account("999988887777")
        );
        assert_eq!(who("AROAEXAMPLEDELETEDROLE"), Who::Unresolved);
    }

    #[test]
    fn wildcard_principals() {
        let open = verdict(&trust(r#""*""#, ""));
        assert_eq!(open.status, Status::Fail);
        assert!(open.reason.starts_with("critical:"), "{open:?}");
        let aws_star = verdict(&trust(r#"{"AWS":"*"}"#, ""));
        assert!(aws_star.reason.starts_with("critical:"), "{aws_star:?}");
        let external_id_only = verdict(&trust(
            r#"{"AWS":"*"}"#,
            r#","Condition":{"StringEquals":{"sts:ExternalId":"x"}}"#,
        ));
        assert_eq!(external_id_only.status, Status::Fail);
        assert!(external_id_only.reason.contains("`sts:ExternalId`"));
        let org = verdict(&trust(
            r#"{"AWS":"*"}"#,
            r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#,
        ));
        assert_eq!(org.status, Status::NotApplicable);
        let vendor_account = verdict(&trust(
            r#"{"AWS":"*"}"#,
            r#","Condition":{"StringEquals":{"aws:PrincipalAccount":"999988887777"}}"#,
        ));
        assert_eq!(vendor_account.status, Status::Fail);
        assert!(vendor_account.reason.contains("`999988887777`"));
        let not_principal = verdict(
            r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"999988887777"},"Action":"sts:AssumeRole"}]}"#,
        );
        assert!(not_principal.reason.starts_with("critical:"));
    }

    #[test]
    fn first_party_service_and_federated_are_not_applicable() {
        for principal in [
            r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
            r#"{"AWS":"222233334444"}"#,
            r#"{"Service":"ec2.amazonaws.com"}"#,
            r#"{"AWS":"AROAEXAMPLEDELETEDROLE"}"#,
        ] {
            assert_eq!(
                verdict(&trust(principal, "")).status,
                Status::NotApplicable,
                "{principal}"
            );
        }
        let federated = verdict(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#,
        );
        assert_eq!(federated.status, Status::NotApplicable);
    }

    #[test]
    fn third_party_with_and_without_external_id() {
        assert_eq!(verdict(VENDOR_WITH_EXTERNAL_ID).status, Status::Pass);
        let mixed = verdict(
            r#"{"Statement":[
                {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999988887777:root"]},"Action":"sts:AssumeRole",
                 "Condition":{"StringEquals":{"sts:ExternalId":"x"}}},
                {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::555566667777:role/partner"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#,
        );
        assert_eq!(mixed.status, Status::Fail);
        assert_eq!(
            mixed.reason,
            "third-party account `555566667777` can assume the role without an `sts:ExternalId` condition"
        );
        let denied = verdict(
            r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole"}]}"#,
        );
        assert_eq!(denied.status, Status::NotApplicable);
    }

    #[test]
    fn scanned_accounts_are_first_party_and_service_linked_roles_skipped() {
        let mut second = Fixture::new();
        second.inventory.accounts.push(phiguard_model::Account {
            id: "999988887777".into(),
            name: None,
            regions: vec![],
            settings: Default::default(),
        });
        let rows = second
            .with(role(
                "org-admin",
                &trust(r#"{"AWS":"arn:aws:iam::999988887777:root"}"#, ""),
                |_| {},
            ))
            .with(role(
                "AWSServiceRoleForSupport",
                &trust(r#""*""#, ""),
                |r| {
                    r.path = "/aws-service-role/support.amazonaws.com/".into();
                },
            ))
            .run(&CONTROL);
        // The second account has no coverage at all: the engine says so for it.
        let ours: Vec<&Row> = rows
            .iter()
            .filter(|r| r.resource.contains(ACCOUNT))
            .collect();
        assert_eq!(ours.len(), 2);
        assert!(
            ours.iter().all(|r| r.status == Status::NotApplicable),
            "{rows:#?}"
        );
    }

    #[test]
    fn report() {
        let rows = Fixture::new()
            .with(role("vendor-ok", VENDOR_WITH_EXTERNAL_ID, |_| {}))
            .with(role(
                "vendor-no-id",
                &trust(
                    r#"{"AWS":["arn:aws:iam::555566667777:root","AROAEXAMPLEDELETEDROLE"]}"#,
                    "",
                ),
                |_| {},
            ))
            .with(role("open", &trust(r#""*""#, ""), |_| {}))
            .with(role(
                "ec2",
                &trust(r#"{"Service":"ec2.amazonaws.com"}"#, ""),
                |_| {},
            ))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
    }
}
