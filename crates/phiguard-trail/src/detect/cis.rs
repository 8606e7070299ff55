//! The 15 monitoring controls of the CIS AWS Foundations Benchmark as detections over events.
//!
//! Numbering: section 4 of CIS v1.4.0–v5.0.0 (`CIS-4.1` … `CIS-4.15`; the same controls are
//! 3.x in v1.2 and 5.x in v6.0/v7.0). Patterns: CIS **v5.0.0** (which adds
//! `ModifySecurityGroupRules` to 4.10). The benchmark states them as CloudWatch Logs metric
//! filters; here they are re-implemented as predicates with these documented deviations:
//!
//! - **4.1** uses the v4.0+ *intent* `(errorCode ~ *UnauthorizedOperation OR AccessDenied*) AND
//!   sourceIPAddress != delivery.logs.amazonaws.com AND eventName != HeadBucket`. The
//!   v1.4–3.0 text ORs the exclusions and would match almost every event.
//! - **4.2** excludes SSO/SAML/federated sign-ins (no `MFAUsed` at all; CloudWatch's `!=` is
//!   true for absent fields) and failed sign-ins, as the CIS-suggested alternative pattern does,
//!   for `IAMUser` and `Root`; `MFAUsed` is compared case-insensitively (`Yes`/`YES`).
//! - **4.3** follows the filter exactly: `Root`, no `invokedBy`, not `AwsServiceEvent`.
//! - Event names that other services reuse are pinned to their service: 4.4 to
//!   `iam.amazonaws.com` (Organizations and IoT also have `CreatePolicy`/`DeletePolicy`),
//!   4.5 to `cloudtrail.amazonaws.com`, 4.10–4.14 to `ec2.amazonaws.com` (API Gateway v2 has
//!   `CreateRoute`/`DeleteRoute`).
//! - Like the metric filters, every rule except 4.2 also fires on **failed** attempts (a denied
//!   `StopLogging` is worth a look); the HIPAA set reports only changes that took effect.

use phiguard_model::Severity;

use super::{NamedRule, console_login_without_mfa};
use crate::event::Event;
use crate::rule::{Rule, RuleSource};

/// All 15 CIS monitoring rules, in control order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    let mut rules: Vec<Box<dyn Rule>> =
        vec![Box::new(UnauthorizedApiCalls), named(SIGN_IN_WITHOUT_MFA)];
    rules.push(Box::new(RootUsage));
    rules.extend(NAMED.iter().map(|spec| named(*spec)));
    rules
}

#[derive(Clone, Copy)]
struct Spec {
    id: &'static str,
    title: &'static str,
    severity: Severity,
    event_source: Option<&'static str>,
    names: &'static [&'static str],
    predicate: Option<fn(&Event<'_>) -> bool>,
}

fn named(spec: Spec) -> Box<dyn Rule> {
    Box::new(NamedRule {
        id: spec.id,
        title: spec.title,
        severity: spec.severity,
        source: RuleSource::Cis,
        event_source: spec.event_source,
        names: spec.names,
        success_only: false,
        predicate: spec.predicate,
    })
}

const SIGN_IN_WITHOUT_MFA: Spec = Spec {
    id: "CIS-4.2",
    title: "Management Console sign-in without MFA (CIS AWS Foundations v5.0.0 4.2)",
    severity: Severity::Medium,
    event_source: Some("signin.amazonaws.com"),
    names: &["ConsoleLogin"],
    predicate: Some(console_login_without_mfa),
};

const NAMED: &[Spec] = &[
    Spec {
        id: "CIS-4.4",
        title: "IAM policy changes (CIS AWS Foundations v5.0.0 4.4)",
        severity: Severity::Medium,
        event_source: Some("iam.amazonaws.com"),
        names: &[
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.5",
        title: "CloudTrail configuration changes (CIS AWS Foundations v5.0.0 4.5)",
        severity: Severity::High,
        event_source: Some("cloudtrail.amazonaws.com"),
        names: &[
            "CreateTrail",
            "UpdateTrail",
            "DeleteTrail",
            "StartLogging",
            "StopLogging",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.6",
        title: "Management Console authentication failures (CIS AWS Foundations v5.0.0 4.6)",
        severity: Severity::Low,
        event_source: Some("signin.amazonaws.com"),
        names: &["ConsoleLogin"],
        predicate: Some(failed_authentication),
    },
    Spec {
        id: "CIS-4.7",
        title: "Disabling or scheduled deletion of customer-created KMS keys (CIS AWS Foundations v5.0.0 4.7)",
        severity: Severity::High,
        event_source: Some("kms.amazonaws.com"),
        names: &["DisableKey", "ScheduleKeyDeletion"],
        predicate: None,
    },
    Spec {
        id: "CIS-4.8",
        title: "S3 bucket policy changes (CIS AWS Foundations v5.0.0 4.8)",
        severity: Severity::Medium,
        event_source: Some("s3.amazonaws.com"),
        names: &[
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.9",
        title: "AWS Config configuration changes (CIS AWS Foundations v5.0.0 4.9)",
        severity: Severity::Medium,
        event_source: Some("config.amazonaws.com"),
        names: &[
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.10",
        title: "Security group changes (CIS AWS Foundations v5.0.0 4.10)",
        severity: Severity::Low,
        event_source: Some("ec2.amazonaws.com"),
        names: &[
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
            "ModifySecurityGroupRules",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.11",
        title: "Network ACL changes (CIS AWS Foundations v5.0.0 4.11)",
        severity: Severity::Low,
        event_source: Some("ec2.amazonaws.com"),
        names: &[
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.12",
        title: "Network gateway changes (CIS AWS Foundations v5.0.0 4.12)",
        severity: Severity::Low,
        event_source: Some("ec2.amazonaws.com"),
        names: &[
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.13",
        title: "Route table changes (CIS AWS Foundations v5.0.0 4.13)",
        severity: Severity::Low,
        event_source: Some("ec2.amazonaws.com"),
        names: &[
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.14",
        title: "VPC changes (CIS AWS Foundations v5.0.0 4.14)",
        severity: Severity::Low,
        event_source: Some("ec2.amazonaws.com"),
        names: &[
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ],
        predicate: None,
    },
    Spec {
        id: "CIS-4.15",
        title: "AWS Organizations changes (CIS AWS Foundations v5.0.0 4.15)",
        severity: Severity::Medium,
        event_source: Some("organizations.amazonaws.com"),
        names: &[
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
        ],
        predicate: None,
    },
];

/// 4.6: `errorMessage = "Failed authentication"` (exact, as in the filter).
fn failed_authentication(event: &Event<'_>) -> bool {
    event.error_message.as_deref() == Some("Failed authentication")
}

/// CIS 4.1: unauthorized API calls. Sees every event (any API can be denied); the check is a
/// couple of string comparisons on `errorCode`, so it stays cheap.
pub struct UnauthorizedApiCalls;

impl Rule for UnauthorizedApiCalls {
    fn id(&self) -> &str {
        "CIS-4.1"
    }
    fn title(&self) -> &str {
        "Unauthorized API calls (CIS AWS Foundations v5.0.0 4.1)"
    }
    fn severity(&self) -> Severity {
        Severity::Low
    }
    fn source(&self) -> RuleSource {
        RuleSource::Cis
    }
    fn event_names(&self) -> Option<Vec<String>> {
        None
    }
    fn reads_raw(&self) -> bool {
        false
    }
    fn matches(&self, event: &Event<'_>) -> bool {
        let Some(code) = event.error_code.as_deref() else {
            return false;
        };
        (code.ends_with("UnauthorizedOperation") || code.starts_with("AccessDenied"))
            && event.source_ip_address.as_deref() != Some("delivery.logs.amazonaws.com")
            && event.event_name != "HeadBucket"
    }
}

/// CIS 4.3: usage of the root user. Sees every event (root can call anything).
pub struct RootUsage;

impl Rule for RootUsage {
    fn id(&self) -> &str {
        "CIS-4.3"
    }
    fn title(&self) -> &str {
        "Usage of the root user (CIS AWS Foundations v5.0.0 4.3)"
    }
    fn severity(&self) -> Severity {
        Severity::High
    }
    fn source(&self) -> RuleSource {
        RuleSource::Cis
    }
    fn event_names(&self) -> Option<Vec<String>> {
        None
    }
    fn reads_raw(&self) -> bool {
        false
    }
    fn matches(&self, event: &Event<'_>) -> bool {
        let Some(identity) = event.user_identity.as_ref() else {
            return false;
        };
        identity.identity_type.as_deref() == Some("Root")
            && identity.invoked_by.is_none()
            && event.event_type.as_deref() != Some("AwsServiceEvent")
    }
}
