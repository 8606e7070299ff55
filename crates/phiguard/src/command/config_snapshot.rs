//! `phiguard scan --config-snapshot ...`: AWS Config snapshots into an inventory.
//!
//! The work is `phiguard_awsconfig::import`; this file tells the user what was read, what
//! could not be (each unreadable file is a warning and the scan goes on; that file's account
//! and region are then `failed` in the coverage), and which resource types are not evaluated.

use std::path::PathBuf;

use jiff::Timestamp;
use phiguard_model::Inventory;

use crate::term::Note;
use crate::{Error, Term};

/// Reads AWS Config snapshot files into one inventory.
pub fn load(paths: &[PathBuf], now: Timestamp, term: &mut Term<'_>) -> Result<Inventory, Error> {
    let import =
        phiguard_awsconfig::import(paths, now).map_err(|e| Error::ConfigSnapshot(Box::new(e)))?;
    for error in &import.errors {
        term.diagnostic(&Note {
            severity: miette::Severity::Warning,
            code: "config-snapshot::unreadable",
            message: format!("skipped {error}"),
            help: Some(
                "the other files were read; results that depend on this file's account and region are `error`"
                    .into(),
            ),
        })?;
    }
    for warning in &import.warnings {
        term.diagnostic(&Note {
            severity: miette::Severity::Warning,
            code: "config-snapshot::partial",
            message: warning.clone(),
            help: None,
        })?;
    }
    if !import.unmapped.is_empty() {
        let total: usize = import.unmapped.values().sum();
        let list: Vec<String> = import
            .unmapped
            .iter()
            .map(|(t, n)| format!("{t} ({n})"))
            .collect();
        term.diagnostic(&Note {
            severity: miette::Severity::Advice,
            code: "config-snapshot::unmapped-types",
            message: format!(
                "{total} resource(s) of {} type(s) no control reads: {}",
                import.unmapped.len(),
                list.join(", ")
            ),
            help: Some(
                "tagged ones are kept by ARN and tags, so PHI in services phiguard does not model is still found"
                    .into(),
            ),
        })?;
    }
    let kinds =
        |k: phiguard_awsconfig::InputKind| import.files.iter().filter(|f| f.kind == k).count();
    let inventory = import.inventory;
    writeln!(
        term.err,
        "read {} AWS Config file(s) ({} snapshot, {} history, {} select-resource-config): {} resource(s) in {} account(s)",
        import.files.len(),
        kinds(phiguard_awsconfig::InputKind::Snapshot),
        kinds(phiguard_awsconfig::InputKind::History),
        kinds(phiguard_awsconfig::InputKind::Select),
        inventory.resources.len(),
        inventory.accounts.len(),
    )?;
    Ok(inventory)
}
