//! Built-in detections: the CIS AWS Foundations monitoring controls ([`cis`]), phiguard's
//! HIPAA set ([`hipaa`]) and the stateful HIPAA analyzers ([`stateful`]).
//!
//! Stateless rules implement [`Rule`] and go into a [`crate::Ruleset`]; rules that need to
//! remember earlier events (bursts of failed sign-ins, first-seen source IPs) implement
//! [`Analyzer`] (the trait of [`crate::scan`]): they are offered every event whose name they
//! list, in any order, and report their hits once the input is exhausted.
//!
//! Rules parse `requestParameters` / `additionalEventData` / `responseElements` only after the
//! cheap checks on `eventSource`/`eventName` passed.

pub mod cis;
pub mod hipaa;
pub mod stateful;

use std::borrow::Cow;
use std::collections::HashSet;

use phiguard_model::Severity;
use serde::Deserialize;

use crate::event::Event;
use crate::rule::{Hit, Rule, RuleSource};

pub use crate::scan::Analyzer;
pub use stateful::{NewSourceIpConfig, PhiNewSourceIp, SignInBurstConfig, SignInFailureBurst};

/// What the built-in detections need to know about the environment.
#[derive(Debug, Clone, Default)]
pub struct DetectConfig {
    /// Names of the S3 buckets holding PHI (from the inventory's PHI scope). Empty: unknown.
    pub phi_buckets: HashSet<String>,
    /// Failed console sign-in bursts.
    pub signin_burst: SignInBurstConfig,
    /// First-seen source IPs on PHI buckets.
    pub new_source_ip: NewSourceIpConfig,
}

impl DetectConfig {
    /// The stateless rules: the CIS set, then the HIPAA set. With PHI bucket names, the bucket
    /// access-change rule is restricted to them (and raised to high severity); without, it
    /// fires on any bucket.
    pub fn rules(&self) -> Vec<Box<dyn Rule>> {
        let mut rules = cis::rules();
        rules.extend(hipaa::rules());
        if self.phi_buckets.is_empty() {
            rules.push(Box::new(hipaa::BucketAccessChange::any_bucket()));
        } else {
            rules.extend(hipaa::phi_bucket_rules(self.phi_buckets.clone()));
        }
        rules
    }

    /// The stateful analyzers; the new-source-IP analyzer only when PHI buckets are known.
    pub fn analyzers(&self) -> Vec<Box<dyn Analyzer>> {
        let mut analyzers: Vec<Box<dyn Analyzer>> = vec![Box::new(
            stateful::SignInFailureBurst::new(self.signin_burst.clone()),
        )];
        if !self.phi_buckets.is_empty() {
            analyzers.push(Box::new(stateful::PhiNewSourceIp::new(
                self.phi_buckets.clone(),
                self.new_source_ip.clone(),
            )));
        }
        analyzers
    }
}

/// Every built-in stateless rule, without knowledge of PHI buckets (the bucket access-change
/// rule fires on any bucket, at medium severity).
pub fn builtin_rules() -> Vec<Box<dyn Rule>> {
    DetectConfig::default().rules()
}

/// Every built-in stateful analyzer that needs no environment knowledge (the failed sign-in
/// burst, with defaults). See [`DetectConfig::analyzers`] for the PHI-aware set.
pub fn builtin_analyzers() -> Vec<Box<dyn Analyzer>> {
    DetectConfig::default().analyzers()
}

/// A rule over a fixed list of event names from one event source, with an optional extra
/// predicate (evaluated last, so it may parse the raw JSON members).
pub(crate) struct NamedRule {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) severity: Severity,
    pub(crate) source: RuleSource,
    /// `eventSource` the event must come from (`None`: any).
    pub(crate) event_source: Option<&'static str>,
    pub(crate) names: &'static [&'static str],
    /// Only successful calls (no `errorCode`).
    pub(crate) success_only: bool,
    pub(crate) predicate: Option<fn(&Event<'_>) -> bool>,
}

impl Rule for NamedRule {
    fn id(&self) -> &str {
        self.id
    }
    fn title(&self) -> &str {
        self.title
    }
    fn severity(&self) -> Severity {
        self.severity
    }
    fn source(&self) -> RuleSource {
        self.source
    }
    fn event_names(&self) -> Option<Vec<String>> {
        Some(self.names.iter().map(|n| (*n).to_string()).collect())
    }
    fn matches(&self, event: &Event<'_>) -> bool {
        self.may_match_light(event) && self.predicate.is_none_or(|predicate| predicate(event))
    }
    /// The typed checks (name, source, success) read the same on a light event; the
    /// predicate may read raw members, so it is left for the full parse.
    fn may_match_light(&self, light: &Event<'_>) -> bool {
        self.names.contains(&light.event_name.as_ref())
            && self
                .event_source
                .is_none_or(|source| light.event_source == source)
            && (!self.success_only || succeeded(light))
    }
}

/// Whether the call succeeded: no `errorCode` (CloudTrail writes it only on failure).
pub(crate) fn succeeded(event: &Event<'_>) -> bool {
    event.error_code.is_none()
}

/// The members of a `ConsoleLogin` event that sign-in rules read.
#[derive(Debug, Default, Deserialize)]
struct SignInData<'a> {
    #[serde(borrow, default, rename = "MFAUsed")]
    mfa_used: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "SamlProviderArn")]
    saml_provider_arn: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
struct SignInResponse<'a> {
    #[serde(borrow, default, rename = "ConsoleLogin")]
    console_login: Option<Cow<'a, str>>,
}

/// Whether a `ConsoleLogin` event failed: `responseElements.ConsoleLogin` is `Failure`, or an
/// `errorCode`/`errorMessage` is present.
pub(crate) fn console_login_failed(event: &Event<'_>) -> bool {
    if event.error_code.is_some() || event.error_message.is_some() {
        return true;
    }
    event
        .response_elements
        .and_then(|raw| serde_json::from_str::<SignInResponse<'_>>(raw.get()).ok())
        .and_then(|response| response.console_login)
        .is_some_and(|outcome| outcome.eq_ignore_ascii_case("failure"))
}

/// A successful console sign-in by an IAM user or the root user that did not use MFA.
///
/// Handles the documented pitfalls of the CIS filter `MFAUsed != "Yes"`:
/// - SSO / SAML / federated sign-ins carry no `MFAUsed` (MFA happens at the IdP): excluded by
///   requiring `userIdentity.type` `IAMUser` or `Root` and no `additionalEventData.SamlProviderArn`;
/// - failed sign-ins are excluded (they are the authentication-failure control's business);
/// - `MFAUsed` is compared case-insensitively (`Yes` in logs, `YES` in AWS docs);
/// - for IAM users and root, a missing or unreadable `MFAUsed` counts as "no MFA" (the field is
///   always written for them, so its absence is itself suspicious: never assume MFA).
pub(crate) fn console_login_without_mfa(event: &Event<'_>) -> bool {
    if event.event_name != "ConsoleLogin" {
        return false;
    }
    if !matches!(event.identity_type(), "IAMUser" | "Root") {
        return false;
    }
    if console_login_failed(event) {
        return false;
    }
    let data = event
        .additional_event_data
        .and_then(|raw| serde_json::from_str::<SignInData<'_>>(raw.get()).ok())
        .unwrap_or_default();
    if data.saml_provider_arn.is_some() {
        return false;
    }
    !data
        .mfa_used
        .is_some_and(|used| used.eq_ignore_ascii_case("yes"))
}

/// A [`Hit`] for a stateful analyzer (which is not a [`Rule`]), with a title of its own.
pub(crate) fn analyzer_hit(
    rule_id: &str,
    severity: Severity,
    title: String,
    event: &Event<'_>,
    file: &str,
) -> Hit {
    let identity = event.user_identity.as_ref();
    Hit {
        rule_id: rule_id.to_string(),
        title,
        severity,
        source: RuleSource::Hipaa,
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
