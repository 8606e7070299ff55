//! Detection rules and the index that runs them: each rule names the event names it can match
//! (or none, to see every event), so an event is only offered to the rules that could match it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use phiguard_model::Severity;
use serde::Serialize;

use crate::event::Event;

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSource {
    /// CIS AWS Foundations monitoring controls.
    Cis,
    /// phiguard's HIPAA-specific detections.
    Hipaa,
    /// A Sigma rule (SigmaHQ or the user's own).
    Sigma,
}

/// A stateless rule: one event in, match or not.
pub trait Rule: Send + Sync {
    /// Stable id (`CIS-4.3`, `HIPAA-MFA-DEACTIVATED`, a Sigma rule's `id`).
    fn id(&self) -> &str;
    /// Title.
    fn title(&self) -> &str;
    /// Severity of a hit.
    fn severity(&self) -> Severity;
    /// Where it comes from.
    fn source(&self) -> RuleSource;
    /// The `eventName`s the rule can match; `None` if it must see every event.
    fn event_names(&self) -> Option<Vec<String>>;
    /// Whether the event matches.
    fn matches(&self, event: &Event<'_>) -> bool;
    /// Whether [`Rule::matches`] may read `requestParameters`, `responseElements`,
    /// `additionalEventData`, `tlsDetails` or `resources`. A rule that reads only the other
    /// (typed) fields says `false`: for events no indexed rule wants, the scan then tests it
    /// on a light parse of the record and parses the whole record only when it matches.
    /// The default (`true`) is always correct, only slower.
    fn reads_raw(&self) -> bool {
        true
    }
    /// Whether the rule may match an event of which `light` holds the typed fields only (no
    /// raw objects, empty `resources`). Must not say `false` for an event the rule matches
    /// once parsed in full. The default: [`Rule::matches`] when the rule reads no raw field,
    /// else `true`.
    fn may_match_light(&self, light: &Event<'_>) -> bool {
        self.reads_raw() || self.matches(light)
    }
}

/// A fast hasher for short keys such as event names (a multiply-rotate hash over 8-byte
/// words): the index is looked up once or twice per event, and its keys come from the rules,
/// so SipHash's resistance to chosen keys buys nothing there.
#[derive(Debug, Default, Clone, Copy)]
pub struct NameHasher(u64);

impl NameHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by event name, with [`NameHasher`].
pub type NameMap<V> = HashMap<String, V, BuildHasherDefault<NameHasher>>;

/// Rules compiled once and indexed by event name.
#[derive(Default)]
pub struct Ruleset {
    rules: Vec<Box<dyn Rule>>,
    by_name: NameMap<Vec<usize>>,
    any: Vec<usize>,
}

impl Ruleset {
    /// An empty set.
    pub fn new() -> Ruleset {
        Ruleset::default()
    }

    /// Adds a rule to the index.
    pub fn add(&mut self, rule: Box<dyn Rule>) {
        let i = self.rules.len();
        match rule.event_names() {
            Some(names) => {
                for name in names {
                    self.by_name.entry(name).or_default().push(i);
                }
            }
            None => self.any.push(i),
        }
        self.rules.push(rule);
    }

    /// Whether a rule may match an event of which only the typed fields were read (a light
    /// parse: no raw objects, no `resources`): a rule indexed under its name, or one that
    /// sees every event, may match it ([`Rule::may_match_light`]).
    pub fn may_match(&self, light: &Event<'_>) -> bool {
        let named = self
            .by_name
            .get(light.event_name.as_ref())
            .map(Vec::as_slice)
            .unwrap_or_default();
        named
            .iter()
            .chain(&self.any)
            .any(|i| self.rules[*i].may_match_light(light))
    }

    /// Every rule, in insertion order.
    pub fn rules(&self) -> impl Iterator<Item = &dyn Rule> {
        self.rules.iter().map(AsRef::as_ref)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules that match an event.
    pub fn matching<'s>(&'s self, event: &Event<'_>) -> Vec<&'s dyn Rule> {
        let named = self
            .by_name
            .get(event.event_name.as_ref())
            .map(Vec::as_slice)
            .unwrap_or_default();
        named
            .iter()
            .chain(self.any.iter())
            .map(|i| self.rules[*i].as_ref())
            .filter(|rule| rule.matches(event))
            .collect()
    }
}

/// One rule firing on one event, with what a reviewer needs to triage it (no request or
/// response bodies: they may carry PHI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    /// Rule id.
    pub rule_id: String,
    /// Rule title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Rule source.
    pub source: RuleSource,
    /// File the event came from.
    pub file: String,
    /// `eventID`.
    pub event_id: Option<String>,
    /// `eventTime`.
    pub event_time: String,
    /// `eventSource`.
    pub event_source: String,
    /// `eventName`.
    pub event_name: String,
    /// Principal ARN (or type when there is no ARN).
    pub principal: Option<String>,
    /// `sourceIPAddress`.
    pub source_ip: Option<String>,
    /// `awsRegion`.
    pub region: Option<String>,
    /// `recipientAccountId`.
    pub account: Option<String>,
}

impl Hit {
    /// A hit of `rule` on `event` from `file`.
    pub fn new(rule: &dyn Rule, event: &Event<'_>, file: &str) -> Hit {
        let identity = event.user_identity.as_ref();
        Hit {
            rule_id: rule.id().to_string(),
            title: rule.title().to_string(),
            severity: rule.severity(),
            source: rule.source(),
            file: file.to_string(),
            event_id: event.event_id.as_deref().map(str::to_string),
            event_time: event.event_time.to_string(),
            event_source: event.event_source.to_string(),
            event_name: event.event_name.to_string(),
            principal: identity
                .and_then(|u| u.arn.as_deref().or(u.identity_type.as_deref()))
                .map(str::to_string),
            source_ip: event.source_ip_address.as_deref().map(str::to_string),
            region: event.aws_region.as_deref().map(str::to_string),
            account: event.recipient_account_id.as_deref().map(str::to_string),
        }
    }
}
