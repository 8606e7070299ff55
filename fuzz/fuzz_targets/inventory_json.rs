//! Bytes → `Inventory::from_json` must never panic; an inventory that parses must go through
//! the whole control catalogue and the report wire model without panicking either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::Inventory;

fuzz_target!(|data: &[u8]| {
    let Ok(inventory) = Inventory::from_json(data) else {
        return;
    };
    let now = "2026-06-01T00:00:00Z"
        .parse()
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let settings = Settings::at(now);
    let result = phiguard_controls::evaluate(&inventory, &settings, CATALOGUE);
    let report = phiguard_report::build(&result, &inventory, &settings, "fuzz");
    let mut out = Vec::new();
    let _ = phiguard_report::json::render(&report, &mut out);
});
