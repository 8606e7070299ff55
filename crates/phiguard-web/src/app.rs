//! The application: shared state (the store behind a mutex, used from blocking threads),
//! configuration, errors, the session extractor, CSRF and permission checks, security
//! headers and the router.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::{SignedDuration, Timestamp};
use phiguard_report::Report;
use phiguard_store::{Ctx, Store, StoreError};

use crate::access::{self, Perm, Role, Session, User};
use crate::html;

/// The clock: the library never reads the system clock itself.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// How the server behaves.
#[derive(Clone)]
pub struct Config {
    /// Sign out after this long without a request (45 CFR 164.312(a)(2)(iii)).
    pub idle_timeout: SignedDuration,
    /// Sign out this long after sign-in, whatever the activity.
    pub absolute_timeout: SignedDuration,
    /// Served over TLS: `Secure` cookies with the `__Host-` prefix, and HSTS.
    pub tls: bool,
    /// "Now".
    pub clock: Clock,
    /// Failed sign-ins per user name within `rate_window` before refusing.
    pub max_failures_per_user: usize,
    /// Failed sign-ins per client address within `rate_window` before refusing.
    pub max_failures_per_client: usize,
    /// The rate-limiting window.
    pub rate_window: SignedDuration,
    /// How long a vendor questionnaire link stays valid.
    pub vendor_link_ttl: SignedDuration,
    /// The key that signs audit checkpoints (after every write) and auditor bundles.
    pub signing_key: Option<phiguard_store::keys::Key>,
}

impl Config {
    /// Defaults: 15 minutes idle, 12 hours absolute, 5 failures per user and 20 per client
    /// per 15 minutes, vendor links valid 14 days.
    pub fn new(clock: Clock) -> Config {
        Config {
            idle_timeout: SignedDuration::from_mins(15),
            absolute_timeout: SignedDuration::from_hours(12),
            tls: false,
            clock,
            max_failures_per_user: 5,
            max_failures_per_client: 20,
            rate_window: SignedDuration::from_mins(15),
            vendor_link_ttl: SignedDuration::from_hours(14 * 24),
            signing_key: None,
        }
    }
}

/// How stale a session's `last_seen` may get before a request records activity: the idle
/// timeout is measured in minutes, so a few seconds of slack changes nothing for users and
/// spares a synced write per page view.
pub const TOUCH_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_secs(5);

/// The shared state.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

pub(crate) struct Inner {
    store: Mutex<Store>,
    pub(crate) config: Config,
    limiter: Mutex<HashMap<String, Vec<Timestamp>>>,
    report_cache: Mutex<Option<(String, Arc<Report<'static>>)>>,
    indexed_cache: Mutex<Option<Arc<crate::data::Indexed>>>,
}

impl AppState {
    /// State over an open store.
    pub fn new(mut store: Store, config: Config) -> AppState {
        if let Some(key) = &config.signing_key {
            store.checkpoint_every_write(key.clone());
        }
        AppState(Arc::new(Inner {
            store: Mutex::new(store),
            config,
            limiter: Mutex::new(HashMap::new()),
            report_cache: Mutex::new(None),
            indexed_cache: Mutex::new(None),
        }))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// "Now".
    pub fn now(&self) -> Timestamp {
        (self.0.config.clock)()
    }

    /// Runs `f` on the store in a blocking thread.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, WebError> {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = inner
                .store
                .lock()
                .map_err(|_| WebError::Internal("the store lock is poisoned".into()))?;
            f(&mut store).map_err(WebError::Store)
        })
        .await
        .map_err(|e| WebError::Internal(format!("store task failed: {e}")))?
    }

    /// The cached report of scan `id`, if it is the one cached.
    pub(crate) fn cached_report(&self, id: &str) -> Option<Arc<Report<'static>>> {
        let cache = self.0.report_cache.lock().ok()?;
        cache
            .as_ref()
            .filter(|(cached, _)| cached == id)
            .map(|(_, r)| r.clone())
    }

    /// Caches the report of scan `id`.
    pub(crate) fn cache_report(&self, id: &str, report: Arc<Report<'static>>) {
        if let Ok(mut cache) = self.0.report_cache.lock() {
            *cache = Some((id.to_string(), report));
        }
    }

    /// The cached aggregates of scan `id`, if they are the ones cached.
    pub(crate) fn cached_indexed(&self, id: &str) -> Option<Arc<crate::data::Indexed>> {
        let cache = self.0.indexed_cache.lock().ok()?;
        cache.as_ref().filter(|c| c.scan_id == id).cloned()
    }

    /// Caches a scan's aggregates (stored scans do not change).
    pub(crate) fn cache_indexed(&self, indexed: Arc<crate::data::Indexed>) {
        if let Ok(mut cache) = self.0.indexed_cache.lock() {
            *cache = Some(indexed);
        }
    }

    /// Whether `key` has too many recent failures; prunes old ones.
    pub(crate) fn limited(&self, key: &str, max: usize) -> bool {
        let now = self.now();
        let window = self.0.config.rate_window;
        let Ok(mut map) = self.0.limiter.lock() else {
            return true;
        };
        let entry = map.entry(key.to_string()).or_default();
        entry.retain(|t| now.duration_since(*t) < window);
        entry.len() >= max
    }

    /// Records a failure for `key`.
    pub(crate) fn record_failure(&self, key: &str) {
        let now = self.now();
        if let Ok(mut map) = self.0.limiter.lock() {
            map.entry(key.to_string()).or_default().push(now);
        }
    }

    /// Forgets failures for `key` (after a successful sign-in).
    pub(crate) fn clear_failures(&self, key: &str) {
        if let Ok(mut map) = self.0.limiter.lock() {
            map.remove(key);
        }
    }

    /// The session cookie's name.
    pub fn session_cookie(&self) -> &'static str {
        if self.0.config.tls {
            "__Host-phiguard_session"
        } else {
            "phiguard_session"
        }
    }

    /// A `Set-Cookie` value (HttpOnly, SameSite=Strict, Path=/, Secure under TLS).
    pub fn cookie(&self, name: &str, value: &str, max_age: Option<i64>) -> String {
        let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={age}"));
        }
        if self.0.config.tls {
            c.push_str("; Secure");
        }
        c
    }

    /// Audit context for an actor.
    pub fn ctx(&self, actor: &str, client: &str) -> Ctx {
        Ctx::new(self.now(), actor, format!("phiguard-web@{client}"))
    }
}

/// Why a request failed.
#[derive(Debug)]
pub enum WebError {
    /// The store failed.
    Store(StoreError),
    /// No valid session: go and sign in.
    SignIn(&'static str),
    /// Not allowed.
    Forbidden(String),
    /// Nothing there.
    NotFound(String),
    /// Bad input.
    BadRequest(String),
    /// Something broke.
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        WebError::Store(e)
    }
}

impl WebError {
    /// Status and a message safe to show.
    pub fn status_and_message(&self) -> (StatusCode, String) {
        match self {
            WebError::Store(e) => match e {
                StoreError::NotFound { .. } => (StatusCode::NOT_FOUND, e.to_string()),
                StoreError::Invalid { .. } | StoreError::Input { .. } => {
                    (StatusCode::BAD_REQUEST, e.to_string())
                }
                StoreError::Retention { .. } | StoreError::Conflict { .. } => {
                    (StatusCode::CONFLICT, e.to_string())
                }
                _ => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the records store failed; see the server log".into(),
                ),
            },
            WebError::SignIn(why) => (StatusCode::UNAUTHORIZED, (*why).to_string()),
            WebError::Forbidden(m) => (StatusCode::FORBIDDEN, m.clone()),
            WebError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone()),
            WebError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; see the server log".into(),
            ),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignIn(why) = self {
            let target = match why {
                "expired" => "/login?expired=1",
                _ => "/login",
            };
            return Redirect::to(target).into_response();
        }
        let (status, message) = self.status_and_message();
        let body = html::page(
            status.canonical_reason().unwrap_or("Error"),
            "",
            None,
            &format!(
                "{}<p><a href=\"/\">Back to the overview</a></p>\n",
                html::notice("error", &message)
            ),
        );
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

/// The client's address (`unknown` when the server has no connection info, e.g. in tests).
#[derive(Debug, Clone)]
pub struct Client(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Client, Self::Rejection> {
        Ok(Client(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string()),
        ))
    }
}

/// A cookie's value from the request headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A signed-in user with a live session.
#[derive(Debug, Clone)]
pub struct Authed {
    /// The user.
    pub user: User,
    /// The session.
    pub session: Session,
    /// Client address.
    pub client: String,
}

impl Authed {
    /// The frame's viewer.
    pub fn viewer(&self) -> html::Viewer<'_> {
        html::Viewer {
            name: &self.user.name,
            role: self.user.role.as_str(),
            csrf: &self.session.csrf,
        }
    }

    /// Audit context.
    pub fn ctx(&self, state: &AppState) -> Ctx {
        state.ctx(&self.user.name, &self.client)
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Authed, WebError> {
        let Client(client) = Client::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|e| match e {});
        let changing = parts.method != Method::GET && parts.method != Method::HEAD;
        let path = parts.uri.path().to_string();
        let Some(id) = cookie_value(&parts.headers, state.session_cookie()) else {
            if changing {
                let ctx = state.ctx("anonymous", &client);
                let summary = format!("{} {path} without a session", parts.method);
                state
                    .db(move |s| {
                        access::audit(s, &ctx, "access_denied", "route", &path, "denied", summary)
                    })
                    .await?;
            }
            return Err(WebError::SignIn("no session"));
        };
        let now = state.now();
        let config = state.config().clone();
        let ctx = state.ctx("anonymous", &client);
        let found = state
            .db(move |s| {
                let Some(session) = access::find_session(s, &id)? else {
                    access::audit(
                        s,
                        &ctx,
                        "access_denied",
                        "route",
                        &path,
                        "denied",
                        "unknown or ended session".into(),
                    )?;
                    return Ok(Err("no session"));
                };
                let idle = now.duration_since(session.last_seen) >= config.idle_timeout;
                let absolute = now.duration_since(session.created_at) >= config.absolute_timeout;
                if idle || absolute {
                    let (action, why) = if idle {
                        ("session_idle_timeout", "idle timeout")
                    } else {
                        ("session_absolute_timeout", "absolute timeout")
                    };
                    let ctx = Ctx::new(now, session.user_name.clone(), ctx.source.clone());
                    access::end_session(
                        s,
                        &ctx,
                        &session,
                        action,
                        format!("{} signed out automatically ({why})", session.user_name),
                    )?;
                    return Ok(Err("expired"));
                }
                let Some(user) = access::get_user(s, &session.user_name)?.filter(|u| !u.disabled)
                else {
                    return Ok(Err("no session"));
                };
                // The idle clock restarts on activity; written at most every few seconds,
                // not on every request (each write is a synced commit).
                if now.duration_since(session.last_seen) >= TOUCH_EVERY {
                    access::touch_session(s, &session, now)?;
                }
                Ok(Ok((user, session)))
            })
            .await?;
        match found {
            Ok((user, session)) => Ok(Authed {
                user,
                session,
                client,
            }),
            Err(why) => Err(WebError::SignIn(why)),
        }
    }
}

/// Checks the CSRF token of a state-changing request and the role's permission; refusals
/// are audited (`csrf_rejected`, `access_denied`) and answered 403.
pub async fn authorize(
    state: &AppState,
    authed: &Authed,
    perm: Perm,
    csrf: Option<&str>,
    what: &str,
) -> Result<(), WebError> {
    let csrf_ok = csrf.is_some_and(|c| {
        crate::totp::constant_time_eq(c.as_bytes(), authed.session.csrf.as_bytes())
    });
    let (action, message) = if !csrf_ok {
        (
            "csrf_rejected",
            "the form's CSRF token is missing or wrong; reload the page and retry",
        )
    } else if !authed.user.role.can(perm) {
        ("access_denied", "your role does not allow this")
    } else {
        return Ok(());
    };
    let ctx = authed.ctx(state);
    let summary = format!(
        "{} ({}) refused: {what} ({action})",
        authed.user.name,
        authed.user.role.as_str()
    );
    let what = what.to_string();
    state
        .db(move |s| access::audit(s, &ctx, action, "route", &what, "denied", summary))
        .await?;
    Err(WebError::Forbidden(message.into()))
}

/// A form's field, trimmed (empty when absent).
pub fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

/// A form's optional field (`None` when absent or blank).
pub fn opt_field(form: &HashMap<String, String>, name: &str) -> Option<String> {
    Some(field(form, name)).filter(|v| !v.is_empty())
}

/// The Content-Security-Policy: no inline script or style, nothing from elsewhere.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut response: Response,
) -> Response {
    let h = response.headers_mut();
    let set = |h: &mut HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, "content-security-policy", CSP);
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "no-referrer");
    set(h, "x-frame-options", "DENY");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(h, "cross-origin-resource-policy", "same-origin");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    if state.config().tls {
        set(
            h,
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

async fn asset_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../assets/app.css"),
    )
        .into_response()
}

async fn asset_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../assets/app.js"),
    )
        .into_response()
}

/// Every route.
pub fn router(state: AppState) -> Router {
    use crate::{api, login, pages, portal, records};
    Router::new()
        .route("/assets/app.css", get(asset_css))
        .route("/assets/app.js", get(asset_js))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/", get(pages::overview))
        .route("/findings", get(pages::findings))
        .route("/findings/{n}", get(pages::finding))
        .route("/controls/{id}", get(pages::control))
        .route("/scans", get(pages::scans))
        .route("/scans/diff", get(pages::scan_diff))
        .route("/baa", get(records::baa_list).post(records::baa_add))
        .route("/vendors", get(records::vendors))
        .route("/vendors/{id}", get(records::vendor))
        .route(
            "/vendors/{id}/questionnaire",
            post(records::send_questionnaire),
        )
        .route("/assessments", get(records::assessments))
        .route("/assessments/{id}/sign-off", post(records::sign_off))
        .route("/evidence", get(records::evidence))
        .route("/evidence/{id}/download", get(records::evidence_download))
        .route("/audit", get(records::audit_log))
        .route("/export", get(crate::export::bundle))
        .route("/portal/{token}", get(portal::form).post(portal::submit))
        .merge(api::routes())
        .fallback(not_found)
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

async fn not_found() -> WebError {
    WebError::NotFound("no such page".into())
}

/// Role names for a select.
pub fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), r.as_str().to_string()))
        .collect()
}
