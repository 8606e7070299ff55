//! Amazon Inspector in one region: the account's status and per-resource-type scan status
//! (BatchGetAccountStatus). Inspector answers for an account that never activated it with
//! status `DISABLED`, which is collected data.

use phiguard_model::kinds::InspectorStatus;
use phiguard_model::{DataSource, Resource};

use crate::call::CallError;
use crate::client;
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::InspectorStatuses, result);
}

fn status(state: Option<&aws_sdk_inspector2::types::State>) -> String {
    state
        .map(|s| s.status().as_str().to_string())
        .unwrap_or_default()
}

/// One account's status in the model's shape.
pub(crate) fn account_status(a: &aws_sdk_inspector2::types::AccountState) -> InspectorStatus {
    let resources = a.resource_state();
    InspectorStatus {
        state: status(a.state()),
        ec2: status(resources.and_then(|r| r.ec2())),
        ecr: status(resources.and_then(|r| r.ecr())),
        lambda: status(resources.and_then(|r| r.lambda())),
    }
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let inspector = client!(scope, aws_sdk_inspector2);
    let out = inspector
        .batch_get_account_status()
        .account_ids(scope.account_id())
        .send()
        .await
        .map_err(CallError::from)?;
    if let Some(failed) = out.failed_accounts().first() {
        return Err(CallError::new(
            failed.error_code().as_str(),
            failed.error_message(),
        ));
    }
    let Some(account) = out
        .accounts()
        .iter()
        .find(|a| a.account_id() == scope.account_id())
    else {
        return Err(CallError::new(
            "parse",
            "BatchGetAccountStatus did not return the account",
        ));
    };
    let mut r = scope.resource(scope.arn("inspector2", "account"), account_status(account));
    r.name = Some("inspector".to_string());
    Ok(vec![r])
}
