use std::collections::{BTreeMap, BTreeSet};

use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::{Details, Inventory, PhiTags, PolicyDocument, ResourceKind, Status};

use super::*;

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn demo() -> Inventory {
    inventory(now())
}

#[test]
fn demo_is_big_enough_and_spans_regions_kinds_and_phi_scope() {
    let inv = demo();
    assert!(
        inv.resources.len() >= 150,
        "only {} resources",
        inv.resources.len()
    );
    let regions: BTreeSet<&str> = inv.resources.iter().map(|r| r.region.as_str()).collect();
    assert!(regions.contains(GLOBAL), "{regions:?}");
    assert!(
        regions.iter().filter(|r| **r != GLOBAL).count() >= 3,
        "{regions:?}"
    );
    let kinds: BTreeSet<ResourceKind> = inv.resources.iter().map(|r| r.kind()).collect();
    let missing: Vec<&ResourceKind> = ResourceKind::ALL
        .iter()
        .filter(|k| !kinds.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "kinds missing from the demo: {missing:?}"
    );
    let tags = PhiTags::default();
    let phi = inv
        .resources
        .iter()
        .filter(|r| tags.matches(&r.tags))
        .count();
    assert!(phi >= 30, "only {phi} PHI resources");
    assert!(inv.resources.len() - phi >= 30);
    // Both accounts have resources; only production holds PHI.
    for account in [PROD, DEV] {
        assert!(inv.resources.iter().any(|r| r.account == account));
    }
    assert!(
        !inv.resources
            .iter()
            .any(|r| r.account == DEV && tags.matches(&r.tags))
    );
}

#[test]
fn demo_round_trips_through_json_and_is_deterministic() {
    let inv = demo();
    let text = inv.to_json_pretty();
    let back = Inventory::from_json(text.as_bytes()).unwrap();
    assert_eq!(back, inv);
    assert_eq!(inventory(now()), inv);
    assert_eq!(inv.source.kind, SourceKind::Demo);
    assert_eq!(inv.generated_at, now());
}

#[test]
fn arns_are_unique() {
    let inv = demo();
    let mut seen = BTreeSet::new();
    for r in &inv.resources {
        assert!(seen.insert(r.arn.as_str()), "duplicate ARN {}", r.arn);
        assert!(
            r.arn.starts_with("arn:aws:"),
            "not an ARN: {} ({})",
            r.arn,
            r.kind()
        );
        assert!(r.account == PROD || r.account == DEV, "{}", r.arn);
    }
}

#[test]
fn coverage_is_complete_with_one_gap() {
    let inv = demo();
    for account in &inv.accounts {
        for source in DataSource::ALL {
            let regions: Vec<&str> = if source.is_global() {
                vec![GLOBAL]
            } else {
                account.regions.iter().map(String::as_str).collect()
            };
            for region in regions {
                let n = inv
                    .coverage
                    .iter()
                    .filter(|c| {
                        c.account == account.id && c.region == region && c.source == *source
                    })
                    .count();
                assert_eq!(n, 1, "{} {region} {source}", account.id);
            }
        }
    }
    let gaps: Vec<_> = inv
        .coverage
        .iter()
        .filter(|c| !c.state.is_collected())
        .collect();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].source, DataSource::SecurityHub);
    // Every resource sits in a region its account scans (or global).
    for r in &inv.resources {
        let account = inv.account(&r.account).unwrap();
        assert!(
            r.region == GLOBAL || account.regions.contains(&r.region),
            "{} in {}",
            r.arn,
            r.region
        );
    }
}

fn documents(inv: &Inventory) -> Vec<(&str, &PolicyDocument)> {
    let mut out = Vec::new();
    for r in &inv.resources {
        match &r.details {
            Details::IamRole(role) => {
                out.push((r.arn.as_str(), &role.trust_policy));
                out.extend(
                    role.inline_policies
                        .iter()
                        .map(|p| (r.arn.as_str(), &p.document)),
                );
            }
            Details::IamUser(u) => {
                out.extend(
                    u.inline_policies
                        .iter()
                        .map(|p| (r.arn.as_str(), &p.document)),
                );
            }
            Details::IamPolicy(p) => out.push((r.arn.as_str(), &p.document)),
            Details::S3Bucket(b) => out.extend(b.policy.iter().map(|p| (r.arn.as_str(), p))),
            Details::LambdaFunction(f) => {
                out.extend(f.policy.iter().map(|p| (r.arn.as_str(), p)));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_policy_document_parsed() {
    let inv = demo();
    let docs = documents(&inv);
    assert!(docs.len() > 40, "{}", docs.len());
    for (arn, doc) in docs {
        assert!(!doc.statements.is_empty(), "empty policy document on {arn}");
    }
}

#[test]
fn no_secrets_or_real_identifiers() {
    let inv = demo();
    let text = inv.to_json_pretty();
    for r in &inv.resources {
        if let Details::IamUser(u) = &r.details {
            for key in &u.access_keys {
                assert!(key.id.starts_with("AKIAEXAMPLE"), "{}", key.id);
            }
        }
    }
    // Account ids are the documentation ones (and fictional vendors').
    for account in &inv.accounts {
        assert!(["111122223333", "444455556666"].contains(&account.id.as_str()));
    }
    assert!(!text.contains("aws_secret_access_key"));
    assert!(!text.to_ascii_lowercase().contains("password\": \""));
}

#[test]
fn credential_report_agrees_with_iam_users() {
    let inv = demo();
    for account in &inv.accounts {
        let report = &account.settings.credential_report;
        assert!(report.iter().any(|row| row.is_root()), "{}", account.id);
        let users: BTreeMap<&str, bool> = inv
            .resources
            .iter()
            .filter(|r| r.account == account.id)
            .filter_map(|r| match &r.details {
                Details::IamUser(u) => Some((r.display_name(), !u.mfa_devices.is_empty())),
                _ => None,
            })
            .collect();
        let rows: BTreeMap<&str, bool> = report
            .iter()
            .filter(|row| !row.is_root())
            .map(|row| (row.user.as_str(), row.mfa_active))
            .collect();
        assert_eq!(users, rows, "{}", account.id);
        let summary = account.settings.summary.as_ref().unwrap();
        assert_eq!(summary.users as usize, users.len());
    }
}

#[test]
fn full_catalogue_scan_shows_every_kind_of_outcome() {
    let inv = demo();
    let settings = Settings::at(now());
    let result = phiguard_controls::evaluate(&inv, &settings, CATALOGUE);
    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    for o in &result.outcomes {
        *counts.entry(o.evaluation.status).or_default() += 1;
    }
    for status in [Status::Pass, Status::Fail, Status::Error] {
        assert!(counts.contains_key(&status), "no {status} in {counts:?}");
    }
    // A realistic posture: more passes than failures.
    assert!(counts[&Status::Pass] > counts[&Status::Fail], "{counts:?}");
    // The coverage gap is what yields errors.
    assert!(
        result
            .outcomes
            .iter()
            .filter(|o| o.evaluation.status == Status::Error)
            .all(|o| o.evaluation.reason.contains("not evaluated")
                || o.evaluation.reason.contains("could not be read")
                || o.evaluation.reason.contains("AccessDenied")),
    );
}

#[test]
fn some_well_known_findings_are_in_the_data() {
    let inv = demo();
    let find = |name: &str| {
        inv.resources
            .iter()
            .find(|r| r.display_name() == name || r.display_name().ends_with(&format!("({name})")))
            .unwrap_or_else(|| panic!("no {name}"))
    };
    // SSH open to the world.
    match &find("bastion-ssh").details {
        Details::SecurityGroup(sg) => {
            assert!(
                sg.ingress
                    .iter()
                    .any(|r| r.open_to_world() && r.covers_tcp_port(22))
            );
        }
        other => panic!("{other:?}"),
    }
    // A vendor role without ExternalId.
    match &find("ClearinghouseVendorAccess").details {
        Details::IamRole(role) => {
            let s = &role.trust_policy.statements[0];
            assert!(s.condition_values("sts:ExternalId").is_empty());
            assert_eq!(
                s.principal.as_ref().unwrap().ids("AWS"),
                ["arn:aws:iam::999988887777:root"]
            );
        }
        other => panic!("{other:?}"),
    }
    // A non-eligible service holding PHI.
    let tags = PhiTags::default();
    assert!(
        inv.resources
            .iter()
            .any(|r| r.kind() == ResourceKind::Tagged
                && r.arn.starts_with("arn:aws:lightsail:")
                && tags.matches(&r.tags))
    );
    // GuardDuty missing in one production region.
    let regions_with_gd: BTreeSet<&str> = inv
        .resources
        .iter()
        .filter(|r| r.account == PROD && r.kind() == ResourceKind::GuarddutyDetector)
        .map(|r| r.region.as_str())
        .collect();
    assert!(!regions_with_gd.contains(EU_WEST_1));
    // The production account has an active BAA; the development account none.
    let prod = inv.account(PROD).unwrap();
    assert!(
        prod.settings
            .artifact_agreements
            .iter()
            .any(|a| a.is_active_baa())
    );
    // Key ages are relative to now.
    let ci = inv
        .resources
        .iter()
        .find(|r| r.display_name() == "ci-deploy")
        .unwrap();
    match &ci.details {
        Details::IamUser(u) => {
            let age = (now().as_second() - u.access_keys[0].create_date.as_second()) / 86_400;
            assert_eq!(age, 200);
        }
        other => panic!("{other:?}"),
    }
}
