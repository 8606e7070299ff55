//! End to end in headless Chromium, driven over the DevTools protocol (a small client over a
//! WebSocket): sign in with password + TOTP, see the demo posture, filter findings, open a
//! control, add a BAA, send a questionnaire link and answer it as the vendor in a second
//! browser context, see the rating update, export the auditor bundle. Screenshots of the
//! main pages go to `$CARGO_TARGET_DIR/phiguard-web-screens/`.
//!
//! Chromium: `PHIGUARD_CHROMIUM`, else `/usr/bin/chromium` (Debian; `.ci/chromium.sh`
//! installs it). Without it the test FAILS, unless `PHIGUARD_TEST_SKIP_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "tests and their helpers"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestApp;
use phiguard_web::access::Role;
use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("PHIGUARD_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One page (target) in a browser context, attached with a flat session.
struct Tab {
    session: String,
    context: String,
}

impl Browser {
    fn launch(binary: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(i) = line.find("ws://") {
                    let _ = tx.send(line[i..].trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium did not print its DevTools URL within 60 s");
        let (ws, _) = tungstenite::connect(url.as_str()).unwrap();
        Browser {
            child,
            ws,
            next_id: 0,
            _profile: profile,
        }
    }

    /// Sends a command (to a page session or the browser) and waits for its result.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.try_call(session, method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// Like `call`, but hands a DevTools error back instead of panicking.
    fn try_call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string())).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(Instant::now() < deadline, "no answer to {method}");
            let Message::Text(text) = self.ws.read().unwrap() else {
                continue;
            };
            let v: Value = serde_json::from_str(text.as_str()).unwrap();
            if v["id"] == json!(id) {
                if let Some(e) = v.get("error") {
                    return Err(e.clone());
                }
                return Ok(v["result"].clone());
            }
        }
    }

    fn tab(&mut self) -> Tab {
        let context = self.call(None, "Target.createBrowserContext", json!({}))["browserContextId"]
            .as_str()
            .unwrap()
            .to_string();
        let target = self.call(
            None,
            "Target.createTarget",
            json!({"url": "about:blank", "browserContextId": context}),
        )["targetId"]
            .as_str()
            .unwrap()
            .to_string();
        let session = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        )["sessionId"]
            .as_str()
            .unwrap()
            .to_string();
        self.call(Some(&session), "Page.enable", json!({}));
        self.call(
            Some(&session),
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
        );
        Tab { session, context }
    }

    fn eval(&mut self, tab: &Tab, js: &str) -> Value {
        self.try_eval(tab, js)
            .unwrap_or_else(|e| panic!("Runtime.evaluate failed: {e}"))
    }

    /// Evaluates `js` in the tab's page; a DevTools error is handed back, an exception in
    /// the page panics.
    fn try_eval(&mut self, tab: &Tab, js: &str) -> Result<Value, Value> {
        let r = self.try_call(
            Some(&tab.session),
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
        )?;
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{js}: {e}");
        }
        Ok(r["result"]["value"].clone())
    }

    fn wait(&mut self, tab: &Tab, condition: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let js = format!(
                "(() => {{ try {{ return document.readyState === 'complete' && !!({condition}); }} catch (e) {{ return false; }} }})()"
            );
            // A page that navigates (a form submit, app.js reloading) while the
            // expression runs destroys its context: that is "not yet", not a failure.
            match self.try_eval(tab, &js) {
                Ok(Value::Bool(true)) => return,
                Ok(_) => {}
                Err(e) if is_navigation_race(&e) => {}
                Err(e) => panic!("Runtime.evaluate failed while waiting for {what}: {e}"),
            }
            if Instant::now() > deadline {
                let html = self.eval(tab, "document.documentElement.outerHTML");
                panic!("timed out waiting for {what} ({condition}); page:\n{html}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn goto(&mut self, tab: &Tab, url: &str) {
        self.call(Some(&tab.session), "Page.navigate", json!({"url": url}));
        let path = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
        let path = path.split('?').next().unwrap_or(path).to_string();
        self.wait(tab, &format!("location.pathname === {}", json!(path)), url);
    }

    fn screenshot(&mut self, tab: &Tab, name: &str) {
        let r = self.call(
            Some(&tab.session),
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        );
        let bytes = base64_decode(r["data"].as_str().unwrap());
        assert!(bytes.starts_with(b"\x89PNG"), "{name} is not a PNG");
        let dir = screens_dir();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), bytes).unwrap();
    }
}

/// DevTools errors that mean the page navigated under a running expression.
fn is_navigation_race(error: &Value) -> bool {
    let message = error["message"].as_str().unwrap_or_default();
    [
        "Inspected target navigated or closed",
        "Execution context was destroyed",
        "Cannot find default execution context",
    ]
    .iter()
    .any(|m| message.contains(m))
}

fn screens_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    target.join("phiguard-web-screens")
}

fn base64_decode(text: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0);
    for c in text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
    {
        buf = (buf << 6) | A.iter().position(|a| *a == c).unwrap() as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

fn js(s: &str) -> String {
    json!(s).to_string()
}

#[test]
fn end_to_end_in_headless_chromium() {
    let Some(binary) = chromium().filter(|p| p.exists()) else {
        if std::env::var("PHIGUARD_TEST_SKIP_BROWSER").is_ok_and(|v| v == "1") {
            eprintln!("skipped: no Chromium and PHIGUARD_TEST_SKIP_BROWSER=1");
            return;
        }
        panic!(
            "headless Chromium not found (looked for PHIGUARD_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome): install it with `bash .ci/chromium.sh` (Debian package `chromium`), or set PHIGUARD_TEST_SKIP_BROWSER=1 to skip this test"
        );
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = TestApp::new(true);
    let ana = rt.block_on(app.user("ana", Role::Compliance));
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

    let mut b = Browser::launch(&binary);
    let staff = b.tab();

    // Sign in with password + TOTP.
    b.goto(&staff, &format!("{base}/login"));
    b.screenshot(&staff, "01-login");
    let code = phiguard_web::totp::code_at(&ana.secret, app.now().as_second());
    b.eval(&staff, &format!(
        "document.querySelector('#user').value = {}; document.querySelector('#password').value = {}; document.querySelector('#code').value = {}; document.querySelector('form.login button').click(); true",
        js(&ana.name), js(&ana.password), js(&code)
    ));
    b.wait(&staff, "location.pathname === '/' && document.querySelector('h1').textContent === 'Posture overview'", "the overview");
    let overview = b.eval(&staff, "document.querySelector('main').textContent");
    let overview = overview.as_str().unwrap();
    assert!(
        overview.contains("Latest scan SCN-0001") && overview.contains("By HIPAA section"),
        "{overview}"
    );
    assert!(
        b.eval(&staff, "document.cookie") == json!(""),
        "the session cookie is HttpOnly"
    );
    b.screenshot(&staff, "02-overview");

    // Filter findings: critical only (the select submits its form through app.js).
    b.goto(&staff, &format!("{base}/findings"));
    let all = b.eval(
        &staff,
        "document.querySelector('#result-count').textContent",
    );
    b.eval(&staff, "const s = document.querySelector('#f-severity'); s.value = 'critical'; s.dispatchEvent(new Event('change')); true");
    b.wait(
        &staff,
        "location.search.includes('severity=critical')",
        "the filtered findings",
    );
    let severities = b.eval(&staff, "[...document.querySelectorAll('table.findings tbody tr td:nth-child(3)')].map(td => td.textContent)");
    let severities = severities.as_array().unwrap();
    assert!(
        !severities.is_empty() && severities.iter().all(|s| s == "critical"),
        "{severities:?}"
    );
    assert_ne!(
        b.eval(
            &staff,
            "document.querySelector('#result-count').textContent"
        ),
        all
    );
    b.screenshot(&staff, "03-findings-critical");

    // Open a control from the findings.
    let control = b.eval(
        &staff,
        "document.querySelector('table.findings tbody tr td:nth-child(4) a').textContent",
    );
    let control = control.as_str().unwrap().to_string();
    b.eval(
        &staff,
        "document.querySelector('table.findings tbody tr td:nth-child(4) a').click(); true",
    );
    b.wait(
        &staff,
        &format!("location.pathname === '/controls/{control}'"),
        "the control page",
    );
    let text = b.eval(&staff, "document.querySelector('main').textContent");
    assert!(text.as_str().unwrap().contains("Remediation"), "{text}");
    b.screenshot(&staff, "04-control");

    // Add a BAA.
    b.goto(&staff, &format!("{base}/baa"));
    b.eval(&staff, "document.querySelector('#counterparty').value = 'E2E Imaging Partners'; document.querySelector('#effective_date').value = '2026-02-01'; document.querySelector('#covered_accounts').value = '111122223333'; document.querySelector('form.record button').click(); true");
    b.wait(&staff, "document.querySelector('table.baa') && document.querySelector('table.baa').textContent.includes('E2E Imaging Partners')", "the new BAA");
    b.screenshot(&staff, "05-baa");

    // Send a questionnaire link to a vendor.
    b.goto(&staff, &format!("{base}/vendors/VEN-0003"));
    let rating_before = b.eval(
        &staff,
        "document.querySelector('#v-residual-rating').textContent",
    );
    b.eval(
        &staff,
        "document.querySelector('#send-questionnaire').click(); true",
    );
    b.wait(
        &staff,
        "document.querySelector('#portal-link')",
        "the questionnaire link",
    );
    let link = b.eval(&staff, "document.querySelector('#portal-link').textContent");
    let link = format!("{base}{}", link.as_str().unwrap());

    // The vendor answers in a second browser context (no cookies shared).
    let vendor = b.tab();
    assert_ne!(vendor.context, staff.context);
    b.goto(&vendor, &link);
    b.eval(&vendor, "document.querySelectorAll('form.portal select').forEach(s => { s.value = s.options[1].value; }); document.querySelectorAll('form.portal input[type=number]').forEach(i => { i.value = '1'; }); true");
    b.screenshot(&vendor, "06-vendor-portal");
    b.eval(
        &vendor,
        "document.querySelector('#submit-answers').click(); true",
    );
    b.wait(
        &vendor,
        "document.querySelector('#portal-done')",
        "the portal's confirmation",
    );
    // The vendor's context has no session: the app itself is closed to it.
    b.call(
        Some(&vendor.session),
        "Page.navigate",
        json!({"url": format!("{base}/vendors")}),
    );
    b.wait(
        &vendor,
        "location.pathname === '/login'",
        "the sign-in page for the vendor",
    );

    // The rating updated.
    b.goto(&staff, &format!("{base}/vendors/VEN-0003"));
    let rating_after = b.eval(
        &staff,
        "document.querySelector('#v-residual-rating').textContent",
    );
    assert_ne!(rating_after, rating_before);
    assert_ne!(rating_after, json!("not rated"));
    b.screenshot(&staff, "07-vendor-rated");

    // Export the auditor bundle.
    let downloads = tempfile::tempdir().unwrap();
    b.call(None, "Browser.setDownloadBehavior", json!({"behavior": "allow", "downloadPath": downloads.path(), "browserContextId": staff.context}));
    b.goto(&staff, &format!("{base}/evidence"));
    b.screenshot(&staff, "08-evidence");
    b.eval(
        &staff,
        "document.querySelector('#export-bundle').click(); true",
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let tar = loop {
        let found = std::fs::read_dir(downloads.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "tar"));
        if let Some(p) = found {
            break p;
        }
        assert!(Instant::now() < deadline, "the bundle was not downloaded");
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_millis(300));
    let bytes = std::fs::read(&tar).unwrap();
    assert!(
        bytes.windows(13).any(|w| w == b"manifest.json"),
        "{} bytes",
        bytes.len()
    );

    b.goto(&staff, &format!("{base}/audit"));
    let audit = b.eval(&staff, "document.querySelector('main').textContent");
    let audit = audit.as_str().unwrap();
    assert!(
        audit.contains("Audit log verified")
            && audit.contains("portal_submit")
            && audit.contains("bundle_export"),
        "{audit}"
    );
    b.screenshot(&staff, "09-audit");

    drop(b);
    let _ = stop.send(());
    rt.block_on(server).unwrap().unwrap();
}
