//! Sign-in (password + TOTP, rate-limited per user and per client) and sign-out.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};

use crate::access;
use crate::app::{AppState, Authed, Client, WebError, authorize, cookie_value, field};
use crate::html;
use crate::password;
use crate::totp;

const LOGIN_CSRF: &str = "phiguard_login";

fn login_page(
    state: &AppState,
    csrf: &str,
    message: Option<(&str, &str)>,
    no_users: bool,
) -> Response {
    let mut body = String::new();
    if let Some((kind, text)) = message {
        body.push_str(&html::notice(kind, text));
    }
    if no_users {
        body.push_str(&html::notice(
            "warn",
            "No user exists yet. On the server, run `phiguard user add --role admin NAME` (with the same --db) and enrol the printed TOTP secret in an authenticator app.",
        ));
    }
    body.push_str(&format!(
        "<form class=\"login\" method=\"post\" action=\"/login\">\n{}\
         <label for=\"user\">User</label><input id=\"user\" name=\"user\" autocomplete=\"username\" required>\n\
         <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n\
         <label for=\"code\">Authenticator code</label><input id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{{6}}\" required>\n\
         <button type=\"submit\">Sign in</button>\n</form>\n",
        html::csrf_field(csrf)
    ));
    let page = html::page("Sign in", "", None, &body);
    let cookie = state.cookie(LOGIN_CSRF, csrf, None);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::SET_COOKIE, cookie),
        ],
        page,
    )
        .into_response()
}

/// `GET /login`.
pub async fn form(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let csrf = access::random_token()?;
    let users = state.db(access::user_count).await?;
    let message = if q.contains_key("expired") {
        Some(("warn", "You were signed out after a period of inactivity."))
    } else if q.contains_key("out") {
        Some(("ok", "You are signed out."))
    } else {
        None
    };
    Ok(login_page(&state, &csrf, message, users == 0))
}

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let name = field(&form, "user");
    let given_csrf = field(&form, "csrf");
    let cookie_csrf = cookie_value(&headers, LOGIN_CSRF).unwrap_or_default();
    let fresh = access::random_token()?;
    if given_csrf.is_empty()
        || !totp::constant_time_eq(given_csrf.as_bytes(), cookie_csrf.as_bytes())
    {
        let ctx = state.ctx("anonymous", &client);
        let who = name.clone();
        state
            .db(move |s| {
                access::audit(
                    s,
                    &ctx,
                    "csrf_rejected",
                    "route",
                    "/login",
                    "denied",
                    format!("sign-in form for `{who}` without a valid CSRF token"),
                )
            })
            .await?;
        let mut r = login_page(
            &state,
            &fresh,
            Some(("error", "The form expired; please try again.")),
            false,
        );
        *r.status_mut() = StatusCode::FORBIDDEN;
        return Ok(r);
    }
    let user_key = format!("user:{}", name.to_ascii_lowercase());
    let client_key = format!("client:{client}");
    let cfg = state.config().clone();
    if state.limited(&user_key, cfg.max_failures_per_user)
        || state.limited(&client_key, cfg.max_failures_per_client)
    {
        let ctx = state.ctx(if name.is_empty() { "anonymous" } else { &name }, &client);
        let who = name.clone();
        state
            .db(move |s| {
                access::audit(
                    s,
                    &ctx,
                    "sign_in",
                    "web_user",
                    &who,
                    "denied",
                    "too many failed sign-ins: rate limited".into(),
                )
            })
            .await?;
        let mut r = login_page(
            &state,
            &fresh,
            Some((
                "error",
                "Too many failed sign-ins. Wait a few minutes and try again.",
            )),
            false,
        );
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(r);
    }
    let password_given = field(&form, "password");
    let code = field(&form, "code");
    let now = state.now();
    let lookup = name.clone();
    let user = state.db(move |s| access::get_user(s, &lookup)).await?;
    // Always run one argon2 verification, so timing does not reveal unknown names.
    let (ok_password, step) = tokio::task::spawn_blocking({
        let user = user.clone();
        move || {
            let hash = user
                .as_ref()
                .map_or(password::dummy_hash().to_string(), |u| {
                    u.password_hash.clone()
                });
            let ok = password::verify(&password_given, &hash);
            let step = user.as_ref().and_then(|u| {
                totp::verify(&u.totp_secret, &code, now.as_second(), u.totp_last_step)
            });
            (ok, step)
        }
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    let failure = match (&user, ok_password, step) {
        (None, _, _) => Some("unknown user"),
        (Some(u), _, _) if u.disabled => Some("account disabled"),
        (Some(_), false, _) => Some("wrong password"),
        (Some(_), true, None) => Some("wrong or reused authenticator code"),
        _ => None,
    };
    if let (None, Some(user), Some(step)) = (failure, user.clone(), step) {
        let ctx = state.ctx(&user.name, &client);
        let addr = client.clone();
        let started = state
            .db(move |s| access::start_session(s, &ctx, &user, step, &addr))
            .await;
        match started {
            Ok((id, _)) => {
                state.clear_failures(&user_key);
                let cookie = state.cookie(state.session_cookie(), &id, None);
                let clear = state.cookie(LOGIN_CSRF, "", Some(0));
                let mut r = Redirect::to("/").into_response();
                let h = r.headers_mut();
                for c in [cookie, clear] {
                    if let Ok(v) = c.parse() {
                        h.append(header::SET_COOKIE, v);
                    }
                }
                return Ok(r);
            }
            Err(WebError::Store(phiguard_store::StoreError::Invalid { .. })) => {}
            Err(e) => return Err(e),
        }
    }
    let reason = failure.unwrap_or("authenticator code already used");
    state.record_failure(&user_key);
    state.record_failure(&client_key);
    let ctx = state.ctx(if name.is_empty() { "anonymous" } else { &name }, &client);
    let who = name.clone();
    state
        .db(move |s| {
            access::audit(
                s,
                &ctx,
                "sign_in",
                "web_user",
                &who,
                "failure",
                format!("failed sign-in for `{who}`: {reason}"),
            )
        })
        .await?;
    let mut r = login_page(
        &state,
        &fresh,
        Some(("error", "Wrong user name, password or authenticator code.")),
        false,
    );
    *r.status_mut() = StatusCode::UNAUTHORIZED;
    Ok(r)
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    authed: Authed,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    authorize(
        &state,
        &authed,
        access::Perm::View,
        Some(&field(&form, "csrf")),
        "/logout",
    )
    .await?;
    let ctx = authed.ctx(&state);
    let session = authed.session.clone();
    let summary = format!("{} signed out", authed.user.name);
    state
        .db(move |s| access::end_session(s, &ctx, &session, "sign_out", summary))
        .await?;
    let mut r = Redirect::to("/login?out=1").into_response();
    if let Ok(v) = state.cookie(state.session_cookie(), "", Some(0)).parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}
