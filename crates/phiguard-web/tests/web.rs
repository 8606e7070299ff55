//! Handler tests (tower `oneshot`) over the demo records database: sign-in with password and
//! TOTP, sessions and timeouts, CSRF, roles, rate limiting, security headers, the pages, the
//! vendor portal, the API. Refusals are checked for their status and their audit event.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "tests and their helpers"
)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Session, TestApp, split};
use phiguard_web::access::{self, Role};
use phiguard_web::totp;

#[tokio::test]
async fn sign_in_with_password_and_totp_shows_the_demo_posture() {
    let app = TestApp::new(true);
    let ana = app.user("ana", Role::Compliance).await;
    let s = app.sign_in(&ana).await;
    let (status, headers, page) = app.get("/", Some(&s)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Latest scan <strong>SCN-0001</strong>"),
        "{page}"
    );
    assert!(page.contains("By HIPAA section"));
    assert!(
        page.contains("164.312(a)(1)") || page.contains("164.312"),
        "{page}"
    );
    assert!(page.contains("Shared responsibility"));
    assert!(page.contains("Open critical findings"));
    assert!(page.contains("<svg class=\"trend\""));
    assert!(headers["content-security-policy"].contains("script-src 'self'"));
    assert!(app.has_event("sign_in", "success").await);
    // The session cookie is HttpOnly and SameSite=Strict.
    let (_, h, _) = app.try_sign_in(&ana, None).await;
    assert!(
        !h.get("set-cookie")
            .is_some_and(|c| c.contains("phiguard_session=")),
        "the same code is good once"
    );
}

#[tokio::test]
async fn the_session_cookie_is_httponly_and_samesite_strict() {
    let app = TestApp::new(false);
    let ana = app.user("ana", Role::Admin).await;
    let (status, headers, _) = app.try_sign_in(&ana, None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers["set-cookie"]
        .lines()
        .find(|c| c.starts_with("phiguard_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "no TLS here: {cookie}");
    let id = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("phiguard_session=");
    assert_eq!(id.len(), 64, "256-bit id");
    // Only its hash is stored.
    let id2 = id.to_string();
    let stored = app
        .state
        .db(move |s| {
            let rows = s.db().query("SELECT id_sha256 FROM web_session", &[])?;
            Ok(rows.iter().map(|r| r.str(0).unwrap()).collect::<Vec<_>>())
        })
        .await
        .unwrap();
    assert_eq!(stored, vec![phiguard_store::sha256_hex(id2.as_bytes())]);
}

#[tokio::test]
async fn an_empty_database_says_there_is_no_scan() {
    let app = TestApp::new(false);
    let ana = app.user("ana", Role::Admin).await;
    let s = app.sign_in(&ana).await;
    for path in ["/", "/findings", "/scans"] {
        let (status, _, page) = app.get(path, Some(&s)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            page.contains("No scan is stored in this records database yet"),
            "{path}: {page}"
        );
        assert!(!page.contains("By HIPAA section"), "{path}");
    }
}

#[tokio::test]
async fn the_login_page_explains_the_first_run() {
    let app = TestApp::new(false);
    let (status, _, page) = app.get("/login", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("phiguard user add --role admin NAME"),
        "{page}"
    );
}

#[tokio::test]
async fn without_a_session_pages_redirect_and_changes_are_refused_and_audited() {
    let app = TestApp::new(true);
    for path in [
        "/",
        "/findings",
        "/baa",
        "/vendors",
        "/audit",
        "/evidence/EVD-0001/download",
        "/export",
    ] {
        let (status, headers, _) = app.get(path, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(headers["location"], "/login", "{path}");
    }
    let (status, _, _) = app
        .post(
            "/baa",
            None,
            &[
                ("counterparty", "Evil Corp"),
                ("agreement_type", "baa"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(app.has_event("access_denied", "denied").await);
    // An unknown session id is refused and audited as well.
    let fake = Session {
        cookie: format!("phiguard_session={}", "ab".repeat(32)),
        csrf: String::new(),
    };
    let (status, _, _) = app.get("/", Some(&fake)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let events = app.audit().await;
    assert!(
        events
            .iter()
            .any(|(a, _, s)| a == "access_denied" && s.contains("unknown or ended session"))
    );
    let list = app
        .state
        .db(|s| s.list::<phiguard_store::baa::Agreement>())
        .await
        .unwrap();
    assert!(list.iter().all(|a| a.record.counterparty != "Evil Corp"));
}

#[tokio::test]
async fn wrong_passwords_and_codes_fail_and_are_rate_limited() {
    let app = TestApp::new(false);
    let mut ana = app.user("ana", Role::Admin).await;
    let good = ana.password.clone();
    ana.password = "not the password".into();
    let (status, headers, page) = app.try_sign_in(&ana, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("Wrong user name, password or authenticator code."));
    assert!(
        !headers
            .get("set-cookie")
            .is_some_and(|c| c.contains("phiguard_session"))
    );
    ana.password = good;
    let (status, _, _) = app.try_sign_in(&ana, Some("000000")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let events = app.audit().await;
    assert!(
        events
            .iter()
            .any(|(a, o, s)| a == "sign_in" && o == "failure" && s.contains("wrong password"))
    );
    assert!(
        events
            .iter()
            .any(|(a, o, s)| a == "sign_in" && o == "failure" && s.contains("authenticator code"))
    );
    for _ in 0..3 {
        app.try_sign_in(&ana, Some("000000")).await;
    }
    // Five failures: even the right code is refused now.
    let (status, _, page) = app.try_sign_in(&ana, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
    assert!(
        app.audit()
            .await
            .iter()
            .any(|(a, o, s)| a == "sign_in" && o == "denied" && s.contains("rate limited"))
    );
    // After the window, the right code works.
    app.advance(16 * 60);
    let (status, _, _) = app.try_sign_in(&ana, None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_login_form_needs_its_csrf_token() {
    let app = TestApp::new(false);
    let ana = app.user("ana", Role::Admin).await;
    let code = totp::code_at(&ana.secret, app.now().as_second());
    let body = format!(
        "user=ana&password={}&code={code}&csrf=forged",
        totp::percent_encode(&ana.password)
    );
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let (status, _, _) = split(app.send(req).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(app.has_event("csrf_rejected", "denied").await);
}

#[tokio::test]
async fn sessions_end_after_the_idle_and_the_absolute_timeout() {
    let app = TestApp::new(false);
    let ana = app.user("ana", Role::Admin).await;
    let s = app.sign_in(&ana).await;
    app.advance(14 * 60);
    assert_eq!(app.get("/", Some(&s)).await.0, StatusCode::OK);
    app.advance(14 * 60);
    assert_eq!(
        app.get("/", Some(&s)).await.0,
        StatusCode::OK,
        "activity resets the idle timer"
    );
    app.advance(15 * 60);
    let (status, headers, _) = app.get("/", Some(&s)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login?expired=1");
    assert!(app.has_event("session_idle_timeout", "success").await);
    // The ended session stays ended.
    assert_eq!(app.get("/", Some(&s)).await.1["location"], "/login");

    // Absolute timeout: active every 10 minutes, still signed out after 12 hours.
    app.advance(60);
    let s = app.sign_in(&ana).await;
    for _ in 0..(12 * 6 - 1) {
        app.advance(10 * 60);
        assert_eq!(app.get("/", Some(&s)).await.0, StatusCode::OK);
    }
    app.advance(10 * 60);
    assert_eq!(app.get("/", Some(&s)).await.0, StatusCode::SEE_OTHER);
    assert!(app.has_event("session_absolute_timeout", "success").await);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::new(false);
    let ana = app.user("ana", Role::Admin).await;
    let s = app.sign_in(&ana).await;
    let (status, headers, _) = app.post("/logout", Some(&s), &[("csrf", &s.csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login?out=1");
    assert!(app.has_event("sign_out", "success").await);
    assert_eq!(app.get("/", Some(&s)).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_missing_csrf_token_is_refused_and_audited() {
    let app = TestApp::new(true);
    let ana = app.user("ana", Role::Compliance).await;
    let s = app.sign_in(&ana).await;
    let form = [
        ("counterparty", "No Token LLC"),
        ("agreement_type", "baa"),
        ("status", "active"),
    ];
    let (status, _, page) = app.post("/baa", Some(&s), &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    let (status, _, _) = app
        .post(
            "/baa",
            Some(&s),
            &[("csrf", "0".repeat(64).as_str()), form[0], form[1], form[2]],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        app.audit()
            .await
            .iter()
            .filter(|(a, o, _)| a == "csrf_rejected" && o == "denied")
            .count()
            >= 2
    );
    let (_, _, page) = app.get("/baa", Some(&s)).await;
    assert!(!page.contains("No Token LLC"));
}

#[tokio::test]
async fn an_auditor_reads_and_exports_but_changes_nothing() {
    let app = TestApp::new(true);
    let audrey = app.user("audrey", Role::Auditor).await;
    let s = app.sign_in(&audrey).await;
    let (status, _, page) = app.get("/baa", Some(&s)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("Add an agreement"),
        "no add form for auditors"
    );
    let (status, _, _) = app
        .post(
            "/baa",
            Some(&s),
            &[
                ("csrf", &s.csrf),
                ("counterparty", "Audit Inc"),
                ("agreement_type", "baa"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = app
        .post(
            "/assessments/ASM-0001/sign-off",
            Some(&s),
            &[("csrf", &s.csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let events = app.audit().await;
    assert!(
        events.iter().any(|(a, o, sum)| a == "access_denied"
            && o == "denied"
            && sum.contains("audrey (auditor) refused: POST /baa")),
        "{events:?}"
    );
    // Exports work.
    let (status, headers, _) = app.get("/evidence/EVD-0001/download", Some(&s)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-disposition"].starts_with("attachment"));
    assert!(app.has_event("evidence_download", "success").await);
    let (status, headers, body) = app.get("/export", Some(&s)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["content-type"], "application/x-tar");
    assert!(
        body.contains("phiguard-bundle/manifest.json"),
        "tar holds the manifest"
    );
    assert!(app.has_event("bundle_export", "success").await);
}

#[tokio::test]
async fn compliance_adds_a_baa() {
    let app = TestApp::new(true);
    let ana = app.user("ana", Role::Compliance).await;
    let s = app.sign_in(&ana).await;
    let (status, headers, page) = app
        .post(
            "/baa",
            Some(&s),
            &[
                ("csrf", &s.csrf),
                ("counterparty", "Northwind Imaging <LLC>"),
                ("agreement_type", "baa"),
                ("status", "active"),
                ("effective_date", "2026-01-01"),
                ("covered_accounts", "111122223333"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(headers["location"], "/baa");
    let (_, _, page) = app.get("/baa", Some(&s)).await;
    assert!(
        page.contains("Northwind Imaging &lt;LLC&gt;"),
        "escaped: {page}"
    );
    let events = app.audit().await;
    assert!(
        events
            .iter()
            .any(|(a, o, sum)| a == "create" && o == "success" && sum.contains("Northwind"))
    );
    // Bad input names the field.
    let (status, _, page) = app
        .post(
            "/baa",
            Some(&s),
            &[
                ("csrf", &s.csrf),
                ("counterparty", "X"),
                ("agreement_type", "baa"),
                ("status", "active"),
                ("effective_date", "2026-13-01"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("effective_date"), "{page}");
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let app = TestApp::new(false);
    for path in ["/login", "/", "/assets/app.css", "/nope"] {
        let (_, h, _) = app.get(path, None).await;
        assert_eq!(
            h["content-security-policy"],
            phiguard_web::app::CSP,
            "{path}"
        );
        assert!(h["content-security-policy"].contains("frame-ancestors 'none'"));
        assert!(!h["content-security-policy"].contains("unsafe-inline"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(
            !h.contains_key("strict-transport-security"),
            "no HSTS without TLS"
        );
    }
    let (_, _, page) = app.get("/login", None).await;
    assert!(
        !page.contains("<script>") && !page.contains("style="),
        "no inline script or style"
    );
}

#[tokio::test]
async fn findings_filter_page_and_drill_down() {
    let app = TestApp::new(true);
    let ana = app.user("ana", Role::Engineer).await;
    let s = app.sign_in(&ana).await;
    let (status, _, all) = app.get("/findings?status=all", Some(&s)).await;
    assert_eq!(status, StatusCode::OK);
    let count = |page: &str| -> usize {
        let i = page.find("id=\"result-count\">").unwrap() + "id=\"result-count\">".len();
        page[i..].split(' ').next().unwrap().parse().unwrap()
    };
    let total = count(&all);
    let (_, _, failing) = app.get("/findings", Some(&s)).await;
    let (_, _, critical) = app.get("/findings?severity=critical", Some(&s)).await;
    let (_, _, phi) = app.get("/findings?phi=yes&status=all", Some(&s)).await;
    assert!(
        total > count(&failing) && count(&failing) >= count(&critical),
        "{total}"
    );
    assert!(count(&critical) > 0);
    assert!(count(&phi) > 0 && count(&phi) < total);
    assert!(!critical.contains("b-high\">high"), "only critical rows");
    assert!(all.contains("page 1 of") && all.contains(">next</a>"));
    let (_, _, page2) = app.get("/findings?status=all&page=2", Some(&s)).await;
    assert!(page2.contains("page 2 of"));
    // Drill-down to one result with its evidence and remediation.
    let (status, _, detail) = app.get("/findings/0", Some(&s)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        detail.contains("<h2>Evidence</h2>") && detail.contains("<h2>Remediation</h2>"),
        "{detail}"
    );
    assert_eq!(
        app.get("/findings/999999", Some(&s)).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_control_page_has_docs_remediation_and_results() {
    let app = TestApp::new(true);
    let ana = app.user("ana", Role::Engineer).await;
    let s = app.sign_in(&ana).await;
    let (status, _, page) = app.get("/controls/IAM-001", Some(&s)).await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "<h2>Requirement</h2>",
        "<h2>Remediation</h2>",
        "Terraform",
        "Results in the latest scan",
    ] {
        assert!(page.contains(needle), "{needle}: {page}");
    }
    assert_eq!(
        app.get("/controls/NOPE-999", Some(&s)).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn records_pages_render() {
    let app = TestApp::new(true);
    let ana = app.user("ana", Role::Compliance).await;
    let s = app.sign_in(&ana).await;
    for (path, needle) in [
        ("/baa", "BAA-0001"),
        ("/vendors", "VEN-0001"),
        ("/vendors/VEN-0001", "Inherent tier"),
        ("/assessments", "ASM-0001"),
        ("/evidence", "EVD-0001"),
        ("/audit", "Audit log verified"),
        ("/scans", "SCN-0001"),
        ("/scans/diff?from=SCN-0001&to=SCN-0001", "0 new failure(s)"),
    ] {
        let (status, _, page) = app.get(path, Some(&s)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        assert!(page.contains(needle), "{path}: {needle}: {page}");
    }
}

async fn send_link(app: &TestApp, s: &Session, vendor: &str) -> String {
    let (status, _, page) = app
        .post(
            &format!("/vendors/{vendor}/questionnaire"),
            Some(s),
            &[("csrf", &s.csrf), ("due", "2026-03-20")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let i = page.find("id=\"portal-link\">").unwrap() + "id=\"portal-link\">".len();
    page[i..].split('<').next().unwrap().to_string()
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "XphiguardBoundaryX";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_vendor_answers_through_a_single_use_link_and_the_rating_updates() {
    let app = TestApp::new(true);
    let ana = app.user("ana", Role::Compliance).await;
    let s = app.sign_in(&ana).await;
    let (_, _, before) = app.get("/vendors/VEN-0003", Some(&s)).await;
    let link = send_link(&app, &s, "VEN-0003").await;
    assert!(link.starts_with("/portal/"));
    // Only the hash of the token is stored.
    let token = link.trim_start_matches("/portal/").to_string();
    let t2 = token.clone();
    let rows = app
        .state
        .db(move |st| {
            st.db().query(
                "SELECT id_sha256 FROM web_token WHERE id_sha256 = $1",
                &[phiguard_store::sha256_hex(t2.as_bytes()).into()],
            )
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // The vendor opens it without an account.
    let (status, _, form) = app.get(&link, None).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains("Security questionnaire for"));
    assert!(!form.contains("<nav>"), "no navigation into the app");
    let (ct, body) = multipart(
        &[("q_A2", "yes"), ("q_A6", "yes"), ("q_B8", "yes")],
        Some(("soc2.pdf", b"%PDF-1.4 test")),
    );
    let req = Request::post(&link)
        .header(header::CONTENT_TYPE, ct.clone())
        .body(Body::from(body.clone()))
        .unwrap();
    let (status, _, done) = split(app.send(req).await).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done.contains("were received and scored"), "{done}");
    let (_, _, after) = app.get("/vendors/VEN-0003", Some(&s)).await;
    assert_ne!(before, after);
    assert!(after.contains("b-scored"), "{after}");
    assert!(app.has_event("portal_submit", "success").await);
    // Single use: the link is spent.
    let (status, _, _) = app.get(&link, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let req = Request::post(&link)
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(split(app.send(req).await).await.0, StatusCode::NOT_FOUND);
    assert!(
        app.audit()
            .await
            .iter()
            .any(|(a, o, sum)| a == "portal_denied"
                && o == "denied"
                && sum.contains("already used"))
    );
    // A vendor link is not a session and not an API token.
    let vendor_cookie = Session {
        cookie: format!("phiguard_session={token}"),
        csrf: String::new(),
    };
    assert_eq!(
        app.get("/vendors/VEN-0001", Some(&vendor_cookie)).await.0,
        StatusCode::SEE_OTHER
    );
    let req = Request::get("/api/v1/records/vendor")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(split(app.send(req).await).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_vendor_link_shows_only_its_own_questionnaire_and_expires() {
    let app = TestApp::new(true);
    let ana = app.user("ana", Role::Compliance).await;
    let s = app.sign_in(&ana).await;
    let link_a = send_link(&app, &s, "VEN-0001").await;
    let link_b = send_link(&app, &s, "VEN-0003").await;
    let (_, _, a) = app.get(&link_a, None).await;
    let (_, _, b) = app.get(&link_b, None).await;
    let names: Vec<String> = app
        .state
        .db(|st| st.list::<phiguard_store::vendor::Vendor>())
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.record.legal_name)
        .collect();
    let shown = |page: &str| names.iter().filter(|n| page.contains(n.as_str())).count();
    assert_eq!(shown(&a), 1, "{a}");
    assert_eq!(shown(&b), 1);
    assert_ne!(a, b);
    // A link cannot be bent into another request id.
    let (status, _, _) = app.get("/portal/REQ-0001", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Expired after 14 days.
    app.advance(15 * 24 * 3600);
    let (status, _, page) = app.get(&link_a, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    assert!(
        app.audit()
            .await
            .iter()
            .any(|(a, o, sum)| a == "portal_denied" && o == "denied" && sum.contains("expired"))
    );
}

async fn api_token(app: &TestApp, user: &str, role: Role) -> String {
    app.user(user, role).await;
    let ctx = phiguard_store::Ctx::new(app.now(), "test-admin", "test");
    let u = user.to_string();
    let expires = app.now() + jiff::SignedDuration::from_hours(24);
    app.state
        .db(move |s| access::create_token(s, &ctx, access::API, &u, role.as_str(), "test", expires))
        .await
        .unwrap()
}

async fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let (status, _, text) = split(
        app.send(
            req.body(Body::from(body.unwrap_or("").to_string()))
                .unwrap(),
        )
        .await,
    )
    .await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn the_api_needs_a_token_and_honours_its_role() {
    let app = TestApp::new(true);
    let (status, body) = api(&app, "GET", "/api/v1/scans", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "no bearer token");
    assert!(app.has_event("access_denied", "denied").await);
    let auditor = api_token(&app, "audrey", Role::Auditor).await;
    let (status, body) = api(&app, "GET", "/api/v1/scans", Some(&auditor), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body[0]["id"], "SCN-0001");
    let (status, body) = api(
        &app,
        "GET",
        "/api/v1/scans/SCN-0001/results?status=fail&limit=5",
        Some(&auditor),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"].as_array().unwrap().len(), 5);
    assert!(
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "fail")
    );
    let (status, body) = api(&app, "GET", "/api/v1/records/vendor", Some(&auditor), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.as_array().unwrap().len() >= 3);
    assert_eq!(
        api(&app, "GET", "/api/v1/records/nope", Some(&auditor), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api(&app, "GET", "/api/v1/scans/SCN-9999", Some(&auditor), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let new = r#"{"counterparty":"API Health","agreement_type":"baa","status":"active","covered_accounts":["111122223333"]}"#;
    let (status, _) = api(
        &app,
        "POST",
        "/api/v1/records/agreement",
        Some(&auditor),
        Some(new),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let compliance = api_token(&app, "ana", Role::Compliance).await;
    let (status, body) = api(
        &app,
        "POST",
        "/api/v1/records/agreement",
        Some(&compliance),
        Some(new),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["counterparty"], "API Health");
    let (status, body) = api(
        &app,
        "POST",
        "/api/v1/records/agreement",
        Some(&compliance),
        Some(r#"{"counterparty":"x"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Expired tokens are refused.
    app.advance(25 * 3600);
    assert_eq!(
        api(&app, "GET", "/api/v1/scans", Some(&auditor), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document_and_exists() {
    let app = TestApp::new(false);
    let (status, doc) = api(&app, "GET", "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.0.3");
    let paths = doc["paths"].as_object().unwrap();
    for (method, path, _) in phiguard_web::api::ROUTES {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} missing"
        );
        // The route exists: without a token it answers 401, never 404.
        let concrete = path.replace("{id}", "SCN-0001").replace("{kind}", "vendor");
        let (status, _) = api(&app, &method.to_uppercase(), &concrete, None, Some("{}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {concrete}");
    }
    assert_eq!(
        paths.len(),
        phiguard_web::api::ROUTES
            .iter()
            .map(|r| r.1)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
}

#[tokio::test]
async fn the_demo_overview_reads_the_same_every_time() {
    let app = TestApp::new(true);
    let posture = phiguard_web::data::posture(&app.state)
        .await
        .unwrap()
        .unwrap();
    let trend = app.state.db(phiguard_web::data::trend).await.unwrap();
    let body = phiguard_web::pages::overview_body(&posture.scan_id, &posture.report, &trend);
    insta::assert_snapshot!("demo_overview", body);
}

#[tokio::test]
async fn the_demo_findings_page_reads_the_same_every_time() {
    let app = TestApp::new(true);
    let posture = phiguard_web::data::posture(&app.state)
        .await
        .unwrap()
        .unwrap();
    let filter = phiguard_web::pages::Filter {
        severity: "critical".into(),
        ..Default::default()
    };
    let body = phiguard_web::pages::findings_body(&posture.scan_id, &posture.report, &filter);
    insta::assert_snapshot!("demo_findings_critical", body);
}

#[tokio::test]
async fn stored_result_rows_render_the_same_as_the_report() {
    use phiguard_web::data::{Overview, View};
    use phiguard_web::pages::{self, Filter};
    let app = TestApp::new(true);
    let posture = phiguard_web::data::posture(&app.state)
        .await
        .unwrap()
        .unwrap();
    let Some(View::Indexed(ix)) = phiguard_web::data::view(&app.state).await.unwrap() else {
        panic!("the demo scan is stored with its result rows");
    };
    // Aggregates computed in SQL equal the report builder's.
    assert_eq!(
        ix.overview,
        Overview::from_report(&posture.scan_id, &posture.report)
    );
    assert!(ix.overview.critical_total > 0 && ix.overview.counts.fail > 0);
    let trend = app.state.db(phiguard_web::data::trend).await.unwrap();
    assert_eq!(trend.len(), 1);
    assert_eq!(
        pages::render_overview(&ix.overview, &trend),
        pages::overview_body(&posture.scan_id, &posture.report, &trend)
    );
    let f = |k: &str, v: &str| {
        let q: std::collections::HashMap<String, String> =
            [(k.to_string(), v.to_string())].into_iter().collect();
        Filter::from_query(&q)
    };
    let filters = [
        Filter::default(),
        f("status", "all"),
        f("status", "pass"),
        f("status", "error"),
        f("status", "bogus"),
        f("severity", "critical"),
        f("severity", "low"),
        f("phi", "yes"),
        f("phi", "no"),
        f("account", "444455556666"),
        f("region", "us-east-1"),
        f("control", "s3-004"),
        f("page", "2"),
        f("page", "999"),
        Filter {
            status: "all".into(),
            page: 2,
            ..Filter::default()
        },
    ];
    let mut seen = std::collections::BTreeSet::new();
    for filter in filters {
        let (ix2, f2) = (ix.clone(), filter.clone());
        let page = app
            .state
            .db(move |s| pages::findings_page(s, &ix2, &f2))
            .await
            .unwrap();
        seen.insert(page.total);
        assert_eq!(
            pages::render_findings(&page, &filter),
            pages::findings_body(&posture.scan_id, &posture.report, &filter),
            "{filter:?}"
        );
    }
    // The filters do select different results.
    assert!(seen.len() > 5, "{seen:?}");
    // Every finding page from its row is the page from the report.
    for n in 0..posture.report.results.len() {
        let scan_id = ix.scan_id.clone();
        let json = app
            .state
            .db(move |s| phiguard_store::results::detail(s.db(), &scan_id, n as u64))
            .await
            .unwrap()
            .flatten()
            .unwrap_or_else(|| panic!("result {n} has no stored JSON"));
        // The row keeps the evidence in the order the control read it; the report read back
        // through `serde_json::Value` has it sorted by key (a known difference of the
        // fallback path), so compare with the row's evidence sorted.
        let mut r: phiguard_report::wire::ResultV1<'_> = serde_json::from_str(&json).unwrap();
        let mut evidence = r.evidence.to_vec();
        evidence.sort_by(|a, b| a.0.cmp(&b.0));
        r.evidence = evidence.into();
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            pages::finding_from_row(&ix, &json).unwrap(),
            pages::finding_from_report(&posture.scan_id, &posture.report, n).unwrap(),
            "finding {n}"
        );
    }
    let past = posture.report.results.len() as u64;
    let scan_id = ix.scan_id.clone();
    let none = app
        .state
        .db(move |s| phiguard_store::results::detail(s.db(), &scan_id, past))
        .await
        .unwrap();
    assert_eq!(none, None);
}

#[tokio::test]
async fn finding_pages_read_one_row_or_fall_back_to_the_report() {
    let app = TestApp::new(true);
    let user = app.user("erin", Role::Engineer).await;
    let session = app.sign_in(&user).await;
    let (status, _, from_row) = app.get("/findings/3", Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(from_row.contains("<h2>Evidence</h2>"), "{from_row}");
    let (status, _, _) = app.get("/findings/100000", Some(&session)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Rows stored without their JSON (before migration 6): the report answers, the same.
    app.state
        .db(|s| s.db().execute("UPDATE scan_result SET detail = NULL", &[]))
        .await
        .unwrap();
    let (status, _, from_report) = app.get("/findings/3", Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    let main = |page: &str| {
        page.split_once("<main")
            .and_then(|(_, rest)| rest.split_once("</main>"))
            .map(|(body, _)| body.to_string())
            .unwrap_or_else(|| page.to_string())
    };
    // The same lines (the fallback lists evidence sorted by key, see above).
    let lines = |page: &str| {
        let mut lines: Vec<String> = main(page).lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    assert_eq!(lines(&from_row), lines(&from_report));
}

#[tokio::test]
async fn scans_stored_without_rows_fall_back_to_their_report() {
    use phiguard_web::data::View;
    let app = TestApp::new(true);
    app.state
        .db(|s| {
            s.db().execute("DELETE FROM scan_result", &[])?;
            s.db().execute("DELETE FROM scan_summary", &[])
        })
        .await
        .unwrap();
    assert!(matches!(
        phiguard_web::data::view(&app.state).await.unwrap(),
        Some(View::Report(_))
    ));
    let trend = app.state.db(phiguard_web::data::trend).await.unwrap();
    assert_eq!(trend.len(), 1);
    assert!(trend[0].fail > 0);
    let user = app.user("erin", Role::Engineer).await;
    let session = app.sign_in(&user).await;
    for path in ["/", "/findings?severity=critical", "/controls/S3-004"] {
        let (status, _, body) = app.get(path, Some(&session)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            body.contains("SCN-0001") || path.starts_with("/controls"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_results_api_reads_the_same_from_rows_and_from_the_record() {
    let rows = TestApp::new(true);
    let record = TestApp::new(true);
    record
        .state
        .db(|s| {
            s.db().execute("DELETE FROM scan_result", &[])?;
            s.db().execute("DELETE FROM scan_summary", &[])
        })
        .await
        .unwrap();
    let (a, b) = (
        api_token(&rows, "audrey", Role::Auditor).await,
        api_token(&record, "audrey", Role::Auditor).await,
    );
    let mut totals = std::collections::BTreeSet::new();
    for q in [
        "",
        "?status=fail",
        "?status=FAIL&severity=Critical",
        "?control=s3-004&limit=3&offset=1",
        "?account=444455556666&limit=1000",
        "?status=bogus",
        "?offset=100000",
        "?limit=0&offset=1",
        "?limit=99999999999999999999999",
    ] {
        let path = format!("/api/v1/scans/SCN-0001/results{q}");
        let from_rows = api(&rows, "GET", &path, Some(&a), None).await;
        let from_record = api(&record, "GET", &path, Some(&b), None).await;
        assert_eq!(from_rows.0, StatusCode::OK, "{q}");
        assert_eq!(from_rows, from_record, "{q}");
        totals.insert(from_rows.1["total"].as_u64().unwrap());
    }
    assert!(totals.len() > 4, "{totals:?}");
    for bad in ["?offset=-1", "?limit=null", "?offset="] {
        let path = format!("/api/v1/scans/SCN-0001/results{bad}");
        let (status, body) = api(&rows, "GET", &path, Some(&a), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("non-negative integer"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn compliance_signs_off_an_assessment() {
    use phiguard_store::risk::{Assessment, AssessmentStatus};
    let app = TestApp::new(true);
    let ctx = phiguard_store::Ctx::new(app.now(), "test", "test");
    let id = app
        .state
        .db(move |s| {
            let mut a = s.get::<Assessment>("ASM-0001")?.record;
            a.status = AssessmentStatus::InReview;
            a.approver = None;
            a.approved_on = None;
            s.write(&ctx, |tx| tx.insert(a)).map(|stored| stored.id)
        })
        .await
        .unwrap();
    let ana = app.user("ana", Role::Compliance).await;
    let s = app.sign_in(&ana).await;
    let (_, _, page) = app.get("/assessments", Some(&s)).await;
    assert!(
        page.contains(&format!("/assessments/{id}/sign-off")),
        "{page}"
    );
    let (status, _, _) = app
        .post(
            &format!("/assessments/{id}/sign-off"),
            Some(&s),
            &[("csrf", &s.csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let a = app
        .state
        .db(move |st| st.get::<Assessment>(&id))
        .await
        .unwrap();
    assert_eq!(a.record.status, AssessmentStatus::Approved);
    assert_eq!(a.record.approver.as_deref(), Some("ana"));
    assert!(app.has_event("approve", "success").await);
}
