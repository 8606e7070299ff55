//! Test receivers on 127.0.0.1: an HTTP endpoint that records every POST (webhooks, SNS
//! HTTP notifications) and the `aiosmtpd` SMTP server from the test venv (`.ci/moto.sh`)
//! writing to a maildir. Shared by phiguard-monitor's and phiguard's tests.
#![allow(dead_code, reason = "each test file uses part of the support")]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test support"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request line (`POST /hook HTTP/1.1`).
    pub request_line: String,
    /// Headers, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

/// An HTTP endpoint on a free loopback port answering every request with `status`.
pub struct HttpReceiver {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl HttpReceiver {
    /// Starts a receiver answering 200.
    pub fn start() -> HttpReceiver {
        HttpReceiver::with_status(200)
    }

    /// Starts a receiver answering `status`.
    pub fn with_status(status: u16) -> HttpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&got);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let sink = Arc::clone(&sink);
                std::thread::spawn(move || {
                    if let Some(r) = handle(stream, status) {
                        sink.lock().unwrap().push(r);
                    }
                });
            }
        });
        HttpReceiver { url, got }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` requests arrived (at most `secs` seconds).
    pub fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn handle(stream: TcpStream, status: u16) -> Option<Received> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = stream;
    let reply = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    );
    let _ = stream.write_all(reply.as_bytes());
    Some(Received {
        request_line: request_line.trim_end().to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// The test venv (moto, boto3, aiosmtpd), if installed.
pub fn venv() -> Option<PathBuf> {
    let venv = std::env::var_os("PHIGUARD_VENV")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/phiguard/venv")))?;
    venv.join("bin/aiosmtpd").is_file().then_some(venv)
}

/// `aiosmtpd` on a free loopback port, delivering into a maildir; killed on drop.
pub struct SmtpServer {
    child: Child,
    /// Port.
    pub port: u16,
    /// The maildir.
    pub maildir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts the server; `None` (test skipped, said on stderr) only when aiosmtpd is not
    /// installed and `PHIGUARD_TEST_SKIP_SMTP` is set.
    pub fn start() -> Option<SmtpServer> {
        let Some(venv) = venv() else {
            if std::env::var_os("PHIGUARD_TEST_SKIP_SMTP").is_some() {
                eprintln!("PHIGUARD_TEST_SKIP_SMTP is set: the SMTP test is SKIPPED");
                return None;
            }
            panic!(
                "aiosmtpd is not installed: run `.ci/moto.sh` (installs it in ~/.cache/phiguard/venv), \
                 or set PHIGUARD_TEST_SKIP_SMTP=1 to skip this test explicitly"
            );
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new(venv.join("bin/aiosmtpd"))
            .args(["-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let server = SmtpServer {
            child,
            port,
            maildir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 3];
                if s.read_exact(&mut buf).is_ok() && &buf == b"220" {
                    let _ = s.write_all(b"QUIT\r\n");
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(server)
    }

    /// The messages delivered so far (raw RFC 5322 text), oldest first.
    pub fn messages(&self) -> Vec<String> {
        let new = self.maildir.path().join("mail/new");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&new)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
