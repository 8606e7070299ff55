use std::path::{Path, PathBuf};

use phiguard_controls::{Settings, Waiver, evaluate};
use phiguard_model::{Inventory, Severity, Status};

use super::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/rego")
}

fn now() -> jiff::Timestamp {
    "2026-01-15T12:00:00Z".parse().expect("timestamp")
}

/// A clinic account: PHI buckets (one with a customer-managed key, one with an AWS-managed
/// key, production ones with and without Object Lock), a non-PHI bucket, a PHI DynamoDB table
/// without a KMS key, and two KMS keys.
fn inventory(kms_collected: bool) -> Inventory {
    let mut coverage = vec![
        r#"{"account": "111122223333", "region": "global", "source": "s3_buckets", "state": "collected"}"#,
        r#"{"account": "111122223333", "region": "us-east-1", "source": "dynamodb_tables", "state": "collected"}"#,
    ];
    if kms_collected {
        coverage.push(r#"{"account": "111122223333", "region": "us-east-1", "source": "kms_keys", "state": "collected"}"#);
    }
    let cmk = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555";
    let aws = "arn:aws:kms:us-east-1:111122223333:key/99999999-8888-7777-6666-555555555555";
    let text = format!(
        r#"{{
  "schema_version": 1,
  "generated_at": "2026-01-10T09:00:00Z",
  "source": {{"kind": "synthetic", "description": "phiguard-rego test"}},
  "accounts": [{{"id": "111122223333", "regions": ["us-east-1"]}}],
  "coverage": [{coverage}],
  "resources": [
    {{"arn": "arn:aws:s3:::clinic-records", "account": "111122223333", "region": "us-east-1",
      "tags": {{"PHI": "Yes", "Environment": "Production"}},
      "details": {{"s3_bucket": {{"encryption": {{"algorithm": "aws:kms", "kms_key_id": "{cmk}"}},
        "object_lock": {{"enabled": true, "mode": "COMPLIANCE", "years": 6}}}}}}}},
    {{"arn": "arn:aws:s3:::clinic-imaging", "account": "111122223333", "region": "us-east-1",
      "tags": {{"PHI": "Yes", "Environment": "Production"}},
      "details": {{"s3_bucket": {{"encryption": {{"algorithm": "aws:kms", "kms_key_id": "{aws}"}}}}}}}},
    {{"arn": "arn:aws:s3:::clinic-staging", "account": "111122223333", "region": "us-east-1",
      "tags": {{"PHI": "Yes", "Environment": "Staging"}},
      "details": {{"s3_bucket": {{"encryption": {{"algorithm": "AES256"}}}}}}}},
    {{"arn": "arn:aws:s3:::clinic-website", "account": "111122223333", "region": "us-east-1",
      "tags": {{"Environment": "Production"}},
      "details": {{"s3_bucket": {{}}}}}},
    {{"arn": "arn:aws:dynamodb:us-east-1:111122223333:table/appointments", "account": "111122223333",
      "region": "us-east-1", "tags": {{"PHI": "Yes"}},
      "details": {{"dynamodb_table": {{"sse_type": null, "pitr_enabled": false}}}}}},
    {{"arn": "{cmk}", "account": "111122223333", "region": "us-east-1",
      "details": {{"kms_key": {{"key_manager": "CUSTOMER", "key_state": "Enabled", "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS"}}}}}},
    {{"arn": "{aws}", "account": "111122223333", "region": "us-east-1",
      "details": {{"kms_key": {{"key_manager": "AWS", "key_state": "Enabled", "key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS"}}}}}}
  ]
}}"#,
        coverage = coverage.join(",")
    );
    serde_json::from_str(&text).expect("test inventory")
}

fn example_controls() -> Vec<&'static Control> {
    load_dir(&examples()).expect("the examples load")
}

/// (control id, resource, status, severity) of every outcome.
fn rows(
    inventory: &Inventory,
    settings: &Settings,
    controls: &[&'static Control],
) -> Vec<(String, String, Status, Severity)> {
    evaluate(inventory, settings, controls)
        .outcomes
        .iter()
        .map(|o| {
            (
                o.control.id().to_string(),
                o.evaluation.subject.id.to_string(),
                o.evaluation.status,
                o.severity,
            )
        })
        .collect()
}

fn status_of(rows: &[(String, String, Status, Severity)], id: &str, arn: &str) -> Option<Status> {
    rows.iter().find(|r| r.0 == id && r.1 == arn).map(|r| r.2)
}

#[test]
fn the_examples_load_with_their_metadata() {
    let controls = example_controls();
    let ids: Vec<&str> = controls.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["CUSTOM-001", "CUSTOM-002"]);
    let cmk = controls[0];
    assert_eq!(cmk.slug(), "phi-data-stores-use-customer-managed-keys");
    assert_eq!(cmk.meta.severity, Severity::High);
    assert_eq!(cmk.citations().len(), 2);
    assert_eq!(cmk.meta.inputs.len(), 3);
    assert!(
        cmk.remediation().missing().is_empty(),
        "{:?}",
        cmk.remediation()
    );
    assert!(cmk.module.ends_with("phi_cmk.rego"));
}

#[test]
fn cmk_example_passes_customer_keys_and_fails_the_rest() {
    let controls = example_controls();
    let settings = Settings::at(now());
    let rows = rows(&inventory(true), &settings, &controls);
    assert_eq!(
        status_of(&rows, "CUSTOM-001", "arn:aws:s3:::clinic-records"),
        Some(Status::Pass)
    );
    assert_eq!(
        status_of(&rows, "CUSTOM-001", "arn:aws:s3:::clinic-imaging"),
        Some(Status::Fail)
    );
    assert_eq!(
        status_of(&rows, "CUSTOM-001", "arn:aws:s3:::clinic-staging"),
        Some(Status::Fail)
    );
    assert_eq!(
        status_of(
            &rows,
            "CUSTOM-001",
            "arn:aws:dynamodb:us-east-1:111122223333:table/appointments"
        ),
        Some(Status::Fail)
    );
    // Not PHI: not evaluated by the policy.
    assert_eq!(
        status_of(&rows, "CUSTOM-001", "arn:aws:s3:::clinic-website"),
        None
    );
    // PHI severity raise: high → critical on PHI resources.
    let fail = rows
        .iter()
        .find(|r| r.0 == "CUSTOM-001" && r.2 == Status::Fail)
        .expect("a failure");
    assert_eq!(fail.3, Severity::Critical);
}

#[test]
fn object_lock_example_checks_production_phi_buckets_only() {
    let controls = example_controls();
    let rows = rows(&inventory(true), &Settings::at(now()), &controls);
    let mine: Vec<_> = rows.iter().filter(|r| r.0 == "CUSTOM-002").collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert_eq!(
        status_of(&rows, "CUSTOM-002", "arn:aws:s3:::clinic-records"),
        Some(Status::Pass)
    );
    assert_eq!(
        status_of(&rows, "CUSTOM-002", "arn:aws:s3:::clinic-imaging"),
        Some(Status::Fail)
    );
}

/// Each scan converts its own input: an inventory edited in place between two scans (same
/// address, same number of resources, what a process-wide cache keyed on those would have
/// mistaken for the same inventory) is evaluated as it now is.
#[test]
fn each_scan_reads_the_inventory_as_it_is_then() {
    let controls = example_controls();
    let settings = Settings::at(now());
    let mut inventory = inventory(true);
    let before = rows(&inventory, &settings, &controls);
    assert_eq!(
        status_of(&before, "CUSTOM-002", "arn:aws:s3:::clinic-imaging"),
        Some(Status::Fail)
    );
    let imaging = inventory
        .resources
        .iter_mut()
        .find(|r| r.arn == "arn:aws:s3:::clinic-imaging")
        .expect("the imaging bucket");
    imaging.tags.remove("PHI");
    let after = rows(&inventory, &settings, &controls);
    assert_eq!(
        status_of(&after, "CUSTOM-002", "arn:aws:s3:::clinic-imaging"),
        None,
        "{after:?}"
    );
    assert_eq!(
        status_of(&after, "CUSTOM-002", "arn:aws:s3:::clinic-records"),
        Some(Status::Pass)
    );
}

#[test]
fn missing_inputs_make_custom_controls_error_never_pass() {
    let controls = example_controls();
    let rows = rows(&inventory(false), &Settings::at(now()), &controls);
    let cmk: Vec<_> = rows.iter().filter(|r| r.0 == "CUSTOM-001").collect();
    assert!(!cmk.is_empty());
    assert!(
        cmk.iter().all(|r| r.2 == Status::Error),
        "kms_keys not collected: {cmk:?}"
    );
    // CUSTOM-002 reads only S3, which was collected.
    assert_eq!(
        status_of(&rows, "CUSTOM-002", "arn:aws:s3:::clinic-records"),
        Some(Status::Pass)
    );
}

#[test]
fn waivers_and_selection_apply_to_custom_controls() {
    let controls = example_controls();
    let mut settings = Settings::at(now());
    settings.waivers.push(Waiver {
        control: "phi-production-buckets-object-lock".into(),
        resource: "arn:aws:s3:::clinic-imaging".into(),
        reason: "migration to a locked bucket planned".into(),
        approved_by: "security officer".into(),
        expires: "2026-06-30".parse().expect("date"),
        line: None,
    });
    settings.selection.enabled = vec!["CUSTOM-002".into()];
    let rows = rows(&inventory(true), &settings, &controls);
    assert!(rows.iter().all(|r| r.0 == "CUSTOM-002"), "{rows:?}");
    assert_eq!(
        status_of(&rows, "CUSTOM-002", "arn:aws:s3:::clinic-imaging"),
        Some(Status::Waived)
    );
}

#[test]
fn a_syntax_error_names_file_and_line() {
    let text = "package phiguard.custom.broken\n\nimport rego.v1\n\nresults contains x if {\n\tx := 1 +\n}\n";
    let e = load(Path::new("policies/broken.rego"), text).expect_err("does not parse");
    assert_eq!(e.file, PathBuf::from("policies/broken.rego"));
    assert_eq!(e.line, Some(6), "{e:?}");
    assert!(e.to_string().starts_with("policies/broken.rego:6: "), "{e}");
}

#[test]
fn bad_metadata_is_a_load_error() {
    let base = std::fs::read_to_string(examples().join("phi_production_object_lock.rego"))
        .expect("example");
    for (from, to, says) in [
        ("\"CUSTOM-002\"", "\"S3-007\"", "is a built-in control"),
        ("\"medium\"", "\"severe\"", "severity `severe`"),
        ("\"312(c)(1)\"", "\"999(z)\"", "citation `999(z)`"),
        (
            "[\"s3_bucket\"]",
            "[\"s3_bukket\"]",
            "resource kind `s3_bukket`",
        ),
        ("metadata :=", "meta :=", "defines no `metadata`"),
    ] {
        let text = base.replace(from, to);
        let e = load(Path::new("x.rego"), &text).expect_err(says);
        assert!(e.to_string().contains(says), "{says}: {e}");
    }
    // A folder with a broken file reports it with the others.
    let dir = std::env::temp_dir().join(format!("phiguard-rego-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("a.rego"), &base).expect("write");
    std::fs::write(dir.join("b.rego"), &base).expect("write");
    let errors = load_dir(&dir).expect_err("duplicate id");
    assert!(errors[0].message.contains("already used"), "{errors:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_runtime_error_makes_the_control_error() {
    let base = std::fs::read_to_string(examples().join("phi_production_object_lock.rego"))
        .expect("example");
    // `results` that is not a set of objects, and a builtin failing at run time.
    for broken in [
        "results := \"not a set\"\n",
        "results contains {\"arn\": b.arn, \"status\": \"pass\", \"n\": n} if {\n\tsome b in input.resources\n\tn := to_number(\"not a number\")\n}\n",
    ] {
        let cut = base.find("production_phi_buckets contains").expect("rules");
        let text = format!(
            "{}{broken}",
            base[..cut].replace("CUSTOM-002", "CUSTOM-009")
        );
        let control = load(Path::new("runtime.rego"), &text).expect("parses");
        let rows = rows(&inventory(true), &Settings::at(now()), &[control]);
        assert!(!rows.is_empty(), "{broken}");
        assert!(
            rows.iter().all(|r| r.2 == Status::Error),
            "{broken}: {rows:?}"
        );
    }
}

/// The input as it was first built (a `serde_json::Value` per resource, then text): the
/// direct writer must give the same value.
fn reference_input(ctx: &Ctx<'_>, kinds: &[ResourceKind]) -> regorus::Value {
    let selected: Vec<(&phiguard_model::Resource, bool)> = if kinds.is_empty() {
        ctx.all_resources().collect()
    } else {
        kinds
            .iter()
            .flat_map(|k| ctx.resources_of(*k))
            .map(|r| (r, ctx.is_phi(r)))
            .collect()
    };
    let resources: Vec<serde_json::Value> = selected
        .into_iter()
        .map(|(r, phi)| {
            let (kind, details) = match serde_json::to_value(&r.details).expect("details") {
                serde_json::Value::Object(map) if map.len() == 1 => {
                    map.into_iter().next().expect("one key")
                }
                other => (r.kind().as_str().to_string(), other),
            };
            serde_json::json!({
                "arn": r.arn, "account": r.account, "region": r.region, "name": r.name,
                "tags": r.tags, "kind": kind, "phi": phi, "details": details,
            })
        })
        .collect();
    let accounts: Vec<serde_json::Value> = ctx
        .accounts()
        .iter()
        .map(|a| serde_json::json!({"id": a.id, "phi": ctx.account_holds_phi(&a.id)}))
        .collect();
    let text = serde_json::json!({"accounts": accounts, "resources": resources}).to_string();
    regorus::Value::from_json_str(&text).expect("reference input")
}

#[test]
fn the_input_is_written_straight_from_the_model_unchanged() {
    use std::sync::Arc;

    use phiguard_controls::ctx::Index;

    let mut inventory = inventory(true);
    // A name, a tag with characters JSON escapes, and a resource without details of its own.
    inventory.resources[0].name = Some("clinic \"records\"".into());
    inventory.resources[0]
        .tags
        .insert("Owner\\Team".into(), "Health\nIT".into());
    let settings = Settings::at(now());
    let ctx = Ctx::new(
        &inventory,
        &settings,
        Arc::new(Index::new(&inventory, &settings)),
    );
    for kinds in [
        &[][..],
        &[ResourceKind::S3Bucket][..],
        &[
            ResourceKind::S3Bucket,
            ResourceKind::DynamodbTable,
            ResourceKind::KmsKey,
        ][..],
    ] {
        let direct = input_for(&ctx, kinds).expect("input");
        assert_eq!(direct, reference_input(&ctx, kinds), "{kinds:?}");
        let resources = direct["resources"].as_array().expect("resources").len();
        assert!(resources > 0, "{kinds:?}");
    }
    assert_eq!(
        split_tagged(r#"{"s3_bucket":{"a":1}}"#),
        Some(("s3_bucket", r#"{"a":1}"#))
    );
    assert_eq!(split_tagged(r#"{"a\"b":1}"#), None);
    assert_eq!(split_tagged("null"), None);
}
