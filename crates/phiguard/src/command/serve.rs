//! `phiguard serve`: the web dashboard, vendor portal and JSON API over the records store
//! (`phiguard-web`). Binds 127.0.0.1:8080 by default.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use jiff::{SignedDuration, Timestamp};
use phiguard_store::keys::Key;
use phiguard_web::{AppState, Config};

use crate::command::records::StoreArgs;
use crate::{Error, Exit, Term};

/// `phiguard serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything other than 127.0.0.1 exposes PHI-adjacent records to
    /// the network: put TLS in front (or use --tls-cert/--tls-key).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Where the records are (the same flags as the records commands).
    #[command(flatten)]
    pub store: StoreArgs,

    /// TLS certificate chain (PEM): serve HTTPS (rustls), with `Secure` cookies and HSTS.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Sign out after this many minutes without a request (45 CFR 164.312(a)(2)(iii)).
    #[arg(long, value_name = "MINUTES", default_value_t = 15, value_parser = clap::value_parser!(u16).range(1..=240))]
    pub idle_timeout: u16,

    /// Sign out this many hours after sign-in, whatever the activity.
    #[arg(long, value_name = "HOURS", default_value_t = 12, value_parser = clap::value_parser!(u16).range(1..=72))]
    pub absolute_timeout: u16,

    /// The server is behind a TLS-terminating proxy: send `Secure` cookies and HSTS.
    #[arg(long)]
    pub behind_tls_proxy: bool,
}

/// The server's clock: `PHIGUARD_NOW` when set (frozen, for tests), else the system clock.
pub fn clock() -> phiguard_web::Clock {
    Arc::new(|| crate::clock().unwrap_or(Timestamp::UNIX_EPOCH))
}

/// Runs `phiguard serve` until interrupted.
pub fn run(args: &ServeArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let key_path = args.store.key_path()?;
    let store = args.store.open(now)?;
    let key = Key::load_or_create(&key_path)?;
    let mut config = Config::new(clock());
    config.idle_timeout = SignedDuration::from_mins(i64::from(args.idle_timeout));
    config.absolute_timeout = SignedDuration::from_hours(i64::from(args.absolute_timeout));
    let tls = args.tls_cert.clone().zip(args.tls_key.clone());
    config.tls = args.behind_tls_proxy || tls.is_some();
    config.signing_key = Some(key);
    let state = AppState::new(store, config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Serve {
            message: format!("cannot start the server runtime: {e}"),
            help: "check the process limits (threads, open files)".into(),
        })?;
    let users = runtime
        .block_on(state.db(phiguard_web::access::user_count))
        .map_err(|e| Error::Serve {
            message: format!("cannot read the users: {}", e.status_and_message().1),
            help: "check the records store given with --db / --database-url".into(),
        })?;
    let listener = std::net::TcpListener::bind(args.listen).map_err(|e| Error::Serve {
        message: format!("cannot listen on {}: {e}", args.listen),
        help: "choose another address with --listen".into(),
    })?;
    let location = args.store.location()?;
    writeln!(
        term.out,
        "phiguard serve: {}://{} (records: {})",
        if tls.is_some() { "https" } else { "http" },
        args.listen,
        crate::command::records::scans::describe(&location)
    )?;
    if users == 0 {
        writeln!(
            term.out,
            "no user yet: create the first with `phiguard user add --role admin NAME` (same --db), then sign in"
        )?;
    }
    term.out.flush()?;
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let served = match &tls {
        Some((cert, key)) => {
            runtime.block_on(phiguard_web::serve_tls(listener, state, cert, key, stop))
        }
        None => runtime.block_on(async {
            listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(listener)?;
            phiguard_web::serve(listener, state, stop).await
        }),
    };
    served.map_err(|e| Error::Serve {
        message: format!("the server stopped: {e}"),
        help: "see the message above".into(),
    })?;
    Ok(Exit::Clean)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command};

    #[test]
    fn serve_flags_parse_with_loopback_defaults() {
        let cli = Cli::try_parse_from(["phiguard", "serve", "--db", "r.db"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(args.listen.to_string(), "127.0.0.1:8080");
        assert_eq!((args.idle_timeout, args.absolute_timeout), (15, 12));
        assert!(!args.behind_tls_proxy);
        let cli = Cli::try_parse_from([
            "phiguard",
            "serve",
            "--listen",
            "0.0.0.0:9000",
            "--idle-timeout",
            "5",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(args.listen.port(), 9000);
        assert_eq!(args.idle_timeout, 5);
        assert!(Cli::try_parse_from(["phiguard", "serve", "--idle-timeout", "0"]).is_err());
        assert!(Cli::try_parse_from(["phiguard", "serve", "--tls-cert", "c.pem"]).is_err());
    }
}
