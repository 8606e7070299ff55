//! `phiguard policy ...`: every generated policy, as printed, parses as policy JSON, fits its
//! size limit, evaluates as intended, and is snapshotted; bad input exits 2 with a diagnostic.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions may panic"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use phiguard_model::policy::PolicyDocument;
use phiguard_policy::eval::{Decision, Request, evaluate, evaluate_with_full_access};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run phiguard");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs a generator that must succeed; returns the printed documents (one, or an array),
/// each parsed with the model's policy parser and checked against `limit` characters
/// (minified), and standard error.
fn generate(args: &[&str], limit: usize) -> (String, Vec<PolicyDocument>, String) {
    let r = run(args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    let value: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let items = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    let docs = items
        .iter()
        .map(|item| {
            let minified = item.to_string();
            assert!(
                minified.chars().count() <= limit,
                "{args:?}: {} > {limit}",
                minified.chars().count()
            );
            PolicyDocument::from_json(&minified).unwrap()
        })
        .collect();
    (r.stdout, docs, r.stderr)
}

const SCP: usize = 5_120;
const MANAGED: usize = 6_144;
const BUCKET: usize = 20_480;
const DEV: &str = "arn:aws:iam::111122223333:role/Developer";
const BREAKGLASS: &str = "arn:aws:iam::111122223333:role/BreakGlass";

#[test]
fn scp_hipaa_eligible() {
    let (stdout, docs, stderr) = generate(
        &[
            "policy",
            "scp-hipaa-eligible",
            "--exempt-role",
            "arn:aws:iam::*:role/BreakGlass",
        ],
        SCP,
    );
    insta::assert_snapshot!("scp_hipaa_eligible", stdout);
    insta::assert_snapshot!("scp_hipaa_eligible_stderr", stderr);
    assert_eq!(docs.len(), 1);
    let eval = |action: &str, who: &str| {
        let r = Request::new(action).with("aws:PrincipalArn", who);
        evaluate_with_full_access(&docs, &r).unwrap()
    };
    assert_eq!(
        eval("comprehendmedical:DetectEntitiesV2", DEV),
        Decision::Allow
    );
    assert_eq!(eval("s3:PutObject", DEV), Decision::Allow);
    assert_eq!(eval("gamelift:CreateFleet", DEV), Decision::ExplicitDeny);
    assert_eq!(eval("gamelift:CreateFleet", BREAKGLASS), Decision::Allow);
    assert_eq!(eval("dsql:DbConnect", DEV), Decision::ExplicitDeny);
    let public_workforce = Request::new("sagemaker:CreateLabelingJob")
        .with("sagemaker:WorkteamType", "public-crowd")
        .with("aws:PrincipalArn", DEV);
    assert_eq!(
        evaluate_with_full_access(&docs, &public_workforce).unwrap(),
        Decision::ExplicitDeny
    );

    let (_, docs, _) = generate(
        &["policy", "scp-hipaa-eligible", "--allow-needs-review"],
        SCP,
    );
    let dsql = Request::new("dsql:DbConnect").with("aws:PrincipalArn", DEV);
    assert_eq!(
        evaluate_with_full_access(&docs, &dsql).unwrap(),
        Decision::Allow
    );
}

#[test]
fn force_mfa() {
    let (stdout, docs, stderr) = generate(&["policy", "force-mfa", "--max-age", "43200"], MANAGED);
    insta::assert_snapshot!("force_mfa_max_age", stdout);
    assert_eq!(stderr, "");
    let alice = |action: &str, resource: &str| {
        Request::new(action)
            .on(resource)
            .with("aws:username", "alice")
    };
    let mfa = alice(
        "iam:CreateVirtualMFADevice",
        "arn:aws:iam::111122223333:mfa/alice",
    );
    assert_eq!(evaluate(&docs, &mfa).unwrap(), Decision::Allow);
    let get = alice("s3:GetObject", "arn:aws:s3:::clinic-phi/x");
    assert_eq!(evaluate(&docs, &get).unwrap(), Decision::ExplicitDeny);
    let fresh = get
        .clone()
        .with("aws:MultiFactorAuthPresent", "true")
        .with("aws:MultiFactorAuthAge", "600");
    assert_ne!(evaluate(&docs, &fresh).unwrap(), Decision::ExplicitDeny);
    let stale = get
        .with("aws:MultiFactorAuthPresent", "true")
        .with("aws:MultiFactorAuthAge", "43201");
    assert_eq!(evaluate(&docs, &stale).unwrap(), Decision::ExplicitDeny);

    let (plain, docs, _) = generate(&["policy", "force-mfa"], MANAGED);
    assert!(!plain.contains("MultiFactorAuthAge"));
    assert_eq!(docs[0].statements.len(), 9);
}

#[test]
fn s3_tls() {
    let (stdout, docs, stderr) = generate(
        &["policy", "s3-tls", "--bucket", "clinic-phi-records"],
        BUCKET,
    );
    insta::assert_snapshot!("s3_tls", &stdout);
    assert_eq!(stderr, "");
    let get = Request::new("s3:GetObject").on("arn:aws:s3:::clinic-phi-records/a.pdf");
    let eval = |r: Request| evaluate_with_full_access(&docs, &r).unwrap();
    assert_eq!(
        eval(get.clone().with("aws:SecureTransport", "false")),
        Decision::ExplicitDeny
    );
    let tls = |v: &str| {
        get.clone()
            .with("aws:SecureTransport", "true")
            .with("s3:TlsVersion", v)
    };
    assert_eq!(eval(tls("1.1")), Decision::ExplicitDeny);
    assert_eq!(eval(tls("1.2")), Decision::Allow);

    let (gov, _, _) = generate(
        &[
            "policy",
            "s3-tls",
            "--bucket",
            "clinic-phi-records",
            "--partition",
            "aws-us-gov",
        ],
        BUCKET,
    );
    assert_eq!(gov, stdout.replace("arn:aws:s3:::", "arn:aws-us-gov:s3:::"));

    let (_, docs, stderr) = generate(
        &["policy", "s3-tls", "--bucket", "b-two", "--bucket", "a-one"],
        BUCKET,
    );
    assert_eq!(docs.len(), 2);
    insta::assert_snapshot!("s3_tls_two_buckets_stderr", stderr);
}

#[test]
fn scp_regions() {
    let (stdout, docs, stderr) = generate(
        &[
            "policy",
            "scp-regions",
            "--allow",
            "us-east-1,us-west-2",
            "--exempt-role",
            BREAKGLASS,
        ],
        SCP,
    );
    insta::assert_snapshot!("scp_regions", stdout);
    assert_eq!(stderr, "");
    let eval = |action: &str, region: &str, who: &str| {
        let r = Request::new(action)
            .with("aws:RequestedRegion", region)
            .with("aws:PrincipalArn", who);
        evaluate_with_full_access(&docs, &r).unwrap()
    };
    assert_eq!(
        eval("ec2:RunInstances", "ap-southeast-2", DEV),
        Decision::ExplicitDeny
    );
    assert_eq!(eval("ec2:RunInstances", "us-west-2", DEV), Decision::Allow);
    assert_eq!(
        eval("iam:CreateRole", "ap-southeast-2", DEV),
        Decision::Allow
    );
    assert_eq!(
        eval("ec2:RunInstances", "ap-southeast-2", BREAKGLASS),
        Decision::Allow
    );
}

#[test]
fn output_file_and_compact() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("phiguard-policy");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file: PathBuf = dir.join("scp.json");
    let r = run(&[
        "policy",
        "scp-regions",
        "--allow",
        "eu-central-1",
        "--compact",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.trim_end().contains(char::is_whitespace), "{text}");
    let doc = PolicyDocument::from_json(&text).unwrap();
    assert_eq!(
        doc.statements[0].condition_values("aws:RequestedRegion"),
        vec![("StringNotEquals", &["eu-central-1".to_string()][..])]
    );
}

#[test]
fn bad_input_is_a_usage_error() {
    let mut out = String::new();
    for args in [
        &["policy", "scp-regions", "--allow", "eu_west"][..],
        &[
            "policy",
            "scp-hipaa-eligible",
            "--exempt-role",
            "BreakGlass",
        ],
        &["policy", "s3-tls", "--bucket", "arn:aws:s3:::clinic"],
        &["policy", "force-mfa", "--max-age", "0"],
        &[
            "policy",
            "s3-tls",
            "--bucket",
            "records",
            "--partition",
            "gov",
        ],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(r.stdout, "", "{args:?}");
        out.push_str(&format!("$ phiguard {}\n{}\n", args.join(" "), r.stderr));
    }
    insta::assert_snapshot!("bad_input", out);
}
