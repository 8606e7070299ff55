//! AWS Backup restore testing plans in one region (`ListRestoreTestingPlans`) with the
//! resource types their selections restore (`ListRestoreTestingSelections` per plan).

use futures::StreamExt;
use phiguard_model::kinds::BackupRestoreTestingPlan;
use phiguard_model::{DataSource, Resource};

use crate::call::CallError;
use crate::client;
use crate::convert::ts;
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::BackupRestoreTestingPlans, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let backup = client!(scope, aws_sdk_backup);
    let mut plans = Vec::new();
    let mut pages = backup.list_restore_testing_plans().into_paginator().send();
    while let Some(page) = pages.next().await {
        for p in page?.restore_testing_plans() {
            let details = BackupRestoreTestingPlan {
                schedule_expression: p.schedule_expression().to_string(),
                last_execution: ts(p.last_execution_time()),
                protected_resource_types: Vec::new(),
            };
            let mut r = scope.resource(p.restore_testing_plan_arn(), details);
            r.name = Some(p.restore_testing_plan_name().to_string());
            plans.push(r);
        }
    }
    let backup = &backup;
    // A plan whose selections cannot be listed fails the source: "selects nothing" must not
    // be guessed.
    let with_selections: Vec<Result<Resource, CallError>> = futures::stream::iter(plans)
        .map(|mut r| async move {
            let name = r.name.clone().unwrap_or_default();
            let mut types = Vec::new();
            let mut pages = backup
                .list_restore_testing_selections()
                .restore_testing_plan_name(&name)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                for s in page?.restore_testing_selections() {
                    types.push(s.protected_resource_type().to_string());
                }
            }
            types.sort();
            types.dedup();
            if let phiguard_model::Details::BackupRestoreTestingPlan(d) = &mut r.details {
                d.protected_resource_types = types;
            }
            Ok::<Resource, CallError>(r)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    with_selections.into_iter().collect()
}
