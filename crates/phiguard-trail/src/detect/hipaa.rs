//! phiguard's HIPAA detections: events that weaken the safeguards HIPAA asks for (person
//! authentication, audit controls, integrity, access control), reported when they **took
//! effect** (no `errorCode`), except root activity, which is reported even when denied.
//! Failed attempts at the same changes are still caught by the CIS set (4.1, 4.5, 4.7, ...).
//!
//! The bucket access-change rule needs to know which buckets hold PHI: build it with
//! [`phi_bucket_rules`] (high severity, PHI buckets only) or use
//! [`BucketAccessChange::any_bucket`] (medium severity, any bucket).

use std::collections::HashSet;

use phiguard_model::Severity;
use serde_json::Value;

use super::{NamedRule, console_login_without_mfa};
use crate::event::Event;
use crate::rule::{Rule, RuleSource};

/// HIPAA citations (45 CFR) of each HIPAA detection id, stateful ones included.
pub fn citations(rule_id: &str) -> &'static [&'static str] {
    match rule_id {
        "HIPAA-MFA-DEACTIVATED" | "HIPAA-CONSOLE-SIGNIN-NO-MFA" => &["164.312(d)", "164.312(a)(1)"],
        "HIPAA-ROOT-ACTIVITY" => &["164.312(a)(1)", "164.312(a)(2)(i)", "164.308(a)(3)(ii)(B)"],
        "HIPAA-CLOUDTRAIL-TAMPERING" => &["164.312(b)", "164.312(c)(1)", "164.308(a)(1)(ii)(D)"],
        "HIPAA-KMS-KEY-DISABLED" => &["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
        "HIPAA-GUARDDUTY-DISABLED" => &["164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"],
        "HIPAA-CONFIG-DISABLED" => &["164.312(b)", "164.308(a)(1)(ii)(D)"],
        "HIPAA-BUCKET-ACCESS-CHANGED" | "HIPAA-PHI-BUCKET-ACCESS-CHANGED" => {
            &["164.312(a)(1)", "164.308(a)(4)(ii)(C)"]
        }
        "HIPAA-SIGNIN-FAILURE-BURST" => &["164.308(a)(5)(ii)(C)", "164.308(a)(1)(ii)(D)"],
        "HIPAA-PHI-NEW-SOURCE-IP" => &["164.308(a)(1)(ii)(D)", "164.312(b)"],
        _ => &[],
    }
}

/// The HIPAA rules that need no environment knowledge (everything except the bucket rule).
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        named(
            "HIPAA-MFA-DEACTIVATED",
            "MFA device deactivated or deleted",
            Severity::High,
            "iam.amazonaws.com",
            &["DeactivateMFADevice", "DeleteVirtualMFADevice"],
            None,
        ),
        Box::new(RootActivity),
        named(
            "HIPAA-CONSOLE-SIGNIN-NO-MFA",
            "Console sign-in without MFA (IAM user or root)",
            Severity::High,
            "signin.amazonaws.com",
            &["ConsoleLogin"],
            Some(console_login_without_mfa),
        ),
        named(
            "HIPAA-CLOUDTRAIL-TAMPERING",
            "CloudTrail logging stopped, trail deleted or selectors changed",
            Severity::Critical,
            "cloudtrail.amazonaws.com",
            &[
                "StopLogging",
                "DeleteTrail",
                "UpdateTrail",
                "PutEventSelectors",
                "PutInsightSelectors",
            ],
            None,
        ),
        named(
            "HIPAA-KMS-KEY-DISABLED",
            "KMS key disabled or scheduled for deletion",
            Severity::High,
            "kms.amazonaws.com",
            &["DisableKey", "ScheduleKeyDeletion"],
            None,
        ),
        named(
            "HIPAA-GUARDDUTY-DISABLED",
            "GuardDuty detector disabled, deleted or detached",
            Severity::High,
            "guardduty.amazonaws.com",
            GUARDDUTY_NAMES,
            Some(guardduty_disabled),
        ),
        named(
            "HIPAA-CONFIG-DISABLED",
            "AWS Config recording stopped or deleted",
            Severity::High,
            "config.amazonaws.com",
            &[
                "StopConfigurationRecorder",
                "DeleteConfigurationRecorder",
                "DeleteDeliveryChannel",
            ],
            None,
        ),
    ]
}

/// The bucket access-change rule restricted to the named PHI buckets (high severity). Account
/// level public-access-block changes affect every bucket, so they fire too. An empty set gives
/// [`BucketAccessChange::any_bucket`] instead (no PHI knowledge means any bucket may hold PHI).
pub fn phi_bucket_rules(phi_buckets: HashSet<String>) -> Vec<Box<dyn Rule>> {
    if phi_buckets.is_empty() {
        return vec![Box::new(BucketAccessChange::any_bucket())];
    }
    vec![Box::new(BucketAccessChange::phi(phi_buckets))]
}

fn named(
    id: &'static str,
    title: &'static str,
    severity: Severity,
    event_source: &'static str,
    names: &'static [&'static str],
    predicate: Option<fn(&Event<'_>) -> bool>,
) -> Box<dyn Rule> {
    Box::new(NamedRule {
        id,
        title,
        severity,
        source: RuleSource::Hipaa,
        event_source: Some(event_source),
        names,
        success_only: true,
        predicate,
    })
}

const GUARDDUTY_NAMES: &[&str] = &[
    "DeleteDetector",
    "UpdateDetector",
    "DisassociateFromMasterAccount",
    "DisassociateFromAdministratorAccount",
    "DisassociateMembers",
    "DeleteMembers",
    "StopMonitoringMembers",
];

/// `UpdateDetector` only counts when it sets `enable` to false; the others always count.
fn guardduty_disabled(event: &Event<'_>) -> bool {
    if event.event_name != "UpdateDetector" {
        return true;
    }
    matches!(event.request_parameter("enable"), Some(Value::Bool(false)))
        || matches!(event.request_parameter("enable"), Some(Value::String(s)) if s.eq_ignore_ascii_case("false"))
}

/// Any activity of the root user, including calls an AWS service made on root's behalf
/// (`invokedBy`) and denied calls; only `AwsServiceEvent`s (not made by root) are excluded.
/// Compare CIS 4.3, which also drops `invokedBy` calls.
pub struct RootActivity;

impl Rule for RootActivity {
    fn id(&self) -> &str {
        "HIPAA-ROOT-ACTIVITY"
    }
    fn title(&self) -> &str {
        "Root user activity"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn source(&self) -> RuleSource {
        RuleSource::Hipaa
    }
    fn event_names(&self) -> Option<Vec<String>> {
        None
    }
    fn reads_raw(&self) -> bool {
        false
    }
    fn matches(&self, event: &Event<'_>) -> bool {
        event.identity_type() == "Root" && event.event_type.as_deref() != Some("AwsServiceEvent")
    }
}

/// Bucket-level policy, ACL, ownership and public-access-block changes, plus the account-level
/// public access block.
const BUCKET_ACCESS_NAMES: &[&str] = &[
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "PutBucketAcl",
    "PutBucketPublicAccessBlock",
    "DeleteBucketPublicAccessBlock",
    "PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls",
    "PutAccountPublicAccessBlock",
    "DeleteAccountPublicAccessBlock",
];

/// A successful change of who can reach a bucket (policy, ACL, ownership controls, public
/// access block), on PHI buckets or on any bucket.
pub struct BucketAccessChange {
    phi_buckets: Option<HashSet<String>>,
}

impl BucketAccessChange {
    /// Fires on any bucket (medium severity): used when PHI buckets are unknown.
    pub fn any_bucket() -> BucketAccessChange {
        BucketAccessChange { phi_buckets: None }
    }

    /// Fires on the named PHI buckets only (high severity), and on account-level changes. An
    /// event whose bucket cannot be read is reported (it may be a PHI bucket).
    pub fn phi(phi_buckets: HashSet<String>) -> BucketAccessChange {
        BucketAccessChange {
            phi_buckets: Some(phi_buckets),
        }
    }
}

/// The bucket named by an S3 management event: `requestParameters.bucketName`, else the
/// `AWS::S3::Bucket` resource ARN.
pub(crate) fn bucket_name(event: &Event<'_>) -> Option<String> {
    if let Some(Value::String(name)) = event.request_parameter("bucketName") {
        return Some(name);
    }
    bucket_from_resources(event).map(str::to_string)
}

/// The bucket of the `AWS::S3::Bucket` entry of `resources` (no JSON parsing).
pub(crate) fn bucket_from_resources<'e>(event: &'e Event<'_>) -> Option<&'e str> {
    event
        .resources
        .iter()
        .filter(|r| r.resource_type.as_deref() == Some("AWS::S3::Bucket"))
        .find_map(|r| {
            r.arn
                .as_deref()?
                .split_once(":::")
                .map(|(_, bucket)| bucket)
        })
}

impl Rule for BucketAccessChange {
    fn id(&self) -> &str {
        match self.phi_buckets {
            Some(_) => "HIPAA-PHI-BUCKET-ACCESS-CHANGED",
            None => "HIPAA-BUCKET-ACCESS-CHANGED",
        }
    }
    fn title(&self) -> &str {
        match self.phi_buckets {
            Some(_) => "PHI bucket policy, ACL or public access changed",
            None => "Bucket policy, ACL or public access changed (PHI buckets unknown)",
        }
    }
    fn severity(&self) -> Severity {
        match self.phi_buckets {
            Some(_) => Severity::High,
            None => Severity::Medium,
        }
    }
    fn source(&self) -> RuleSource {
        RuleSource::Hipaa
    }
    fn event_names(&self) -> Option<Vec<String>> {
        Some(
            BUCKET_ACCESS_NAMES
                .iter()
                .map(|n| (*n).to_string())
                .collect(),
        )
    }
    fn matches(&self, event: &Event<'_>) -> bool {
        if !BUCKET_ACCESS_NAMES.contains(&event.event_name.as_ref())
            || event.event_source != "s3.amazonaws.com"
            || !super::succeeded(event)
        {
            return false;
        }
        let Some(phi) = &self.phi_buckets else {
            return true;
        };
        if event.event_name.ends_with("AccountPublicAccessBlock") {
            return true;
        }
        bucket_name(event).is_none_or(|bucket| phi.contains(&bucket))
    }
}
