//! The service control policies that apply to the account: every node on its path to the
//! organization root (`ListParents`), the SCPs attached to each (`ListPoliciesForTarget`) and
//! their documents (`DescribePolicy`). Accounts outside an organization, or whose credentials
//! may not read it (only the management account and delegated administrators can), record
//! the source as denied or not enabled: the controls reading it then say `error`.

use std::collections::BTreeMap;

use aws_sdk_organizations::types::PolicyType;
use phiguard_model::kinds::ServiceControlPolicy;
use phiguard_model::{DataSource, Resource};

use crate::call::CallError;
use crate::client;
use crate::convert::policy;
use crate::scope::Scope;

/// A path longer than this is treated as a loop (AWS allows five levels of OUs).
const MAX_DEPTH: usize = 8;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::OrganizationsScps, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let org = client!(scope, aws_sdk_organizations);
    // The account, then its OUs up to the root.
    let mut path = vec![scope.account_id().to_string()];
    for _ in 0..MAX_DEPTH {
        let Some(child) = path.last() else { break };
        let parents = org.list_parents().child_id(child).send().await?;
        let Some(parent) = parents.parents().first().and_then(|p| p.id()) else {
            break;
        };
        path.push(parent.to_string());
        if parent.starts_with("r-") {
            break;
        }
    }
    // Policy id → (summary fields, targets on the path).
    let mut found: BTreeMap<String, (String, String, bool, Vec<String>)> = BTreeMap::new();
    for target in &path {
        let mut pages = org
            .list_policies_for_target()
            .target_id(target)
            .filter(PolicyType::ServiceControlPolicy)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for p in page?.policies() {
                let (Some(id), Some(arn)) = (p.id(), p.arn()) else {
                    continue;
                };
                let entry = found.entry(id.to_string()).or_insert_with(|| {
                    (
                        arn.to_string(),
                        p.name().unwrap_or(id).to_string(),
                        p.aws_managed(),
                        Vec::new(),
                    )
                });
                entry.3.push(target.clone());
            }
        }
    }
    let mut out = Vec::new();
    for (id, (arn, name, aws_managed, attached_to)) in found {
        let described = org.describe_policy().policy_id(&id).send().await?;
        let content = described
            .policy()
            .and_then(|p| p.content())
            .ok_or_else(|| CallError::new("parse", "DescribePolicy returned no content"))?;
        let details = ServiceControlPolicy {
            document: policy(content)?,
            attached_to,
            aws_managed,
        };
        let mut r = scope.resource(arn, details);
        r.name = Some(name);
        out.push(r);
    }
    Ok(out)
}
