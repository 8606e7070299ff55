//! The emulator harness shared by the live-collection tests: moto in server mode on a free
//! loopback port (killed on drop), the seeding script, running the phiguard binary with dummy
//! credentials, and a fault-injecting HTTP proxy in front of moto ([`proxy`]).
#![allow(dead_code, reason = "each test file uses part of the harness")]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test harness"
)]

pub mod proxy;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const NOW: &str = "2026-11-29T12:00:00Z";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn venv() -> Option<PathBuf> {
    let venv = std::env::var_os("PHIGUARD_VENV")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/phiguard/venv")))?;
    venv.join("bin/moto_server").is_file().then_some(venv)
}

/// A moto server on a free loopback port, killed on drop.
pub struct Moto {
    child: Child,
    pub url: String,
    pub port: u16,
    pub venv: PathBuf,
}

impl Moto {
    /// Starts moto; `None` (test skipped, said on stderr) only when moto is not installed and
    /// `PHIGUARD_TEST_SKIP_MOTO` is set.
    pub fn start() -> Option<Moto> {
        let Some(venv) = venv() else {
            if std::env::var_os("PHIGUARD_TEST_SKIP_MOTO").is_some() {
                eprintln!("PHIGUARD_TEST_SKIP_MOTO is set: the emulator test is SKIPPED");
                return None;
            }
            panic!(
                "moto is not installed: run `.ci/moto.sh` (creates ~/.cache/phiguard/venv), \
                 or set PHIGUARD_TEST_SKIP_MOTO=1 to skip this test explicitly"
            );
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(venv.join("bin/moto_server"))
            // No default AMIs: they bring about 1,300 snapshots per region.
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            port,
            venv,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !moto.healthy() {
            assert!(
                Instant::now() < deadline,
                "moto did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(moto)
    }

    fn healthy(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let req = "GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if s.write_all(req.as_bytes()).is_err() {
            return false;
        }
        let mut buf = [0u8; 12];
        s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.") && &buf[9..12] == b"200"
    }

    /// The venv's Python with dummy credentials for the emulator and nothing from the
    /// developer's own AWS configuration.
    fn python_command(&self) -> Command {
        let mut cmd = Command::new(self.venv.join("bin/python"));
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN");
        cmd
    }

    /// Runs `tests/moto/seed.py` against this server.
    pub fn seed(&self) {
        self.python_file(&repo().join("tests/moto/seed.py"));
    }

    /// Runs a Python script from the moto venv with the endpoint URL as its argument.
    pub fn python_file(&self, script: &Path) {
        let out = self
            .python_command()
            .arg(script)
            .arg(&self.url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} failed:\n{}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs inline Python from the moto venv with the endpoint URL as its argument.
    pub fn python(&self, code: &str) {
        let out = self
            .python_command()
            .arg("-c")
            .arg(code)
            .arg(&self.url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the phiguard binary in `dir` with dummy AWS credentials and no AWS config files;
/// returns the exit code and stderr.
pub fn phiguard(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = phiguard_command(dir, args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The phiguard binary in `dir` at [`NOW`], with dummy AWS credentials, no AWS config files
/// and no records store from the environment.
pub fn phiguard_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_phiguard"));
    cmd.args(args)
        .current_dir(dir)
        .env("PHIGUARD_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("PHIGUARD_DB")
        .env_remove("PHIGUARD_DATABASE_URL");
    cmd
}

/// One result of a JSON report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    pub control: String,
    pub resource: String,
    pub status: String,
    pub reason: String,
}

/// The results of a JSON report file.
pub fn rows(path: &Path) -> Vec<Row> {
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Row {
            control: r["control_id"].as_str().unwrap().to_string(),
            resource: r["resource"].as_str().unwrap().to_string(),
            status: r["status"].as_str().unwrap().to_string(),
            reason: r["reason"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}
