//! `phiguard user`: accounts for `phiguard serve` (argon2id password + mandatory TOTP) and
//! API tokens. Users live in the records store; every change is an audit event.

use std::io::BufRead;

use clap::{Args, Subcommand};
use jiff::{SignedDuration, Timestamp};
use phiguard_web::access::{self, Role};
use phiguard_web::password::Cost;

use crate::command::records::{StoreArgs, print_table};
use crate::{Error, Exit, Term};

/// `phiguard user ...`.
#[derive(Debug, Args)]
pub struct UserArgs {
    /// Where the records are.
    #[command(flatten)]
    pub store: StoreArgs,
    /// The command.
    #[command(subcommand)]
    pub command: UserCommand,
}

/// The user commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from the first line of standard input (at least 12
    /// characters); the TOTP secret and its otpauth:// URI are printed once: enrol them in an
    /// authenticator app now.
    Add {
        /// Role: admin, compliance, engineer or auditor (read-only, can export).
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// Sign-in name.
        name: String,
    },
    /// List users and their roles.
    List,
    /// Create an API bearer token acting as a user (with that user's role); printed once.
    Token {
        /// The user.
        name: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u16).range(1..=366))]
        days: u16,
    },
}

/// Runs `phiguard user`.
pub fn run(args: &UserArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Exit, Error> {
    let mut store = args.store.open_for_write(now)?;
    let ctx = args.store.ctx(now);
    match &args.command {
        UserCommand::Add { role, name } => {
            let role = Role::parse(role)?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']);
            let enrolment =
                access::add_user(&mut store, &ctx, name, role, password, Cost::Standard)?;
            writeln!(
                term.out,
                "added user {} with role {}",
                name.trim(),
                role.as_str()
            )?;
            writeln!(
                term.out,
                "TOTP secret (shown once): {}",
                enrolment.secret_base32
            )?;
            writeln!(term.out, "otpauth URI (shown once): {}", enrolment.uri)?;
        }
        UserCommand::List => {
            let rows: Vec<Vec<String>> = access::list_users(&mut store)?
                .into_iter()
                .map(|u| {
                    vec![
                        u.name,
                        u.role.as_str().to_string(),
                        if u.disabled { "disabled" } else { "active" }.to_string(),
                    ]
                })
                .collect();
            print_table(term, &["NAME", "ROLE", "STATUS"], &rows)?;
        }
        UserCommand::Token { name, days } => {
            let user = access::get_user(&mut store, name)?.ok_or_else(|| {
                phiguard_store::StoreError::invalid("NAME", format!("no user `{name}`"))
            })?;
            let expires = now + SignedDuration::from_hours(24 * i64::from(*days));
            let token = access::create_token(
                &mut store,
                &ctx,
                access::API,
                &user.name,
                user.role.as_str(),
                &format!("API token for {}", user.name),
                expires,
            )?;
            writeln!(
                term.out,
                "API token for {} ({}), expires {expires} (shown once):",
                user.name,
                user.role.as_str()
            )?;
            writeln!(term.out, "{token}")?;
        }
    }
    Ok(Exit::Clean)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::UserCommand;
    use crate::cli::{Cli, Command};

    #[test]
    fn user_commands_parse() {
        let cli = Cli::try_parse_from([
            "phiguard", "user", "--db", "r.db", "add", "--role", "auditor", "ana",
        ])
        .unwrap();
        let Command::User(args) = cli.command else {
            panic!("not user");
        };
        assert!(
            matches!(&args.command, UserCommand::Add { role, name } if role == "auditor" && name == "ana")
        );
        assert!(
            Cli::try_parse_from(["phiguard", "user", "add", "ana"]).is_err(),
            "--role is required"
        );
        let cli = Cli::try_parse_from(["phiguard", "user", "token", "ana", "--days", "7"]).unwrap();
        let Command::User(args) = cli.command else {
            panic!("not user");
        };
        assert!(matches!(args.command, UserCommand::Token { days: 7, .. }));
    }
}
