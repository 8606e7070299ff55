use std::collections::{BTreeMap, BTreeSet};

use phiguard_model::{Details, PhiTags, ResourceKind};

use super::*;

#[test]
fn streamed_json_equals_the_in_memory_inventory() {
    for (n, seed) in [(0, 1), (7, 2), (2_000, 3)] {
        let mut streamed = Vec::new();
        write_json(n, seed, &mut streamed).unwrap();
        let in_memory = serde_json::to_vec(&generate(n, seed)).unwrap();
        assert_eq!(
            String::from_utf8(streamed.clone()).unwrap(),
            String::from_utf8(in_memory).unwrap(),
            "n={n}"
        );
        let parsed = Inventory::from_json(&streamed).unwrap();
        assert_eq!(parsed.resources.len(), n);
        assert_eq!(parsed, generate(n, seed));
    }
}

#[test]
fn deterministic_per_seed() {
    assert_eq!(generate(500, 9), generate(500, 9));
    assert_ne!(generate(500, 9), generate(500, 10));
    let synth = Synth::new(500, 9);
    assert_eq!(synth.resource(321), synth.resource(321));
}

#[test]
fn realistic_mix_of_kinds_accounts_regions_and_phi() {
    let inv = generate(20_000, 42);
    assert_eq!(inv.resources.len(), 20_000);
    assert_eq!(inv.accounts.len(), 4);
    let kinds: BTreeMap<ResourceKind, usize> =
        inv.resources.iter().fold(BTreeMap::new(), |mut m, r| {
            *m.entry(r.kind()).or_default() += 1;
            m
        });
    for kind in ResourceKind::ALL {
        assert!(kinds.contains_key(kind), "no {kind}");
    }
    assert!(kinds[&ResourceKind::EbsVolume] > kinds[&ResourceKind::Vpc] * 5);
    // One trail per account, one detector per account and region.
    assert_eq!(kinds[&ResourceKind::Trail], inv.accounts.len());
    let account_regions: usize = inv.accounts.iter().map(|a| a.regions.len()).sum();
    assert_eq!(kinds[&ResourceKind::GuarddutyDetector], account_regions);
    let regions: BTreeSet<&str> = inv.resources.iter().map(|r| r.region.as_str()).collect();
    assert!(regions.len() >= 4, "{regions:?}");
    let tags = PhiTags::default();
    let phi = inv
        .resources
        .iter()
        .filter(|r| tags.matches(&r.tags))
        .count();
    assert!((4_000..6_000).contains(&phi), "{phi}");
    // Every attached managed policy is in the inventory.
    for r in &inv.resources {
        let attached = match &r.details {
            Details::IamUser(u) => &u.attached_policies,
            Details::IamGroup(g) => &g.attached_policies,
            Details::IamRole(role) => &role.attached_policies,
            _ => continue,
        };
        for p in attached {
            assert!(
                inv.resources
                    .iter()
                    .any(|x| x.arn == p.arn && x.kind() == ResourceKind::IamPolicy),
                "{} attaches missing {}",
                r.arn,
                p.arn
            );
        }
    }
    // ARNs are unique.
    let arns: BTreeSet<&str> = inv.resources.iter().map(|r| r.arn.as_str()).collect();
    assert_eq!(arns.len(), inv.resources.len());
    // Every resource's region is scanned by its account.
    for r in &inv.resources {
        let account = inv.account(&r.account).unwrap();
        assert!(r.region == GLOBAL || account.regions.contains(&r.region));
    }
}

#[test]
fn coverage_lists_every_source_everywhere() {
    let inv = generate(50_000, 5);
    let expected: usize = inv
        .accounts
        .iter()
        .map(|a| {
            DataSource::ALL
                .iter()
                .map(|s| if s.is_global() { 1 } else { a.regions.len() })
                .sum::<usize>()
        })
        .sum();
    assert_eq!(inv.coverage.len(), expected);
    let gaps = inv
        .coverage
        .iter()
        .filter(|c| !c.state.is_collected())
        .count();
    assert!(gaps <= inv.accounts.len(), "{gaps}");
}

#[test]
fn account_count_scales_with_size() {
    assert_eq!(Synth::new(10, 1).accounts().len(), 1);
    assert_eq!(Synth::new(100_000, 1).accounts().len(), 20);
    assert_eq!(Synth::new(1_000_000, 1).accounts().len(), 200);
    assert_eq!(Synth::new(100_000_000, 1).accounts().len(), MAX_ACCOUNTS);
}
