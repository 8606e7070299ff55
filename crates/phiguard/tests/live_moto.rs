//! Live collection against a real AWS emulator: moto in server mode (pinned in
//! `tests/moto/requirements.txt`, installed by `.ci/moto.sh`), started here on 127.0.0.1 and
//! stopped after. `tests/moto/seed.py` builds a small healthcare account in two regions; the
//! scan's results are compared with `tests/moto/expected.tsv` (every mismatch printed), and
//! every AWS operation the scan called must be read-only and listed in the IAM policy table,
//! and every row of that table must have been called.
#![cfg(feature = "aws")]
#![expect(clippy::unwrap_used, reason = "test helpers")]

mod support;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use support::{Moto, phiguard, repo};

/// One expected result: control, a substring of the resource id, status, and why.
struct Expected {
    line: usize,
    control: String,
    resource: String,
    status: String,
    why: String,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(repo().join("tests/moto/expected.tsv")).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(
                f.len() >= 3,
                "expected.tsv line {}: want 3-4 tab-separated fields",
                i + 1
            );
            Expected {
                line: i + 1,
                control: f[0].to_string(),
                resource: f[1].to_string(),
                status: f[2].to_string(),
                why: f.get(3).unwrap_or(&"").to_string(),
            }
        })
        .collect()
}

fn results(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["control_id"].as_str().unwrap().to_string(),
                r["resource"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn operations(path: &Path) -> BTreeSet<(String, String)> {
    let ops: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    ops.as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["service"].as_str().unwrap().to_string(),
                o["operation"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn scan_of_the_emulated_account_matches_the_expected_table() {
    let Some(moto) = Moto::start() else {
        return;
    };
    moto.seed();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, stderr) = phiguard(
        d,
        &[
            "scan",
            "--no-config",
            "--endpoint-url",
            &moto.url,
            "--region",
            "us-east-1,eu-west-1",
            "--format",
            "json",
            "--output",
            "report.json",
            "--operations-log",
            "ops.json",
            "--save-inventory",
            "inventory.json.gz",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    let got = results(&report);

    // Every expected row matches at least one result; a plain status must hold for all of
    // them, `some:<status>` for at least one.
    let mut mismatches = Vec::new();
    for e in expected() {
        let matching: Vec<&(String, String, String)> = got
            .iter()
            .filter(|(c, r, _)| *c == e.control && r.contains(&e.resource))
            .collect();
        let (some, status) = match e.status.strip_prefix("some:") {
            Some(s) => (true, s),
            None => (false, e.status.as_str()),
        };
        if matching.is_empty() {
            mismatches.push(format!(
                "line {}: {} on `{}`: expected {}, got no result ({})",
                e.line, e.control, e.resource, e.status, e.why
            ));
        } else if some {
            if !matching.iter().any(|(_, _, s)| s == status) {
                let seen: Vec<String> = matching
                    .iter()
                    .map(|(_, r, s)| format!("{r}={s}"))
                    .collect();
                mismatches.push(format!(
                    "line {}: {} on `{}`: expected at least one {status}, got {} ({})",
                    e.line,
                    e.control,
                    e.resource,
                    seen.join(", "),
                    e.why
                ));
            }
        } else {
            for (c, r, s) in matching {
                if s != status {
                    mismatches.push(format!(
                        "line {}: {c} on `{r}`: expected {status}, got {s} ({})",
                        e.line, e.why
                    ));
                }
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatch(es) with tests/moto/expected.tsv:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );

    // Never a false pass: a source the emulator could not serve makes its controls `error`.
    let inventory = {
        let bytes = std::fs::read(d.join("inventory.json.gz")).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        phiguard_model::Inventory::from_json(text.as_bytes()).unwrap()
    };
    assert_eq!(inventory.accounts.len(), 1);
    assert_eq!(inventory.accounts[0].id, "123456789012");
    assert!(
        inventory
            .resources
            .iter()
            .any(|r| r.arn.ends_with(":::lakeside-phi-records")),
        "the seeded PHI bucket was not collected"
    );

    // Every data source the catalogue reads (or a resource kind it evaluates comes from) has
    // a coverage entry after the scan: in `global` for global sources, in each scanned region
    // for regional ones. A source without a collector would be missing here.
    let mut gaps = BTreeSet::new();
    for control in phiguard_controls::CATALOGUE {
        let m = &control.meta;
        let sources = m
            .inputs
            .iter()
            .map(|i| i.source())
            .chain(m.resource_kinds.iter().map(|k| k.source()));
        for source in sources {
            let regions: &[&str] = if source.is_global() {
                &[phiguard_model::GLOBAL]
            } else {
                &["us-east-1", "eu-west-1"]
            };
            for region in regions {
                let found = inventory
                    .coverage
                    .iter()
                    .any(|c| c.source == source && c.region == *region);
                if !found {
                    gaps.insert(format!("{} reads {source}: no coverage in {region}", m.id));
                }
            }
        }
    }
    assert!(
        gaps.is_empty(),
        "{}",
        gaps.into_iter().collect::<Vec<_>>().join("\n")
    );

    // Read-only, provably: every operation called is a read and is in the policy table.
    let ops = operations(&d.join("ops.json"));
    let mut problems = Vec::new();
    for (service, op) in &ops {
        if !phiguard_aws::recorder::is_read_only(op) {
            problems.push(format!("{service} {op} is not read-only"));
        }
        if phiguard_aws::permissions::action_for(service, op).is_none() {
            problems.push(format!(
                "{service} {op} is missing from phiguard_aws::permissions::PERMISSIONS"
            ));
        }
    }

    // Organisation mode against the same emulator: the management account lists its
    // accounts and assumes the role in each.
    let (code, stderr) = {
        moto.python(ORG_SEED);
        phiguard(
            d,
            &[
                "scan",
                "--no-config",
                "--endpoint-url",
                &moto.url,
                "--region",
                "us-east-1",
                "--org",
                "--role",
                "OrganizationAccountAccessRole",
                "--external-id",
                "lakeside-scan",
                "--format",
                "json",
                "--output",
                "org.json",
                "--operations-log",
                "org-ops.json",
                "--fail-on",
                "none",
            ],
        )
    };
    assert_eq!(code, 0, "{stderr}");
    let org: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("org.json")).unwrap()).unwrap();
    let accounts: BTreeSet<&str> = org["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(
        accounts.len() >= 3,
        "org scan accounts: {accounts:?}\n{stderr}"
    );
    let mut all_ops = ops;
    all_ops.extend(operations(&d.join("org-ops.json")));
    for p in phiguard_aws::permissions::PERMISSIONS {
        if NOT_EXERCISED.contains(&(p.service, p.operation)) {
            continue;
        }
        if !all_ops.contains(&(p.service.to_string(), p.operation.to_string())) {
            problems.push(format!(
                "{} {} is in the policy table but was never called",
                p.service, p.operation
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Table rows the seeded account does not reach: calls skipped because `--region` is given
/// or root has no MFA, per-resource calls for resources the seed cannot create in moto
/// (cluster snapshots, backup selections: moto has no CreateBackupSelection) and calls that
/// only follow ones moto cannot answer (CloudWatch's CBOR protocol, Security Hub standards).
/// Each must still be in the table.
const NOT_EXERCISED: &[(&str, &str)] = &[
    ("EC2", "DescribeRegions"),
    ("IAM", "ListVirtualMFADevices"),
    ("RDS", "DescribeDBClusterSnapshotAttributes"),
    ("CloudWatch", "ListTagsForResource"),
    ("SecurityHub", "GetEnabledStandards"),
    ("SecurityHub", "ListTagsForResource"),
    ("Backup", "GetBackupSelection"),
    // controls-1 collectors: per-resource calls for services the seed creates nothing in.
    ("RDS", "DescribeDBClusterParameters"),
    ("OpenSearch", "DescribeDomains"),
    ("OpenSearch", "ListTags"),
    ("Redshift", "DescribeLoggingStatus"),
    ("Redshift", "DescribeClusterParameters"),
    ("API Gateway", "GetStages"),
    ("EFS", "DescribeBackupPolicy"),
    ("Elastic Load Balancing", "DescribeLoadBalancerPolicies"),
    ("Elastic Load Balancing", "DescribeLoadBalancerAttributes"),
    ("Elastic Load Balancing", "DescribeTags"),
    ("Backup", "ListRestoreTestingSelections"),
    // controls-2 collectors: called only once an analyzer / Macie session / managed node /
    // custom document exists, and moto serves none of them (ListAnalyzers 404, Macie not
    // enabled) or the seed creates none.
    ("AccessAnalyzer", "ListFindings"),
    ("Macie2", "GetAutomatedDiscoveryConfiguration"),
    ("Macie2", "ListClassificationJobs"),
    ("SSM", "ListResourceComplianceSummaries"),
    ("SSM", "DescribeDocumentPermission"),
];

#[test]
fn unexercised_operations_are_in_the_policy_table() {
    for (service, op) in NOT_EXERCISED {
        assert!(
            phiguard_aws::permissions::action_for(service, op).is_some(),
            "{service} {op}"
        );
    }
}

/// Creates an organisation with two member accounts (moto lets the management account
/// assume any role in them).
const ORG_SEED: &str = r#"
import sys, boto3
org = boto3.client("organizations", region_name="us-east-1", endpoint_url=sys.argv[1],
                   aws_access_key_id="testing", aws_secret_access_key="testing")
org.create_organization(FeatureSet="ALL")
for name in ("lakeside-prod", "lakeside-dev"):
    org.create_account(AccountName=name, Email=f"{name}@example.invalid")
"#;
