//! KMS keys: list, describe, rotation status (customer-managed symmetric keys), aliases and
//! tags.

use std::collections::BTreeMap;

use futures::StreamExt;
use phiguard_model::kinds::KmsKey;
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::{tags, ts};
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::KmsKeys, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let kms = client!(scope, aws_sdk_kms);
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pages = kms.list_aliases().into_paginator().send();
    while let Some(page) = pages.next().await {
        for a in page?.aliases() {
            if let (Some(name), Some(key)) = (a.alias_name(), a.target_key_id()) {
                aliases
                    .entry(key.to_string())
                    .or_default()
                    .push(name.to_string());
            }
        }
    }
    let mut ids = Vec::new();
    let mut pages = kms.list_keys().into_paginator().send();
    while let Some(page) = pages.next().await {
        for k in page?.keys() {
            if let Some(id) = k.key_id() {
                ids.push(id.to_string());
            }
        }
    }
    let aliases = &aliases;
    let kms = &kms;
    let keys = futures::stream::iter(ids)
        .map(|id| async move {
            let described = kms.describe_key().key_id(&id).send().await?;
            let meta = described
                .key_metadata()
                .ok_or_else(|| CallError::new("parse", "DescribeKey returned no KeyMetadata"))?;
            let arn = meta
                .arn()
                .map(str::to_string)
                .unwrap_or_else(|| scope.arn("kms", &format!("key/{id}")));
            let d = KmsKey {
                key_manager: meta
                    .key_manager()
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default(),
                key_state: meta
                    .key_state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                key_spec: meta
                    .key_spec()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                key_usage: meta
                    .key_usage()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                origin: meta
                    .origin()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                rotation_enabled: None,
                deletion_date: ts(meta.deletion_date()),
                aliases: aliases.get(&id).cloned().unwrap_or_default(),
            };
            let name = d.aliases.first().cloned();
            let is_customer = d.key_manager == "CUSTOMER";
            let check_rotation = d.is_rotatable() && d.key_state != "PendingDeletion";
            let mut r = scope.resource(arn, d);
            r.name = name;
            if check_rotation {
                let rotation = kms
                    .get_key_rotation_status()
                    .key_id(&id)
                    .send()
                    .await
                    .map_err(CallError::from)
                    .map(|o| o.key_rotation_enabled());
                let rotation = field(&mut r, "rotation_enabled", rotation);
                if let phiguard_model::Details::KmsKey(d) = &mut r.details {
                    d.rotation_enabled = rotation;
                }
            }
            if is_customer {
                let t = kms
                    .list_resource_tags()
                    .key_id(&id)
                    .send()
                    .await
                    .map_err(CallError::from)
                    .map(|o| tags(o.tags().iter().map(|t| (t.tag_key(), t.tag_value()))));
                r.tags = field(&mut r, "tags", t).unwrap_or_default();
            }
            Ok::<_, CallError>(r)
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
    keys.into_iter().collect()
}
