//! Text → `Config::parse` must never panic, and neither may what the CLI does next with its
//! outcome: settings and expired waivers from a valid file, warnings located in the text,
//! errors rendered as miette diagnostics with their source spans.
#![no_main]

use libfuzzer_sys::fuzz_target;
use miette::{GraphicalReportHandler, GraphicalTheme};
use phiguard::config::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = "2026-06-01T00:00:00Z"
        .parse()
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
    match Config::parse(text, "fuzz.toml") {
        Ok((config, warnings)) => {
            let _ = config.to_settings(now);
            for warning in warnings.into_iter().chain(config.expired_waivers(now)) {
                let warning = warning.locate(text);
                let mut shown = String::new();
                let _ = handler.render_report(&mut shown, &warning);
            }
        }
        Err(errors) => {
            let mut shown = String::new();
            let _ = handler.render_report(&mut shown, &errors);
        }
    }
});
