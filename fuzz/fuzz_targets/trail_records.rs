//! CloudTrail record parsing: bytes → `phiguard_trail::reader::load_bytes` (gzip detected
//! by its magic bytes, size cap; `load_reader`, the streaming entry point, must agree) →
//! `parse_records` (envelope, array or NDJSON; fast path
//! and the recovering path) → every built-in rule. Nothing may panic; record errors must
//! point inside the buffer.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use phiguard_trail::reader::{self, Skipped};
use phiguard_trail::{Ruleset, detect, sigma};

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
    let errors = reader::parse_records(buf, |event| {
        events += 1;
        let _ = event.mfa_used();
        let _ = event.identity_type();
        for rule in rules.matching(&event) {
            let _ = phiguard_trail::Hit::new(rule, &event, "fuzz.json");
        }
    });
    for e in errors {
        if let Some(offset) = e.offset {
            assert!(
                offset <= buf.len() as u64,
                "offset {offset} beyond {}",
                buf.len()
            );
        }
        assert!(e.skipped == Skipped::File || e.record.is_some());
    }
});
