//! Coverage of the reference catalogues: every rule of the AWS Config conformance pack
//! "Operational Best Practices for HIPAA Security" (130) and every check of Prowler's HIPAA
//! mapping (95) is either mapped by a control's `config_rules` / `prowler_checks` metadata or
//! excluded with a written reason.
//!
//! The reference lists and the exclusion files live in `crates/phiguard-controls/coverage/`
//! and are embedded at build time: `config-pack-hipaa.txt`,
//! `prowler-hipaa.txt`, every `exclusions-*.toml` (`[[excluded]] id, kind, reason`) and
//! `beyond-the-pack.toml` (`[[beyond]] id, kind, reason`: ids a control lists that neither
//! reference contains, e.g. a Prowler check Prowler does not map to HIPAA).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::catalogue::CATALOGUE;
use crate::control::Control;

mod files {
    /// Every `coverage/exclusions-*.toml` file: (file name, contents). Listed by hand (a
    /// build script's directory listing went stale in a shared target dir); a test checks
    /// the list against the folder.
    pub static EXCLUSION_FILES: &[(&str, &str)] = &[
        (
            "exclusions-controls-1.toml",
            include_str!("../coverage/exclusions-controls-1.toml"),
        ),
        (
            "exclusions-controls-2.toml",
            include_str!("../coverage/exclusions-controls-2.toml"),
        ),
        (
            "exclusions-coverage.toml",
            include_str!("../coverage/exclusions-coverage.toml"),
        ),
    ];
}

const CONFIG_PACK: &str = include_str!("../coverage/config-pack-hipaa.txt");
const PROWLER: &str = include_str!("../coverage/prowler-hipaa.txt");
const BEYOND: &str = include_str!("../coverage/beyond-the-pack.toml");

/// Which reference an id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// An AWS Config managed rule of the HIPAA conformance pack.
    ConfigRule,
    /// A Prowler check of Prowler's HIPAA mapping.
    ProwlerCheck,
}

impl RefKind {
    /// Both kinds, in report order.
    pub const ALL: [RefKind; 2] = [RefKind::ConfigRule, RefKind::ProwlerCheck];

    /// The wire name (`config_rule`).
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::ConfigRule => "config_rule",
            RefKind::ProwlerCheck => "prowler_check",
        }
    }

    /// The reference's title.
    pub fn title(self) -> &'static str {
        match self {
            RefKind::ConfigRule => "AWS Config conformance pack (HIPAA Security)",
            RefKind::ProwlerCheck => "Prowler HIPAA mapping",
        }
    }

    /// How many ids the reference holds (checked by a test against the embedded list).
    pub fn expected_len(self) -> usize {
        match self {
            RefKind::ConfigRule => 130,
            RefKind::ProwlerCheck => 95,
        }
    }

    fn ids_of(self, control: &Control) -> &'static [&'static str] {
        match self {
            RefKind::ConfigRule => control.meta.config_rules,
            RefKind::ProwlerCheck => control.meta.prowler_checks,
        }
    }

    fn list(self) -> &'static str {
        match self {
            RefKind::ConfigRule => CONFIG_PACK,
            RefKind::ProwlerCheck => PROWLER,
        }
    }
}

/// One id of a reference list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Config rule or Prowler check.
    pub kind: RefKind,
    /// The id (`s3-bucket-versioning-enabled`, `s3_bucket_object_versioning`).
    pub id: &'static str,
    /// The catalogue section it is listed under (`A.8 Backups & DR / availability`).
    pub section: &'static str,
}

/// Parses a reference list: one id per line, `## ` lines open a section, other `#` lines and
/// blank lines are ignored.
fn parse_list(kind: RefKind, text: &'static str) -> Vec<Reference> {
    let mut section = "";
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(s) = line.strip_prefix("## ") {
            section = s.trim();
        } else if !line.is_empty() && !line.starts_with('#') {
            out.push(Reference {
                kind,
                id: line,
                section,
            });
        }
    }
    out
}

/// The reference list of one kind, in file order.
pub fn references(kind: RefKind) -> Vec<Reference> {
    parse_list(kind, kind.list())
}

/// An id that is deliberately not mapped, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// The id.
    pub id: String,
    /// Config rule or Prowler check.
    pub kind: RefKind,
    /// Why phiguard does not implement it.
    pub reason: String,
    /// The file that lists it (filled in when loading).
    #[serde(default)]
    pub file: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExclusionFile {
    #[serde(default)]
    excluded: Vec<Exclusion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BeyondFile {
    #[serde(default)]
    beyond: Vec<Exclusion>,
}

/// How a reference id is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// At least one control lists it.
    Mapped,
    /// Listed in an exclusions file with a reason.
    Excluded,
    /// Both mapped and excluded: one of them is wrong.
    Conflict,
    /// Neither mapped nor excluded.
    Uncovered,
}

impl RowStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Mapped => "mapped",
            RowStatus::Excluded => "excluded",
            RowStatus::Conflict => "conflict",
            RowStatus::Uncovered => "uncovered",
        }
    }
}

/// One reference id and how it is covered.
#[derive(Debug, Clone)]
pub struct Row {
    /// The reference id.
    pub reference: Reference,
    /// Controls whose metadata lists it, in catalogue order.
    pub controls: Vec<&'static Control>,
    /// Its exclusion, if any.
    pub exclusion: Option<Exclusion>,
}

impl Row {
    /// Mapped, excluded, both or neither.
    pub fn status(&self) -> RowStatus {
        match (self.controls.is_empty(), &self.exclusion) {
            (false, None) => RowStatus::Mapped,
            (true, Some(_)) => RowStatus::Excluded,
            (false, Some(_)) => RowStatus::Conflict,
            (true, None) => RowStatus::Uncovered,
        }
    }
}

/// An id a control lists that neither reference holds.
#[derive(Debug, Clone)]
pub struct Beyond {
    /// Config rule or Prowler check.
    pub kind: RefKind,
    /// The id.
    pub id: &'static str,
    /// The controls listing it.
    pub controls: Vec<&'static Control>,
    /// The reason from `beyond-the-pack.toml`; `None` is a problem.
    pub reason: Option<String>,
}

/// Totals for one reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Ids in the reference.
    pub total: usize,
    /// Mapped by at least one control.
    pub mapped: usize,
    /// Excluded with a reason.
    pub excluded: usize,
    /// Both mapped and excluded.
    pub conflict: usize,
    /// Neither.
    pub uncovered: usize,
}

/// The coverage of both references by a set of controls.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// Config pack rules first, then Prowler checks, each in reference order.
    pub rows: Vec<Row>,
    /// Ids in control metadata outside both references.
    pub beyond: Vec<Beyond>,
    /// How many controls were considered.
    pub controls: usize,
    /// Everything that is wrong with the data: parse errors, exclusions naming unknown or
    /// duplicate ids, empty reasons, unexplained ids beyond the references.
    pub problems: Vec<String>,
}

impl Coverage {
    /// The coverage of the built-in catalogue.
    pub fn of_catalogue() -> Coverage {
        Coverage::of(CATALOGUE)
    }

    /// The coverage of `controls`.
    pub fn of(controls: &[&'static Control]) -> Coverage {
        let mut problems = Vec::new();
        let mut exclusions: BTreeMap<(RefKind, String), Exclusion> = BTreeMap::new();
        for (file, text) in files::EXCLUSION_FILES {
            match toml_edit::de::from_str::<ExclusionFile>(text) {
                Ok(parsed) => {
                    for mut e in parsed.excluded {
                        e.file = (*file).to_string();
                        if e.reason.trim().is_empty() {
                            problems
                                .push(format!("{file}: `{}` is excluded without a reason", e.id));
                        }
                        let key = (e.kind, e.id.clone());
                        if let Some(first) = exclusions.get(&key) {
                            problems.push(format!(
                                "{file}: `{}` is already excluded in {}",
                                e.id, first.file
                            ));
                        } else {
                            exclusions.insert(key, e);
                        }
                    }
                }
                Err(e) => problems.push(format!("{file}: {e}")),
            }
        }
        let mut beyond_reasons: BTreeMap<(RefKind, String), String> = BTreeMap::new();
        match toml_edit::de::from_str::<BeyondFile>(BEYOND) {
            Ok(parsed) => {
                for b in parsed.beyond {
                    if b.reason.trim().is_empty() {
                        problems.push(format!("beyond-the-pack.toml: `{}` has no reason", b.id));
                    }
                    beyond_reasons.insert((b.kind, b.id), b.reason);
                }
            }
            Err(e) => problems.push(format!("beyond-the-pack.toml: {e}")),
        }

        let mut rows = Vec::new();
        let mut known: HashSet<(RefKind, &str)> = HashSet::new();
        for kind in RefKind::ALL {
            let list = references(kind);
            if list.len() != kind.expected_len() {
                problems.push(format!(
                    "{}: {} ids, expected {}",
                    kind.title(),
                    list.len(),
                    kind.expected_len()
                ));
            }
            for reference in list {
                if !known.insert((kind, reference.id)) {
                    problems.push(format!("{}: `{}` listed twice", kind.title(), reference.id));
                    continue;
                }
                let mapped: Vec<&'static Control> = controls
                    .iter()
                    .copied()
                    .filter(|c| kind.ids_of(c).contains(&reference.id))
                    .collect();
                let exclusion = exclusions.remove(&(kind, reference.id.to_string()));
                rows.push(Row {
                    reference,
                    controls: mapped,
                    exclusion,
                });
            }
        }
        for ((kind, id), e) in exclusions {
            let hint = crate::catalogue::closest(
                &id,
                known.iter().filter(|(k, _)| *k == kind).map(|(_, i)| *i),
            )
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
            problems.push(format!(
                "{}: `{id}` is not a {} of the reference{hint}",
                e.file,
                kind.as_str().replace('_', " ")
            ));
        }

        let mut beyond: BTreeMap<(RefKind, &'static str), Vec<&'static Control>> = BTreeMap::new();
        for c in controls {
            for kind in RefKind::ALL {
                for id in kind.ids_of(c) {
                    if !known.contains(&(kind, *id)) {
                        beyond.entry((kind, *id)).or_default().push(c);
                    }
                }
            }
        }
        let beyond: Vec<Beyond> = beyond
            .into_iter()
            .map(|((kind, id), controls)| {
                let reason = beyond_reasons.get(&(kind, id.to_string())).cloned();
                if reason.is_none() {
                    let names: Vec<&str> = controls.iter().map(|c| c.id()).collect();
                    problems.push(format!(
                        "{} lists {} `{id}`, which is in neither reference; add it to coverage/beyond-the-pack.toml with a reason or fix the id",
                        names.join(", "),
                        kind.as_str().replace('_', " ")
                    ));
                }
                Beyond {
                    kind,
                    id,
                    controls,
                    reason,
                }
            })
            .collect();
        Coverage {
            rows,
            beyond,
            controls: controls.len(),
            problems,
        }
    }

    /// Totals for one reference.
    pub fn totals(&self, kind: RefKind) -> Totals {
        let mut t = Totals::default();
        for row in self.rows.iter().filter(|r| r.reference.kind == kind) {
            t.total += 1;
            match row.status() {
                RowStatus::Mapped => t.mapped += 1,
                RowStatus::Excluded => t.excluded += 1,
                RowStatus::Conflict => t.conflict += 1,
                RowStatus::Uncovered => t.uncovered += 1,
            }
        }
        t
    }

    /// Whether every reference id is mapped or excluded (never both) and the data has no
    /// problems.
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty()
            && self
                .rows
                .iter()
                .all(|r| matches!(r.status(), RowStatus::Mapped | RowStatus::Excluded))
    }
}

/// The catalogue size issue 4 accepts.
pub const MIN_CATALOGUE: usize = 120;

#[cfg(test)]
mod tests {
    #[test]
    fn every_exclusions_file_in_the_folder_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("coverage");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("exclusions-") && n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = super::files::EXCLUSION_FILES
            .iter()
            .map(|(name, _)| name.to_string())
            .collect();
        assert_eq!(
            embedded, on_disk,
            "add the new file to coverage.rs's EXCLUSION_FILES"
        );
    }

    use super::*;

    #[test]
    fn the_reference_lists_hold_130_config_rules_and_95_prowler_checks() {
        for kind in RefKind::ALL {
            let list = references(kind);
            assert_eq!(list.len(), kind.expected_len(), "{}", kind.title());
            let unique: HashSet<&str> = list.iter().map(|r| r.id).collect();
            assert_eq!(unique.len(), list.len(), "{} has duplicates", kind.title());
            assert!(
                list.iter().all(|r| r.section.starts_with("A.")),
                "{}: every id has a section",
                kind.title()
            );
        }
        // Spot checks against the catalogue (rules from both ends of section A).
        let config = references(RefKind::ConfigRule);
        assert!(config.iter().any(|r| r.id == "root-account-mfa-enabled"));
        assert!(
            config
                .iter()
                .any(|r| r.id == "annual-risk-assessment-performed")
        );
        let prowler = references(RefKind::ProwlerCheck);
        assert!(prowler.iter().any(|r| r.id == "iam_root_mfa_enabled"));
        assert!(
            prowler
                .iter()
                .any(|r| r.id == "iam_inline_policy_no_wildcard_marketplace_subscribe")
        );
    }

    #[test]
    fn every_data_file_parses_without_problems() {
        let coverage = Coverage::of_catalogue();
        assert!(
            coverage.problems.is_empty(),
            "coverage data problems:\n{}",
            coverage.problems.join("\n")
        );
    }

    /// Acceptance (issue 4): every reference id is mapped by at least one control or excluded
    /// with a non-empty reason, never both.
    #[test]
    fn every_reference_id_is_mapped_or_excluded_never_both() {
        let coverage = Coverage::of_catalogue();
        let wrong: Vec<String> = coverage
            .rows
            .iter()
            .filter(|r| !matches!(r.status(), RowStatus::Mapped | RowStatus::Excluded))
            .map(|r| {
                format!(
                    "{} {} `{}` ({})",
                    r.status().as_str(),
                    r.reference.kind.as_str(),
                    r.reference.id,
                    r.reference.section
                )
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{} reference ids are not covered:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
        for row in &coverage.rows {
            if let Some(e) = &row.exclusion {
                assert!(!e.reason.trim().is_empty(), "{}: empty reason", e.id);
            }
        }
    }

    /// Every id in a control's metadata is in a reference list or explicitly allowed as
    /// beyond the pack.
    #[test]
    fn every_metadata_id_is_known_or_allowed_beyond_the_pack() {
        let coverage = Coverage::of_catalogue();
        let unexplained: Vec<String> = coverage
            .beyond
            .iter()
            .filter(|b| b.reason.is_none())
            .map(|b| format!("{} `{}`", b.kind.as_str(), b.id))
            .collect();
        assert!(
            unexplained.is_empty(),
            "ids in neither reference:\n{}",
            unexplained.join("\n")
        );
    }

    /// Acceptance (issue 4): the catalogue holds at least 120 controls.
    #[test]
    fn the_catalogue_holds_at_least_120_controls() {
        assert!(
            CATALOGUE.len() >= MIN_CATALOGUE,
            "the catalogue holds {} controls; issue 4 needs at least {MIN_CATALOGUE}",
            CATALOGUE.len()
        );
    }

    #[test]
    fn statuses_and_problems_are_detected() {
        // A catalogue of one control: everything else is uncovered, and an id outside the
        // references without a reason is a problem.
        let one = [&crate::controls::s3::s3_bucket_versioning_enabled::CONTROL as &Control];
        let coverage = Coverage::of(&one);
        let row = coverage
            .rows
            .iter()
            .find(|r| r.reference.id == "s3-bucket-versioning-enabled")
            .expect("listed");
        assert_eq!(row.status(), RowStatus::Mapped);
        assert_eq!(row.controls[0].id(), "S3-007");
        let t = coverage.totals(RefKind::ConfigRule);
        assert_eq!(t.total, 130);
        assert_eq!(t.mapped + t.excluded + t.conflict + t.uncovered, 130);
        assert!(t.mapped >= 1);
        assert!(!Coverage::of(&[]).is_complete());

        let mut row = row.clone();
        row.exclusion = Some(Exclusion {
            id: row.reference.id.to_string(),
            kind: RefKind::ConfigRule,
            reason: "x".into(),
            file: "f".into(),
        });
        assert_eq!(row.status(), RowStatus::Conflict);
        row.controls.clear();
        assert_eq!(row.status(), RowStatus::Excluded);
        row.exclusion = None;
        assert_eq!(row.status(), RowStatus::Uncovered);
    }
}
