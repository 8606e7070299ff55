//! Catalogue invariants: one test module for every rule a control must follow.

use std::collections::HashSet;
use std::path::Path;

use phiguard_model::{Citation, CoverageState, DataSource, SeedArea, Status};

use crate::catalogue::CATALOGUE;
use crate::control::DOC_SECTIONS;

#[test]
fn ids_and_slugs_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for c in CATALOGUE {
        let (service, number) = c.id().split_once('-').expect("id has a dash");
        assert!(
            !service.is_empty()
                && service
                    .chars()
                    .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit()),
            "{}",
            c.id()
        );
        assert!(
            number.len() == 3 && number.chars().all(|ch| ch.is_ascii_digit()),
            "{}",
            c.id()
        );
        assert!(
            c.slug()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
                && !c.slug().starts_with('-')
                && !c.slug().ends_with('-')
                && !c.slug().contains("--"),
            "{}",
            c.slug()
        );
        assert!(seen.insert(c.id().to_string()), "duplicate id {}", c.id());
        assert!(
            seen.insert(c.slug().to_string()),
            "duplicate slug {}",
            c.slug()
        );
        assert!(
            !c.meta.title.is_empty() && !c.meta.title.ends_with('.'),
            "{}: title",
            c.id()
        );
    }
}

#[test]
fn every_doc_section_is_present_in_order() {
    for c in CATALOGUE {
        let mut last = 0;
        for section in DOC_SECTIONS {
            let heading = format!("# {section}\n");
            let at = c
                .doc
                .find(&heading)
                .unwrap_or_else(|| panic!("{}: missing section {section}", c.id()));
            assert!(at >= last, "{}: section {section} out of order", c.id());
            last = at;
            let text = c.doc_section(section).unwrap_or_default();
            assert!(
                !text.lines().any(|l| l.starts_with("# ")),
                "{}: section {section} runs into the next one",
                c.id()
            );
            assert!(
                text.len() > 20,
                "{}: section {section} is too short",
                c.id()
            );
        }
        let remediation = c.doc_section("Remediation").unwrap_or_default();
        assert!(
            remediation.contains("CLI") || remediation.contains("aws "),
            "{}: remediation lacks a CLI step",
            c.id()
        );
    }
}

#[test]
fn every_citation_is_valid() {
    for c in CATALOGUE {
        assert!(!c.meta.citations.is_empty(), "{}: no citation", c.id());
        for citation in c.meta.citations {
            if let Err(e) = Citation::parse(citation) {
                panic!("{}: {e}", c.id());
            }
        }
    }
}

#[test]
fn every_control_declares_the_sources_of_the_kinds_it_reads() {
    for c in CATALOGUE {
        // Attestation-only controls (e.g. a documented risk assessment) read no AWS data.
        for kind in c.meta.resource_kinds {
            assert!(
                c.meta.inputs.iter().any(|i| i.source() == kind.source()),
                "{}: evaluates {kind} but does not declare {} as an input",
                c.id(),
                kind.source()
            );
        }
    }
}

#[test]
fn every_seed_area_is_covered() {
    for area in SeedArea::ALL {
        assert!(
            CATALOGUE.iter().any(|c| c.meta.seed_area == area),
            "no control for {area:?}"
        );
    }
}

#[test]
fn every_control_passes_its_passing_example_and_fails_its_failing_one() {
    for c in CATALOGUE {
        let examples = (c.examples)();
        let rows = examples.pass.run(c);
        assert!(
            rows.iter().any(|r| r.status == Status::Pass),
            "{}: passing example has no pass: {rows:#?}",
            c.id()
        );
        assert!(
            rows.iter()
                .all(|r| r.status != Status::Fail && r.status != Status::Error),
            "{}: passing example has a fail or error: {rows:#?}",
            c.id()
        );
        let rows = examples.fail.run(c);
        assert!(
            rows.iter().any(|r| r.status == Status::Fail),
            "{}: failing example has no fail: {rows:#?}",
            c.id()
        );
    }
}

/// The acceptance rule "never a false pass", for every data source kind and every way
/// collection can go wrong (denied, failed, not enabled, never collected): put the source in
/// that state in every region of the passing example, and every evaluation of every control
/// that reads it must be `error`, with the reason naming the source.
#[test]
fn a_missing_input_never_passes() {
    let states: [(Option<CoverageState>, &str); 4] = [
        (
            Some(CoverageState::Denied {
                code: "AccessDenied".into(),
                message: String::new(),
            }),
            "access denied (AccessDenied)",
        ),
        (
            Some(CoverageState::Failed {
                message: "Throttling: rate exceeded".into(),
            }),
            "collection failed: Throttling",
        ),
        (
            Some(CoverageState::NotEnabled {
                reason: "service not enabled in the emulator".into(),
            }),
            "not enabled",
        ),
        (None, "not collected"),
    ];
    let mut checked = HashSet::new();
    for c in CATALOGUE {
        for input in c.meta.inputs {
            let source = input.source();
            for (state, says) in &states {
                let rows = (c.examples)().pass.gap(source, state.clone()).run(c);
                assert!(
                    !rows.is_empty(),
                    "{}: nothing reported with {source} {says}",
                    c.id()
                );
                for row in &rows {
                    assert_eq!(
                        row.status,
                        Status::Error,
                        "{}: {source} {says} but {row:?}",
                        c.id()
                    );
                    assert!(
                        row.reason.contains(says),
                        "{}: reason should say {says:?}: {row:?}",
                        c.id()
                    );
                    assert!(
                        row.reason.contains(source.as_str()),
                        "{}: reason should name {source}: {row:?}",
                        c.id()
                    );
                }
            }
            checked.insert(source);
        }
    }
    // Every data source the model defines is read by some control: collecting data nothing
    // evaluates is cost without value.
    let unread: Vec<DataSource> = DataSource::ALL
        .iter()
        .copied()
        .filter(|s| !checked.contains(s))
        .collect();
    assert!(unread.is_empty(), "no control reads {unread:?}");
}

#[test]
fn every_control_file_is_registered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/controls");
    let registered: HashSet<String> = CATALOGUE.iter().map(|c| c.module.to_string()).collect();
    let mut files = 0;
    for service in std::fs::read_dir(&root).expect("controls dir") {
        let service = service.expect("entry").path();
        if !service.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&service).expect("service dir") {
            let file = file.expect("entry").path();
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            if file.extension().is_none_or(|e| e != "rs") || stem == "mod" || stem.starts_with('_')
            {
                continue;
            }
            files += 1;
            let service_name = service
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let module = format!("phiguard_controls::controls::{service_name}::{stem}");
            assert!(
                registered.contains(&module),
                "{module} is not registered in CATALOGUE"
            );
        }
    }
    assert_eq!(
        files,
        CATALOGUE.len(),
        "a registered control has no file of its own"
    );
}

/// Issue 4: every control tells the user how to fix a failure in the console, with the AWS
/// CLI and with Terraform (CloudFormation where natural): `- Console:`, `- CLI:` and
/// `- Terraform:` bullets in its Remediation section, each with text.
#[test]
fn every_remediation_has_console_cli_and_terraform_steps() {
    let mut wrong = Vec::new();
    for c in CATALOGUE {
        let r = c.remediation();
        let missing = r.missing();
        if !missing.is_empty() {
            wrong.push(format!("{}: no {} step", c.id(), missing.join(", ")));
        }
        if r.summary.is_empty() && r.steps.is_empty() {
            wrong.push(format!("{}: empty remediation", c.id()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
