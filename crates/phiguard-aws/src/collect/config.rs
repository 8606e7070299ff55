//! AWS Config configuration recorders in one region, with their recording status. No
//! recorder means Config is off in the region: collected data (the control fails).

use std::collections::HashMap;

use aws_sdk_config::types::{ConfigurationRecorder, ConfigurationRecorderStatus};
use phiguard_model::kinds::ConfigRecorder;
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::ConfigRecorders, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let config = client!(scope, aws_sdk_config);
    let recorders = config.describe_configuration_recorders().send().await?;
    if recorders.configuration_recorders().is_empty() {
        return Ok(Vec::new());
    }
    let status = config
        .describe_configuration_recorder_status()
        .send()
        .await
        .map_err(CallError::from)
        .map(|o| {
            o.configuration_recorders_status()
                .iter()
                .filter_map(|s| Some((s.name()?.to_string(), s.clone())))
                .collect::<HashMap<_, _>>()
        });
    Ok(recorders
        .configuration_recorders()
        .iter()
        .map(|c| recorder(scope, c, &status))
        .collect())
}

/// Whether the recorder records every supported resource type.
pub(crate) fn all_supported(c: &ConfigurationRecorder) -> bool {
    c.recording_group().is_some_and(|g| {
        g.all_supported()
            || g.recording_strategy()
                .and_then(|s| s.use_only())
                .is_some_and(|u| u.as_str() == "ALL_SUPPORTED_RESOURCE_TYPES")
    })
}

fn recorder(
    scope: &Scope,
    c: &ConfigurationRecorder,
    status: &Result<HashMap<String, ConfigurationRecorderStatus>, CallError>,
) -> Resource {
    let name = c.name().unwrap_or("default").to_string();
    let arn = c
        .arn()
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| scope.arn("config", &format!("config-recorder/{name}")));
    let mut d = ConfigRecorder {
        all_supported: all_supported(c),
        include_global_resource_types: c
            .recording_group()
            .is_some_and(|g| g.include_global_resource_types()),
        recording: false,
        last_status: None,
    };
    let mut r = scope.resource(arn, ConfigRecorder::default());
    r.name = Some(name.clone());
    match status {
        Ok(by_name) => {
            if let Some(s) = by_name.get(&name) {
                d.recording = s.recording();
                d.last_status = s.last_status().map(|l| l.as_str().to_string());
            }
        }
        Err(e) => {
            field::<()>(&mut r, "recording", Err(e.clone()));
            field::<()>(&mut r, "last_status", Err(e.clone()));
        }
    }
    r.details = d.into();
    r
}

#[cfg(test)]
mod tests {
    use aws_sdk_config::types::{RecordingGroup, RecordingStrategy, RecordingStrategyType};

    use super::*;

    #[test]
    fn all_supported_by_flag_or_strategy() {
        let flag = ConfigurationRecorder::builder()
            .recording_group(RecordingGroup::builder().all_supported(true).build())
            .build();
        assert!(all_supported(&flag));
        let strategy = ConfigurationRecorder::builder()
            .recording_group(
                RecordingGroup::builder()
                    .recording_strategy(
                        RecordingStrategy::builder()
                            .use_only(RecordingStrategyType::AllSupportedResourceTypes)
                            .build(),
                    )
                    .build(),
            )
            .build();
        assert!(all_supported(&strategy));
        let some = ConfigurationRecorder::builder()
            .recording_group(
                RecordingGroup::builder()
                    .recording_strategy(
                        RecordingStrategy::builder()
                            .use_only(RecordingStrategyType::InclusionByResourceTypes)
                            .build(),
                    )
                    .build(),
            )
            .build();
        assert!(!all_supported(&some));
        assert!(!all_supported(&ConfigurationRecorder::builder().build()));
    }
}
