//! `controls list` in every format and `controls explain`, on a fixed list of controls so
//! that controls added to the catalogue do not churn the snapshots.
#![expect(clippy::panic, reason = "fixture helpers fail the test by panicking")]

use phiguard_controls::{CATALOGUE, Control};
use phiguard_report::catalog::{ListFormat, explain, list};

fn controls() -> Vec<&'static Control> {
    ["IAM-001", "S3-007"]
        .iter()
        .map(|id| phiguard_controls::find(id).unwrap_or_else(|| panic!("control {id} missing")))
        .collect()
}

#[test]
fn list_table_snapshot() {
    insta::assert_snapshot!("list_table", list(ListFormat::Table, &controls()));
}

#[test]
fn list_json_snapshot() {
    let json = list(ListFormat::Json, &controls());
    insta::assert_snapshot!("list_json", json);
}

#[test]
fn list_csv_snapshot() {
    insta::assert_snapshot!("list_csv", list(ListFormat::Csv, &controls()));
}

#[test]
fn list_md_snapshot() {
    insta::assert_snapshot!("list_md", list(ListFormat::Md, &controls()));
}

#[test]
fn explain_snapshots() {
    insta::assert_snapshot!("explain_s3_007", explain(controls()[1]));
    insta::assert_snapshot!("explain_iam_001", explain(controls()[0]));
}

#[test]
fn list_json_has_everything_for_every_control() {
    let json = list(ListFormat::Json, CATALOGUE);
    let items: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(items.len(), CATALOGUE.len());
    for (item, control) in items.iter().zip(CATALOGUE) {
        assert_eq!(item["id"], control.id());
        for key in [
            "slug",
            "title",
            "severity",
            "seed_area",
            "shared_area",
            "hipaa",
            "config_rules",
            "prowler_checks",
            "resource_kinds",
            "data_sources",
            "remediation",
            "lifecycle",
            "docs",
            "doc",
        ] {
            assert!(item.get(key).is_some(), "{} lacks {key}", control.id());
        }
        assert!(!item["hipaa"].as_array().unwrap().is_empty());
        assert!(item["doc"].as_str().unwrap().contains("# Remediation"));
        // The remediation is that section alone, not the References after it.
        let remediation = item["remediation"].as_str().unwrap();
        assert!(!remediation.is_empty(), "{}", control.id());
        assert!(
            !remediation.contains("# ") && !remediation.starts_with(' '),
            "{}: {remediation}",
            control.id()
        );
    }
}

#[test]
fn list_formats_parse() {
    assert_eq!(ListFormat::parse("JSON"), Some(ListFormat::Json));
    assert_eq!(ListFormat::parse("markdown"), Some(ListFormat::Md));
    assert_eq!(ListFormat::parse("yaml"), None);
}

#[test]
fn list_csv_has_one_row_per_control() {
    let csv = list(ListFormat::Csv, CATALOGUE);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), CATALOGUE.len());
    assert_eq!(&rows[0][0], CATALOGUE[0].id());
}

/// `explain` fits 80 columns for every control in the catalogue; only a line holding an
/// unbreakable token longer than 60 columns may be longer.
#[test]
fn explain_fits_80_columns() {
    for control in CATALOGUE {
        let text = explain(control);
        assert!(text.contains(control.meta.title));
        for heading in [
            "REQUIREMENT",
            "RATIONALE",
            "EVALUATION",
            "REMEDIATION",
            "REFERENCES",
        ] {
            assert!(text.contains(heading), "{} lacks {heading}", control.id());
        }
        for line in text.lines() {
            if line.chars().count() > 80 {
                let longest = line
                    .split_whitespace()
                    .map(|w| w.chars().count())
                    .max()
                    .unwrap_or(0);
                assert!(
                    longest > 60,
                    "{}: line over 80 columns: {line:?}",
                    control.id()
                );
            }
        }
    }
}
