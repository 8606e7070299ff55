//! Where `phiguard scan` gets its inventory: a saved inventory file, AWS Config snapshots, or
//! live collection from AWS (one account, or an organisation). Also `--save-inventory`.

use std::path::PathBuf;

use clap::Args;
use jiff::Timestamp;
use phiguard_model::Inventory;

use crate::{Error, Term, inventory_io};

/// The flags choosing the inventory source.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Evaluate a saved inventory (phiguard inventory JSON, optionally gzip-compressed) instead
    /// of collecting from AWS; `-` reads standard input.
    #[arg(long, short = 'i', value_name = "FILE", help_heading = "Source")]
    pub inventory: Option<PathBuf>,

    /// Evaluate AWS Config configuration snapshot or history files (gzip or plain JSON), or
    /// `aws configservice select-resource-config` output, offline; folders are read
    /// recursively.
    #[arg(
        long = "config-snapshot",
        value_name = "FILE_OR_DIR",
        num_args = 1..,
        conflicts_with = "inventory",
        help_heading = "Source"
    )]
    pub config_snapshots: Vec<PathBuf>,

    /// Live: the AWS profile to use [default: the SDK's default credential chain].
    #[arg(long, value_name = "NAME", help_heading = "Live collection")]
    pub profile: Option<String>,

    /// Live: scan only these regions (repeatable or comma-separated)
    /// [default: every region enabled for the account].
    #[arg(
        long = "region",
        value_name = "REGION",
        value_delimiter = ',',
        help_heading = "Live collection"
    )]
    pub regions: Vec<String>,

    /// Live: send every AWS call to this endpoint (an emulator such as moto).
    #[arg(long, value_name = "URL", help_heading = "Live collection")]
    pub endpoint_url: Option<String>,

    /// Live: scan every active account of the AWS Organization, assuming `--role` in each.
    #[arg(long, requires = "role", help_heading = "Live collection")]
    pub org: bool,

    /// Live, with `--org`: the role to assume in each member account.
    #[arg(long, value_name = "NAME", help_heading = "Live collection")]
    pub role: Option<String>,

    /// Live, with `--org`: the external id the member roles require.
    #[arg(
        long,
        value_name = "ID",
        requires = "role",
        help_heading = "Live collection"
    )]
    pub external_id: Option<String>,

    /// Live: AWS calls in flight at once (per account).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 16,
        help_heading = "Live collection"
    )]
    pub concurrency: usize,

    /// Live, with `--org`: accounts scanned at once.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 4,
        help_heading = "Live collection"
    )]
    pub account_concurrency: usize,

    /// Live: write every AWS operation the scan called, as JSON, to FILE (proof that the
    /// scan only read).
    #[arg(long, value_name = "FILE", help_heading = "Live collection")]
    pub operations_log: Option<PathBuf>,

    /// Also write the inventory the scan evaluated to FILE (gzip-compressed JSON when FILE
    /// ends in `.gz`), for `scan --inventory` and `phiguard diff` later.
    #[arg(long, value_name = "FILE", help_heading = "Source")]
    pub save_inventory: Option<PathBuf>,
}

impl SourceArgs {
    /// Whether any live-collection flag was given.
    fn live_flags(&self) -> bool {
        self.profile.is_some()
            || !self.regions.is_empty()
            || self.endpoint_url.is_some()
            || self.org
            || self.operations_log.is_some()
    }
}

/// Loads or collects the inventory the flags name, and saves it when asked.
pub fn acquire(args: &SourceArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Inventory, Error> {
    if args.live_flags() && (args.inventory.is_some() || !args.config_snapshots.is_empty()) {
        return Err(Error::SourceConflict);
    }
    let inventory = if let Some(path) = &args.inventory {
        inventory_io::load(path)?
    } else if !args.config_snapshots.is_empty() {
        crate::command::config_snapshot::load(&args.config_snapshots, now, term)?
    } else {
        crate::command::live::collect(args, now, term)?
    };
    if let Some(path) = &args.save_inventory {
        inventory_io::save(&inventory, path)?;
        writeln!(
            term.err,
            "saved the inventory ({} resources) to `{}`",
            inventory.resources.len(),
            path.display()
        )?;
    }
    Ok(inventory)
}
