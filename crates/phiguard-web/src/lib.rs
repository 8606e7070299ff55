//! phiguard's web dashboard and HTTP API (`phiguard serve`).
//!
//! - Server-rendered pages (no JS framework; one small script as progressive enhancement,
//!   served as a file so the Content-Security-Policy forbids inline script), assets embedded
//!   in the binary, works offline.
//! - The records store is synchronous: it sits behind a mutex and every call runs on a
//!   blocking thread ([`AppState::db`]).
//! - Access: local accounts with argon2id passwords and mandatory TOTP ([`access`],
//!   [`password`], [`totp`]), roles admin / compliance / engineer / auditor, server-side
//!   sessions with idle and absolute timeouts, CSRF tokens on every state-changing form,
//!   sign-in rate limiting, security headers; every sign-in, failure, sign-out, refusal and
//!   change is an event in the store's tamper-evident audit log.
//! - A vendor portal ([`portal`]) behind single-use, expiring links; a JSON API with bearer
//!   tokens and an OpenAPI document ([`api`]).
//!
//! The library never reads the clock: the caller passes one in [`Config`].

pub mod access;
pub mod api;
pub mod app;
pub mod data;
pub mod export;
pub mod html;
pub mod login;
pub mod pages;
pub mod password;
pub mod portal;
pub mod records;
pub mod totp;

use std::net::SocketAddr;

pub use app::{AppState, Clock, Config, WebError, router};

/// Serves the app on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Serves the app over TLS (rustls with the ring provider) on `listener` until `shutdown`
/// completes. `cert`: PEM certificate chain; `key`: PEM private key. Set [`Config::tls`] on
/// the state, so cookies are `Secure` with the `__Host-` prefix and HSTS is sent.
pub async fn serve_tls(
    listener: std::net::TcpListener,
    state: AppState,
    cert: &std::path::Path,
    key: &std::path::Path,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Another part of the process may have installed a provider already: either is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(5)));
    });
    listener.set_nonblocking(true)?;
    axum_server::from_tcp_rustls(listener, config)
        .handle(handle)
        .serve(router(state).into_make_service_with_connect_info::<SocketAddr>())
        .await
}
