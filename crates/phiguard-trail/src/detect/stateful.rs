//! Stateful HIPAA analyzers.
//!
//! - [`SignInFailureBurst`] (`HIPAA-SIGNIN-FAILURE-BURST`): at least `threshold` failed console
//!   sign-ins for the same user, or from the same source IP, within `window` (defaults: 5 in
//!   10 minutes). One hit per burst, on the failure that reaches the threshold; counting then
//!   restarts for that user or IP, so 10 failures in a row give 2 hits. When the same failure
//!   completes a burst for both its user and its IP, it gives one hit naming both.
//! - [`PhiNewSourceIp`] (`HIPAA-PHI-NEW-SOURCE-IP`): a successful S3 data event on a PHI bucket
//!   from a (principal, bucket, source IP) triple first seen **after** the learning window. The
//!   window starts at the earliest PHI-bucket access in the input and lasts `learning` (default
//!   7 days), or ends at `learning_until` when given (e.g. the end of a baseline period already
//!   reviewed). An input shorter than the window therefore yields no hits: there is no history
//!   to compare with. Assumed-role sessions are keyed by their role (the session issuer), so a
//!   new session name is not a new principal. Source "IPs" that are service names
//!   (`athena.amazonaws.com`, `AWS Internal`) are ignored: only IP literals count.
//!
//! Both accept events in any order and keep only compact owned state: the failed sign-ins
//! (rare), and one entry per distinct (principal, bucket, IP). Events whose `eventTime` does
//! not parse cannot be placed in time and are ignored.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::net::IpAddr;

use jiff::{SignedDuration, Timestamp};
use phiguard_model::Severity;
use serde_json::Value;

use super::hipaa::bucket_from_resources;
use super::{Analyzer, analyzer_hit, console_login_failed, succeeded};
use crate::event::Event;
use crate::rule::Hit;

/// Settings of [`SignInFailureBurst`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInBurstConfig {
    /// Failures that make a burst (at least 1).
    pub threshold: usize,
    /// Longest time between the first and the last failure of a burst.
    pub window: SignedDuration,
}

impl Default for SignInBurstConfig {
    fn default() -> Self {
        SignInBurstConfig {
            threshold: 5,
            window: SignedDuration::from_mins(10),
        }
    }
}

/// Settings of [`PhiNewSourceIp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSourceIpConfig {
    /// Length of the learning window, from the earliest PHI-bucket access seen.
    pub learning: SignedDuration,
    /// Explicit end of the learning window (overrides `learning`).
    pub learning_until: Option<Timestamp>,
}

impl Default for NewSourceIpConfig {
    fn default() -> Self {
        NewSourceIpConfig {
            learning: SignedDuration::from_hours(7 * 24),
            learning_until: None,
        }
    }
}

struct Failure {
    at: Timestamp,
    user: String,
    ip: Option<String>,
    hit: Hit,
}

/// Bursts of failed console sign-ins (see the module documentation).
pub struct SignInFailureBurst {
    config: SignInBurstConfig,
    failures: Vec<Failure>,
}

impl SignInFailureBurst {
    /// An analyzer with these settings (a threshold of 0 is treated as 1).
    pub fn new(config: SignInBurstConfig) -> SignInFailureBurst {
        SignInFailureBurst {
            config,
            failures: Vec::new(),
        }
    }
}

/// `account/userName` (or the ARN, the principal id, `unknown`): the user a sign-in was for.
/// Failed sign-ins of unknown users all read `HIDDEN_DUE_TO_SECURITY_REASONS`, so they form
/// one key, which is what a password-spraying burst looks like.
fn sign_in_user(event: &Event<'_>) -> String {
    let Some(identity) = event.user_identity.as_ref() else {
        return "unknown".to_string();
    };
    let account = identity.account_id.as_deref().unwrap_or("?");
    if let Some(name) = identity.user_name.as_deref() {
        return format!("{account}/{name}");
    }
    if identity.identity_type.as_deref() == Some("Root") {
        return format!("{account}/root");
    }
    identity
        .arn
        .as_deref()
        .or(identity.principal_id.as_deref())
        .map_or_else(|| format!("{account}/unknown"), str::to_string)
}

fn describe(window: SignedDuration) -> String {
    let secs = window.as_secs();
    if secs % 60 == 0 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

impl SignInFailureBurst {
    /// Rule id of its hits.
    pub const ID: &'static str = "HIPAA-SIGNIN-FAILURE-BURST";
    /// Base title (hits say which user or IP, and how many failures).
    pub const TITLE: &'static str = "Burst of failed console sign-ins";
    /// Severity of its hits.
    pub const SEVERITY: Severity = Severity::High;
}

impl Analyzer for SignInFailureBurst {
    fn event_names(&self) -> Option<Vec<String>> {
        Some(vec!["ConsoleLogin".to_string()])
    }
    fn observe(&mut self, event: &Event<'_>, file: &str) {
        if event.event_name != "ConsoleLogin"
            || event.event_source != "signin.amazonaws.com"
            || !console_login_failed(event)
        {
            return;
        }
        let Ok(at) = event.event_time.parse::<Timestamp>() else {
            return;
        };
        let hit = analyzer_hit(
            Self::ID,
            Self::SEVERITY,
            Self::TITLE.to_string(),
            event,
            file,
        );
        self.failures.push(Failure {
            at,
            user: sign_in_user(event),
            ip: event.source_ip_address.as_deref().map(str::to_string),
            hit,
        });
    }
    fn finish(self: Box<Self>) -> Vec<Hit> {
        let mut failures = self.failures;
        failures.sort_by(|a, b| (a.at, &a.hit.event_id).cmp(&(b.at, &b.hit.event_id)));
        let threshold = self.config.threshold.max(1);
        let window = self.config.window;

        let mut by_user: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut by_ip: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, failure) in failures.iter().enumerate() {
            by_user.entry(failure.user.as_str()).or_default().push(i);
            if let Some(ip) = failure.ip.as_deref() {
                by_ip.entry(ip).or_default().push(i);
            }
        }
        // index of the completing failure -> what it completed
        let mut bursts: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (label, groups) in [("for user", &by_user), ("from", &by_ip)] {
            for (key, indices) in groups {
                let mut recent: VecDeque<Timestamp> = VecDeque::new();
                for &i in indices {
                    let at = failures[i].at;
                    recent.push_back(at);
                    while recent
                        .front()
                        .is_some_and(|first| at.duration_since(*first) > window)
                    {
                        recent.pop_front();
                    }
                    if recent.len() >= threshold {
                        bursts
                            .entry(i)
                            .or_default()
                            .push(format!("{label} `{key}`"));
                        recent.clear();
                    }
                }
            }
        }
        bursts
            .into_iter()
            .filter_map(|(i, what)| {
                let failure = failures.get(i)?;
                let mut hit = failure.hit.clone();
                hit.title = format!(
                    "Burst of failed console sign-ins: {threshold} failures within {} {}",
                    describe(window),
                    what.join(" and ")
                );
                Some(hit)
            })
            .collect()
    }
}

/// S3 object-level operations (data events) that read, write, delete or list PHI.
const S3_DATA_EVENTS: &[&str] = &[
    "GetObject",
    "GetObjectAcl",
    "GetObjectAttributes",
    "GetObjectLegalHold",
    "GetObjectRetention",
    "GetObjectTagging",
    "GetObjectTorrent",
    "HeadObject",
    "PutObject",
    "PutObjectAcl",
    "PutObjectLegalHold",
    "PutObjectRetention",
    "PutObjectTagging",
    "DeleteObject",
    "DeleteObjects",
    "DeleteObjectTagging",
    "CopyObject",
    "RestoreObject",
    "SelectObjectContent",
    "CreateMultipartUpload",
    "UploadPart",
    "UploadPartCopy",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
    "ListParts",
    "ListObjects",
    "ListObjectsV2",
    "ListObjectVersions",
    "ListMultipartUploads",
];

/// First-seen source IP per (principal, PHI bucket) after a learning window (see the module
/// documentation).
pub struct PhiNewSourceIp {
    phi_buckets: HashSet<String>,
    config: NewSourceIpConfig,
    earliest: Option<Timestamp>,
    first_seen: HashMap<(String, String, IpAddr), (Timestamp, Hit)>,
}

impl PhiNewSourceIp {
    /// An analyzer over these PHI buckets.
    pub fn new(phi_buckets: HashSet<String>, config: NewSourceIpConfig) -> PhiNewSourceIp {
        PhiNewSourceIp {
            phi_buckets,
            config,
            earliest: None,
            first_seen: HashMap::new(),
        }
    }
}

/// The principal an access is attributed to: the role for assumed-role sessions, else the
/// ARN, the principal id or the identity type.
fn access_principal(event: &Event<'_>) -> String {
    let Some(identity) = event.user_identity.as_ref() else {
        return "unknown".to_string();
    };
    if identity.identity_type.as_deref() == Some("AssumedRole")
        && let Some(role) = identity
            .session_context
            .as_ref()
            .and_then(|c| c.session_issuer.as_ref())
            .and_then(|i| i.arn.as_deref())
    {
        return role.to_string();
    }
    identity
        .arn
        .as_deref()
        .or(identity.principal_id.as_deref())
        .or(identity.identity_type.as_deref())
        .unwrap_or("unknown")
        .to_string()
}

impl PhiNewSourceIp {
    /// Rule id of its hits.
    pub const ID: &'static str = "HIPAA-PHI-NEW-SOURCE-IP";
    /// Base title (hits name the bucket, the IP and the principal).
    pub const TITLE: &'static str = "PHI bucket accessed from a new source IP";
    /// Severity of its hits.
    pub const SEVERITY: Severity = Severity::Medium;
}

impl Analyzer for PhiNewSourceIp {
    fn event_names(&self) -> Option<Vec<String>> {
        Some(S3_DATA_EVENTS.iter().map(|n| (*n).to_string()).collect())
    }
    fn observe(&mut self, event: &Event<'_>, file: &str) {
        if event.event_source != "s3.amazonaws.com"
            || !S3_DATA_EVENTS.contains(&event.event_name.as_ref())
            || !succeeded(event)
        {
            return;
        }
        let bucket = match bucket_from_resources(event) {
            Some(bucket) => bucket.to_string(),
            None => match event.request_parameter("bucketName") {
                Some(Value::String(bucket)) => bucket,
                _ => return,
            },
        };
        if !self.phi_buckets.contains(&bucket) {
            return;
        }
        let Ok(at) = event.event_time.parse::<Timestamp>() else {
            return;
        };
        self.earliest = Some(self.earliest.map_or(at, |earliest| earliest.min(at)));
        let Some(ip) = event
            .source_ip_address
            .as_deref()
            .and_then(|ip| ip.parse::<IpAddr>().ok())
        else {
            return;
        };
        let key = (access_principal(event), bucket, ip);
        let event_id = event.event_id.as_deref();
        let earlier = self
            .first_seen
            .get(&key)
            .is_some_and(|(seen, hit)| (*seen, hit.event_id.as_deref()) <= (at, event_id));
        if !earlier {
            let title = format!(
                "PHI bucket `{}` accessed from a new source IP `{}` by `{}`",
                key.1, key.2, key.0
            );
            let hit = analyzer_hit(Self::ID, Self::SEVERITY, title, event, file);
            self.first_seen.insert(key, (at, hit));
        }
    }
    fn finish(self: Box<Self>) -> Vec<Hit> {
        let first_seen = self.first_seen;
        let Some(earliest) = self.earliest else {
            return Vec::new();
        };
        let learning_end = self.config.learning_until.unwrap_or_else(|| {
            earliest
                .checked_add(self.config.learning)
                .unwrap_or(Timestamp::MAX)
        });
        let mut hits: Vec<(Timestamp, Hit)> = first_seen
            .into_values()
            .filter(|(at, _)| *at >= learning_end)
            .collect();
        hits.sort_by(|a, b| (a.0, &a.1.title).cmp(&(b.0, &b.1.title)));
        hits.into_iter().map(|(_, hit)| hit).collect()
    }
}
