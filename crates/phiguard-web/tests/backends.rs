//! Users, sessions and tokens (migration 4) on both backends: SQLite, and PostgreSQL in a
//! fresh schema of `PHIGUARD_TEST_DATABASE_URL` (start one with
//! `eval "$(bash .ci/postgres.sh)"`). Without that variable the PostgreSQL run FAILS, unless
//! `PHIGUARD_TEST_SKIP_POSTGRES=1`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "tests"
)]

use jiff::{SignedDuration, Timestamp};
use phiguard_store::{Ctx, Location, Store};
use phiguard_web::access::{self, Role};
use phiguard_web::password::Cost;

fn exercise(location: &Location) {
    let now: Timestamp = "2026-03-02T10:00:00Z".parse().unwrap();
    let mut store = Store::open(location, now).unwrap();
    let ctx = Ctx::new(now, "admin", "test");
    assert_eq!(access::user_count(&mut store).unwrap(), 0);
    let enrol = access::add_user(
        &mut store,
        &ctx,
        "ana",
        Role::Auditor,
        "a long password!",
        Cost::Test,
    )
    .unwrap();
    assert!(enrol.uri.starts_with("otpauth://totp/phiguard:ana?secret="));
    let err = access::add_user(
        &mut store,
        &ctx,
        "ana",
        Role::Admin,
        "a long password!",
        Cost::Test,
    )
    .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert!(
        access::add_user(
            &mut store,
            &ctx,
            "bo b",
            Role::Admin,
            "a long password!",
            Cost::Test
        )
        .is_err()
    );
    assert!(access::add_user(&mut store, &ctx, "bob", Role::Admin, "short", Cost::Test).is_err());
    let user = access::get_user(&mut store, "ana").unwrap().unwrap();
    assert_eq!(user.role, Role::Auditor);
    assert!(phiguard_web::password::verify(
        "a long password!",
        &user.password_hash
    ));
    let step = phiguard_web::totp::step_of(now.as_second());
    let (id, session) = access::start_session(&mut store, &ctx, &user, step, "127.0.0.1").unwrap();
    // The same TOTP step cannot start a second session.
    let user = access::get_user(&mut store, "ana").unwrap().unwrap();
    assert!(access::start_session(&mut store, &ctx, &user, step, "127.0.0.1").is_err());
    let found = access::find_session(&mut store, &id).unwrap().unwrap();
    assert_eq!(found.user_name, "ana");
    assert_eq!(found.csrf, session.csrf);
    assert!(
        access::find_session(&mut store, &"0".repeat(64))
            .unwrap()
            .is_none()
    );
    assert!(
        access::find_session(&mut store, "not hex")
            .unwrap()
            .is_none()
    );
    access::end_session(
        &mut store,
        &ctx,
        &found,
        "sign_out",
        "ana signed out".into(),
    )
    .unwrap();
    assert!(access::find_session(&mut store, &id).unwrap().is_none());
    let token = access::create_token(
        &mut store,
        &ctx,
        access::API,
        "ana",
        "auditor",
        "t",
        now + SignedDuration::from_hours(1),
    )
    .unwrap();
    let t = access::find_token(&mut store, &token).unwrap().unwrap();
    assert_eq!((t.kind.as_str(), t.subject.as_str()), ("api", "ana"));
    let actions: Vec<String> = store
        .events(None, None)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["user_add", "sign_in", "sign_out", "token_create"]);
    assert!(store.verify(&[], &[]).unwrap().ok());
}

#[test]
fn users_sessions_and_tokens_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    exercise(&Location::Sqlite(dir.path().join("records.db")));
}

#[test]
fn users_sessions_and_tokens_on_postgres() {
    let Ok(url) = std::env::var("PHIGUARD_TEST_DATABASE_URL") else {
        if std::env::var("PHIGUARD_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
            eprintln!("skipped: PHIGUARD_TEST_SKIP_POSTGRES=1");
            return;
        }
        panic!(
            "PHIGUARD_TEST_DATABASE_URL is not set: run `eval \"$(bash .ci/postgres.sh)\"` first, or set PHIGUARD_TEST_SKIP_POSTGRES=1"
        );
    };
    let schema = format!("web_test_{}", std::process::id());
    exercise(&Location::Postgres {
        url: url.clone(),
        schema: Some(schema.clone()),
    });
    let mut admin = phiguard_store::Db::open_postgres(&url, None).unwrap();
    admin
        .batch(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .unwrap();
}
