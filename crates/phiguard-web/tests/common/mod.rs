//! Test support: a demo records database (seeded by `phiguard demo` with a fixed clock),
//! an app over it with a settable clock, users, sign-in, and request helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use jiff::Timestamp;
use phiguard_store::{Ctx, Location, Store};
use phiguard_web::access::{self, Role};
use phiguard_web::password::Cost;
use phiguard_web::{AppState, Config, totp};
use tower::ServiceExt;

/// The fixed "now" of the demo and the tests.
pub const NOW: &str = "2026-03-02T10:00:00Z";

pub fn now() -> Timestamp {
    NOW.parse().unwrap()
}

/// Runs `phiguard demo` into `dir` at [`NOW`]; returns the records database it seeded.
pub fn demo_db(dir: &Path) -> PathBuf {
    let args = phiguard::cli::DemoArgs {
        output: dir.join("report.html"),
        format: phiguard::cli::ReportFormat::Html,
        verbose: false,
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut term = phiguard::Term::new(&mut out, &mut err, Default::default(), false);
    phiguard::command::demo::run(&args, now(), &mut term).unwrap();
    dir.join(phiguard::command::demo::RECORDS_FILE)
}

/// A user with its TOTP secret.
#[derive(Clone)]
pub struct TestUser {
    pub name: String,
    pub password: String,
    pub secret: Vec<u8>,
}

/// The app under test.
pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<AtomicI64>,
    pub db: PathBuf,
    pub dir: tempfile::TempDir,
}

/// A signed-in browser: its cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    /// Over the demo database (`demo = true`) or an empty one.
    pub fn new(demo: bool) -> TestApp {
        TestApp::new_with(demo, |_| {})
    }

    /// As [`TestApp::new`], with a change to the configuration.
    pub fn new_with(demo: bool, change: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let db = if demo {
            demo_db(dir.path())
        } else {
            dir.path().join("empty.db")
        };
        let store = Store::open(&Location::Sqlite(db.clone()), now()).unwrap();
        let clock = Arc::new(AtomicI64::new(now().as_second()));
        let c = clock.clone();
        let mut config = Config::new(Arc::new(move || {
            Timestamp::from_second(c.load(Ordering::SeqCst)).unwrap()
        }));
        // The demo signs its checkpoints with its own key: the server uses the same one.
        config.signing_key = Some(if demo {
            phiguard_store::keys::Key::load(&phiguard::command::demo::signing_key_path(&db))
                .unwrap()
        } else {
            phiguard_store::keys::Key::from_seed([7; 32])
        });
        change(&mut config);
        TestApp {
            state: AppState::new(store, config),
            clock,
            db,
            dir,
        }
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::from_second(self.clock.load(Ordering::SeqCst)).unwrap()
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.fetch_add(seconds, Ordering::SeqCst);
    }

    /// Adds a user (cheap argon2 parameters).
    pub async fn user(&self, name: &str, role: Role) -> TestUser {
        let ctx = Ctx::new(self.now(), "test-admin", "test");
        let password = format!("{name}-password-123");
        let (n, p) = (name.to_string(), password.clone());
        let enrolment = self
            .state
            .db(move |s| access::add_user(s, &ctx, &n, role, &p, Cost::Test))
            .await
            .unwrap();
        TestUser {
            name: name.to_string(),
            password,
            secret: totp::base32_decode(&enrolment.secret_base32).unwrap(),
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        phiguard_web::router(self.state.clone())
            .oneshot(req)
            .await
            .unwrap()
    }

    pub async fn get(
        &self,
        path: &str,
        session: Option<&Session>,
    ) -> (StatusCode, HashMap<String, String>, String) {
        let mut req = Request::get(path);
        if let Some(s) = session {
            req = req.header(header::COOKIE, &s.cookie);
        }
        split(self.send(req.body(Body::empty()).unwrap()).await).await
    }

    pub async fn post(
        &self,
        path: &str,
        session: Option<&Session>,
        form: &[(&str, &str)],
    ) -> (StatusCode, HashMap<String, String>, String) {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", totp::percent_encode(k), totp::percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = session {
            req = req.header(header::COOKIE, &s.cookie);
        }
        split(self.send(req.body(Body::from(body)).unwrap()).await).await
    }

    /// Signs in with password and the current TOTP code.
    pub async fn sign_in(&self, user: &TestUser) -> Session {
        let (status, headers, body) = self.try_sign_in(user, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "sign-in failed: {body}");
        let cookie = headers["set-cookie"].split(';').next().unwrap().to_string();
        assert!(cookie.starts_with("phiguard_session="), "{cookie}");
        let session = Session {
            cookie,
            csrf: String::new(),
        };
        let (status, _, page) = self.get("/", Some(&session)).await;
        assert_eq!(status, StatusCode::OK);
        Session {
            csrf: csrf_of(&page),
            ..session
        }
    }

    /// Posts the sign-in form; `code`: override the TOTP code.
    pub async fn try_sign_in(
        &self,
        user: &TestUser,
        code: Option<&str>,
    ) -> (StatusCode, HashMap<String, String>, String) {
        let (status, headers, page) = self.get("/login", None).await;
        assert_eq!(status, StatusCode::OK);
        let login_cookie = headers["set-cookie"].split(';').next().unwrap().to_string();
        let csrf = csrf_of(&page);
        let code = code.map_or_else(
            || totp::code_at(&user.secret, self.now().as_second()),
            str::to_string,
        );
        let body = format!(
            "user={}&password={}&code={}&csrf={}",
            totp::percent_encode(&user.name),
            totp::percent_encode(&user.password),
            code,
            csrf
        );
        let req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, login_cookie)
            .body(Body::from(body))
            .unwrap();
        split(self.send(req).await).await
    }

    /// Audit events (action, outcome, summary), oldest first.
    pub async fn audit(&self) -> Vec<(String, String, String)> {
        self.state
            .db(|s| s.events(None, None))
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.outcome, e.summary))
            .collect()
    }

    pub async fn has_event(&self, action: &str, outcome: &str) -> bool {
        self.audit()
            .await
            .iter()
            .any(|(a, o, _)| a == action && o == outcome)
    }
}

/// The CSRF token in a page's forms.
pub fn csrf_of(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf field in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

pub async fn split(r: Response<Body>) -> (StatusCode, HashMap<String, String>, String) {
    let status = r.status();
    let mut headers = HashMap::new();
    for (k, v) in r.headers() {
        headers
            .entry(k.as_str().to_string())
            .and_modify(|e: &mut String| {
                e.push('\n');
                e.push_str(v.to_str().unwrap_or(""));
            })
            .or_insert_with(|| v.to_str().unwrap_or("").to_string());
    }
    let bytes = axum::body::to_bytes(r.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}
