//! Live collection from AWS through `phiguard-aws`, with a progress bar on a terminal.

use jiff::Timestamp;
use phiguard_model::Inventory;

use crate::command::source::SourceArgs;
use crate::{Error, Term};

/// Collects the inventory from AWS.
#[cfg(feature = "aws")]
pub fn collect(args: &SourceArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Inventory, Error> {
    use std::io::IsTerminal;
    use std::sync::Arc;

    let options = phiguard_aws::Options {
        profile: args.profile.clone(),
        regions: args.regions.clone(),
        endpoint_url: args.endpoint_url.clone(),
        concurrency: args.concurrency,
        org: args.org.then(|| phiguard_aws::OrgOptions {
            role: args.role.clone().unwrap_or_default(),
            external_id: args.external_id.clone(),
            account_concurrency: args.account_concurrency,
        }),
        now,
    };
    let bar = std::io::stderr().is_terminal().then(progress::Bar::new);
    let notes = Arc::new(progress::Notes::default());
    let progress: Arc<dyn phiguard_aws::Progress + 'static> = match &bar {
        Some(bar) => Arc::new(bar.clone()),
        None => notes.clone(),
    };
    let started = std::time::Instant::now();
    let collected =
        phiguard_aws::collect_blocking(&options, Arc::clone(&progress)).map_err(|e| {
            Error::Collect {
                help: help_for(&e),
                message: e.to_string(),
            }
        })?;
    if let Some(bar) = &bar {
        bar.finish();
    }
    for note in notes.take() {
        writeln!(term.err, "warning: {note}")?;
    }
    if let Some(path) = &args.operations_log {
        let ops: Vec<_> = collected
            .operations
            .iter()
            .map(|(service, operation)| {
                serde_json::json!({
                    "service": service,
                    "operation": operation,
                    "iam_action": phiguard_aws::permissions::action_for(service, operation),
                    "read_only": phiguard_aws::recorder::is_read_only(operation),
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&ops).unwrap_or_default();
        std::fs::write(path, text + "\n").map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    }
    let inv = &collected.inventory;
    let gaps = inv
        .coverage
        .iter()
        .filter(|c| !c.state.is_collected())
        .count();
    writeln!(
        term.err,
        "collected {} resources from {} account{} in {:.1} s ({} operations; {} data source{} not collected)",
        inv.resources.len(),
        inv.accounts.len(),
        if inv.accounts.len() == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64(),
        collected.operations.len(),
        gaps,
        if gaps == 1 { "" } else { "s" },
    )?;
    Ok(collected.inventory)
}

#[cfg(feature = "aws")]
fn help_for(e: &phiguard_aws::CollectError) -> String {
    use phiguard_aws::CollectError;
    match e {
        CollectError::Identity(_) => "check your credentials: `aws sts get-caller-identity` (and `--profile`) must work".into(),
        CollectError::Regions(_) => "grant ec2:DescribeRegions (`phiguard iam-policy` prints the policy), or name the regions with `--region`".into(),
        CollectError::Accounts(_) => "run `--org` from the management account or a delegated administrator with organizations:ListAccounts".into(),
        CollectError::Runtime(_) => "this is a bug or a resource limit of the machine".into(),
    }
}

/// Collects the inventory from AWS: unavailable in a build without the `aws` feature.
#[cfg(not(feature = "aws"))]
pub fn collect(args: &SourceArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Inventory, Error> {
    let _ = (args, now, term);
    Err(Error::Collect {
        message: "this phiguard was built without AWS support (the `aws` feature)".into(),
        help: "scan a saved inventory with `--inventory` or AWS Config snapshots with `--config-snapshot`, or rebuild with the default features".into(),
    })
}

#[cfg(feature = "aws")]
mod progress {
    use std::sync::{Arc, Mutex, PoisonError};

    use indicatif::{ProgressBar, ProgressStyle};

    /// A progress bar on standard error.
    #[derive(Clone)]
    pub struct Bar {
        bar: ProgressBar,
    }

    impl Bar {
        pub fn new() -> Bar {
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} collecting [{bar:30}] {pos}/{len} {wide_msg}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            Bar { bar }
        }

        pub fn finish(&self) {
            self.bar.finish_and_clear();
        }
    }

    impl phiguard_aws::Progress for Bar {
        fn add(&self, n: u64) {
            self.bar.inc_length(n);
        }
        fn done(&self, label: &str) {
            self.bar.set_message(label.to_string());
            self.bar.inc(1);
        }
        fn note(&self, message: &str) {
            self.bar.println(format!("warning: {message}"));
        }
    }

    /// Keeps notes to print when collection ends (no terminal: no bar).
    #[derive(Default)]
    pub struct Notes {
        notes: Arc<Mutex<Vec<String>>>,
    }

    impl Notes {
        pub fn take(&self) -> Vec<String> {
            std::mem::take(&mut *self.notes.lock().unwrap_or_else(PoisonError::into_inner))
        }
    }

    impl phiguard_aws::Progress for Notes {
        fn add(&self, _: u64) {}
        fn done(&self, _: &str) {}
        fn note(&self, message: &str) {
            self.notes
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(message.to_string());
        }
    }
}
