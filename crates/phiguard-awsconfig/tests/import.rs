//! Importing the fixture AWS Config exports (see `tests/fixtures/make_fixtures.py`) and
//! evaluating the catalogue over them.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions may panic"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use phiguard_awsconfig::{Import, NOT_IN_SNAPSHOTS, import, never_in_config};
use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::{CoverageState, DataSource, Details, GLOBAL, Resource, Status, Timestamp};

fn now() -> Timestamp {
    "2026-01-15T12:00:00Z".parse().unwrap()
}

fn fixtures(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn snapshots() -> Import {
    import(&[fixtures("snapshots")], now()).unwrap()
}

fn find<'a>(import: &'a Import, arn: &str) -> &'a Resource {
    import
        .inventory
        .resources
        .iter()
        .find(|r| r.arn == arn)
        .unwrap_or_else(|| panic!("no resource {arn}"))
}

fn state<'a>(import: &'a Import, region: &str, source: DataSource) -> &'a CoverageState {
    &import
        .inventory
        .coverage
        .iter()
        .find(|c| c.region == region && c.source == source)
        .unwrap_or_else(|| panic!("no coverage for {source} in {region}"))
        .state
}

#[test]
fn a_snapshot_folder_is_read_recursively() {
    let import = snapshots();
    assert!(import.errors.is_empty(), "{:?}", import.errors);
    assert_eq!(import.files.len(), 2, "{:?}", import.files);
    let inv = &import.inventory;
    assert_eq!(inv.accounts.len(), 1);
    assert_eq!(inv.accounts[0].id, "123456789012");
    assert_eq!(inv.accounts[0].regions, ["eu-west-1", "us-east-1"]);
    assert_eq!(inv.generated_at.to_string(), "2026-01-14T06:00:36Z");
    // The deleted volume is gone; unmapped types are counted, tagged ones kept for PHI.
    assert!(
        !inv.resources
            .iter()
            .any(|r| r.arn.contains("vol-0ffff0000dead0001"))
    );
    assert_eq!(
        import.unmapped,
        BTreeMap::from([("AWS::SSM::ManagedInstanceInventory".to_string(), 2),])
    );
    assert!(
        inv.source
            .description
            .ends_with("unmapped resource types: AWS::SSM::ManagedInstanceInventory (2)"),
        "{}",
        inv.source.description
    );
    let efs = find(
        &import,
        "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0a1b2c3d4e5f60718",
    );
    // Mapped (CloudFormation-shaped item): encryption read, the absent backup policy is a
    // field error rather than "off".
    assert!(matches!(&efs.details, Details::EfsFileSystem(f) if f.encrypted));
    assert_eq!(
        efs.field_error("backup_policy_enabled")
            .map(|e| e.code.as_str()),
        Some("MissingFromConfigurationItem")
    );
}

#[test]
fn s3_supplementary_configuration_as_objects_and_as_strings() {
    let import = snapshots();
    let Details::S3Bucket(phi) = &find(&import, "arn:aws:s3:::clinic-phi-records").details else {
        panic!("not a bucket");
    };
    let encryption = phi.encryption.as_ref().unwrap();
    assert_eq!(encryption.algorithm, "aws:kms");
    assert!(encryption.bucket_key_enabled);
    assert_eq!(phi.versioning.as_deref(), Some("Enabled"));
    assert!(phi.public_access_block.unwrap().all_on());
    assert_eq!(phi.policy.as_ref().unwrap().statements.len(), 1);
    assert_eq!(
        phi.object_lock.as_ref().unwrap().retention_days(),
        Some(2192)
    );
    assert_eq!(
        phi.logging.as_ref().unwrap().target_bucket,
        "clinic-access-logs"
    );
    assert!(!phi.acl_grants_public);

    let site = find(&import, "arn:aws:s3:::clinic-public-site");
    let Details::S3Bucket(bucket) = &site.details else {
        panic!("not a bucket");
    };
    assert_eq!(bucket.encryption.as_ref().unwrap().algorithm, "AES256");
    assert_eq!(bucket.versioning, None, "`Off` is never enabled");
    assert!(bucket.acl_grants_public);
    assert!(bucket.policy.is_none() && bucket.logging.is_none());
    assert!(site.errors.is_empty(), "{:?}", site.errors);

    // The eu bucket has no encryption key in its item: unknown, not "unencrypted".
    let eu = find(&import, "arn:aws:s3:::clinic-eu-backups");
    assert_eq!(eu.region, "eu-west-1");
    assert_eq!(
        eu.field_error("encryption").unwrap().code,
        "MissingFromConfigurationItem"
    );
    let account = &import.inventory.accounts[0].settings;
    assert!(
        !account
            .s3_public_access_block
            .unwrap()
            .restrict_public_buckets
    );
}

#[test]
fn what_config_does_not_record_is_a_field_error() {
    let import = snapshots();
    let trail = find(
        &import,
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail",
    );
    assert_eq!(
        trail.field_error("is_logging").unwrap().code,
        "NotRecordedByAwsConfig"
    );
    let Details::Trail(t) = &trail.details else {
        panic!()
    };
    // No custom selectors: every management event, known from the item.
    assert_eq!(t.event_selectors.len(), 1);
    assert!(trail.field_error("event_selectors").is_none());

    let user = find(&import, "arn:aws:iam::123456789012:user/jdoe");
    for field in ["mfa_devices", "access_keys", "console_access"] {
        assert!(user.field_error(field).is_some(), "{field}");
    }
    let Details::IamUser(u) = &user.details else {
        panic!()
    };
    assert_eq!(
        u.inline_policies[0].document.statements[0].action,
        ["s3:ListBucket"]
    );
    let Details::IamGroup(g) = &find(&import, "arn:aws:iam::123456789012:group/Billing").details
    else {
        panic!()
    };
    assert_eq!(g.members, ["jdoe"]);
    let Details::Vpc(vpc) = &find(
        &import,
        "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0a1b2c3d",
    )
    .details
    else {
        panic!()
    };
    assert_eq!(vpc.flow_logs[0].status, "ACTIVE");
    let lb = find(
        &import,
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/patient-portal/50dc6c495c0c9188",
    );
    let Details::LoadBalancer(l) = &lb.details else {
        panic!()
    };
    assert_eq!(l.listeners.len(), 2);
    assert!(l.listeners.iter().any(|l| l.redirects_to_https));
    assert_eq!(l.access_logs_enabled, Some(true));
    let Details::BackupPlan(plan) = &find(
        &import,
        "arn:aws:backup:us-east-1:123456789012:backup-plan:8f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    )
    .details
    else {
        panic!()
    };
    assert_eq!(plan.selections[0].tags[0].key, "PHI");
    let policy = find(&import, "arn:aws:iam::123456789012:policy/phi-read");
    let Details::IamPolicy(p) = &policy.details else {
        panic!()
    };
    assert_eq!(
        p.document.statements[0].action,
        ["s3:GetObject"],
        "the default version"
    );
    assert_eq!(p.attachment_count, 1);
}

#[test]
fn coverage_is_collected_only_where_the_snapshot_can_know() {
    let import = snapshots();
    // The us-east-1 recorder records everything, so zero items mean zero resources.
    assert!(state(&import, "us-east-1", DataSource::RdsClusters).is_collected());
    assert!(state(&import, "us-east-1", DataSource::KmsKeys).is_collected());
    // eu-west-1 has no recorder item: only the types it holds items of are known.
    assert!(state(&import, "eu-west-1", DataSource::KmsKeys).is_collected());
    let CoverageState::NotEnabled { reason } =
        state(&import, "eu-west-1", DataSource::RdsInstances)
    else {
        panic!("RDS in eu-west-1 cannot be known");
    };
    assert!(
        reason.contains("no configuration recorder item"),
        "{reason}"
    );
    // Buckets: every region holds bucket items or records them.
    assert!(state(&import, GLOBAL, DataSource::S3Buckets).is_collected());
    assert!(state(&import, GLOBAL, DataSource::IamUsers).is_collected());
    for source in DataSource::ALL.iter().filter(|s| never_in_config(**s)) {
        let region = if source.is_global() {
            GLOBAL
        } else {
            "us-east-1"
        };
        assert_eq!(
            state(&import, region, *source),
            &CoverageState::NotEnabled {
                reason: NOT_IN_SNAPSHOTS.into()
            },
            "{source}"
        );
    }
    let mut table = String::new();
    for c in &import.inventory.coverage {
        writeln!(
            table,
            "{:<10} {:<32} {}",
            c.region,
            c.source.as_str(),
            c.state.describe()
        )
        .unwrap();
    }
    insta::assert_snapshot!("coverage", table);
}

#[test]
fn controls_reading_what_config_cannot_know_never_pass() {
    let import = snapshots();
    let settings = Settings::at(now());
    let result = phiguard_controls::evaluate(&import.inventory, &settings, CATALOGUE);
    let mut blind = 0;
    for outcome in &result.outcomes {
        let reads_unknowable = outcome
            .control
            .meta
            .inputs
            .iter()
            .any(|i| never_in_config(i.source()));
        if reads_unknowable {
            blind += 1;
            assert_ne!(
                outcome.evaluation.status,
                Status::Pass,
                "{} passed on {} without data: {}",
                outcome.control.id(),
                outcome.evaluation.subject.id,
                outcome.evaluation.reason
            );
        }
    }
    assert!(
        blind >= 6,
        "the fixture must exercise those controls ({blind})"
    );
    let status_of = |id: &str| -> Vec<Status> {
        result
            .outcomes
            .iter()
            .filter(|o| o.control.id() == id)
            .map(|o| o.evaluation.status)
            .collect()
    };
    // Root MFA: the account summary is not in snapshots.
    assert_eq!(status_of("IAM-001"), [Status::Error]);

    let mut table = String::new();
    for outcome in &result.outcomes {
        writeln!(
            table,
            "{:<15} {:<14} {} — {}",
            outcome.control.id(),
            format!("{:?}", outcome.evaluation.status).to_lowercase(),
            outcome.evaluation.subject.id,
            outcome.evaluation.reason
        )
        .unwrap();
    }
    insta::assert_snapshot!("results", table);
}

#[test]
fn the_inventory() {
    let import = snapshots();
    insta::assert_snapshot!("inventory", import.inventory.to_json_pretty());
}

#[test]
fn select_resource_config_output() {
    let import = import(&[fixtures("select")], now()).unwrap();
    let inv = &import.inventory;
    assert_eq!(inv.accounts[0].id, "210987654321");
    let user = find(&import, "arn:aws:iam::210987654321:user/asmith");
    assert_eq!(user.tags.get("Team").map(String::as_str), Some("intake"));
    let snap = find(
        &import,
        "arn:aws:rds:us-west-2:210987654321:snapshot:intake-db-2026-01-12",
    );
    let Details::RdsSnapshot(s) = &snap.details else {
        panic!()
    };
    assert!(!s.encrypted && !s.public);
    assert_eq!(s.shared_with, ["444455556666"]);
    // Select output is a query: absent types are unknown, present ones are collected.
    assert!(state(&import, "us-west-2", DataSource::RdsSnapshots).is_collected());
    assert!(!state(&import, "us-west-2", DataSource::RdsInstances).is_collected());
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w.contains("only select-resource-config input")),
        "{:?}",
        import.warnings
    );
}

#[test]
fn broken_files_are_reported_and_the_rest_is_read() {
    let import = import(&[fixtures("broken")], now()).unwrap();
    assert_eq!(import.files.len(), 1);
    let shown: Vec<String> = import
        .errors
        .iter()
        .map(|e| {
            e.to_string()
                .replace(&fixtures("broken").display().to_string(), "[DIR]")
        })
        .collect();
    insta::assert_snapshot!("broken", shown.join("\n"));
    // The unreadable us-west-2 snapshot leaves that region failed, not empty.
    let CoverageState::Failed { message } = state(&import, "us-west-2", DataSource::KmsKeys) else {
        panic!("us-west-2 must be failed");
    };
    assert!(message.contains("could not be read"), "{message}");
    assert!(state(&import, "eu-west-1", DataSource::KmsKeys).is_collected());
    assert!(
        import.inventory.accounts[0]
            .regions
            .contains(&"us-west-2".to_string())
    );
}

#[test]
fn nothing_readable_is_an_error() {
    let missing = fixtures("no-such-dir");
    let err = import(&[missing], now()).unwrap_err();
    assert!(
        err.to_string().starts_with("no AWS Config files found in"),
        "{err}"
    );
    let err = import(&[fixtures("broken/truncated.json.gz")], now()).unwrap_err();
    assert!(err.to_string().contains("cannot decompress"), "{err}");
}

#[test]
fn history_files_keep_the_latest_item_and_drop_deleted_resources() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("awsconfig-history");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let item = |id: &str, state: i64, status: &str, versioning: &str| {
        serde_json::json!({
            "awsAccountId": "123456789012", "resourceType": "AWS::S3::Bucket",
            "resourceId": id, "resourceName": id, "ARN": format!("arn:aws:s3:::{id}"),
            "awsRegion": "us-east-1", "configurationStateId": state,
            "configurationItemStatus": status,
            "configuration": {"name": id},
            "supplementaryConfiguration": {
                "BucketVersioningConfiguration": {"status": versioning},
            },
        })
    };
    let write = |name: &str, items: Vec<serde_json::Value>| {
        let doc = serde_json::json!({"fileVersion": "1.0", "configurationItems": items});
        std::fs::write(dir.join(name), doc.to_string()).unwrap();
    };
    let name = |n: u32| {
        format!(
            "123456789012_Config_us-east-1_ConfigHistory_AWS::S3::Bucket_20260114T000000Z_20260114T060000Z_{n}.json"
        )
    };
    // Later file first: order must not matter.
    write(
        &name(2),
        vec![
            item("b1", 200, "OK", "Enabled"),
            item("b2", 200, "ResourceDeleted", "Off"),
        ],
    );
    write(
        &name(1),
        vec![item("b1", 100, "OK", "Off"), item("b2", 100, "OK", "Off")],
    );
    let mut not_recorded = item("b3", 50, "ResourceNotRecorded", "Enabled");
    not_recorded["configuration"] = serde_json::Value::Null;
    write(&name(3), vec![not_recorded]);

    let import = import(std::slice::from_ref(&dir), now()).unwrap();
    assert!(
        import
            .files
            .iter()
            .all(|f| f.kind == phiguard_awsconfig::InputKind::History)
    );
    let Details::S3Bucket(b1) = &find(&import, "arn:aws:s3:::b1").details else {
        panic!()
    };
    assert_eq!(
        b1.versioning.as_deref(),
        Some("Enabled"),
        "the latest item wins"
    );
    assert!(
        !import
            .inventory
            .resources
            .iter()
            .any(|r| r.arn.ends_with(":b2"))
    );
    let b3 = find(&import, "arn:aws:s3:::b3");
    assert_eq!(
        b3.field_error("versioning").unwrap().code,
        "ResourceNotRecorded"
    );
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w.contains("only history input")),
        "{:?}",
        import.warnings
    );
    // History holds changes: types without items there are not collected.
    assert!(!state(&import, "us-east-1", DataSource::KmsKeys).is_collected());
}

#[test]
fn every_data_source_has_a_decision() {
    // A data source added to the model must be mapped from Config types, declared never in
    // Config, or handled specially; otherwise this importer would silently mark it.
    for source in DataSource::ALL {
        let mapped = phiguard_awsconfig::MAPPED.iter().any(|(_, s)| s == source);
        let never = never_in_config(*source);
        let special = matches!(
            source,
            DataSource::TaggedResources | DataSource::S3AccountPublicAccessBlock
        );
        assert!(
            [mapped, never, special].iter().filter(|b| **b).count() == 1,
            "{source}: mapped {mapped}, never {never}, special {special}"
        );
    }
}

/// Every scalar inside `configuration` and `supplementaryConfiguration` replaced by a value of
/// another type, and the file cut at many points: the importer must not panic, and a bucket
/// whose attributes became unreadable must not pass as configured.
#[test]
fn hostile_input_never_panics() {
    fn scramble(value: &mut serde_json::Value, round: usize) {
        use serde_json::Value;
        match value {
            Value::Object(map) => map.values_mut().for_each(|v| scramble(v, round)),
            Value::Array(list) => list.iter_mut().for_each(|v| scramble(v, round)),
            other => {
                *other = match round % 4 {
                    0 => Value::from(5.5),
                    1 => Value::from("{\"not\": \"what you expect\"}"),
                    2 => Value::Array(vec![Value::Null]),
                    _ => Value::Bool(true),
                };
            }
        }
    }
    let path = fixtures(
        "snapshots/AWSLogs/123456789012/Config/eu-west-1/2026/1/14/ConfigSnapshot/123456789012_Config_eu-west-1_ConfigSnapshot_20260114T060000Z_6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d.json",
    );
    let text = std::fs::read_to_string(&path).unwrap();
    for round in 0..4 {
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for item in doc["configurationItems"].as_array_mut().unwrap() {
            scramble(&mut item["configuration"], round);
            scramble(&mut item["supplementaryConfiguration"], round);
        }
        let bytes = doc.to_string().into_bytes();
        let data = phiguard_awsconfig::read::parse(&bytes, &path)
            .unwrap()
            .unwrap();
        let import = phiguard_awsconfig::build(vec![data], vec![], now());
        let mut settings = Settings::at(now());
        settings.selection.enabled = ["S3-001", "S3-005", "S3-007", "KMS-001", "KMS-002"]
            .map(String::from)
            .to_vec();
        let result = phiguard_controls::evaluate(&import.inventory, &settings, CATALOGUE);
        let passes: Vec<String> = result
            .outcomes
            .iter()
            .filter(|o| o.evaluation.status == Status::Pass)
            .map(|o| format!("{} {}", o.control.id(), o.evaluation.reason))
            .collect();
        assert!(passes.is_empty(), "round {round}: {passes:?}");
        for cut in (0..bytes.len()).step_by(97) {
            let _ = phiguard_awsconfig::read::parse(&bytes[..cut], &path);
        }
    }
}

#[test]
fn only_the_newest_snapshot_of_a_region_counts() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("awsconfig-two-snapshots");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bucket = |id: &str, state: i64| {
        serde_json::json!({
            "awsAccountId": "123456789012", "resourceType": "AWS::S3::Bucket",
            "resourceId": id, "ARN": format!("arn:aws:s3:::{id}"), "awsRegion": "eu-west-1",
            "configurationStateId": state, "configurationItemStatus": "OK",
            "configuration": {"name": id},
        })
    };
    let write = |day: &str, items: Vec<serde_json::Value>| {
        let doc = serde_json::json!({
            "fileVersion": "1.0", "configSnapshotId": day, "configurationItems": items,
        });
        let name =
            format!("123456789012_Config_eu-west-1_ConfigSnapshot_202601{day}T060000Z_{day}.json");
        std::fs::write(dir.join(name), doc.to_string()).unwrap();
    };
    // The older snapshot still has `retired`, deleted since.
    write("13", vec![bucket("kept", 100), bucket("retired", 100)]);
    write("14", vec![bucket("kept", 200)]);
    // A history item older than the newest snapshot must not resurrect it either.
    let history =
        serde_json::json!({"fileVersion": "1.0", "configurationItems": [bucket("retired", 150)]});
    std::fs::write(
        dir.join("123456789012_Config_eu-west-1_ConfigHistory_AWS::S3::Bucket_x_y_1.json"),
        history.to_string(),
    )
    .unwrap();
    let import = import(&[dir], now()).unwrap();
    let arns: Vec<&str> = import
        .inventory
        .resources
        .iter()
        .map(|r| r.arn.as_str())
        .collect();
    assert_eq!(arns, ["arn:aws:s3:::kept"]);
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w.contains("1 older snapshot(s) ignored")),
        "{:?}",
        import.warnings
    );
    assert!(
        import
            .warnings
            .iter()
            .any(|w| w.contains("1 history or select item(s) older")),
        "{:?}",
        import.warnings
    );
}

#[test]
fn the_recorder_decides_what_zero_items_mean() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("awsconfig-recorder");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let recorder = serde_json::json!({
        "awsAccountId": "123456789012", "resourceType": "AWS::Config::ConfigurationRecorder",
        "resourceId": "default", "awsRegion": "ap-southeast-2", "configurationStateId": 1,
        "configurationItemStatus": "OK",
        "configuration": {"Name": "default", "Recording": true, "RecordingGroup": {
            "AllSupported": false, "IncludeGlobalResourceTypes": false,
            "ResourceTypes": ["AWS::S3::Bucket", "AWS::Lambda::Url"],
            "RecordingStrategy": {"UseOnly": "INCLUSION_BY_RESOURCE_TYPES"}}},
    });
    let doc = serde_json::json!({
        "fileVersion": "1.0", "configSnapshotId": "s", "configurationItems": [recorder],
    });
    std::fs::write(
        dir.join("123456789012_Config_ap-southeast-2_ConfigSnapshot_20260114T060000Z_s.json"),
        doc.to_string(),
    )
    .unwrap();
    let import = import(std::slice::from_ref(&dir), now()).unwrap();
    // Recorded and absent: no buckets. Not recorded: unknown, with the reason.
    assert!(state(&import, GLOBAL, DataSource::S3Buckets).is_collected());
    let CoverageState::NotEnabled { reason } =
        state(&import, "ap-southeast-2", DataSource::KmsKeys)
    else {
        panic!("KMS is not recorded");
    };
    assert_eq!(
        reason,
        "AWS Config: the configuration recorder does not record AWS::KMS::Key"
    );
    assert!(!state(&import, GLOBAL, DataSource::IamUsers).is_collected());
    assert!(state(&import, "ap-southeast-2", DataSource::ConfigRecorders).is_collected());
    let recorder = find(
        &import,
        "arn:aws:config:ap-southeast-2:123456789012:config-recorder/default",
    );
    let Details::ConfigRecorder(r) = &recorder.details else {
        panic!()
    };
    assert!(r.recording && !r.all_supported);
}

#[test]
fn select_items_without_identity_are_skipped_and_said() {
    let text = serde_json::json!({"Results": [
        serde_json::json!({"resourceType": "AWS::KMS::Key", "resourceId": "k", "accountId": "123456789012"}).to_string(),
        serde_json::json!({"resourceId": "x"}).to_string(),
    ]})
    .to_string();
    let path = Path::new("select.json");
    let data = phiguard_awsconfig::read::parse(text.as_bytes(), path)
        .unwrap()
        .unwrap();
    let import = phiguard_awsconfig::build(vec![data], vec![], now());
    assert!(import.inventory.resources.is_empty());
    assert!(
        import.warnings[0].starts_with("2 configuration item(s) without a resource type"),
        "{:?}",
        import.warnings
    );
}

#[test]
fn iam_items_come_from_the_newest_snapshot_holding_them() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("awsconfig-global");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let user = |name: &str, state: i64| {
        serde_json::json!({
            "awsAccountId": "123456789012", "resourceType": "AWS::IAM::User",
            "resourceId": format!("AIDA{name}"), "resourceName": name, "awsRegion": "global",
            "ARN": format!("arn:aws:iam::123456789012:user/{name}"),
            "configurationStateId": state, "configurationItemStatus": "OK",
            "configuration": {"userName": name},
        })
    };
    let write = |region: &str, items: Vec<serde_json::Value>| {
        let doc = serde_json::json!({
            "fileVersion": "1.0", "configSnapshotId": region, "configurationItems": items,
        });
        let name =
            format!("123456789012_Config_{region}_ConfigSnapshot_20260114T060000Z_{region}.json");
        std::fs::write(dir.join(name), doc.to_string()).unwrap();
    };
    // eu-west-1's snapshot is older and still lists `departed`, deleted since.
    write("eu-west-1", vec![user("alice", 100), user("departed", 100)]);
    write("us-east-1", vec![user("alice", 200)]);
    let import = import(std::slice::from_ref(&dir), now()).unwrap();
    let arns: Vec<&str> = import
        .inventory
        .resources
        .iter()
        .map(|r| r.arn.as_str())
        .collect();
    assert_eq!(arns, ["arn:aws:iam::123456789012:user/alice"]);
}
