//! The two backends every store test runs against.
//!
//! SQLite: a fresh file in a temporary directory. PostgreSQL: a fresh schema in the database
//! named by `PHIGUARD_TEST_DATABASE_URL` (start one with `eval "$(bash .ci/postgres.sh)"`),
//! dropped afterwards. Without that variable the PostgreSQL variants FAIL, unless
//! `PHIGUARD_TEST_SKIP_POSTGRES=1` says to skip them.

#![allow(dead_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "test helpers fail the test by panicking; the kill test's child reports on stdout"
)]

use std::sync::atomic::{AtomicU32, Ordering};

use jiff::Timestamp;
use phiguard_store::{Ctx, Location, Store};

pub const URL_ENV: &str = "PHIGUARD_TEST_DATABASE_URL";
pub const SKIP_ENV: &str = "PHIGUARD_TEST_SKIP_POSTGRES";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestStore {
    pub store: Store,
    pub backend: Backend,
    pub location: Location,
    dir: tempfile::TempDir,
}

impl TestStore {
    /// A second connection to the same database.
    pub fn reopen(&self) -> Store {
        Store::open(&self.location, now()).unwrap()
    }

    /// A scratch directory that lives as long as the store.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Runs SQL directly, as someone with write access to the database would: the
    /// append-only triggers are switched off first.
    pub fn tamper(&mut self, sql: &str) {
        let off = match self.backend {
            Backend::Sqlite => {
                "DROP TRIGGER IF EXISTS audit_event_no_update;
                 DROP TRIGGER IF EXISTS audit_event_no_delete;
                 DROP TRIGGER IF EXISTS audit_checkpoint_no_update;
                 DROP TRIGGER IF EXISTS audit_checkpoint_no_delete;
                 DROP TRIGGER IF EXISTS audit_chain_head_forward;"
            }
            Backend::Postgres => {
                "ALTER TABLE audit_event DISABLE TRIGGER USER;
                 ALTER TABLE audit_checkpoint DISABLE TRIGGER USER;
                 ALTER TABLE audit_chain_head DISABLE TRIGGER USER;"
            }
        };
        self.store.db().batch(off).unwrap();
        self.store.db().batch(sql).unwrap();
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Location::Postgres {
            url,
            schema: Some(schema),
        } = &self.location
            && let Ok(mut client) = postgres::Client::connect(url, postgres::NoTls)
        {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
        }
    }
}

/// The fixed "now" of the tests.
pub fn now() -> Timestamp {
    "2026-03-01T10:00:00Z".parse().unwrap()
}

pub fn ctx() -> Ctx {
    Ctx::new(now(), "alice@example.test", "test@localhost")
}

pub fn ctx_at(now: &str) -> Ctx {
    Ctx::new(now.parse().unwrap(), "alice@example.test", "test@localhost")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_schema() -> String {
    let mut r = [0u8; 4];
    getrandom::getrandom(&mut r).unwrap();
    format!(
        "phiguard_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        hex::encode(r)
    )
}

/// A fresh store on `backend`, or `None` when PostgreSQL is explicitly skipped.
pub fn open(backend: Backend) -> Option<TestStore> {
    let dir = tempfile::tempdir().unwrap();
    let location = match backend {
        Backend::Sqlite => Location::Sqlite(dir.path().join("records.db")),
        Backend::Postgres => {
            let url = match std::env::var(URL_ENV) {
                Ok(url) if !url.trim().is_empty() => url,
                _ => {
                    if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
                        eprintln!("skipped: PostgreSQL variant ({SKIP_ENV}=1)");
                        return None;
                    }
                    panic!(
                        "{URL_ENV} is not set, so the PostgreSQL variant of this test cannot run. \
                         Start a server with `eval \"$(bash .ci/postgres.sh)\"` (it exports {URL_ENV}), \
                         or set {SKIP_ENV}=1 to skip the PostgreSQL variants explicitly."
                    );
                }
            };
            Location::Postgres {
                url,
                schema: Some(unique_schema()),
            }
        }
    };
    let store = Store::open(&location, now()).unwrap_or_else(|e| panic!("open {backend:?}: {e}"));
    Some(TestStore {
        store,
        backend,
        location,
        dir,
    })
}

/// Declares each `fn name(t: &mut TestStore)` of the list as two tests, `sqlite::name` and
/// `postgres::name`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let mut t = $crate::common::open($crate::common::Backend::Sqlite).unwrap();
                    super::$name(&mut t);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(mut t) = $crate::common::open($crate::common::Backend::Postgres) {
                        super::$name(&mut t);
                    }
                }
            )*
        }
    };
}
