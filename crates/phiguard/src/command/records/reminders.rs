//! `phiguard reminders`: what to send or do (delivery by e-mail or webhook comes later).

use clap::Subcommand;
use jiff::Timestamp;

use super::{OutFormat, StoreArgs, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard reminders ...`.
#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// List the reminders due today or within the window, oldest first: agreement renewals
    /// and reviews, questionnaire reminders, escalations and expiries.
    Due {
        /// Look this many days ahead.
        #[arg(long, value_name = "DAYS", default_value_t = 14)]
        within: i64,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
}

/// Runs `phiguard reminders ...`.
pub fn run(
    args: &StoreArgs,
    command: RemindersCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    match command {
        RemindersCommand::Due { within, format } => {
            let today = args.ctx(now).today();
            let mut store = args.open(now)?;
            let due = phiguard_store::reminders::due(&mut store, today, within.max(0))?;
            match format {
                OutFormat::Json => print_json(term, &due)?,
                OutFormat::Text => {
                    let rows: Vec<Vec<String>> = due
                        .iter()
                        .map(|r| {
                            vec![
                                r.due.to_string(),
                                r.kind.clone(),
                                r.subject.clone(),
                                r.message.clone(),
                            ]
                        })
                        .collect();
                    print_table(term, &["DUE", "KIND", "RECORD", "WHAT"], &rows)?;
                }
            }
            Ok(Exit::Clean)
        }
    }
}
