//! IAM action prefixes for the HIPAA-eligible services, and the documented lists of global
//! and support services the generated SCPs leave alone.
//!
//! [`phiguard_model::eligible::ELIGIBLE`] is keyed by ARN namespace. The IAM action prefix is
//! the same for most services; [`EXTRA_PREFIXES`] adds the prefixes that differ or that a
//! service also uses (its data plane, a second API), as published in AWS's healthcare sample
//! SCP (`aws-samples/landing-zone-accelerator-on-aws-for-healthcare`,
//! `scp-hcl-hipaa-service.json`) and transcribed in `shared/reference/hipaa-eligible-services.md`.

use std::collections::BTreeSet;

use phiguard_model::eligible;

/// ARN namespace → the IAM action prefixes of that service, where they differ from the
/// namespace or the service has more than one. Namespaces not named here use their own name.
pub const EXTRA_PREFIXES: &[(&str, &[&str])] = &[
    ("apigateway", &["apigateway", "execute-api"]),
    ("backup", &["backup", "backup-storage"]),
    ("catalog", &["servicecatalog"]),
    ("cognito-identity", &["cognito-identity", "cognito-sync"]),
    (
        "ec2",
        &[
            "ec2",
            "ebs",
            "ec2messages",
            "verified-access",
            "importexport",
        ],
    ),
    ("inspector2", &["inspector2", "inspector"]),
    ("iot", &["iot", "iotfleethub"]),
    ("kafka", &["kafka", "kafka-cluster"]),
    ("rds", &["rds", "rds-db", "rds-data", "neptune-db"]),
    ("redshift", &["redshift", "redshift-data"]),
    ("route53", &["route53", "route53domains", "route53resolver"]),
    (
        "route53-recovery-control",
        &[
            "route53-recovery-control-config",
            "route53-recovery-cluster",
        ],
    ),
    (
        "ssm",
        &[
            "ssm",
            "ssmmessages",
            "ec2messages",
            "ssm-contacts",
            "ssm-incidents",
            "ssm-guiconnect",
            "ssm-quicksetup",
        ],
    ),
    ("sso", &["sso", "sso-directory"]),
    ("wafv2", &["wafv2", "waf", "waf-regional"]),
];

/// Eligible list entries with no ARN namespace of their own, by IAM prefix.
pub const PREFIX_ONLY_ELIGIBLE: &[(&str, &str)] =
    &[("comprehendmedical", "Amazon Comprehend Medical")];

/// Services an account needs to operate that never hold PHI: the support and
/// account-management namespaces of the bundled list ([`eligible::SUPPORT_ONLY`]: IAM, STS,
/// Support, billing, tagging, ...) plus these.
pub const OPERATIONS_EXTRA: &[(&str, &str)] = &[
    (
        "account",
        "AWS Account Management (contacts, Region opt-in)",
    ),
    ("health", "AWS Health (service events)"),
    ("notifications", "AWS User Notifications"),
    ("signin", "AWS Sign-In"),
];

/// The IAM prefixes of one eligible ARN namespace.
pub fn prefixes_of(namespace: &str) -> Vec<&str> {
    EXTRA_PREFIXES
        .iter()
        .find(|(ns, _)| *ns == namespace)
        .map_or_else(|| vec![namespace], |(_, p)| p.to_vec())
}

/// Every IAM prefix of an eligible service, sorted and unique.
pub fn eligible_prefixes() -> BTreeSet<&'static str> {
    eligible::ELIGIBLE
        .iter()
        .flat_map(|(ns, _)| prefixes_of(ns))
        .chain(PREFIX_ONLY_ELIGIBLE.iter().map(|(p, _)| *p))
        .collect()
}

/// The prefixes needed to operate an account (never PHI stores), sorted and unique.
pub fn operations_prefixes() -> BTreeSet<&'static str> {
    eligible::SUPPORT_ONLY
        .iter()
        .copied()
        .chain(OPERATIONS_EXTRA.iter().map(|(p, _)| *p))
        .collect()
}

/// Global services the region-restriction SCP exempts: their API endpoints live in one Region
/// (mostly us-east-1), so a Region condition would break them. The list follows AWS's example
/// SCP "Deny access to AWS based on the requested Region" (AWS Organizations User Guide).
pub const GLOBAL_ACTIONS: &[(&str, &str)] = &[
    ("a4b:*", "Alexa for Business"),
    (
        "acm:*",
        "Certificate Manager (CloudFront certificates live in us-east-1)",
    ),
    ("aws-marketplace-management:*", "Marketplace"),
    ("aws-marketplace:*", "Marketplace"),
    ("aws-portal:*", "Billing console"),
    ("budgets:*", "Budgets"),
    ("ce:*", "Cost Explorer"),
    ("chime:*", "Chime"),
    ("cloudfront:*", "CloudFront"),
    ("config:*", "Config (global resource recording)"),
    ("cur:*", "Cost and Usage Reports"),
    ("directconnect:*", "Direct Connect"),
    ("ec2:DescribeRegions", "listing Regions"),
    (
        "ec2:DescribeTransitGateways",
        "Transit Gateway (Network Manager)",
    ),
    ("ec2:DescribeVpnGateways", "VPN gateways (Network Manager)"),
    ("fms:*", "Firewall Manager"),
    ("globalaccelerator:*", "Global Accelerator"),
    ("health:*", "AWS Health"),
    ("iam:*", "IAM"),
    ("importexport:*", "Import/Export"),
    ("kms:*", "KMS (multi-Region keys used by global services)"),
    ("mobileanalytics:*", "Mobile Analytics"),
    ("networkmanager:*", "Network Manager"),
    ("organizations:*", "Organizations"),
    ("pricing:*", "Price List"),
    (
        "route53-recovery-cluster:*",
        "Application Recovery Controller",
    ),
    (
        "route53-recovery-control-config:*",
        "Application Recovery Controller",
    ),
    (
        "route53-recovery-readiness:*",
        "Application Recovery Controller",
    ),
    ("route53:*", "Route 53"),
    ("route53domains:*", "Route 53 Domains"),
    (
        "s3:GetAccountPublic*",
        "S3 account-level Block Public Access",
    ),
    ("s3:ListAllMyBuckets", "listing buckets"),
    (
        "s3:ListMultiRegionAccessPoints",
        "S3 Multi-Region Access Points",
    ),
    (
        "s3:PutAccountPublic*",
        "S3 account-level Block Public Access",
    ),
    ("shield:*", "Shield"),
    ("sts:*", "STS (the global endpoint)"),
    ("support:*", "Support"),
    ("trustedadvisor:*", "Trusted Advisor"),
    ("waf-regional:*", "WAF Classic (regional)"),
    ("waf:*", "WAF Classic (CloudFront)"),
    ("wafv2:*", "WAF (CloudFront web ACLs live in us-east-1)"),
    ("wellarchitected:*", "Well-Architected Tool"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_eligible_service_maps_to_a_prefix() {
        for (ns, name) in eligible::ELIGIBLE {
            let prefixes = prefixes_of(ns);
            assert!(!prefixes.is_empty(), "{ns} ({name}) has no IAM prefix");
            for p in prefixes {
                assert!(
                    !p.is_empty()
                        && p.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                    "{ns}: bad prefix `{p}`"
                );
            }
        }
        let all = eligible_prefixes();
        for must in [
            "s3",
            "comprehendmedical",
            "servicecatalog",
            "execute-api",
            "kms",
        ] {
            assert!(all.contains(must), "{must}");
        }
        for never in [
            "gamelift",
            "lightsail",
            "workmail",
            "social-messaging",
            "catalog",
        ] {
            assert!(!all.contains(never), "{never}");
        }
    }

    #[test]
    fn mapping_rows_name_eligible_namespaces() {
        for (ns, _) in EXTRA_PREFIXES {
            assert!(
                matches!(
                    eligible::eligibility(ns),
                    eligible::Eligibility::Eligible(_)
                ),
                "{ns} is not on the eligible list"
            );
        }
        assert!(EXTRA_PREFIXES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn operations_and_global_lists() {
        let ops = operations_prefixes();
        for must in ["iam", "sts", "support", "account"] {
            assert!(ops.contains(must), "{must}");
        }
        assert!(GLOBAL_ACTIONS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(GLOBAL_ACTIONS.iter().any(|(a, _)| *a == "iam:*"));
        assert!(!GLOBAL_ACTIONS.iter().any(|(a, _)| a.starts_with("ec2:*")));
    }
}

#[cfg(test)]
mod docs_tests {
    use super::*;

    /// `docs/policies.md` lists every prefix and action these tables hold.
    #[test]
    fn docs_list_every_entry() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/policies.md");
        let docs = std::fs::read_to_string(path).unwrap();
        let mentioned = |item: &str| docs.contains(&format!("`{item}`"));
        for (action, _) in GLOBAL_ACTIONS {
            assert!(mentioned(action), "docs/policies.md lacks `{action}`");
        }
        for (ns, prefixes) in EXTRA_PREFIXES {
            assert!(mentioned(ns), "docs/policies.md lacks `{ns}`");
            for p in *prefixes {
                assert!(mentioned(p), "docs/policies.md lacks `{p}`");
            }
        }
        for p in operations_prefixes() {
            assert!(mentioned(p), "docs/policies.md lacks `{p}`");
        }
        for (ns, _) in eligible::NEEDS_REVIEW {
            assert!(mentioned(ns), "docs/policies.md lacks `{ns}`");
        }
    }
}
