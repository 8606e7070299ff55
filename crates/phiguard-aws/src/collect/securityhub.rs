//! Security Hub in one region: whether the account is subscribed (`DescribeHub`), when, the
//! enabled standards and the hub's tags. An account that is not subscribed
//! (`InvalidAccessException`) is collected data: no hub, and the control fails.

use phiguard_model::kinds::SecurityHubHub;
use phiguard_model::{DataSource, Resource, Timestamp};

use crate::call::{CallError, absent_if, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type SecurityHub = aws_sdk_securityhub::Client;

/// What Security Hub answers when the account has not enabled it in the region.
const NOT_SUBSCRIBED: &[&str] = &["InvalidAccessException"];

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::SecurityHub, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let hub = client!(scope, aws_sdk_securityhub);
    let described = absent_if(
        hub.describe_hub().send().await.map_err(CallError::from),
        NOT_SUBSCRIBED,
    )?;
    let Some(described) = described else {
        return Ok(Vec::new());
    };
    let arn = described
        .hub_arn()
        .map(str::to_string)
        .unwrap_or_else(|| scope.arn("securityhub", "hub/default"));
    let mut r = scope.resource(arn.clone(), SecurityHubHub::default());
    r.name = Some("default".to_string());
    let (standards, tag_list) = futures::join!(
        enabled_standards(&hub),
        hub.list_tags_for_resource().resource_arn(&arn).send(),
    );
    let d = SecurityHubHub {
        subscribed_at: described.subscribed_at().and_then(parse_time),
        enabled_standards: field(&mut r, "enabled_standards", standards).unwrap_or_default(),
    };
    let t = tag_list.map_err(CallError::from).map(|o| {
        o.tags()
            .map(|t| tags(t.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
            .unwrap_or_default()
    });
    r.tags = field(&mut r, "tags", t).unwrap_or_default();
    r.details = d.into();
    Ok(vec![r])
}

/// Security Hub's ISO 8601 timestamps (`2026-01-02T03:04:05.678Z`).
pub(crate) fn parse_time(text: &str) -> Option<Timestamp> {
    text.parse().ok()
}

/// Whether a standards subscription counts as enabled (not being deleted, not failed).
pub(crate) fn is_enabled(status: Option<&str>) -> bool {
    matches!(status, Some("READY" | "PENDING" | "INCOMPLETE"))
}

async fn enabled_standards(hub: &SecurityHub) -> Result<Vec<String>, CallError> {
    let mut out = Vec::new();
    let mut pages = hub.get_enabled_standards().into_paginator().send();
    while let Some(page) = pages.next().await {
        for s in page?.standards_subscriptions() {
            if is_enabled(s.standards_status().map(|s| s.as_str()))
                && let Some(arn) = s.standards_arn()
            {
                out.push(arn.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_statuses() {
        let t = parse_time("2026-01-02T03:04:05.678Z").unwrap();
        assert_eq!(t.as_second(), 1_767_323_045);
        assert_eq!(parse_time("yesterday"), None);
        assert!(is_enabled(Some("READY")));
        assert!(is_enabled(Some("INCOMPLETE")));
        assert!(!is_enabled(Some("DELETING")));
        assert!(!is_enabled(Some("FAILED")));
        assert!(!is_enabled(None));
    }
}
