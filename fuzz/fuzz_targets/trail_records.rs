//! CloudTrail record parsing: bytes → `phiguard_trail::reader::load_bytes` (gzip detected
//! by its magic bytes, size cap; `load_reader`, the streaming entry point, must agree) →
//! `parse_records` (envelope, array or NDJSON; fast path
//! and the recovering path) → every built-in rule. Nothing may panic; record errors must
//! point inside the buffer.
//!
//! Then the scan's own path, `parse_records_triaged` (the byte scanner of `skim.rs` that
//! reads records no rule wants without a full parse), twice: wanting no record in full, and
//! wanting every record in full. Whenever serde reads the whole buffer without an error, both
//! must hand over the same records, in the same order, with the same typed fields (the raw
//! objects and `resources`, which a skimmed record does not carry, aside) and no error.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use phiguard_trail::reader::{self, ParseError, Skipped, Triage};
use phiguard_trail::{Event, Ruleset, detect, sigma};

fn rules() -> &'static Ruleset {
    static RULES: OnceLock<Ruleset> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules = Ruleset::new();
        for rule in detect::builtin_rules() {
            rules.add(rule);
        }
        for rule in sigma::bundled().0 {
            rules.add(rule);
        }
        rules
    })
}

fuzz_target!(|data: &[u8]| {
    let mut buffer = reader::Buffer::new();
    if reader::load_bytes(data, 1 << 20, &mut buffer).is_err() {
        return;
    }
    let buf = buffer.bytes();
    let mut streamed = reader::Buffer::new();
    assert!(reader::load_reader(data, 1 << 20, &mut streamed).is_ok());
    assert_eq!(streamed.bytes(), buf);
    let rules = rules();
    let mut events = 0u64;
    let mut reference = Vec::new();
    let errors = reader::parse_records(buf, |event| {
        events += 1;
        reference.push(typed(&event));
        let _ = event.mfa_used();
        let _ = event.identity_type();
        for rule in rules.matching(&event) {
            let _ = phiguard_trail::Hit::new(rule, &event, "fuzz.json");
        }
    });
    check_errors(&errors, buf.len());
    for wants in [false, true] {
        let mut seen = Collect {
            wants,
            events: Vec::new(),
        };
        let triaged = reader::parse_records_triaged(buf, &mut seen);
        check_errors(&triaged, buf.len());
        if errors.is_empty() {
            assert!(
                triaged.is_empty(),
                "serde reads it all, the skim fails: {triaged:?}"
            );
            assert_eq!(seen.events, reference, "wants full: {wants}");
        }
    }
});

fn check_errors(errors: &[ParseError], len: usize) {
    for e in errors {
        if let Some(offset) = e.offset {
            assert!(offset <= len as u64, "offset {offset} beyond {len}");
        }
        assert!(e.skipped == Skipped::File || e.record.is_some());
    }
}

/// The fields a skimmed record carries, as text.
fn typed(event: &Event<'_>) -> String {
    let mut event = event.clone();
    event.request_parameters = None;
    event.response_elements = None;
    event.additional_event_data = None;
    event.tls_details = None;
    event.resources.clear();
    format!("{event:?}")
}

/// Collects every record handed over, skimmed or parsed in full.
struct Collect {
    wants: bool,
    events: Vec<String>,
}

impl<'a> Triage<'a> for Collect {
    fn wants_full(&mut self, _: &Event<'a>) -> bool {
        self.wants
    }
    fn light(&mut self, light: &Event<'a>) {
        self.events.push(typed(light));
    }
    fn full(&mut self, event: Event<'a>) {
        self.events.push(typed(&event));
    }
}
