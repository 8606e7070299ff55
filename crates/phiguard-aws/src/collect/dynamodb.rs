//! DynamoDB tables in one region: encryption (SSE description), point-in-time recovery
//! (continuous backups), deletion protection and tags.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::SseDescription;
use futures::StreamExt;
use phiguard_model::kinds::DynamodbTable;
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type Dynamo = aws_sdk_dynamodb::Client;

/// Attributes that come from `DescribeTable`.
const DESCRIBED: [&str; 4] = ["status", "sse_type", "kms_key_arn", "deletion_protection"];

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::DynamodbTables, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let ddb = client!(scope, aws_sdk_dynamodb);
    let mut names = Vec::new();
    let mut pages = ddb.list_tables().into_paginator().send();
    while let Some(page) = pages.next().await {
        names.extend(page?.table_names().iter().cloned());
    }
    let ddb = &ddb;
    Ok(futures::stream::iter(names)
        .map(|name| table(scope, ddb, name))
        .buffer_unordered(8)
        .collect()
        .await)
}

/// The SSE type and key as the model reads them: `None` when the table uses the AWS-owned key
/// (no description, or SSE not enabled).
pub(crate) fn sse(description: Option<&SseDescription>) -> (Option<String>, Option<String>) {
    let Some(d) = description else {
        return (None, None);
    };
    let enabled = d
        .status()
        .is_some_and(|s| matches!(s.as_str(), "ENABLED" | "UPDATING"));
    if !enabled {
        return (None, None);
    }
    (
        d.sse_type().map(|t| t.as_str().to_string()),
        d.kms_master_key_arn().map(str::to_string),
    )
}

async fn table(scope: &Scope, ddb: &Dynamo, name: String) -> Resource {
    let (described, backups) = futures::join!(
        ddb.describe_table().table_name(&name).send(),
        ddb.describe_continuous_backups().table_name(&name).send(),
    );
    let fallback_arn = scope.arn("dynamodb", &format!("table/{name}"));
    let mut r = scope.resource(fallback_arn.clone(), DynamodbTable::default());
    r.name = Some(name.clone());
    let mut d = DynamodbTable::default();
    match described.map_err(CallError::from).and_then(|o| {
        o.table
            .ok_or_else(|| CallError::new("parse", "DescribeTable returned no Table"))
    }) {
        Ok(t) => {
            if let Some(arn) = t.table_arn() {
                r.arn = arn.to_string();
            }
            d.status = t
                .table_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            (d.sse_type, d.kms_key_arn) = sse(t.sse_description());
            d.deletion_protection = t.deletion_protection_enabled().unwrap_or(false);
        }
        Err(e) => {
            for f in DESCRIBED {
                field::<()>(&mut r, f, Err(e.clone()));
            }
        }
    }
    let pitr = backups.map_err(CallError::from).map(|o| {
        o.continuous_backups_description()
            .and_then(|c| c.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .is_some_and(|s| s.as_str() == "ENABLED")
    });
    d.pitr_enabled = field(&mut r, "pitr_enabled", pitr).unwrap_or(false);
    let t = table_tags(ddb, &r.arn).await;
    r.tags = field(&mut r, "tags", t).unwrap_or_default();
    r.details = Details::DynamodbTable(d);
    r
}

async fn table_tags(ddb: &Dynamo, arn: &str) -> Result<BTreeMap<String, String>, CallError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = ddb
            .list_tags_of_resource()
            .resource_arn(arn)
            .set_next_token(token.take())
            .send()
            .await?;
        out.extend(tags(page.tags().iter().map(|t| (t.key(), t.value()))));
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::{SseStatus, SseType};

    use super::*;

    #[test]
    fn sse_reading() {
        assert_eq!(sse(None), (None, None));
        let kms = SseDescription::builder()
            .status(SseStatus::Enabled)
            .sse_type(SseType::Kms)
            .kms_master_key_arn("arn:aws:kms:us-east-1:123456789012:key/k")
            .build();
        assert_eq!(
            sse(Some(&kms)),
            (
                Some("KMS".to_string()),
                Some("arn:aws:kms:us-east-1:123456789012:key/k".to_string())
            )
        );
        let disabled = SseDescription::builder()
            .status(SseStatus::Disabled)
            .sse_type(SseType::Kms)
            .build();
        assert_eq!(sse(Some(&disabled)), (None, None));
    }
}
