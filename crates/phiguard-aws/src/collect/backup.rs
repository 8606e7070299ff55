//! AWS Backup in one region: backup plans with their rules and resource selections, and
//! backup vaults with their Vault Lock settings and recovery point counts.

use std::collections::BTreeMap;

use futures::StreamExt;
use phiguard_model::kinds::{
    BackupCopyAction, BackupPlan, BackupRule, BackupSelection, BackupTagCondition, BackupVault,
};
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::{tags, ts};
use crate::scope::Scope;

type Backup = aws_sdk_backup::Client;

pub(crate) async fn run(scope: &Scope) {
    let backup = client!(scope, aws_sdk_backup);
    let (plans, vaults) = futures::join!(plans(scope, &backup), vaults(scope, &backup));
    scope.record(DataSource::BackupPlans, plans);
    scope.record(DataSource::BackupVaults, vaults);
}

fn days(n: Option<i64>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok())
}

async fn plans(scope: &Scope, backup: &Backup) -> Result<Vec<Resource>, CallError> {
    let mut listed = Vec::new();
    let mut pages = backup.list_backup_plans().into_paginator().send();
    while let Some(page) = pages.next().await {
        for p in page?.backup_plans_list() {
            let Some(id) = p.backup_plan_id() else {
                continue;
            };
            let arn = p
                .backup_plan_arn()
                .map(str::to_string)
                .unwrap_or_else(|| scope.arn("backup", &format!("backup-plan:{id}")));
            let mut r = scope.resource(arn, BackupPlan::default());
            r.name = Some(p.backup_plan_name().unwrap_or(id).to_string());
            listed.push((id.to_string(), r));
        }
    }
    Ok(futures::stream::iter(listed)
        .map(|(id, r)| plan(backup, id, r))
        .buffer_unordered(4)
        .collect()
        .await)
}

/// A rule in the model's shape.
pub(crate) fn rule(r: &aws_sdk_backup::types::BackupRule) -> BackupRule {
    BackupRule {
        name: r.rule_name().to_string(),
        schedule_expression: r.schedule_expression().map(str::to_string),
        target_vault: r.target_backup_vault_name().to_string(),
        delete_after_days: days(r.lifecycle().and_then(|l| l.delete_after_days())),
        copy_actions: r
            .copy_actions()
            .iter()
            .map(|c| BackupCopyAction {
                destination_vault_arn: c.destination_backup_vault_arn().to_string(),
                delete_after_days: days(c.lifecycle().and_then(|l| l.delete_after_days())),
            })
            .collect(),
    }
}

/// A selection in the model's shape, or why it cannot be expressed there. The model keeps
/// resources, exclusions and `ListOfTags` (any one matches). `Conditions` narrow a selection
/// (all must hold): one `StringEquals` without `ListOfTags` is the same as one tag condition;
/// anything else would be read as selecting more than it does, so it is refused.
pub(crate) fn selection(
    s: &aws_sdk_backup::types::BackupSelection,
) -> Result<BackupSelection, String> {
    let mut tag_conditions: Vec<BackupTagCondition> = s
        .list_of_tags()
        .iter()
        .map(|c| BackupTagCondition {
            key: c.condition_key().to_string(),
            value: c.condition_value().to_string(),
        })
        .collect();
    if let Some(c) = s.conditions() {
        let others =
            c.string_not_equals().len() + c.string_like().len() + c.string_not_like().len();
        match (c.string_equals(), others, tag_conditions.is_empty()) {
            ([], 0, _) => {}
            ([only], 0, true) => tag_conditions.push(BackupTagCondition {
                key: only.condition_key().unwrap_or_default().to_string(),
                value: only.condition_value().unwrap_or_default().to_string(),
            }),
            _ => {
                return Err(format!(
                    "selection `{}` uses Conditions (StringEquals/StringNotEquals/StringLike/\
                     StringNotLike) that phiguard cannot evaluate",
                    s.selection_name()
                ));
            }
        }
    }
    Ok(BackupSelection {
        name: s.selection_name().to_string(),
        resources: s.resources().to_vec(),
        not_resources: s.not_resources().to_vec(),
        tags: tag_conditions,
    })
}

async fn plan(backup: &Backup, id: String, mut r: Resource) -> Resource {
    let (got, selections, tag_list) = futures::join!(
        backup.get_backup_plan().backup_plan_id(&id).send(),
        selections(backup, &id),
        resource_tags(backup, &r.arn),
    );
    let mut d = BackupPlan::default();
    let rules = got.map_err(CallError::from).map(|o| {
        o.backup_plan()
            .map(|p| p.rules().iter().map(rule).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    d.rules = field(&mut r, "rules", rules).unwrap_or_default();
    if let Some(list) = field(&mut r, "selections", selections) {
        for s in list {
            match s {
                Ok(s) => d.selections.push(s),
                Err(why) => {
                    field::<()>(
                        &mut r,
                        "selections",
                        Err(CallError::new("unsupported", &why)),
                    );
                }
            }
        }
    }
    r.tags = field(&mut r, "tags", tag_list).unwrap_or_default();
    r.details = Details::BackupPlan(d);
    r
}

async fn selections(
    backup: &Backup,
    plan_id: &str,
) -> Result<Vec<Result<BackupSelection, String>>, CallError> {
    let mut ids = Vec::new();
    let mut pages = backup
        .list_backup_selections()
        .backup_plan_id(plan_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        ids.extend(
            page?
                .backup_selections_list()
                .iter()
                .filter_map(|s| s.selection_id().map(str::to_string)),
        );
    }
    let mut out = Vec::new();
    for id in ids {
        let got = backup
            .get_backup_selection()
            .backup_plan_id(plan_id)
            .selection_id(&id)
            .send()
            .await?;
        match got.backup_selection() {
            Some(s) => out.push(selection(s)),
            None => out.push(Err(format!("selection `{id}` came back empty"))),
        }
    }
    Ok(out)
}

async fn resource_tags(backup: &Backup, arn: &str) -> Result<BTreeMap<String, String>, CallError> {
    let mut out = BTreeMap::new();
    let mut pages = backup.list_tags().resource_arn(arn).into_paginator().send();
    while let Some(page) = pages.next().await {
        if let Some(t) = page?.tags() {
            out.extend(tags(t.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        }
    }
    Ok(out)
}

async fn vaults(scope: &Scope, backup: &Backup) -> Result<Vec<Resource>, CallError> {
    let mut listed = Vec::new();
    let mut pages = backup.list_backup_vaults().into_paginator().send();
    while let Some(page) = pages.next().await {
        for v in page?.backup_vault_list() {
            let Some(name) = v.backup_vault_name() else {
                continue;
            };
            let min_retention_days = days(v.min_retention_days());
            let d = BackupVault {
                encryption_key_arn: v.encryption_key_arn().map(str::to_string),
                locked: v.locked().unwrap_or(min_retention_days.is_some()),
                min_retention_days,
                max_retention_days: days(v.max_retention_days()),
                lock_date: ts(v.lock_date()),
                recovery_points: u64::try_from(v.number_of_recovery_points()).unwrap_or(0),
            };
            let arn = v
                .backup_vault_arn()
                .map(str::to_string)
                .unwrap_or_else(|| scope.arn("backup", &format!("backup-vault:{name}")));
            let mut r = scope.resource(arn, d);
            r.name = Some(name.to_string());
            listed.push(r);
        }
    }
    Ok(futures::stream::iter(listed)
        .map(|mut r| async move {
            let t = resource_tags(backup, &r.arn).await;
            r.tags = field(&mut r, "tags", t).unwrap_or_default();
            r
        })
        .buffer_unordered(8)
        .collect()
        .await)
}

#[cfg(test)]
mod tests {
    use aws_sdk_backup::types::{
        BackupSelection as Sdk, Condition, ConditionParameter, ConditionType, Conditions,
    };

    use super::*;

    fn base() -> aws_sdk_backup::types::builders::BackupSelectionBuilder {
        Sdk::builder()
            .selection_name("phi")
            .iam_role_arn("arn:aws:iam::123456789012:role/backup")
    }

    fn eq(key: &str, value: &str) -> ConditionParameter {
        ConditionParameter::builder()
            .condition_key(key)
            .condition_value(value)
            .build()
    }

    #[test]
    fn list_of_tags_and_resources() {
        let s = base()
            .resources("arn:aws:rds:*:*:db:*")
            .not_resources("arn:aws:rds:us-east-1:123456789012:db:scratch")
            .list_of_tags(
                Condition::builder()
                    .condition_type(ConditionType::Stringequals)
                    .condition_key("aws:ResourceTag/PHI")
                    .condition_value("Yes")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let m = selection(&s).unwrap();
        assert_eq!(m.name, "phi");
        assert_eq!(m.resources, vec!["arn:aws:rds:*:*:db:*".to_string()]);
        assert_eq!(m.not_resources.len(), 1);
        assert_eq!(
            m.tags,
            vec![BackupTagCondition {
                key: "aws:ResourceTag/PHI".into(),
                value: "Yes".into()
            }]
        );
    }

    #[test]
    fn one_string_equals_condition_is_a_tag_condition() {
        let s = base()
            .resources("*")
            .conditions(
                Conditions::builder()
                    .string_equals(eq("aws:ResourceTag/PHI", "Yes"))
                    .build(),
            )
            .build()
            .unwrap();
        assert_eq!(selection(&s).unwrap().tags.len(), 1);
        // Empty condition lists change nothing.
        let s = base()
            .resources("*")
            .conditions(Conditions::builder().build())
            .build()
            .unwrap();
        assert!(selection(&s).unwrap().tags.is_empty());
    }

    #[test]
    fn narrowing_conditions_are_refused_not_widened() {
        let two = base()
            .resources("*")
            .conditions(
                Conditions::builder()
                    .string_equals(eq("aws:ResourceTag/PHI", "Yes"))
                    .string_equals(eq("aws:ResourceTag/Env", "prod"))
                    .build(),
            )
            .build()
            .unwrap();
        assert!(selection(&two).is_err());
        let not = base()
            .resources("*")
            .conditions(
                Conditions::builder()
                    .string_not_equals(eq("aws:ResourceTag/Env", "dev"))
                    .build(),
            )
            .build()
            .unwrap();
        assert!(selection(&not).unwrap_err().contains("`phi`"));
    }
}
