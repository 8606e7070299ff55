//! IAM users, groups, roles and managed policies: one paginated
//! `GetAccountAuthorizationDetails` for the structure and policy documents, then per user
//! the MFA devices, access keys (with last use) and console password.

use std::collections::BTreeMap;

use futures::StreamExt;
use phiguard_model::kinds::{
    AccessKey, AttachedPolicy, IamGroup, IamPolicy, IamRole, IamUser, InlinePolicy, MfaDevice,
};
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, absent_if, field};
use crate::client;
use crate::convert::{policy, tags, ts};
use crate::scope::Scope;

const SOURCES: [DataSource; 4] = [
    DataSource::IamUsers,
    DataSource::IamGroups,
    DataSource::IamRoles,
    DataSource::IamPolicies,
];

pub(crate) async fn run(scope: &Scope) {
    match collect(scope).await {
        Ok([users, groups, roles, policies]) => {
            scope.collected(DataSource::IamUsers, users);
            scope.collected(DataSource::IamGroups, groups);
            scope.collected(DataSource::IamRoles, roles);
            scope.collected(DataSource::IamPolicies, policies);
        }
        Err(e) => {
            for source in SOURCES {
                scope.failed(source, &e);
            }
        }
    }
}

fn attached(list: &[aws_sdk_iam::types::AttachedPolicy]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|p| AttachedPolicy {
            name: p.policy_name().unwrap_or_default().to_string(),
            arn: p.policy_arn().unwrap_or_default().to_string(),
        })
        .collect()
}

fn inline(resource: &mut Resource, list: &[aws_sdk_iam::types::PolicyDetail]) -> Vec<InlinePolicy> {
    let mut out = Vec::new();
    for p in list {
        let name = p.policy_name().unwrap_or_default().to_string();
        let doc = policy(p.policy_document().unwrap_or("{}"));
        if let Some(document) = field(resource, "inline_policies", doc) {
            out.push(InlinePolicy { name, document });
        }
    }
    out
}

async fn collect(scope: &Scope) -> Result<[Vec<Resource>; 4], CallError> {
    let iam = client!(scope, aws_sdk_iam);
    let mut pages = iam
        .get_account_authorization_details()
        .into_paginator()
        .send();
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut roles = Vec::new();
    let mut policies = Vec::new();
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    while let Some(page) = pages.next().await {
        let page = page?;
        for u in page.user_detail_list() {
            let name = u.user_name().unwrap_or_default().to_string();
            for g in u.group_list() {
                members.entry(g.clone()).or_default().push(name.clone());
            }
            let mut r = scope.resource(u.arn().unwrap_or_default(), IamUser::default());
            r.name = Some(name);
            r.tags = tags(u.tags().iter().map(|t| (t.key(), t.value())));
            let inline_policies = inline(&mut r, u.user_policy_list());
            r.details = IamUser {
                create_date: ts(u.create_date()),
                groups: u.group_list().to_vec(),
                attached_policies: attached(u.attached_managed_policies()),
                inline_policies,
                ..IamUser::default()
            }
            .into();
            users.push(r);
        }
        for g in page.group_detail_list() {
            let mut r = scope.resource(g.arn().unwrap_or_default(), IamGroup::default());
            r.name = g.group_name().map(str::to_string);
            let inline_policies = inline(&mut r, g.group_policy_list());
            r.details = IamGroup {
                attached_policies: attached(g.attached_managed_policies()),
                inline_policies,
                members: Vec::new(),
            }
            .into();
            groups.push(r);
        }
        for role in page.role_detail_list() {
            let mut r = scope.resource(role.arn().unwrap_or_default(), IamRole::default());
            r.name = role.role_name().map(str::to_string);
            r.tags = tags(role.tags().iter().map(|t| (t.key(), t.value())));
            let trust = policy(role.assume_role_policy_document().unwrap_or("{}"));
            let trust_policy = field(&mut r, "trust_policy", trust).unwrap_or_default();
            let inline_policies = inline(&mut r, role.role_policy_list());
            r.details = IamRole {
                path: role.path().unwrap_or("/").to_string(),
                trust_policy,
                attached_policies: attached(role.attached_managed_policies()),
                inline_policies,
                last_used: role.role_last_used().and_then(|l| ts(l.last_used_date())),
            }
            .into();
            roles.push(r);
        }
        for p in page.policies() {
            let arn = p.arn().unwrap_or_default();
            let mut r = scope.resource(arn, IamPolicy::default());
            r.name = p.policy_name().map(str::to_string);
            let default = p
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version())
                .and_then(|v| v.document());
            let document = match default {
                Some(text) => field(&mut r, "document", policy(text)).unwrap_or_default(),
                None => {
                    field::<()>(
                        &mut r,
                        "document",
                        Err(CallError::new("parse", "no default policy version")),
                    );
                    Default::default()
                }
            };
            r.details = IamPolicy {
                aws_managed: arn.starts_with("arn:aws:iam::aws:"),
                attachment_count: p
                    .attachment_count()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0),
                document,
            }
            .into();
            policies.push(r);
        }
    }
    for g in &mut groups {
        if let (Some(name), phiguard_model::Details::IamGroup(d)) = (&g.name, &mut g.details) {
            d.members = members.remove(name).unwrap_or_default();
        }
    }
    // Per-user details, a few users at a time.
    let users = futures::stream::iter(users)
        .map(|u| user_details(&iam, u))
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    Ok([users, groups, roles, policies])
}

async fn user_details(iam: &aws_sdk_iam::Client, mut r: Resource) -> Resource {
    let name = r.name.clone().unwrap_or_default();
    let mfa = iam
        .list_mfa_devices()
        .user_name(&name)
        .send()
        .await
        .map_err(CallError::from)
        .map(|o| {
            o.mfa_devices()
                .iter()
                .map(|d| MfaDevice {
                    serial: d.serial_number().to_string(),
                    enable_date: ts(Some(d.enable_date())),
                })
                .collect::<Vec<_>>()
        });
    let keys = access_keys(iam, &name).await;
    let login = absent_if(
        iam.get_login_profile()
            .user_name(&name)
            .send()
            .await
            .map_err(CallError::from),
        &["NoSuchEntity", "NoSuchEntityException"],
    );
    let last_used = iam
        .get_user()
        .user_name(&name)
        .send()
        .await
        .map_err(CallError::from)
        .map(|o| o.user().and_then(|u| ts(u.password_last_used())));
    let mfa = field(&mut r, "mfa_devices", mfa);
    let keys = field(&mut r, "access_keys", keys);
    let login = field(&mut r, "console_access", login);
    let last_used = field(&mut r, "password_last_used", last_used);
    if let phiguard_model::Details::IamUser(d) = &mut r.details {
        d.mfa_devices = mfa.unwrap_or_default();
        d.access_keys = keys.unwrap_or_default();
        d.console_access = login.is_some_and(|l| l.is_some());
        d.password_last_used = last_used.flatten();
    }
    r
}

async fn access_keys(iam: &aws_sdk_iam::Client, user: &str) -> Result<Vec<AccessKey>, CallError> {
    let out = iam.list_access_keys().user_name(user).send().await?;
    let mut keys = Vec::new();
    for k in out.access_key_metadata() {
        let id = k.access_key_id().unwrap_or_default().to_string();
        let last_used = iam
            .get_access_key_last_used()
            .access_key_id(&id)
            .send()
            .await?
            .access_key_last_used()
            .and_then(|l| ts(l.last_used_date()));
        keys.push(AccessKey {
            id,
            status: k
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            create_date: ts(k.create_date()).unwrap_or_default(),
            last_used,
        });
    }
    Ok(keys)
}
