//! Amazon EFS file systems in one region (`DescribeFileSystems`) with their automatic backup
//! policy (`DescribeBackupPolicy` per file system; `PolicyNotFound` = no automatic backups).

use aws_sdk_efs::types::FileSystemDescription;
use futures::StreamExt;
use phiguard_model::kinds::EfsFileSystem;
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, absent_if, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::EfsFileSystems, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let efs = client!(scope, aws_sdk_efs);
    let mut listed = Vec::new();
    let mut pages = efs.describe_file_systems().into_paginator().send();
    while let Some(page) = pages.next().await {
        for f in page?.file_systems() {
            listed.push(file_system(scope, f));
        }
    }
    let efs = &efs;
    Ok(futures::stream::iter(listed)
        .map(|(mut r, id)| async move {
            let policy = efs
                .describe_backup_policy()
                .file_system_id(&id)
                .send()
                .await
                .map_err(CallError::from);
            let enabled = absent_if(policy, &["PolicyNotFound"]).map(|o| {
                o.and_then(|o| o.backup_policy().map(|p| p.status().as_str() == "ENABLED"))
                    .unwrap_or(false)
            });
            if let (Some(enabled), Details::EfsFileSystem(d)) = (
                field(&mut r, "backup_policy_enabled", enabled),
                &mut r.details,
            ) {
                d.backup_policy_enabled = enabled;
            }
            r
        })
        .buffer_unordered(8)
        .collect()
        .await)
}

fn file_system(scope: &Scope, f: &FileSystemDescription) -> (Resource, String) {
    let id = f.file_system_id().to_string();
    let details = EfsFileSystem {
        encrypted: f.encrypted().unwrap_or(false),
        kms_key_id: f.kms_key_id().map(str::to_string),
        backup_policy_enabled: false,
        life_cycle_state: f.life_cycle_state().as_str().to_string(),
    };
    let arn = f
        .file_system_arn()
        .map(str::to_string)
        .unwrap_or_else(|| scope.arn("elasticfilesystem", &format!("file-system/{id}")));
    let mut r = scope.resource(arn, details);
    r.name = Some(f.name().map_or_else(|| id.clone(), str::to_string));
    r.tags = tags(f.tags().iter().map(|t| (t.key(), t.value())));
    if f.encrypted().is_none() {
        field::<()>(
            &mut r,
            "encrypted",
            Err(CallError::new(
                "missing",
                "DescribeFileSystems did not say whether the file system is encrypted",
            )),
        );
    }
    (r, id)
}
