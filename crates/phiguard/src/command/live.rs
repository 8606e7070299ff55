//! Live collection from AWS through `phiguard-aws`.

use jiff::Timestamp;
use phiguard_model::Inventory;

use crate::command::source::SourceArgs;
use crate::{Error, Term};

/// Collects the inventory from AWS.
pub fn collect(args: &SourceArgs, now: Timestamp, term: &mut Term<'_>) -> Result<Inventory, Error> {
    let _ = (args, now, term);
    Err(Error::NotBuilt("live collection"))
}
