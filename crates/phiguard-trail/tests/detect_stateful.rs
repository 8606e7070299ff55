//! The stateful HIPAA analyzers on synthetic events (fictional account 111122223333,
//! documentation IP ranges), run through the real scanner. The files list their records in
//! reverse time order on purpose: analyzers must not rely on input order.
//!
//! `signin_failures.json`: carol fails 5 times in 4 minutes from one IP; dave fails 5 times
//! but never 5 within 10 minutes; 5 different users fail from 203.0.113.50 within 2 minutes
//! (spraying); frank fails 10 times in 9 minutes from 10 IPs; grace signs in 5 times
//! successfully; heidi fails 4 times plus once with an unparsable time.
//!
//! `phi_access.json`: S3 data events on the PHI bucket `example-phi-records` from 2026-01-01
//! (learning week) and 2026-01-09, plus a non-PHI bucket, a service source, a denied call.

use std::path::PathBuf;

use jiff::SignedDuration;
use phiguard_trail::Ruleset;
use phiguard_trail::detect::{
    Analyzer, DetectConfig, NewSourceIpConfig, PhiNewSourceIp, SignInBurstConfig,
    SignInFailureBurst,
};
use phiguard_trail::scan::{ScanOptions, scan_files};

#[cfg(test)]
mod support {
    use super::*;

    pub fn file(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/synthetic")
            .join(name)
    }

    /// (time, rule id, title) of the analyzer hits on one file.
    pub fn run(name: &str, analyzer: Box<dyn Analyzer>) -> Vec<(String, String, String)> {
        let output = scan_files(
            &[file(name)],
            &Ruleset::new(),
            vec![analyzer],
            &ScanOptions::default(),
        );
        assert!(output.errors.is_empty(), "{:?}", output.errors);
        output
            .hits
            .into_iter()
            .map(|h| (h.event_time, h.rule_id, h.title))
            .collect()
    }

    pub fn phi() -> std::collections::HashSet<String> {
        ["example-phi-records".to_string()].into()
    }
}

use support::*;

#[test]
fn failed_sign_in_bursts_with_defaults() {
    let hits = run(
        "signin_failures.json",
        Box::new(SignInFailureBurst::new(SignInBurstConfig::default())),
    );
    let summary: Vec<(&str, &str)> = hits
        .iter()
        .map(|(t, _, title)| (t.as_str(), title.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "2026-02-02T10:04:00Z",
                "Burst of failed console sign-ins: 5 failures within 10 min for user `111122223333/carol` and from `198.51.100.7`"
            ),
            (
                "2026-02-02T12:01:20Z",
                "Burst of failed console sign-ins: 5 failures within 10 min from `203.0.113.50`"
            ),
            (
                "2026-02-02T13:04:00Z",
                "Burst of failed console sign-ins: 5 failures within 10 min for user `111122223333/frank`"
            ),
            (
                "2026-02-02T13:09:00Z",
                "Burst of failed console sign-ins: 5 failures within 10 min for user `111122223333/frank`"
            ),
        ]
    );
    assert!(
        hits.iter()
            .all(|(_, id, _)| id == "HIPAA-SIGNIN-FAILURE-BURST")
    );
}

#[test]
fn failed_sign_in_bursts_are_configurable() {
    let config = SignInBurstConfig {
        threshold: 3,
        window: SignedDuration::from_mins(5),
    };
    let hits = run(
        "signin_failures.json",
        Box::new(SignInFailureBurst::new(config)),
    );
    let times: Vec<&str> = hits.iter().map(|(t, _, _)| t.as_str()).collect();
    // carol 10:02; dave 11:04 (0, 2, 4 min); spraying 12:00:40 (counting then restarts: the
    // last two failures are not a burst); frank 13:02, 13:05, 13:08; heidi 15:02 (the failure
    // with a bad time is ignored).
    assert_eq!(
        times,
        [
            "2026-02-02T10:02:00Z",
            "2026-02-02T11:04:00Z",
            "2026-02-02T12:00:40Z",
            "2026-02-02T13:02:00Z",
            "2026-02-02T13:05:00Z",
            "2026-02-02T13:08:00Z",
            "2026-02-02T15:02:00Z",
        ]
    );
    insta::assert_snapshot!(
        hits.iter()
            .map(|(t, _, title)| format!("{t} {title}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn new_source_ip_on_phi_buckets_after_the_learning_week() {
    let hits = run(
        "phi_access.json",
        Box::new(PhiNewSourceIp::new(phi(), NewSourceIpConfig::default())),
    );
    let summary: Vec<(&str, &str)> = hits
        .iter()
        .map(|(t, _, title)| (t.as_str(), title.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "2026-01-09T10:00:00Z",
                "PHI bucket `example-phi-records` accessed from a new source IP `203.0.113.99` by `arn:aws:iam::111122223333:user/alice`"
            ),
            (
                "2026-01-09T11:00:00Z",
                "PHI bucket `example-phi-records` accessed from a new source IP `198.51.100.66` by `arn:aws:iam::111122223333:user/mallory`"
            ),
            (
                "2026-01-09T11:20:00Z",
                "PHI bucket `example-phi-records` accessed from a new source IP `2001:db8::1234` by `arn:aws:iam::111122223333:user/alice`"
            ),
        ]
    );
    assert!(
        hits.iter()
            .all(|(_, id, _)| id == "HIPAA-PHI-NEW-SOURCE-IP")
    );
}

#[test]
fn new_source_ip_with_an_explicit_baseline_end() {
    let config = NewSourceIpConfig {
        learning_until: Some("2026-01-02T00:00:00Z".parse().unwrap()),
        ..NewSourceIpConfig::default()
    };
    let hits = run(
        "phi_access.json",
        Box::new(PhiNewSourceIp::new(phi(), config)),
    );
    let times: Vec<&str> = hits.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(
        times,
        [
            "2026-01-03T09:00:00Z",
            "2026-01-09T10:00:00Z",
            "2026-01-09T11:00:00Z",
            "2026-01-09T11:20:00Z"
        ]
    );
}

#[test]
fn new_source_ip_needs_history() {
    // A learning window longer than the input: nothing can be called new.
    let config = NewSourceIpConfig {
        learning: SignedDuration::from_hours(24 * 30),
        ..NewSourceIpConfig::default()
    };
    assert!(
        run(
            "phi_access.json",
            Box::new(PhiNewSourceIp::new(phi(), config))
        )
        .is_empty()
    );
    // Other buckets are not watched.
    let other = ["example-logs".to_string()].into();
    assert!(
        run(
            "phi_access.json",
            Box::new(PhiNewSourceIp::new(other, NewSourceIpConfig::default()))
        )
        .is_empty()
    );
}

#[test]
fn detect_config_wires_the_analyzers() {
    assert_eq!(DetectConfig::default().analyzers().len(), 1);
    let config = DetectConfig {
        phi_buckets: phi(),
        ..DetectConfig::default()
    };
    let output = scan_files(
        &[file("signin_failures.json"), file("phi_access.json")],
        &Ruleset::new(),
        config.analyzers(),
        &ScanOptions::default(),
    );
    let mut ids: Vec<_> = output.hits.iter().map(|h| h.rule_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids,
        ["HIPAA-PHI-NEW-SOURCE-IP", "HIPAA-SIGNIN-FAILURE-BURST"]
    );
    assert_eq!(output.hits.len(), 4 + 3);
}
