//! `s3://bucket/prefix` CloudTrail inputs against moto (started as in `live_moto.rs`): real
//! log objects (tests/fixtures/trail, stratus-red-team) and the TEST-ONLY signed digest chain
//! (tests/fixtures/trail-digest/chain) uploaded under CloudTrail's key layout for three
//! accounts (one in an organisation trail), regions and days. `trail scan s3://...` must find
//! what the local files give; the filters must list only their prefixes (proved with the
//! request log); `trail validate s3://...` must pass, then fail once an object is overwritten
//! or deleted; a missing bucket must be a clear error with a non-zero exit code.
#![cfg(feature = "aws")]
#![expect(clippy::unwrap_used, reason = "test helpers")]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{Moto, phiguard};

const BUCKET: &str = "phiguard-trail-s3-test";
const STOP: &str = "AWSLogs/143434273843/CloudTrail/apiso-centralnorth-2r/2024/07/31/143434273843_CloudTrail_apiso-centralnorth-2r_20240731T1200Z_stratus0001.json.gz";
const LOGIN: &str = "AWSLogs/o-abcdef1234/562283505220/CloudTrail/eu-west-2r/2024/08/02/562283505220_CloudTrail_eu-west-2r_20240802T1200Z_stratus0002.json.gz";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn chain() -> PathBuf {
    fixtures().join("trail-digest/chain")
}

fn public_keys() -> String {
    fixtures()
        .join("trail-digest/public-keys.json")
        .display()
        .to_string()
}

/// Creates the bucket and uploads: the two stratus logs (gzipped, as CloudTrail delivers
/// them) and the digest chain, each newest digest's `.sig` sidecar as its
/// `x-amz-meta-signature`, as CloudTrail stores it.
const SEED: &str = r#"
import gzip, os, sys, boto3
url, bucket, fixtures = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=url,
                  aws_access_key_id="testing", aws_secret_access_key="testing")
s3.create_bucket(Bucket=bucket)
uploads = {
    sys.argv[4]: "trail/aws.defense-evasion.cloudtrail-stop.json",
    sys.argv[5]: "trail/aws.initial-access.console-login-without-mfa.json",
}
for key, path in uploads.items():
    with open(os.path.join(fixtures, path), "rb") as f:
        s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(f.read()))
root = os.path.join(fixtures, "trail-digest/chain")
for folder, _, files in os.walk(root):
    for name in files:
        if name.endswith(".sig"):
            continue
        path = os.path.join(folder, name)
        key = os.path.relpath(path, root)
        extra = {}
        if os.path.exists(path + ".sig"):
            with open(path + ".sig") as f:
                extra["Metadata"] = {"signature": f.read().strip()}
        with open(path, "rb") as f:
            s3.put_object(Bucket=bucket, Key=key, Body=f.read(), **extra)
"#;

fn seed(moto: &Moto) {
    let code = format!(
        "import sys; sys.argv = [sys.argv[0], sys.argv[1], {BUCKET:?}, {:?}, {STOP:?}, {LOGIN:?}]\n{SEED}",
        fixtures().display().to_string()
    );
    moto.python(&code);
}

/// Runs inline Python against the bucket (overwrite, delete).
fn s3_python(moto: &Moto, body: &str) {
    moto.python(&format!(
        "import sys, boto3\ns3 = boto3.client('s3', region_name='us-east-1', endpoint_url=sys.argv[1], aws_access_key_id='testing', aws_secret_access_key='testing')\nbucket = {BUCKET:?}\n{body}"
    ));
}

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(name: &str) -> Dir {
    let dir = std::env::temp_dir().join(format!("phiguard-trail-s3-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Dir(dir)
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The hits of a `trail scan -f json` report, without the file they came from (a path or
/// an s3:// URL), sorted.
fn hits(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let mut h = h.clone();
            h.as_object_mut().unwrap().remove("file");
            h.to_string()
        })
        .collect();
    out.sort();
    out
}

/// (operation, target) of every request logged.
fn requests(log: &Value) -> Vec<(String, String)> {
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["operation"].as_str().unwrap().to_string(),
                r["target"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn targets(requests: &[(String, String)], operation: &str) -> BTreeSet<String> {
    requests
        .iter()
        .filter(|(op, _)| op == operation)
        .map(|(_, t)| t.clone())
        .collect()
}

fn s3_url(rest: &str) -> String {
    format!("s3://{BUCKET}/{rest}")
}

#[test]
fn s3_inputs_against_the_emulator() {
    let Some(moto) = Moto::start() else { return };
    seed(&moto);
    let d = temp("all");
    let dir = d.0.as_path();
    let endpoint = moto.url.as_str();

    // 1. The whole bucket finds the same hits as the same files on disk.
    let (code, stderr) = phiguard(
        dir,
        &[
            "trail",
            "scan",
            &fixtures().join("trail").display().to_string(),
            &chain().display().to_string(),
            "-f",
            "json",
            "-o",
            "local.json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = phiguard(
        dir,
        &[
            "trail",
            "scan",
            &format!("s3://{BUCKET}"),
            "--endpoint-url",
            endpoint,
            "--concurrency",
            "3",
            "-f",
            "json",
            "-o",
            "s3.json",
            "--fail-on",
            "none",
            "--operations-log",
            "ops.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let (local, remote) = (json(&dir.join("local.json")), json(&dir.join("s3.json")));
    assert!(!hits(&local).is_empty());
    assert_eq!(hits(&local), hits(&remote));
    assert_eq!(local["events"], remote["events"]);
    assert_eq!(remote["files"], 10, "2 stratus logs and 8 chain logs");
    assert!(
        remote["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["file"] == s3_url(STOP) && h["event_name"] == "StopLogging"),
        "{remote}"
    );
    let log = json(&dir.join("ops.json"));
    for op in log["operations"].as_array().unwrap() {
        assert_eq!(op["read_only"], true, "{op}");
        assert!(
            op["iam_action"].is_string(),
            "not in the policy table: {op}"
        );
    }
    let reqs = requests(&log);
    assert_eq!(targets(&reqs, "GetObject").len(), 10, "{reqs:?}");
    // Digests are not event logs: never fetched by a scan.
    assert!(
        !reqs.iter().any(|(_, t)| t.contains("CloudTrail-Digest")),
        "{reqs:?}"
    );

    // 2. Account and days: only that account's days are listed, and nothing else is read.
    let (code, stderr) = phiguard(
        dir,
        &[
            "trail",
            "scan",
            &format!("s3://{BUCKET}/"),
            "--endpoint-url",
            endpoint,
            "--account",
            "143434273843",
            "--start",
            "2024-07-31",
            "--end",
            "2024-08-01",
            "-f",
            "json",
            "-o",
            "account.json",
            "--fail-on",
            "none",
            "--operations-log",
            "account-ops.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let reqs = requests(&json(&dir.join("account-ops.json")));
    let day = |d: &str| {
        s3_url(&format!(
            "AWSLogs/143434273843/CloudTrail/apiso-centralnorth-2r/2024/{d}/"
        ))
    };
    let listed: BTreeSet<String> = targets(&reqs, "ListObjectsV2")
        .into_iter()
        .filter(|t| !t.ends_with("(folders)"))
        .collect();
    assert_eq!(
        listed,
        BTreeSet::from([day("07/30"), day("07/31"), day("08/01"), day("08/02")]),
        "{reqs:?}"
    );
    assert_eq!(
        targets(&reqs, "GetObject"),
        BTreeSet::from([s3_url(STOP)]),
        "{reqs:?}"
    );
    assert!(
        !reqs
            .iter()
            .any(|(_, t)| t.contains("111122223333") || t.contains("562283505220")),
        "other accounts were listed: {reqs:?}"
    );
    let account = json(&dir.join("account.json"));
    assert_eq!(account["files"], 1);
    assert!(!account["hits"].as_array().unwrap().is_empty());

    // 3. Region: the organisation trail's account is found one level down.
    let (code, stderr) = phiguard(
        dir,
        &[
            "trail",
            "scan",
            &format!("s3://{BUCKET}"),
            "--endpoint-url",
            endpoint,
            "--region",
            "eu-west-2r",
            "-f",
            "json",
            "-o",
            "region.json",
            "--fail-on",
            "none",
            "--operations-log",
            "region-ops.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let reqs = requests(&json(&dir.join("region-ops.json")));
    assert_eq!(
        targets(&reqs, "GetObject"),
        BTreeSet::from([s3_url(LOGIN)]),
        "{reqs:?}"
    );
    assert!(
        !reqs
            .iter()
            .any(|(_, t)| t.contains("/us-east-1/") || t.contains("/apiso-centralnorth-2r/")),
        "other regions were listed: {reqs:?}"
    );
    assert!(targets(&reqs, "ListObjectsV2").contains(&s3_url("AWSLogs/o-abcdef1234/ (folders)")));

    // 4. `scan --trail s3://...`: the log review reads the bucket too.
    let inventory = fixtures()
        .join("trail-inventory.json")
        .display()
        .to_string();
    let (code, stderr) = phiguard(
        dir,
        &[
            "scan",
            "--no-config",
            "--inventory",
            &inventory,
            "--control",
            "S3-002",
            "--trail",
            &format!("s3://{BUCKET}/AWSLogs"),
            "--trail-endpoint-url",
            endpoint,
            "--format",
            "json",
            "--output",
            "report.json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let review = &json(&dir.join("report.json"))["log_review"];
    assert_eq!(review["files_read"], 10, "{review}");
    assert_eq!(review["files_unreadable"], 0, "{review}");
    assert_eq!(
        review["hits"],
        local["hits"].as_array().unwrap().len(),
        "{review}"
    );

    // 5. Validation in place: the chain's account only (the other accounts have no digests).
    let validate = |name: &str, extra: &[&str]| {
        let mut args = vec![
            "trail",
            "validate",
            "s3://phiguard-trail-s3-test",
            "--endpoint-url",
            endpoint,
            "--account",
            "111122223333",
            "-f",
            "json",
            "-o",
        ];
        args.push(name);
        args.extend(extra);
        let (code, stderr) = phiguard(dir, &args);
        assert!(dir.join(name).exists(), "exit {code}, no {name}:\n{stderr}");
        (code, stderr, json(&dir.join(name)))
    };
    let keys = public_keys();
    let (code, stderr, report) = validate(
        "valid.json",
        &[
            "--public-keys",
            &keys,
            "--operations-log",
            "validate-ops.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}\n{report}");
    assert_eq!(report["summary"]["verdict"], "valid", "{report}");
    assert_eq!(report["summary"]["digests_valid"], 4, "{report}");
    assert_eq!(report["summary"]["logs_valid"], 8, "{report}");
    let reqs = requests(&json(&dir.join("validate-ops.json")));
    assert!(
        !targets(&reqs, "HeadObject").is_empty(),
        "the newest signature comes from S3 metadata"
    );
    // Without --public-keys the keys come from ListPublicKeys, which moto does not serve:
    // an error, never a pass.
    let (code, stderr, report) = validate("nokeys.json", &[]);
    assert_eq!(code, 4, "{stderr}\n{report}");
    assert!(stderr.contains("ListPublicKeys"), "{stderr}");
    assert_ne!(report["summary"]["verdict"], "valid", "{report}");

    // Overwrite one log and delete another: both are named.
    let modified = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T0105Z_TESTLOG0100ABCDEFG.json.gz";
    let deleted = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T0215Z_TESTLOG0201ABCDEFG.json.gz";
    s3_python(
        &moto,
        &format!(
            "import gzip\ns3.put_object(Bucket=bucket, Key={modified:?}, Body=gzip.compress(b'{{\"Records\":[]}}'))\ns3.delete_object(Bucket=bucket, Key={deleted:?})"
        ),
    );
    let (code, stderr, report) = validate("tampered.json", &["--public-keys", &keys]);
    assert_eq!(code, 1, "{stderr}\n{report}");
    assert_eq!(report["summary"]["verdict"], "invalid", "{report}");
    let problems = |object: &str| -> Vec<String> {
        report["logs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["object"] == object)
            .flat_map(|f| f["problems"].as_array().unwrap().iter())
            .map(|p| p["problem"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(problems(modified), ["modified"], "{report}");
    assert_eq!(problems(deleted), ["missing"], "{report}");

    // 6. A missing bucket: a clear error and a non-zero exit code, for every command.
    let (code, stderr) = phiguard(
        dir,
        &[
            "trail",
            "scan",
            "s3://no-such-trail-bucket/AWSLogs",
            "--endpoint-url",
            endpoint,
        ],
    );
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("NoSuchBucket"), "{stderr}");
    assert!(
        stderr.contains("s3://no-such-trail-bucket/AWSLogs"),
        "{stderr}"
    );
    let (code, stderr) = phiguard(
        dir,
        &[
            "trail",
            "validate",
            "s3://no-such-trail-bucket",
            "--endpoint-url",
            endpoint,
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("NoSuchBucket"), "{stderr}");
    let (code, stderr) = phiguard(
        dir,
        &[
            "trail",
            "access",
            "s3://no-such-trail-bucket",
            "--inventory",
            &inventory,
            "--no-config",
            "--endpoint-url",
            endpoint,
        ],
    );
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("NoSuchBucket"), "{stderr}");
}
