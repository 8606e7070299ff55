//! IAM controls: the root user, users' credentials, the password policy, identity policies and
//! role trust. Shared helpers for them (and for the other identity controls) live below the
//! module list.

pub mod iam_access_keys_rotated_90_days;
pub mod iam_no_admin_star_policies;
pub mod iam_no_inline_policies;
pub mod iam_no_kms_decrypt_on_all_keys;
pub mod iam_no_service_wildcard_actions;
pub mod iam_no_wildcard_marketplace_subscribe;
pub mod iam_password_policy_strong;
pub mod iam_phi_access_requires_mfa;
pub mod iam_root_account_hardware_mfa;
pub mod iam_root_account_no_access_keys;
pub mod iam_root_account_not_used;
pub mod iam_third_party_role_requires_external_id;
pub mod iam_unused_credentials_disabled;
pub mod iam_user_console_mfa;
pub mod iam_user_permissions_via_groups;
pub mod root_account_mfa_enabled;

use std::borrow::Cow;
use std::collections::HashSet;

use phiguard_model::kinds::{AttachedPolicy, CredentialReportRow, InlinePolicy};
use phiguard_model::policy::{Statement, action_matches};
use phiguard_model::{
    Account, DataSource, Details, GLOBAL, PolicyDocument, Resource, ResourceKind,
};
use phiguard_model::{Subject, Value, evidence};

use crate::ctx::{Ctx, Findings};

/// Evidence value listing several items.
pub(crate) fn list<'a, T: Into<Value<'a>>>(items: impl IntoIterator<Item = T>) -> Value<'a> {
    Value::List(items.into_iter().map(Into::into).collect())
}

/// `on 2026-03-02 (91 days ago)`: when something happened, for a reason.
pub(crate) fn on_day(ctx: &Ctx<'_>, at: phiguard_model::Timestamp) -> String {
    let date = at.strftime("%Y-%m-%d");
    match ctx.days_since(at) {
        0 => format!("on {date} (today)"),
        1 => format!("on {date} (1 day ago)"),
        n => format!("on {date} ({n} days ago)"),
    }
}

/// The accounts that hold PHI (a PHI-tagged resource, or declared PHI scope), computed once
/// per evaluation. Identity controls mark their evaluations `phi` when the identity's account
/// holds PHI: a user or role there can reach it.
pub(crate) fn phi_accounts<'a>(ctx: &Ctx<'a>) -> HashSet<&'a str> {
    let mut accounts: HashSet<&'a str> = ctx
        .settings
        .phi_accounts
        .iter()
        .map(String::as_str)
        .collect();
    accounts.extend(ctx.accounts_with_phi_resources().iter().copied());
    accounts
}

/// The subject for an IAM resource: PHI when the resource is, or when its account holds PHI.
pub(crate) fn identity_subject<'a>(
    ctx: &Ctx<'a>,
    resource: &'a Resource,
    phi_accounts: &HashSet<&'a str>,
) -> Subject<'a> {
    let mut subject = ctx.subject(resource);
    subject.phi |= phi_accounts.contains(resource.account.as_str());
    subject
}

/// The subject for one row of an account's credential report (an IAM user, global).
pub(crate) fn report_subject<'a>(
    account: &'a Account,
    row: &'a CredentialReportRow,
    phi: bool,
) -> Subject<'a> {
    Subject {
        id: Cow::Borrowed(&row.arn),
        kind: Some(ResourceKind::IamUser),
        account: Cow::Borrowed(&account.id),
        region: Cow::Borrowed(GLOBAL),
        phi,
        field_errors: &[],
    }
}

/// Runs `check` on every IAM user (non-root) row of every account's credential report. An
/// account whose report is empty gets `error` (the root row is always there when the report
/// was read); an account with no IAM users gets `not_applicable`.
pub(crate) fn for_each_user<'a>(
    ctx: &Ctx<'a>,
    out: &mut Findings<'a>,
    mut check: impl FnMut(Subject<'a>, &'a CredentialReportRow, &mut Findings<'a>),
) {
    let phi = phi_accounts(ctx);
    for account in ctx.accounts() {
        let account_phi = phi.contains(account.id.as_str());
        let report = &account.settings.credential_report;
        if report.is_empty() {
            out.error(
                Subject::account(&account.id, account_phi),
                "the credential report is missing from the inventory (it has no root row)",
                evidence![],
            );
            continue;
        }
        let mut users = 0;
        for row in report.iter().filter(|r| !r.is_root()) {
            users += 1;
            check(report_subject(account, row, account_phi), row, out);
        }
        if users == 0 {
            out.not_applicable(
                Subject::account(&account.id, account_phi),
                "the account has no IAM users",
                evidence![],
            );
        }
    }
}

/// The root user's row of an account's credential report.
pub(crate) fn root_row(account: &Account) -> Option<&CredentialReportRow> {
    account
        .settings
        .credential_report
        .iter()
        .find(|r| r.is_root())
}

/// Credential report column names for access keys 1 and 2: (active, last_rotated, last_used).
pub(crate) const KEY_COLUMNS: [(&str, &str, &str); 2] = [
    (
        "access_key_1_active",
        "access_key_1_last_rotated",
        "access_key_1_last_used_date",
    ),
    (
        "access_key_2_active",
        "access_key_2_last_rotated",
        "access_key_2_last_used_date",
    ),
];

/// The reason to give when data of a global `source` is missing for an account: the coverage
/// state, worded as the engine words a gap, when the source was not collected there; else
/// `fallback` (the inventory is inconsistent).
pub(crate) fn missing_because(
    ctx: &Ctx<'_>,
    account: &str,
    source: DataSource,
    fallback: String,
) -> String {
    match ctx.coverage(account, GLOBAL, source) {
        Some(state) if state.is_collected() => fallback,
        Some(state) => format!(
            "not evaluated: {source} in {account}/{GLOBAL}: {}",
            state.describe()
        ),
        None => format!("not evaluated: {source} in {account}/{GLOBAL}: not collected"),
    }
}

/// A user, group or role with its policies.
pub(crate) struct Identity<'a> {
    /// The resource.
    pub resource: &'a Resource,
    /// `user`, `group` or `role`.
    pub noun: &'static str,
    /// Attached managed policies.
    pub attached: &'a [AttachedPolicy],
    /// Inline policies.
    pub inline: &'a [InlinePolicy],
    /// A service-linked role (its policies are managed by AWS).
    pub service_linked: bool,
}

/// Every IAM user, group and role, in that order.
pub(crate) fn identities<'a>(ctx: &Ctx<'a>) -> Vec<Identity<'a>> {
    let users = ctx.iam_users().map(|(r, u)| Identity {
        resource: r,
        noun: "user",
        attached: &u.attached_policies,
        inline: &u.inline_policies,
        service_linked: false,
    });
    let groups = ctx.iam_groups().map(|(r, g)| Identity {
        resource: r,
        noun: "group",
        attached: &g.attached_policies,
        inline: &g.inline_policies,
        service_linked: false,
    });
    let roles = ctx.iam_roles().map(|(r, role)| Identity {
        resource: r,
        noun: "role",
        attached: &role.attached_policies,
        inline: &role.inline_policies,
        service_linked: role.is_service_linked(),
    });
    users.chain(groups).chain(roles).collect()
}

/// The document of a managed policy, looked up by ARN among the `iam_policy` resources.
pub(crate) fn managed_policy_document<'a>(ctx: &Ctx<'a>, arn: &str) -> Option<&'a PolicyDocument> {
    match &ctx.by_arn(arn)?.details {
        Details::IamPolicy(policy) => Some(&policy.document),
        _ => None,
    }
}

/// How a statement grants `action`, for a reason: `` `kms:Decrypt` `` when named,
/// `` `kms:Decrypt` (via `kms:*`) `` through a wildcard or `NotAction`; `None` if it does not.
pub(crate) fn granted(statement: &Statement, action: &str) -> Option<String> {
    let via: Vec<&str> = patterns_granting(statement, action)
        .into_iter()
        .filter(|p| !p.eq_ignore_ascii_case(action))
        .collect();
    if via.is_empty() {
        return statement
            .covers_action(action)
            .then(|| format!("`{action}`"));
    }
    Some(format!("`{action}` (via `{}`)", via.join("`, `")))
}

/// The action patterns of a statement that match `action` (`*`, `kms:*`, `kms:Decrypt`), or
/// `NotAction` when it is granted by omission.
pub(crate) fn patterns_granting<'s>(statement: &'s Statement, action: &str) -> Vec<&'s str> {
    if !statement.not_action.is_empty() {
        return if statement.covers_action(action) {
            vec!["NotAction"]
        } else {
            Vec::new()
        };
    }
    statement
        .action
        .iter()
        .filter(|p| action_matches(p, action))
        .map(String::as_str)
        .collect()
}

/// A content check of identity policies, run by [`scan_policies`].
pub(crate) struct PolicyScan {
    /// What an Allow statement grants that the control forbids (`kms:Decrypt on *`), or `None`.
    pub finding: fn(&Statement) -> Option<String>,
    /// The reason when nothing is found.
    pub pass: &'static str,
    /// The start of the reason when something is found (`allows full access to a service`).
    pub fail: &'static str,
}

fn findings(document: &PolicyDocument, finding: fn(&Statement) -> Option<String>) -> Vec<String> {
    document.allows().filter_map(finding).collect()
}

/// Evaluates every customer-managed policy (not applicable when it is attached to nothing) and
/// the inline policies of every user, group and role that has some (service-linked roles are
/// skipped: AWS manages their policies). AWS-managed policies are not evaluated here.
pub(crate) fn scan_policies<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>, scan: &PolicyScan) {
    let phi = phi_accounts(ctx);
    for (resource, policy) in ctx.iam_policies() {
        if policy.aws_managed {
            continue;
        }
        let subject = identity_subject(ctx, resource, &phi);
        let found = findings(&policy.document, scan.finding);
        let fail = (!found.is_empty()).then(|| format!("{}: {}", scan.fail, found.join("; ")));
        let evidence = evidence![
            "attachment_count" => policy.attachment_count,
            "document" => list(found.iter().map(|f| f.replace('`', ""))),
        ];
        if policy.attachment_count == 0 {
            out.not_applicable(
                subject,
                "the policy is not attached to any user, group or role",
                evidence,
            );
            continue;
        }
        match fail {
            Some(reason) => out.fail(subject, reason, evidence),
            None => out.pass(subject, scan.pass, evidence),
        }
    }
    for identity in identities(ctx) {
        let unreadable = identity.resource.field_error("inline_policies").is_some();
        if identity.service_linked || (identity.inline.is_empty() && !unreadable) {
            continue;
        }
        let subject = identity_subject(ctx, identity.resource, &phi);
        let found: Vec<String> = identity
            .inline
            .iter()
            .flat_map(|p| {
                findings(&p.document, scan.finding)
                    .into_iter()
                    .map(move |f| format!("`{}`: {f}", p.name))
            })
            .collect();
        let fail = (!found.is_empty()).then(|| {
            format!(
                "an inline policy of the {} {}: {}",
                identity.noun,
                scan.fail,
                found.join("; ")
            )
        });
        let evidence = evidence![
            "inline_policies" => list(identity.inline.iter().map(|p| p.name.as_str())),
            "findings" => list(found.iter().map(|f| f.replace('`', ""))),
        ];
        match fail {
            Some(reason) => out.fail(subject, reason, evidence),
            None => out.pass(subject, scan.pass, evidence),
        }
    }
}

/// Builders for the identity controls' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use phiguard_model::kinds::*;
    use phiguard_model::{GLOBAL, PolicyDocument, Resource};

    use crate::testkit::{ACCOUNT, ts};

    /// A policy document from JSON.
    pub fn doc(json: &str) -> PolicyDocument {
        PolicyDocument::from_json(json).expect("test policy")
    }

    /// A one-statement identity policy: `Allow ACTION on RESOURCE`.
    pub fn allow(action: &str, resource: &str) -> PolicyDocument {
        doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
        ))
    }

    /// An inline policy.
    pub fn inline(name: &str, document: PolicyDocument) -> InlinePolicy {
        InlinePolicy {
            name: name.into(),
            document,
        }
    }

    /// An attachment of a managed policy.
    pub fn attached(arn: &str) -> AttachedPolicy {
        AttachedPolicy {
            name: arn.rsplit('/').next().unwrap_or(arn).into(),
            arn: arn.into(),
        }
    }

    /// The ARN of a customer-managed policy of the fixture account.
    pub fn policy_arn(name: &str) -> String {
        format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
    }

    /// A customer-managed policy attached `attachments` times.
    pub fn customer_policy(name: &str, document: PolicyDocument, attachments: u32) -> Resource {
        Resource::new(
            policy_arn(name),
            ACCOUNT,
            GLOBAL,
            IamPolicy {
                aws_managed: false,
                attachment_count: attachments,
                document,
            },
        )
        .named(name)
    }

    /// An AWS-managed policy attached `attachments` times.
    pub fn aws_policy(name: &str, document: PolicyDocument, attachments: u32) -> Resource {
        Resource::new(
            format!("arn:aws:iam::aws:policy/{name}"),
            ACCOUNT,
            GLOBAL,
            IamPolicy {
                aws_managed: true,
                attachment_count: attachments,
                document,
            },
        )
        .named(name)
    }

    /// An IAM user of the fixture account.
    pub fn user(name: &str, edit: impl FnOnce(&mut IamUser)) -> Resource {
        let mut user = IamUser::default();
        edit(&mut user);
        Resource::new(
            format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            ACCOUNT,
            GLOBAL,
            user,
        )
        .named(name)
    }

    /// An IAM group of the fixture account.
    pub fn group(name: &str, edit: impl FnOnce(&mut IamGroup)) -> Resource {
        let mut group = IamGroup::default();
        edit(&mut group);
        Resource::new(
            format!("arn:aws:iam::{ACCOUNT}:group/{name}"),
            ACCOUNT,
            GLOBAL,
            group,
        )
        .named(name)
    }

    /// An IAM role of the fixture account with a trust policy from JSON.
    pub fn role(name: &str, trust: &str, edit: impl FnOnce(&mut IamRole)) -> Resource {
        let mut role = IamRole {
            path: "/".into(),
            trust_policy: doc(trust),
            ..IamRole::default()
        };
        edit(&mut role);
        Resource::new(
            format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            ACCOUNT,
            GLOBAL,
            role,
        )
        .named(name)
    }

    /// A credential report row for user `name`, created 2024-01-01, with nothing enabled.
    pub fn row(name: &str, edit: impl FnOnce(&mut CredentialReportRow)) -> CredentialReportRow {
        let mut row = CredentialReportRow {
            user: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            user_creation_time: Some(ts("2024-01-01T00:00:00Z")),
            password_enabled: false,
            password_last_used: None,
            password_last_changed: None,
            mfa_active: false,
            access_key_1: None,
            access_key_2: None,
        };
        edit(&mut row);
        row
    }

    /// The root user's row, created 2020-01-01, never used, no keys.
    pub fn root(edit: impl FnOnce(&mut CredentialReportRow)) -> CredentialReportRow {
        let mut root = row(CredentialReportRow::ROOT, |r| {
            r.arn = format!("arn:aws:iam::{ACCOUNT}:root");
            r.user_creation_time = Some(ts("2020-01-01T00:00:00Z"));
            r.password_enabled = true;
            r.mfa_active = true;
        });
        edit(&mut root);
        root
    }

    /// An access key as the credential report shows it.
    pub fn key(active: bool, last_rotated: &str, last_used: Option<&str>) -> CredentialReportKey {
        CredentialReportKey {
            active,
            last_rotated: Some(ts(last_rotated)),
            last_used: last_used.map(ts),
        }
    }
}
