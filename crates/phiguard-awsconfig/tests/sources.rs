//! The control catalogue walked against the AWS Config importer: every data source a control
//! reads (or a resource kind it evaluates comes from) is either filled from Config resource
//! types or marked not enabled with a reason, so those controls report `error`, never `pass`.
#![expect(clippy::unwrap_used, reason = "test helpers")]

use std::path::Path;

use phiguard_awsconfig::{FromConfig, NOT_IN_SNAPSHOTS, UNPROVABLE, from_config};
use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::{CoverageState, DataSource, GLOBAL, Status, Timestamp};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

fn now() -> Timestamp {
    "2026-01-15T12:00:00Z".parse().unwrap()
}

/// A configuration snapshot holding only a recorder that records every supported type,
/// global ones included: every recordable source is known (and empty).
fn recorder_only_snapshot() -> phiguard_awsconfig::Import {
    let doc = serde_json::json!({
        "fileVersion": "1.0",
        "configSnapshotId": "00000000-0000-4000-8000-000000000000",
        "configurationItems": [{
            "configurationItemVersion": "1.3",
            "configurationItemCaptureTime": "2026-01-14T06:00:01.000Z",
            "awsAccountId": ACCOUNT,
            "configurationItemStatus": "OK",
            "resourceType": "AWS::Config::ConfigurationRecorder",
            "resourceId": "default",
            "resourceName": "default",
            "ARN": format!("arn:aws:config:{REGION}:{ACCOUNT}:config-recorder/default"),
            "awsRegion": REGION,
            "tags": {},
            "relationships": [],
            "configuration": {
                "Name": "default",
                "Recording": true,
                "RecordingGroup": {
                    "AllSupported": true,
                    "IncludeGlobalResourceTypes": true,
                    "ResourceTypes": [],
                    "RecordingStrategy": {"UseOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}
                }
            },
            "supplementaryConfiguration": {}
        }]
    });
    let path = Path::new(
        "123456789012_Config_us-east-1_ConfigSnapshot_20260114T060000Z_00000000-0000-4000-8000-000000000000.json",
    );
    let data = phiguard_awsconfig::read::parse(doc.to_string().as_bytes(), path)
        .unwrap()
        .unwrap();
    phiguard_awsconfig::build(vec![data], vec![], now())
}

#[test]
fn every_catalogue_source_is_filled_from_config_or_marked_not_enabled() {
    let import = recorder_only_snapshot();
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    let state = |source: DataSource| -> Option<&CoverageState> {
        let region = if source.is_global() { GLOBAL } else { REGION };
        import
            .inventory
            .coverage
            .iter()
            .find(|c| c.account == ACCOUNT && c.region == region && c.source == source)
            .map(|c| &c.state)
    };
    let mut problems = Vec::new();
    let mut seen = 0;
    for control in CATALOGUE {
        let m = &control.meta;
        let sources = m
            .inputs
            .iter()
            .map(|i| i.source())
            .chain(m.resource_kinds.iter().map(|k| k.source()));
        for source in sources {
            seen += 1;
            let Some(got) = state(source) else {
                problems.push(format!("{}: no coverage entry for {source}", m.id));
                continue;
            };
            let ok = match from_config(source) {
                FromConfig::Types(types) if types.iter().any(|t| !UNPROVABLE.contains(t)) => {
                    got.is_collected()
                }
                // Types "all supported" cannot prove recorded: known only from items.
                FromConfig::Types(_) => {
                    matches!(got, CoverageState::NotEnabled { reason } if !reason.is_empty())
                }
                FromConfig::NotRecorded(_) => {
                    got == &CoverageState::NotEnabled {
                        reason: NOT_IN_SNAPSHOTS.into(),
                    }
                }
                // Not configured in this snapshot: not enabled, with a reason.
                FromConfig::AccountItem(_) => {
                    matches!(got, CoverageState::NotEnabled { reason } if !reason.is_empty())
                }
                FromConfig::TagsOfEveryRecordedResource => got.is_collected(),
            };
            if !ok {
                problems.push(format!(
                    "{} reads {source} ({:?}): coverage {}",
                    m.id,
                    from_config(source),
                    got.describe()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(seen >= CATALOGUE.len(), "the walk saw {seen} inputs");

    // And the controls reading what Config cannot provide never pass on this import.
    let settings = Settings::at(now());
    let result = phiguard_controls::evaluate(&import.inventory, &settings, CATALOGUE);
    for outcome in &result.outcomes {
        let blind = outcome.control.meta.inputs.iter().any(|i| {
            !matches!(
                from_config(i.source()),
                FromConfig::Types(_) | FromConfig::TagsOfEveryRecordedResource
            )
        });
        if blind {
            assert_ne!(
                outcome.evaluation.status,
                Status::Pass,
                "{} passed without data it cannot have: {}",
                outcome.control.id(),
                outcome.evaluation.reason
            );
        }
    }
}
