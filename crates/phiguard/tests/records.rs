//! The records commands end to end (`baa`, `vendor`, `questionnaire`, `reminders`, `audit`),
//! with the clock fixed through `PHIGUARD_NOW`. The main scenario runs against SQLite and
//! PostgreSQL (`PHIGUARD_TEST_DATABASE_URL`, from `eval "$(bash .ci/postgres.sh)"`) and must
//! print the same thing on both.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test helpers fail the test by panicking"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NOW: &str = "2026-03-01T10:00:00Z";

/// A store for one test: a data directory, and optionally a PostgreSQL URL.
struct Env {
    dir: PathBuf,
    url: Option<String>,
    schema: String,
    transcript: String,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A fresh directory, with a fixed signing key so output is reproducible.
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("phiguard-records")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("audit-signing.key"),
        format!("phiguard-ed25519-secret-v1 {}\n", "07".repeat(32)),
    )
    .unwrap();
    dir
}

fn store_fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../phiguard-store/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

impl Env {
    fn sqlite(name: &str) -> Env {
        Env {
            dir: tmp(name),
            url: None,
            schema: String::new(),
            transcript: String::new(),
        }
    }

    /// `None` when PostgreSQL is explicitly skipped; fails when it is not configured.
    fn postgres(name: &str) -> Option<Env> {
        let url = match std::env::var("PHIGUARD_TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                if std::env::var("PHIGUARD_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
                    eprintln!("skipped: PostgreSQL variant (PHIGUARD_TEST_SKIP_POSTGRES=1)");
                    return None;
                }
                panic!(
                    "PHIGUARD_TEST_DATABASE_URL is not set, so the PostgreSQL variant cannot run. \
                     Start a server with `eval \"$(bash .ci/postgres.sh)\"`, or set \
                     PHIGUARD_TEST_SKIP_POSTGRES=1 to skip the PostgreSQL variants explicitly."
                );
            }
        };
        let schema = format!("phiguard_t_cli_{}_{name}", std::process::id());
        let mut db = phiguard_store::Db::open_postgres(&url, None).unwrap();
        db.batch(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        Some(Env {
            dir: tmp(&format!("pg-{name}")),
            url: Some(format!("{url}{sep}options=-csearch_path%3D{schema}")),
            schema,
            transcript: String::new(),
        })
    }

    fn run(&mut self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_phiguard"));
        command
            .args(args)
            .current_dir(&self.dir)
            .env("PHIGUARD_NOW", NOW)
            .env("PHIGUARD_DATA_DIR", &self.dir)
            .env("PHIGUARD_ACTOR", "alice")
            .env("NO_COLOR", "1")
            .env_remove("PHIGUARD_DB")
            .env_remove("PHIGUARD_SIGNING_KEY")
            .env_remove("PHIGUARD_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(url) = &self.url {
            command.env("PHIGUARD_DATABASE_URL", url);
        }
        let output = command.output().expect("run phiguard");
        let dir = self.dir.display().to_string();
        let clean = |bytes: &[u8]| {
            String::from_utf8(bytes.to_vec())
                .unwrap()
                .replace(&dir, "[DIR]")
        };
        let run = Run {
            code: output.status.code().expect("exited"),
            stdout: clean(&output.stdout),
            stderr: clean(&output.stderr),
        };
        let shown: Vec<String> = args
            .iter()
            .enumerate()
            .map(|(i, a)| {
                // `scan --db` / `history --db` name the store explicitly: the PostgreSQL URL
                // is shown as the SQLite file so that both backends print the same thing.
                let url = self.url.as_deref();
                if url.is_some() && url == Some(*a) {
                    "records.db".to_string()
                } else if *a == "--database-url" && url.is_some() && args.get(i + 1).copied() == url
                {
                    "--db".to_string()
                } else if a.contains(' ') {
                    format!("'{a}'")
                } else if a.contains("phiguard-store/tests/fixtures") {
                    format!("[FIXTURES]/{}", a.rsplit('/').next().unwrap_or(a))
                } else {
                    (*a).to_string()
                }
            })
            .collect();
        let _ = writeln!(
            self.transcript,
            "$ phiguard {}  # exit {}",
            shown.join(" "),
            run.code
        );
        self.transcript.push_str(&run.stdout);
        if !run.stderr.is_empty() {
            let _ = writeln!(self.transcript, "[stderr]\n{}", run.stderr.trim_end());
        }
        self.transcript.push('\n');
        run
    }

    /// Runs and expects an exit code.
    fn ok(&mut self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, 0, "{args:?}\n{}\n{}", r.stdout, r.stderr);
        r
    }
}

/// The BAA register, a vendor and its finding, reminders, the audit log.
fn register_scenario(env: &mut Env) {
    let r = env.ok(&[
        "vendor",
        "add",
        "Example Billing LLC",
        "--type",
        "billing",
        "--phi",
        "full",
        "--access",
        "write",
        "--lifecycle",
        "active",
        "--owner",
        "compliance@example.test",
    ]);
    assert!(
        r.stdout.contains("opened FND-0001 (critical)"),
        "{}",
        r.stdout
    );
    env.ok(&["vendor", "add", "Example Catering", "--type", "other"]);
    env.ok(&["vendor", "list"]);
    let r = env.ok(&[
        "baa",
        "add",
        "--vendor",
        "VEN-0001",
        "--our-role",
        "covered_entity",
        "--their-role",
        "business_associate",
        "--paper",
        "ours",
        "--signed",
        "2024-01-05",
        "--effective",
        "2024-01-05",
        "--expires",
        "2026-04-01",
        "--breach-notice-hours",
        "72",
        "--clause",
        "security_rule_compliance",
        "--clause",
        "incident_reporting",
    ]);
    assert!(r.stdout.contains("closed FND-0001"), "{}", r.stdout);
    env.ok(&[
        "baa",
        "sync",
        "--inventory",
        &store_fixture("artifact-inventory.json"),
    ]);
    env.ok(&["baa", "list"]);
    env.ok(&["baa", "show", "BAA-0003"]);
    env.ok(&[
        "baa",
        "update",
        "baa-0002",
        "--status",
        "terminated",
        "--terminated",
        "2025-12-31",
        "--reason",
        "replaced",
    ]);
    let r = env.run(&["baa", "delete", "BAA-0002"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("2032-03-02"), "{}", r.stderr);
    let r = env.run(&["baa", "delete", "BAA-0001"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("still in effect"), "{}", r.stderr);
    env.ok(&["vendor", "findings", "--all"]);
    env.ok(&["reminders", "due", "--within", "45"]);
    env.ok(&["audit", "log"]);
    let r = env.ok(&["audit", "verify"]);
    assert!(
        r.stdout.starts_with("audit log verified: 11 events"),
        "{}",
        r.stdout
    );
}

#[test]
fn baa_register_sqlite() {
    let mut env = Env::sqlite("register");
    register_scenario(&mut env);
    assert!(
        env.dir.join("records.db").exists(),
        "default database in the data directory"
    );
    assert!(
        env.dir.join("audit-signing.key").exists(),
        "key file outside the database"
    );
    insta::assert_snapshot!("register", env.transcript);
}

#[test]
fn baa_register_postgres() {
    let Some(mut env) = Env::postgres("register") else {
        return;
    };
    register_scenario(&mut env);
    assert!(
        !env.dir.join("records.db").exists(),
        "PostgreSQL, not SQLite"
    );
    let schema = env.schema.clone();
    // The same commands print the same thing on both backends.
    insta::assert_snapshot!("register", env.transcript);
    let url = std::env::var("PHIGUARD_TEST_DATABASE_URL").unwrap();
    let mut db = phiguard_store::Db::open_postgres(&url, None).unwrap();
    db.batch(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .unwrap();
}

#[test]
fn questionnaire_flow() {
    let mut env = Env::sqlite("questionnaire");
    env.ok(&[
        "vendor",
        "add",
        "Example Imaging",
        "--type",
        "saas",
        "--phi",
        "limited",
        "--access",
        "read",
    ]);
    env.ok(&[
        "baa",
        "add",
        "--vendor",
        "Example Imaging",
        "--effective",
        "2025-01-01",
    ]);
    env.ok(&["questionnaire", "templates"]);
    env.ok(&[
        "questionnaire",
        "send",
        "example imaging",
        "--due",
        "2026-03-10",
    ]);
    env.ok(&["reminders", "due", "--within", "10"]);
    std::fs::write(
        env.dir.join("answers.yaml"),
        "A2: yes\nA6: no\nB7: ours\nB8: {value: yes, evidence: [EVD-0001]}\nB11: 24\nC14: yes\nD16: partial\nD17: yearly\nD18: 8\nD19: yes\nE20: yes\nE23: no\nF24: yes\nF25: 7\nF26: 24x7\nI33: yes\nI34: yes\nI35: no\n",
    )
    .unwrap();
    env.ok(&[
        "questionnaire",
        "answer",
        "REQ-0001",
        "--file",
        "answers.yaml",
    ]);
    env.ok(&["questionnaire", "score", "REQ-0001"]);
    env.ok(&["questionnaire", "list"]);
    env.ok(&["vendor", "show", "VEN-0001"]);
    env.ok(&["questionnaire", "show", "REQ-0001", "-f", "json"]);
    env.ok(&["audit", "verify", "-f", "json"]);
    env.ok(&["questionnaire", "template"]);
    insta::assert_snapshot!("questionnaire", env.transcript);
}

#[test]
fn bad_input_is_refused_with_the_field_or_line() {
    let mut env = Env::sqlite("bad-input");
    env.run(&[
        "baa",
        "add",
        "--counterparty",
        "X",
        "--effective",
        "2024-13-01",
    ]);
    env.run(&["baa", "add", "--counterparty", "X", "--status", "actve"]);
    env.run(&[
        "baa",
        "add",
        "--counterparty",
        "X",
        "--effective",
        "2025-01-01",
        "--expires",
        "2024-01-01",
    ]);
    env.run(&["baa", "add", "--counterparty", "X", "--account", "1234"]);
    env.run(&["baa", "add", "--vendor", "Nobody Inc"]);
    env.run(&["baa", "show", "BAA-0042"]);
    env.run(&["baa", "sync", "--inventory", "missing.json"]);
    std::fs::write(
        env.dir.join("bad.yaml"),
        "key: acme\nversion: 1\ntitle: Acme\nsections:\n  - id: A\n    title: A\n    questions:\n      - ref: Q1\n        text: MFA?\n        type: yes_no\n        wieght: 2\n",
    )
    .unwrap();
    env.run(&["questionnaire", "import", "bad.yaml"]);
    std::fs::write(
        env.dir.join("bad2.yaml"),
        "key: acme\nversion: 1\ntitle: Acme\nsections:\n  - id: A\n    title: A\n    questions:\n      - ref: Q1\n        text: MFA?\n        type: choice\n",
    )
    .unwrap();
    env.run(&["questionnaire", "import", "bad2.yaml"]);
    env.ok(&["vendor", "add", "Example Labs", "--phi", "limited"]);
    env.ok(&["questionnaire", "send", "VEN-0001", "--due", "2026-03-20"]);
    std::fs::write(env.dir.join("answers.yaml"), "A2: yes\nD16: sometimes\n").unwrap();
    env.run(&[
        "questionnaire",
        "answer",
        "REQ-0001",
        "--file",
        "answers.yaml",
    ]);
    env.run(&["vendor", "add", "Example Labs"]);
    env.run(&["baa", "list", "--database-url", "mysql://x"]);
    // Nothing was written by the refused commands: two records, three events.
    let r = env.ok(&["audit", "verify"]);
    assert!(
        r.stdout.starts_with("audit log verified: 3 events"),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!("bad_input", env.transcript);
}

#[test]
fn audit_verify_names_the_first_tampered_event() {
    let mut env = Env::sqlite("tamper");
    for name in ["A", "B", "C", "D"] {
        env.ok(&["vendor", "add", &format!("Example Vendor {name}")]);
    }
    env.ok(&["audit", "export-checkpoints", "-o", "anchor.jsonl"]);
    env.ok(&["audit", "public-key"]);
    // Someone with the file edits event 2, re-hashes the chain, drops the checkpoints.
    let mut db = phiguard_store::Db::open_sqlite(&env.dir.join("records.db")).unwrap();
    db.batch(
        "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_checkpoint_no_delete;
         DROP TRIGGER audit_chain_head_forward;
         UPDATE audit_event SET actor = 'mallory' WHERE seq = 2;",
    )
    .unwrap();
    let r = env.run(&["audit", "verify"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("first bad sequence number: 2"),
        "{}",
        r.stdout
    );
    let mut prev = [0u8; 32];
    let events = phiguard_store::audit::events(&mut db, "default", None, None).unwrap();
    for e in &events {
        let leaf = e.compute_leaf();
        let chain = phiguard_store::audit::chain_hash(e.seq, &prev, &leaf);
        db.batch(&format!(
            "UPDATE audit_event SET leaf_hash = '{}', chain_hash = '{}' WHERE seq = {}",
            hex(&leaf),
            hex(&chain),
            e.seq
        ))
        .unwrap();
        prev = chain;
    }
    db.batch(&format!(
        "UPDATE audit_chain_head SET chain_hash = '{}'; DELETE FROM audit_checkpoint;",
        hex(&prev)
    ))
    .unwrap();
    let r = env.run(&["audit", "verify"]);
    assert_eq!(
        r.code, 0,
        "without the anchored copy a full rewrite looks consistent"
    );
    let r = env.run(&["audit", "verify", "--checkpoints", "anchor.jsonl"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("first bad sequence number: 2"),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!("tamper", env.transcript);
}

#[test]
fn assessments_risks_and_evidence() {
    let mut env = Env::sqlite("assess");
    std::fs::write(
        env.dir.join("scan.json"),
        "{\"format\": \"phiguard-report\", \"version\": 1, \"results\": []}\n",
    )
    .unwrap();
    std::fs::write(
        env.dir.join("policy.txt"),
        "Access control policy v1 (fictional)\n",
    )
    .unwrap();
    std::fs::write(
        env.dir.join("policy-v2.txt"),
        "Access control policy v2 (fictional)\n",
    )
    .unwrap();
    env.ok(&[
        "vendor",
        "add",
        "Example Billing LLC",
        "--phi",
        "full",
        "--access",
        "write",
    ]);
    env.ok(&[
        "assess",
        "create",
        "--title",
        "Q1 2026 HIPAA risk analysis",
        "--account",
        "111122223333",
        "--system",
        "portal",
        "--high-risk-system",
        "ehr",
        "--vendor",
        "VEN-0001",
        "--report",
        "scan.json",
        "--assessor",
        "alice",
    ]);
    env.ok(&[
        "risk",
        "add",
        "--title",
        "EHR backups never restored",
        "--likelihood",
        "4",
        "--impact",
        "5",
        "--system",
        "ehr",
        "--phi",
        "--assessment",
        "ASM-0001",
        "--due",
        "2026-02-15",
        "--hipaa",
        "164.308(a)(7)(ii)(A)",
    ]);
    env.ok(&[
        "risk",
        "add",
        "--title",
        "Shared admin account",
        "--likelihood",
        "2",
        "--impact",
        "3",
    ]);
    env.run(&[
        "risk",
        "add",
        "--title",
        "Bad",
        "--likelihood",
        "7",
        "--impact",
        "3",
    ]);
    env.run(&[
        "risk",
        "accept",
        "RSK-0002",
        "--approver",
        "ciso",
        "--justification",
        "low",
        "--expires",
        "2026-01-01",
    ]);
    env.ok(&[
        "risk",
        "accept",
        "RSK-0002",
        "--approver",
        "ciso",
        "--justification",
        "MFA on the jump host",
        "--expires",
        "2026-09-01",
    ]);
    env.ok(&[
        "risk",
        "update",
        "RSK-0001",
        "--status",
        "treating",
        "--residual-likelihood",
        "2",
        "--residual-impact",
        "5",
    ]);
    env.ok(&["risk", "list"]);
    env.ok(&[
        "assess",
        "update",
        "ASM-0001",
        "--status",
        "in_review",
        "--remediation",
        "restore test every quarter",
        "--summary",
        "one high risk",
    ]);
    env.ok(&["assess", "approve", "ASM-0001", "--approver", "Dr. Example"]);
    env.ok(&["assess", "show", "ASM-0001"]);
    env.ok(&[
        "evidence",
        "add",
        "policy.txt",
        "--title",
        "Access control policy",
        "--type",
        "policy",
        "--valid-until",
        "2027-03-01",
        "--link",
        "control:IAM-001",
    ]);
    env.ok(&[
        "evidence",
        "revise",
        "EVD-0002",
        "policy-v2.txt",
        "--note",
        "yearly review",
    ]);
    env.ok(&["evidence", "add-report", "scan.json"]);
    env.run(&["evidence", "add", "policy.txt", "--link", "contract:1"]);
    env.ok(&["evidence", "list"]);
    env.ok(&[
        "evidence",
        "get",
        "EVD-0002",
        "--revision",
        "1",
        "-o",
        "out.txt",
    ]);
    assert_eq!(
        std::fs::read_to_string(env.dir.join("out.txt")).unwrap(),
        "Access control policy v1 (fictional)\n"
    );
    env.ok(&["evidence", "verify"]);
    env.ok(&["reminders", "due", "--within", "31"]);
    env.ok(&["audit", "verify"]);
    insta::assert_snapshot!("assess", env.transcript);
}

#[test]
fn auditor_bundle_exports_and_verifies_offline() {
    let mut env = Env::sqlite("bundle");
    std::fs::write(env.dir.join("baa.pdf"), "%PDF-1.4 fictional signed BAA\n").unwrap();
    env.ok(&["vendor", "add", "Example Billing LLC", "--phi", "full"]);
    env.ok(&[
        "evidence",
        "add",
        "baa.pdf",
        "--type",
        "baa_pdf",
        "--title",
        "Signed BAA",
    ]);
    env.ok(&[
        "baa",
        "add",
        "--vendor",
        "VEN-0001",
        "--document",
        "EVD-0001",
    ]);
    env.ok(&["records", "export", "-o", "bundle"]);
    env.run(&["records", "export", "-o", "bundle"]);
    let public = env.ok(&["audit", "public-key"]).stdout;
    std::fs::write(env.dir.join("audit.pub"), public).unwrap();
    env.ok(&["verify-bundle", "bundle", "--public-key", "audit.pub"]);
    let records = std::fs::read_to_string(env.dir.join("bundle/records/agreement.json")).unwrap();
    std::fs::write(
        env.dir.join("bundle/records/agreement.json"),
        records.replace("\"active\"", "\"terminated\""),
    )
    .unwrap();
    let r = env.run(&["verify-bundle", "bundle", "--public-key", "audit.pub"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("bundle", env.transcript);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs of lowercase hex with a letter, 12 characters or more (SHA-256 values and their
/// prefixes), as `[SHA]`: report hashes include the phiguard version and the store location.
fn redact_sha(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 12 && run.bytes().any(|b| b.is_ascii_alphabetic()) {
            out.push_str("[SHA]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || ('a'..='f').contains(&c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The records controls read the store given to `scan --db`; each scan is stored; `history`
/// shows new and resolved failures; an unreadable store is an `error`, never a pass.
fn scan_history_scenario(env: &mut Env) {
    let store: Vec<String> = match &env.url {
        Some(url) => vec!["--database-url".into(), url.clone()],
        None => vec!["--db".into(), "records.db".into()],
    };
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clinic-small.json"),
        env.dir.join("inventory.json"),
    )
    .unwrap();
    let inventory = "inventory.json".to_string();
    // JSON reports, so that the transcript shows what the records side prints, not the text
    // report (its layout is snapshotted elsewhere); results are checked from the JSON.
    let scan = |env: &mut Env, extra: &[&str]| -> serde_json::Value {
        let mut args = vec![
            "scan",
            "--inventory",
            inventory.as_str(),
            "--fail-on",
            "none",
            "--control",
            "ARTIFACT-001",
            "--control",
            "RISK-001",
            "--control",
            "VENDOR-001",
            "--control",
            "VENDOR-002",
            "-f",
            "json",
            "-o",
            "report.json",
        ];
        args.extend(extra);
        env.ok(&args);
        serde_json::from_str(&std::fs::read_to_string(env.dir.join("report.json")).unwrap())
            .unwrap()
    };
    let result = |report: &serde_json::Value, control: &str| -> serde_json::Value {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["control_id"] == control)
            .cloned()
            .unwrap_or_else(|| panic!("no {control} in {report}"))
    };
    let flags: Vec<&str> = store.iter().map(String::as_str).collect();
    // Without a store the records controls never pass, and nothing is stored.
    let report = scan(env, &[]);
    let vendor = result(&report, "VENDOR-001");
    assert_eq!(vendor["status"], "manual");
    assert_eq!(vendor["reason"], "no records database given (use --db)");
    assert!(report.get("records").is_none(), "{report}");
    let mut history = vec!["history"];
    history.extend(&flags);
    env.ok(&history);

    env.ok(&[
        "vendor",
        "add",
        "Example Transcription Co",
        "--type",
        "saas",
        "--phi",
        "limited",
        "--lifecycle",
        "active",
    ]);
    env.ok(&[
        "baa",
        "add",
        "--counterparty",
        "Amazon Web Services",
        "--account",
        "111122223333",
        "--effective",
        "2025-01-01",
    ]);
    let report = scan(env, &flags);
    let artifact = result(&report, "ARTIFACT-001");
    assert_eq!(artifact["status"], "pass", "{artifact}");
    assert_eq!(artifact["evidence"]["source"], "records");
    assert_eq!(artifact["evidence"]["agreement"], "BAA-0001");
    assert_eq!(result(&report, "VENDOR-001")["status"], "fail");
    assert_eq!(report["records"]["vendors"][0]["id"], "VEN-0001");

    // The transcription vendor loses its PHI access, an imaging vendor gains some, and the
    // risk assessment is signed off.
    env.ok(&["vendor", "update", "VEN-0001", "--phi", "none"]);
    env.ok(&[
        "vendor",
        "add",
        "Example Imaging",
        "--type",
        "saas",
        "--phi",
        "full",
        "--lifecycle",
        "active",
    ]);
    env.ok(&[
        "assess",
        "create",
        "--title",
        "Q1 2026 HIPAA risk analysis",
        "--account",
        "111122223333",
    ]);
    env.ok(&["assess", "approve", "ASM-0001", "--approver", "Dr. Example"]);
    env.ok(&[
        "vendor",
        "finding",
        "FND-0002",
        "--due",
        "2026-02-01",
        "--owner",
        "it@example.test",
    ]);
    scan(env, &flags);
    env.ok(&history);
    let mut json = history.clone();
    json.extend(["--from", "SCN-0002", "--to", "SCN-0001", "-f", "json"]);
    let r = env.ok(&json);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["comparison"]["from"], "SCN-0002");
    assert_eq!(v["scans"].as_array().unwrap().len(), 2);

    // The report is evidence, and the audit log has one `scan_run` event per scan.
    env.ok(&["evidence", "list"]);
    let log = env.ok(&["audit", "log"]).stdout;
    assert_eq!(log.matches("scan_run").count(), 2, "{log}");

    let mut unknown = history.clone();
    unknown.extend(["--from", "SCN-0009"]);
    let r = env.run(&unknown);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no scan `SCN-0009`"), "{}", r.stderr);
}

#[test]
fn scans_feed_and_are_stored_in_the_records_sqlite() {
    let mut env = Env::sqlite("scan-history");
    scan_history_scenario(&mut env);
    // A file that is not a database: records controls are `error`, the scan is not stored.
    std::fs::write(env.dir.join("broken.db"), "not a database").unwrap();
    let r = env.ok(&[
        "scan",
        "--inventory",
        "inventory.json",
        "--fail-on",
        "none",
        "--control",
        "VENDOR-002",
        "--db",
        "broken.db",
        "-f",
        "json",
        "-o",
        "broken.json",
    ]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.dir.join("broken.json")).unwrap())
            .unwrap();
    assert_eq!(report["results"][0]["status"], "error", "{report}");
    assert!(
        report["results"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("`broken.db` could not be read"),
        "{report}"
    );
    assert!(r.stderr.contains("records-unreadable"), "{}", r.stderr);
    assert!(!r.stderr.contains("stored scan"), "{}", r.stderr);
    insta::assert_snapshot!("scan_history", redact_sha(&env.transcript));
}

#[test]
fn scans_feed_and_are_stored_in_the_records_postgres() {
    let Some(mut env) = Env::postgres("scan_history") else {
        return;
    };
    scan_history_scenario(&mut env);
    let schema = env.schema.clone();
    let transcript = redact_sha(&env.transcript);
    let sqlite = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/records__scan_history.snap"),
    )
    .unwrap_or_default();
    // The same commands print the same thing on both backends (the SQLite test also checks
    // an unreadable file, at the end).
    let body = sqlite.splitn(3, "---\n").nth(2).unwrap_or_default();
    assert!(
        body.starts_with(transcript.trim_end()),
        "PostgreSQL transcript differs from SQLite:\n{transcript}"
    );
    let url = std::env::var("PHIGUARD_TEST_DATABASE_URL").unwrap();
    let mut db = phiguard_store::Db::open_postgres(&url, None).unwrap();
    db.batch(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .unwrap();
}
