use phiguard_model::policy::{Effect, Principal, Statement, resource_matches};
use phiguard_model::{PolicyDocument, ResourceKind};

use crate::controls::iam::{granted, identity_subject, managed_policy_document, phi_accounts};
use crate::ctx::FastMap;
use crate::prelude::*;

/// Actions that read or write the data in a PHI store (objects, items, rows, ciphertext).
pub(crate) const PHI_DATA_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PartiQLSelect",
    "rds-data:ExecuteStatement",
    "rds-db:connect",
    "kms:Decrypt",
    "secretsmanager:GetSecretValue",
];

control! {
    /// # Requirement
    /// Every IAM policy statement that lets a person read or write PHI data requires
    /// multi-factor authentication: the grant carries an `aws:MultiFactorAuthPresent` (or
    /// `aws:MultiFactorAuthAge`) condition, a Deny without MFA covers it, or — for roles — the
    /// trust policy only lets principals assume the role with MFA.
    ///
    /// # Rationale
    /// A console MFA requirement does not protect access keys: a leaked key of a user who may
    /// read the PHI bucket reads it without any second factor. Putting the MFA condition on
    /// the grant itself makes every path to the data — console, CLI, SDK — need the second
    /// factor. HIPAA requires person or entity authentication for access to ePHI.
    ///
    /// # Evaluation
    /// PHI resources are the resources in PHI scope (by tag or by account) of each account.
    /// For every IAM user (with the policies of its groups) and every role that AWS
    /// principals may assume (roles trusted only by services or identity providers are
    /// skipped: their sessions never carry MFA context; service-linked roles too) in an account
    /// holding PHI, reads the inline policies and the documents of attached managed policies
    /// (`iam_policy` resources). A statement grants PHI data access when it allows one of
    /// `s3:GetObject`, `s3:GetObjectVersion`, `s3:PutObject`, `dynamodb:GetItem`,
    /// `dynamodb:BatchGetItem`, `dynamodb:Query`, `dynamodb:Scan`, `dynamodb:PartiQLSelect`,
    /// `rds-data:ExecuteStatement`, `rds-db:connect`, `kms:Decrypt` or
    /// `secretsmanager:GetSecretValue` (directly or by wildcard or `NotAction`) on `*`, on a
    /// PHI resource's ARN or on objects under it (`NotResource` counts as matching). Such a
    /// grant is MFA-protected when it has a `Bool`/`NumericLessThan` condition on
    /// `aws:MultiFactorAuthPresent` = `true` / `aws:MultiFactorAuthAge`, when a Deny statement
    /// of the same identity covering the action on `*` applies when
    /// `aws:MultiFactorAuthPresent` is `false`, or (roles) when every Allow of the trust
    /// policy requires MFA. Fails naming the unprotected grants, passes otherwise (also when
    /// the identity grants no PHI data access); `error` when an attached policy's document is
    /// not in the inventory. Which resources are PHI depends on the other data sources: a
    /// resource not collected cannot be recognised as PHI.
    ///
    /// # Remediation
    /// Add the MFA condition to the statements that grant PHI data access, or attach a
    /// force-MFA policy (`phiguard policy force-mfa` generates one), or require MFA in the
    /// role's trust policy.
    ///
    /// - Console: IAM → Policies → the policy → Edit → on the statement add a condition `Bool`
    ///   `aws:MultiFactorAuthPresent` = `true` → Save; for roles, Trust relationships → Edit →
    ///   same condition on `sts:AssumeRole`.
    /// - CLI: `aws iam create-policy-version --policy-arn POLICY_ARN --set-as-default --policy-document file://with-mfa.json`
    ///   (the document with `"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}`).
    /// - Terraform: a `condition { test = "Bool" variable = "aws:MultiFactorAuthPresent"
    ///   values = ["true"] }` block in the `aws_iam_policy_document` statement.
    ///
    /// # References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent>
    id: "IAM-202",
    slug: "iam-phi-access-requires-mfa",
    title: "IAM grants of PHI data access require MFA",
    severity: High,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["312(d)", "312(a)(1)", "308(a)(4)(ii)(C)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [IamUser, IamRole],
    inputs: [Regional(IamUsers), Regional(IamGroups), Regional(IamRoles), Regional(IamPolicies)],
}

/// Whether a statement's own conditions require MFA.
pub(crate) fn requires_mfa(statement: &Statement) -> bool {
    let present = statement
        .condition_values("aws:MultiFactorAuthPresent")
        .iter()
        .any(|(op, values)| {
            op.eq_ignore_ascii_case("Bool") && values.iter().any(|v| v.eq_ignore_ascii_case("true"))
        });
    let age = statement
        .condition_values("aws:MultiFactorAuthAge")
        .iter()
        .any(|(op, values)| op.starts_with("NumericLess") && !values.is_empty());
    present || age
}

/// Whether a Deny statement denies its actions when MFA is absent.
fn denies_without_mfa(statement: &Statement) -> bool {
    statement.effect == Effect::Deny
        && statement.on_all_resources()
        && statement
            .condition_values("aws:MultiFactorAuthPresent")
            .iter()
            .any(|(op, values)| {
                op.to_ascii_lowercase().starts_with("bool")
                    && values.iter().any(|v| v.eq_ignore_ascii_case("false"))
            })
}

/// Whether a statement's resources reach a PHI resource.
fn reaches_phi(statement: &Statement, phi_arns: &[&str]) -> bool {
    if !statement.not_resource.is_empty() || statement.on_all_resources() {
        return true;
    }
    statement.resource.iter().any(|pattern| {
        phi_arns.iter().any(|arn| {
            resource_matches(pattern, arn) || resource_matches(pattern, &format!("{arn}/object"))
        })
    })
}

/// Whether a role's trust policy lets some AWS principal assume it, and whether every such
/// grant requires MFA.
fn human_trust(trust: &PolicyDocument) -> Option<bool> {
    let aws: Vec<&Statement> = trust
        .allows()
        .filter(|s| match &s.principal {
            Some(Principal::Wildcard(_)) => true,
            Some(p @ Principal::Map(_)) => !p.ids("AWS").is_empty(),
            None => false,
        })
        .collect();
    if aws.is_empty() {
        None
    } else {
        Some(aws.iter().all(|s| requires_mfa(s)))
    }
}

struct Docs<'a> {
    docs: Vec<(String, &'a PolicyDocument)>,
    missing: Vec<&'a str>,
}

fn collect_docs<'a>(
    ctx: &Ctx<'a>,
    docs: &mut Docs<'a>,
    owner: &str,
    attached: &'a [AttachedPolicy],
    inline: &'a [InlinePolicy],
) {
    for p in inline {
        docs.docs
            .push((format!("{owner}inline `{}`", p.name), &p.document));
    }
    for p in attached {
        match managed_policy_document(ctx, &p.arn) {
            Some(d) => docs.docs.push((format!("{owner}`{}`", p.name), d)),
            None => docs.missing.push(&p.arn),
        }
    }
}

fn judge<'a>(
    out: &mut Findings<'a>,
    subject: Subject<'a>,
    docs: &Docs<'a>,
    phi_arns: &[&str],
    trust_mfa: bool,
) {
    let denies: Vec<&Statement> = docs
        .docs
        .iter()
        .flat_map(|(_, d)| d.statements.iter())
        .filter(|s| denies_without_mfa(s))
        .collect();
    let mut unprotected: Vec<String> = Vec::new();
    let mut protected = 0usize;
    for (name, doc) in &docs.docs {
        for statement in doc.allows() {
            if !reaches_phi(statement, phi_arns) {
                continue;
            }
            let actions: Vec<String> = PHI_DATA_ACTIONS
                .iter()
                .filter(|a| !denies.iter().any(|d| d.covers_action(a)))
                .filter_map(|a| granted(statement, a))
                .collect();
            let any = PHI_DATA_ACTIONS.iter().any(|a| statement.covers_action(a));
            if !any {
                continue;
            }
            if trust_mfa || requires_mfa(statement) || actions.is_empty() {
                protected += 1;
            } else {
                unprotected.push(format!("{name} allows {}", actions.join(", ")));
            }
        }
    }
    let evidence = evidence![
        "policies" => Value::List(docs.docs.iter().map(|(n, _)| Value::from(n.replace('`', ""))).collect()),
        "mfa_protected_grants" => protected,
        "unprotected_grants" => Value::List(unprotected.iter().map(|u| Value::from(u.replace('`', ""))).collect()),
    ];
    if !unprotected.is_empty() {
        out.fail(
            subject,
            format!(
                "grants PHI data access without MFA: {}",
                unprotected.join("; ")
            ),
            evidence,
        );
    } else if !docs.missing.is_empty() {
        out.error(
            subject,
            format!(
                "not evaluated: attached policy document(s) `{}` are not in the inventory",
                docs.missing.join("`, `")
            ),
            evidence,
        );
    } else if protected == 0 {
        out.pass(subject, "grants no PHI data access", evidence);
    } else {
        out.pass(
            subject,
            format!("all {protected} grant(s) of PHI data access require MFA"),
            evidence,
        );
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let phi = phi_accounts(ctx);
    // Lookup-only maps (never iterated): foldhash.
    let mut phi_arns: FastMap<&'a str, Vec<&'a str>> = FastMap::default();
    for (resource, is_phi) in ctx.all_resources() {
        let identity = matches!(
            resource.kind(),
            ResourceKind::IamUser
                | ResourceKind::IamGroup
                | ResourceKind::IamRole
                | ResourceKind::IamPolicy
        );
        if is_phi && !identity {
            phi_arns
                .entry(resource.account.as_str())
                .or_default()
                .push(resource.arn.as_str());
        }
    }
    let groups: FastMap<(&str, &str), &'a Resource> = ctx
        .iam_groups()
        .filter_map(|(r, _)| Some(((r.account.as_str(), r.name.as_deref()?), r)))
        .collect();
    for (resource, user) in ctx.iam_users() {
        let Some(arns) = phi_arns.get(resource.account.as_str()) else {
            continue;
        };
        let mut docs = Docs {
            docs: Vec::new(),
            missing: Vec::new(),
        };
        collect_docs(
            ctx,
            &mut docs,
            "",
            &user.attached_policies,
            &user.inline_policies,
        );
        for name in &user.groups {
            if let Some(g) = groups.get(&(resource.account.as_str(), name.as_str()))
                && let phiguard_model::Details::IamGroup(group) = &g.details
            {
                let owner = format!("group `{name}`: ");
                collect_docs(
                    ctx,
                    &mut docs,
                    &owner,
                    &group.attached_policies,
                    &group.inline_policies,
                );
            }
        }
        judge(
            out,
            identity_subject(ctx, resource, &phi),
            &docs,
            arns,
            false,
        );
    }
    for (resource, role) in ctx.iam_roles() {
        let Some(arns) = phi_arns.get(resource.account.as_str()) else {
            continue;
        };
        if role.is_service_linked() {
            continue;
        }
        let Some(trust_mfa) = human_trust(&role.trust_policy) else {
            continue;
        };
        let mut docs = Docs {
            docs: Vec::new(),
            missing: Vec::new(),
        };
        collect_docs(
            ctx,
            &mut docs,
            "",
            &role.attached_policies,
            &role.inline_policies,
        );
        judge(
            out,
            identity_subject(ctx, resource, &phi),
            &docs,
            arns,
            trust_mfa,
        );
    }
}

#[cfg(test)]
const BUCKET: &str = "arn:aws:s3:::phi-records";

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    let with_mfa = doc(&format!(
        r#"{{"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"{BUCKET}/*","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}]}}"#
    ));
    crate::control::Examples {
        pass: Fixture::new()
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .with(user("alice", |u| {
                u.inline_policies = vec![inline("ehr", with_mfa)]
            })),
        fail: Fixture::new()
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .with(user("alice", |u| {
                u.inline_policies =
                    vec![inline("ehr", allow("s3:GetObject", &format!("{BUCKET}/*")))];
            })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    const FORCE_MFA: &str = r#"{"Statement":[{"Effect":"Deny","NotAction":["iam:*MFA*","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;

    #[test]
    fn grants_denies_groups_and_roles() {
        let rows = Fixture::new()
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .with(s3_bucket("public-site", |_| {}))
            .with(user("bob", |u| {
                u.inline_policies = vec![inline("site", allow("s3:GetObject", "arn:aws:s3:::public-site/*"))];
            }))
            .with(user("carol", |u| {
                u.groups = vec!["clinicians".into()];
            }))
            .with(group("clinicians", |g| {
                g.inline_policies = vec![
                    inline("ehr", allow("s3:*", "*")),
                    inline("force-mfa", doc(FORCE_MFA)),
                ];
            }))
            .with(user("dave", |u| {
                u.attached_policies = vec![attached("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")];
            }))
            .with(aws_policy("AmazonS3ReadOnlyAccess", allow("s3:Get*", "*"), 1))
            .with(user("erin", |u| {
                u.attached_policies = vec![attached(&policy_arn("gone"))];
            }))
            .with(role(
                "analyst",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
                |r| r.inline_policies = vec![inline("ehr", allow("s3:GetObject", "*"))],
            ))
            .with(role(
                "lambda-app",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
                |r| r.inline_policies = vec![inline("ehr", allow("s3:GetObject", "*"))],
            ))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:iam::111122223333:user/bob", Status::Pass),
                ("arn:aws:iam::111122223333:user/carol", Status::Pass),
                ("arn:aws:iam::111122223333:user/dave", Status::Fail),
                ("arn:aws:iam::111122223333:user/erin", Status::Error),
                ("arn:aws:iam::111122223333:role/analyst", Status::Pass),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn accounts_without_phi_are_skipped() {
        let rows = Fixture::new()
            .with(user("alice", |u| {
                u.inline_policies = vec![inline("all", allow("*", "*"))]
            }))
            .run(&CONTROL);
        assert!(rows.is_empty(), "{rows:?}");
    }
}
