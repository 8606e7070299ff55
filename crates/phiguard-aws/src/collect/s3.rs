//! S3 buckets: the account's bucket list, then per bucket (in its home region) encryption,
//! versioning, Block Public Access, policy and policy status, ACL, ownership, logging,
//! Object Lock, replication, lifecycle and tags. A per-bucket call that fails becomes a field
//! error on that bucket, so only the controls reading that field report `error`.

use futures::StreamExt;
use phiguard_model::kinds::{
    LifecycleRule, ObjectLock, PublicAccessBlock, ReplicationRule, S3Bucket, S3Encryption,
    S3Logging,
};
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, absent_if, field};
use crate::convert::{policy, tags, ts};
use crate::scope::Scope;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::S3Buckets, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let s3 = scope.s3();
    let mut pages = s3.list_buckets().into_paginator().send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page?;
        for b in page.buckets() {
            if let Some(name) = b.name() {
                listed.push((
                    name.to_string(),
                    b.bucket_region().map(str::to_string),
                    ts(b.creation_date()),
                ));
            }
        }
    }
    Ok(futures::stream::iter(listed)
        .map(|(name, region, created)| bucket(scope, name, region, created))
        .buffer_unordered(8)
        .collect()
        .await)
}

async fn bucket(
    scope: &Scope,
    name: String,
    region: Option<String>,
    creation_date: Option<phiguard_model::Timestamp>,
) -> Resource {
    let mut r = Resource::new(
        format!("arn:aws:s3:::{name}"),
        scope.account_id(),
        region.clone().unwrap_or_else(|| "us-east-1".into()),
        S3Bucket::default(),
    );
    r.name = Some(name.clone());
    let region = match region {
        Some(region) => region,
        None => {
            let located = scope
                .s3()
                .get_bucket_location()
                .bucket(&name)
                .send()
                .await
                .map_err(CallError::from)
                .map(|o| {
                    o.location_constraint()
                        .map(|c| c.as_str().to_string())
                        .filter(|c| !c.is_empty())
                        .map(|c| {
                            if c == "EU" {
                                "eu-west-1".to_string()
                            } else {
                                c
                            }
                        })
                        .unwrap_or_else(|| "us-east-1".to_string())
                });
            match field(&mut r, "region", located) {
                Some(region) => region,
                None => "us-east-1".to_string(),
            }
        }
    };
    r.region = region.clone();
    let s3 = scope.in_region(&region).s3();
    let b = name.as_str();

    let (enc, ver, pab, pol, status, acl, own, log, lock, repl, life, tagging) = futures::join!(
        s3.get_bucket_encryption().bucket(b).send(),
        s3.get_bucket_versioning().bucket(b).send(),
        s3.get_public_access_block().bucket(b).send(),
        s3.get_bucket_policy().bucket(b).send(),
        s3.get_bucket_policy_status().bucket(b).send(),
        s3.get_bucket_acl().bucket(b).send(),
        s3.get_bucket_ownership_controls().bucket(b).send(),
        s3.get_bucket_logging().bucket(b).send(),
        s3.get_object_lock_configuration().bucket(b).send(),
        s3.get_bucket_replication().bucket(b).send(),
        s3.get_bucket_lifecycle_configuration().bucket(b).send(),
        s3.get_bucket_tagging().bucket(b).send(),
    );

    let mut d = S3Bucket {
        creation_date,
        ..S3Bucket::default()
    };
    let enc = absent_if(
        enc.map_err(CallError::from),
        &["ServerSideEncryptionConfigurationNotFoundError"],
    )
    .map(|o| {
        o.and_then(|o| {
            let rule = o.server_side_encryption_configuration()?.rules().first()?;
            let default = rule.apply_server_side_encryption_by_default()?;
            Some(S3Encryption {
                algorithm: default.sse_algorithm().as_str().to_string(),
                kms_key_id: default.kms_master_key_id().map(str::to_string),
                bucket_key_enabled: rule.bucket_key_enabled().unwrap_or(false),
            })
        })
    });
    d.encryption = field(&mut r, "encryption", enc).flatten();
    if let Some(v) = field(&mut r, "versioning", ver.map_err(CallError::from)) {
        d.versioning = v.status().map(|s| s.as_str().to_string());
        d.mfa_delete = v.mfa_delete().is_some_and(|m| m.as_str() == "Enabled");
    } else {
        r.errors.push(phiguard_model::FieldError {
            field: "mfa_delete".into(),
            code: "versioning".into(),
            message: "GetBucketVersioning failed".into(),
        });
    }
    let pab = absent_if(
        pab.map_err(CallError::from),
        &["NoSuchPublicAccessBlockConfiguration"],
    )
    .map(|o| {
        o.and_then(|o| {
            o.public_access_block_configuration()
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                })
        })
    });
    d.public_access_block = field(&mut r, "public_access_block", pab).flatten();
    let pol =
        absent_if(pol.map_err(CallError::from), &["NoSuchBucketPolicy"]).and_then(|o| {
            match o.and_then(|o| o.policy().map(str::to_string)) {
                Some(text) => policy(&text).map(Some),
                None => Ok(None),
            }
        });
    d.policy = field(&mut r, "policy", pol).flatten();
    let status =
        absent_if(status.map_err(CallError::from), &["NoSuchBucketPolicy"]).map(|o| match o {
            Some(o) => o.policy_status().and_then(|s| s.is_public()),
            None => Some(false),
        });
    d.policy_is_public = field(&mut r, "policy_is_public", status).flatten();
    if let Some(acl) = field(&mut r, "acl_grants_public", acl.map_err(CallError::from)) {
        d.acl_grants_public = acl.grants().iter().any(|g| {
            g.grantee()
                .and_then(|g| g.uri())
                .is_some_and(|u| u == ALL_USERS || u == AUTHENTICATED_USERS)
        });
    }
    let own = absent_if(
        own.map_err(CallError::from),
        &["OwnershipControlsNotFoundError"],
    )
    .map(|o| {
        o.and_then(|o| {
            o.ownership_controls()?
                .rules()
                .first()
                .map(|r| r.object_ownership().as_str().to_string())
        })
    });
    d.object_ownership = field(&mut r, "object_ownership", own).flatten();
    let log = log.map_err(CallError::from).map(|o| {
        o.logging_enabled().map(|l| S3Logging {
            target_bucket: l.target_bucket().to_string(),
            target_prefix: l.target_prefix().to_string(),
        })
    });
    d.logging = field(&mut r, "logging", log).flatten();
    let lock = absent_if(
        lock.map_err(CallError::from),
        &["ObjectLockConfigurationNotFoundError"],
    )
    .map(|o| {
        o.and_then(|o| {
            let c = o.object_lock_configuration()?;
            let retention = c.rule().and_then(|r| r.default_retention());
            Some(ObjectLock {
                enabled: c
                    .object_lock_enabled()
                    .is_some_and(|e| e.as_str() == "Enabled"),
                mode: retention
                    .and_then(|r| r.mode())
                    .map(|m| m.as_str().to_string()),
                days: retention
                    .and_then(|r| r.days())
                    .and_then(|n| u32::try_from(n).ok()),
                years: retention
                    .and_then(|r| r.years())
                    .and_then(|n| u32::try_from(n).ok()),
            })
        })
    });
    d.object_lock = field(&mut r, "object_lock", lock).flatten();
    let repl = absent_if(
        repl.map_err(CallError::from),
        &["ReplicationConfigurationNotFoundError"],
    )
    .map(|o| {
        o.and_then(|o| o.replication_configuration().cloned())
            .map(|c| {
                c.rules()
                    .iter()
                    .map(|rule| ReplicationRule {
                        status: rule.status().as_str().to_string(),
                        destination_bucket: rule
                            .destination()
                            .map(|d| d.bucket().to_string())
                            .unwrap_or_default(),
                        destination_account: rule
                            .destination()
                            .and_then(|d| d.account())
                            .map(str::to_string),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    d.replication_rules = field(&mut r, "replication_rules", repl).unwrap_or_default();
    let life = absent_if(
        life.map_err(CallError::from),
        &["NoSuchLifecycleConfiguration"],
    )
    .map(|o| {
        o.map(|o| {
            o.rules()
                .iter()
                .map(|rule| LifecycleRule {
                    id: rule.id().unwrap_or_default().to_string(),
                    status: rule.status().as_str().to_string(),
                    #[allow(deprecated, reason = "the top-level prefix is still returned")]
                    prefix: rule.prefix().unwrap_or_default().to_string(),
                    expiration_days: rule
                        .expiration()
                        .and_then(|e| e.days())
                        .and_then(|n| u32::try_from(n).ok()),
                    noncurrent_expiration_days: rule
                        .noncurrent_version_expiration()
                        .and_then(|e| e.noncurrent_days())
                        .and_then(|n| u32::try_from(n).ok()),
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    });
    d.lifecycle_rules = field(&mut r, "lifecycle_rules", life).unwrap_or_default();
    let tagging = absent_if(tagging.map_err(CallError::from), &["NoSuchTagSet"]).map(|o| {
        o.map(|o| tags(o.tag_set().iter().map(|t| (t.key(), t.value()))))
            .unwrap_or_default()
    });
    r.tags = field(&mut r, "tags", tagging).unwrap_or_default();
    r.details = d.into();
    r
}
