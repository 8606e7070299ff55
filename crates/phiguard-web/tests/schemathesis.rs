//! schemathesis (PyPI, pinned in `.ci/schemathesis.sh`) against the API's OpenAPI document:
//! the test starts `phiguard serve`'s router on a free 127.0.0.1 port over the demo records
//! database, creates an admin API token, and runs `st run` with its checks; any failure
//! fails the test. schemathesis is found in the venv `$PHIGUARD_SCHEMATHESIS` (printed by
//! `.ci/schemathesis.sh`, which `.ci/run` exports), else `~/.cache/phiguard/schemathesis`.
//! Without it the test FAILS, unless `PHIGUARD_TEST_SKIP_SCHEMATHESIS=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test helpers fail the test by panicking"
)]

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::TestApp;
use phiguard_store::Ctx;
use phiguard_web::access::{self, Role};

/// The checks run: every schemathesis check but `positive_data_acceptance`, which expects
/// every schema-valid body to be accepted, while an agreement's `expiry_date` must not be
/// before its `effective_date`, a rule between two fields that OpenAPI 3.0 cannot state
/// (the API answers 400 with the reason).
const EXCLUDED: &[&str] = &["positive_data_acceptance"];

fn st() -> Option<PathBuf> {
    let venv = std::env::var_os("PHIGUARD_SCHEMATHESIS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/phiguard/schemathesis"))
        })?;
    Some(venv.join("bin/st")).filter(|p| p.exists())
}

#[test]
fn schemathesis_finds_no_failure_in_the_api() {
    let Some(st) = st() else {
        if std::env::var("PHIGUARD_TEST_SKIP_SCHEMATHESIS").is_ok_and(|v| v == "1") {
            eprintln!("skipped: no schemathesis and PHIGUARD_TEST_SKIP_SCHEMATHESIS=1");
            return;
        }
        panic!(
            "schemathesis not found (looked for $PHIGUARD_SCHEMATHESIS/bin/st and ~/.cache/phiguard/schemathesis/bin/st): install it with `bash .ci/schemathesis.sh` and export PHIGUARD_SCHEMATHESIS=<the path it prints>, or set PHIGUARD_TEST_SKIP_SCHEMATHESIS=1 to skip this test"
        );
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = TestApp::new(true);
    let admin = rt.block_on(app.user("ana", Role::Admin));
    let ctx = Ctx::new(app.now(), "test-admin", "test");
    let expires = app.now() + jiff::SignedDuration::from_hours(24);
    let name = admin.name.clone();
    let token = rt
        .block_on(app.state.db(move |s| {
            access::create_token(
                s,
                &ctx,
                access::API,
                &name,
                "admin",
                "schemathesis",
                expires,
            )
        }))
        .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = {
        let _guard = rt.enter();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        rt.spawn(phiguard_web::serve(listener, app.state.clone(), async {
            let _ = stopped.await;
        }))
    };
    let reports = app.dir.path().join("schemathesis-report");
    // Path ids that exist, so the scan operations are exercised beyond 404.
    let config = app.dir.path().join("schemathesis.toml");
    std::fs::write(&config, "[parameters]\n\"path.id\" = \"SCN-0001\"\n").unwrap();
    let mut cmd = Command::new(&st);
    cmd.arg("--config-file")
        .arg(&config)
        .args([
            "run",
            &format!("{base}/api/openapi.json"),
            "--checks",
            "all",
            "--header",
            &format!("Authorization: Bearer {token}"),
            "--max-examples",
            "40",
            "--seed",
            "7",
            "--workers",
            "1",
            "--no-color",
            "--generation-database",
            "none",
            "--report-dir",
        ])
        .arg(&reports)
        // schemathesis writes caches where it runs: not in the source tree.
        .current_dir(app.dir.path());
    if !EXCLUDED.is_empty() {
        cmd.args(["--exclude-checks", &EXCLUDED.join(",")]);
    }
    let out = cmd
        .env("SCHEMATHESIS_HOOKS", "")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", st.display()));
    let _ = stop.send(());
    let _ = rt.block_on(server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "schemathesis found failures (exit {:?}):\n{stdout}\n{stderr}",
        out.status.code()
    );
    // It did test every operation.
    let tested = format!("Tested: {}", phiguard_web::api::ROUTES.len());
    assert!(
        stdout.contains(&tested) && stdout.contains("No issues found"),
        "{stdout}"
    );
}
