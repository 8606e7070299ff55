//! Synthetic-event tests of every stateless built-in rule: `tests/data/synthetic/rule_cases.json`
//! holds hand-written events (fictional account 111122223333, documentation IP ranges), each
//! with the exact set of rule ids that must fire on it, without PHI bucket knowledge (`hits`)
//! and with `example-phi-records` as the only PHI bucket (`phi_hits`, when it differs).
//! Every rule must have at least one matching case and one near miss (an event on which it stays
//! silent although it listens to its name, or comes from a service it fired on; any event for
//! the rules that see everything).

use std::collections::BTreeSet;

use phiguard_trail::detect::{DetectConfig, builtin_rules, hipaa};
use phiguard_trail::{Event, Rule, Ruleset};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Case {
    name: String,
    why: String,
    hits: Vec<String>,
    #[serde(default)]
    phi_hits: Option<Vec<String>>,
    event: Box<RawValue>,
}

#[cfg(test)]
mod support {
    use super::*;

    pub fn cases() -> Vec<Case> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/synthetic/rule_cases.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    pub fn phi_config() -> DetectConfig {
        DetectConfig {
            phi_buckets: ["example-phi-records".to_string()].into(),
            ..DetectConfig::default()
        }
    }

    pub fn event(case: &Case) -> Event<'_> {
        serde_json::from_str(case.event.get()).unwrap_or_else(|e| panic!("case {}: {e}", case.name))
    }

    /// Ids of the rules that match, by brute force (no index).
    pub fn fired(rules: &[Box<dyn Rule>], event: &Event<'_>) -> BTreeSet<String> {
        rules
            .iter()
            .filter(|r| r.matches(event))
            .map(|r| r.id().to_string())
            .collect()
    }

    pub fn expected(case: &Case, phi: bool) -> BTreeSet<String> {
        let list = match (&case.phi_hits, phi) {
            (Some(phi_hits), true) => phi_hits,
            _ => &case.hits,
        };
        list.iter().cloned().collect()
    }
}

use support::*;

#[test]
fn each_case_fires_exactly_the_expected_rules() {
    let cases = cases();
    assert!(cases.len() >= 70, "{}", cases.len());
    let mut failures = Vec::new();
    for (phi, rules) in [(false, builtin_rules()), (true, phi_config().rules())] {
        for case in &cases {
            if !phi {
                assert!(
                    case.phi_hits.is_some() || !case.hits.iter().any(|h| h.contains("BUCKET")),
                    "case {} hits the bucket rule: say what it does with PHI buckets",
                    case.name
                );
            }
            let got = fired(&rules, &event(case));
            let want = expected(case, phi);
            if got != want {
                failures.push(format!(
                    "{} (phi: {phi}) - {}\n  expected {want:?}\n  actual   {got:?}",
                    case.name, case.why
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_match_and_a_near_miss() {
    let cases = cases();
    let mut missing = Vec::new();
    for (phi, rules) in [(false, builtin_rules()), (true, phi_config().rules())] {
        for rule in &rules {
            let names = rule.event_names();
            let events: Vec<Event<'_>> = cases.iter().map(event).collect();
            let fires: Vec<bool> = cases
                .iter()
                .map(|c| expected(c, phi).contains(rule.id()))
                .collect();
            // Near misses: silent on an event of a name the rule listens to, or of a service
            // it fired on.
            let sources: BTreeSet<&str> = events
                .iter()
                .zip(&fires)
                .filter(|(_, fires)| **fires)
                .map(|(e, _)| e.event_source.as_ref())
                .collect();
            let matched = fires.iter().filter(|f| **f).count();
            let missed = events
                .iter()
                .zip(&fires)
                .filter(|(e, fires)| {
                    !**fires
                        && (names
                            .as_ref()
                            .is_none_or(|n| n.iter().any(|n| *n == e.event_name))
                            || sources.contains(e.event_source.as_ref()))
                })
                .count();
            if matched == 0 || missed == 0 {
                missing.push(format!(
                    "{} (phi: {phi}): {matched} matches, {missed} near misses",
                    rule.id()
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_index_finds_what_the_rules_match() {
    // A rule whose `event_names()` misses a name it matches would be silently skipped.
    let cases = cases();
    for config in [DetectConfig::default(), phi_config()] {
        let mut set = Ruleset::new();
        for rule in config.rules() {
            set.add(rule);
        }
        let all = config.rules();
        for case in &cases {
            let event = event(case);
            let indexed: BTreeSet<String> = set
                .matching(&event)
                .iter()
                .map(|r| r.id().to_string())
                .collect();
            assert_eq!(indexed, fired(&all, &event), "case {}", case.name);
        }
    }
}

#[test]
fn only_rules_that_need_every_event_see_every_event() {
    let mut wide: Vec<String> = builtin_rules()
        .iter()
        .filter(|r| r.event_names().is_none())
        .map(|r| r.id().to_string())
        .collect();
    wide.sort();
    assert_eq!(wide, ["CIS-4.1", "CIS-4.3", "HIPAA-ROOT-ACTIVITY"]);
}

#[test]
fn all_fifteen_cis_controls_and_the_hipaa_set() {
    let ids: Vec<String> = builtin_rules().iter().map(|r| r.id().to_string()).collect();
    let cis: Vec<_> = ids.iter().filter(|id| id.starts_with("CIS-")).collect();
    let want: Vec<String> = (1..=15).map(|n| format!("CIS-4.{n}")).collect();
    assert_eq!(cis, want.iter().collect::<Vec<_>>());
    let unique: BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    for id in ids.iter().filter(|id| id.starts_with("HIPAA-")) {
        assert!(
            !hipaa::citations(id).is_empty(),
            "{id} has no HIPAA citation"
        );
    }
}

#[test]
fn phi_bucket_rules_without_buckets_fall_back_to_any_bucket() {
    let rules = hipaa::phi_bucket_rules(Default::default());
    let ids: Vec<_> = rules.iter().map(|r| r.id().to_string()).collect();
    assert_eq!(ids, ["HIPAA-BUCKET-ACCESS-CHANGED"]);
}

#[test]
fn catalogue_snapshot() {
    // What `phiguard trail rules list` shows for the built-in set.
    let mut out = String::new();
    for (label, rules) in [
        ("default", builtin_rules()),
        ("with PHI buckets", phi_config().rules()),
    ] {
        let lines: Vec<String> = rules
            .iter()
            .map(|r| {
                let names = r
                    .event_names()
                    .map_or_else(|| "(every event)".to_string(), |n| n.join(", "));
                format!(
                    "{:<32} {:<8} {:?} | {} | {}",
                    r.id(),
                    format!("{:?}", r.severity()),
                    r.source(),
                    r.title(),
                    names
                )
            })
            .collect();
        out.push_str(&format!("# {label}\n{}\n", lines.join("\n")));
    }
    insta::assert_snapshot!(out);
}
