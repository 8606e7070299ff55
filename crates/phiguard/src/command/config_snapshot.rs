//! `phiguard scan --config-snapshot ...`: AWS Config snapshots into an inventory.

use std::path::PathBuf;

use jiff::Timestamp;
use phiguard_model::Inventory;

use crate::{Error, Term};

/// Reads AWS Config snapshot files into one inventory.
pub fn load(paths: &[PathBuf], now: Timestamp, term: &mut Term<'_>) -> Result<Inventory, Error> {
    let _ = (paths, now, term);
    Err(Error::NotBuilt("--config-snapshot"))
}
