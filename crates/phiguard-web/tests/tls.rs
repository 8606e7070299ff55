//! HTTPS: the server speaks TLS (rustls) with a certificate given as PEM files, marks cookies
//! `Secure` and sends HSTS. The certificate is made with the `openssl` command and the
//! request sent with `curl` (both in Debian's base images).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

mod common;

use std::process::Command;

use common::TestApp;

#[test]
fn https_with_secure_cookies_and_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap_or_else(|e| {
            panic!("the `openssl` command is needed to make a test certificate: {e}")
        });
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = TestApp::new_with(false, |c| c.tls = true);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = app.state.clone();
    let (c, k) = (cert.clone(), key.clone());
    let server = rt.spawn(async move {
        phiguard_web::serve_tls(listener, state, &c, &k, async {
            let _ = stopped.await;
        })
        .await
    });
    let out = Command::new("curl")
        .args([
            "-sS",
            "--retry",
            "5",
            "--retry-connrefused",
            "--retry-delay",
            "1",
            "-D",
            "-",
            "-o",
            "/dev/null",
            "--cacert",
        ])
        .arg(&cert)
        .arg(format!("https://{addr}/login"))
        .output()
        .unwrap_or_else(|e| panic!("the `curl` command is needed for this test: {e}"));
    let headers = String::from_utf8_lossy(&out.stdout).to_ascii_lowercase();
    assert!(
        out.status.success(),
        "{}{}",
        headers,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        headers.starts_with("http/1.1 200") || headers.starts_with("http/2 200"),
        "{headers}"
    );
    assert!(
        headers.contains("strict-transport-security: max-age=31536000"),
        "{headers}"
    );
    let cookie = headers
        .lines()
        .find(|l| l.starts_with("set-cookie:"))
        .unwrap();
    assert!(
        cookie.contains("; secure")
            && cookie.contains("httponly")
            && cookie.contains("samesite=strict"),
        "{cookie}"
    );
    assert_eq!(app.state.session_cookie(), "__Host-phiguard_session");
    let _ = stop.send(());
    rt.block_on(server).unwrap().unwrap();
}
