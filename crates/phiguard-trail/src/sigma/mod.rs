//! Sigma rules for CloudTrail: YAML → AST ([`parse`]) → compiled matcher ([`SigmaRule`],
//! a [`Rule`]). The 58 SigmaHQ rules for `product: aws, service: cloudtrail` are bundled
//! ([`bundled`]); users add their own with [`load_dir`] and check them with [`lint`].
//!
//! What is supported: named searches (a map is an AND of its fields, a list of maps an OR),
//! scalar or list values (OR; AND with `all`), `null`, wildcards `*` `?` with `\` escapes,
//! case-insensitive matching (ASCII folding; Unicode for non-ASCII values), the modifiers
//! `contains`, `startswith`, `endswith`, `all`, `re` (with `i`, `m`, `s`), `cased`, `exists`
//! and `fieldref`, and conditions with `and`, `or`, `not`, parentheses, `1 of`/`all of`
//! a pattern or `them`, and condition lists. Anything else (aggregations, `near`, keyword
//! searches, `expand` and the other unsupported modifiers, fields that are not in a CloudTrail
//! record) rejects the rule with the reason, the file and the line.
//!
//! Sub-objects: `requestParameters`, `responseElements`, `additionalEventData` and `tlsDetails`
//! are parsed from the raw JSON only when a rule reaches them (after its typed fields matched),
//! once per event and rule. A field naming an object matches against its JSON text and every
//! string inside it.

mod bundled;
mod compile;
pub mod condition;
mod field;
pub mod parse;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use bundled::BUNDLED;
pub use compile::SigmaRule;
pub use parse::{FieldSpec, Modifier, Problem, RuleDoc, Search, SigmaValue};

use crate::rule::Rule;

/// A rule that could not be loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The file (for bundled rules, the file name under `rules/sigma/`).
    pub file: String,
    /// The rule's `id`, when it could be read.
    pub id: Option<String>,
    /// Every problem found, `; `-separated, each with its line when known.
    pub reason: String,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} (rule {id}): {}", self.file, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// The lint verdict on one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintResult {
    /// The file.
    pub file: String,
    /// The rule's `id`, when it could be read.
    pub id: Option<String>,
    /// The rule's `title`, when it loaded.
    pub title: Option<String>,
    /// Problems; empty when the rule loads.
    pub problems: Vec<Problem>,
}

impl LintResult {
    /// Whether the rule loads.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn reject(file: &str, id: Option<String>, problems: &[Problem]) -> Rejected {
    Rejected {
        file: file.to_string(),
        id,
        reason: problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// Parses a rule into its AST (no field resolution or pattern compilation).
pub fn parse_rule(file: &str, text: &str) -> Result<RuleDoc, Rejected> {
    parse::parse(text).map_err(|(id, problems)| reject(file, id, &problems))
}

fn compile_problems(file: &str, text: &str) -> Result<SigmaRule, (Option<String>, Vec<Problem>)> {
    let doc = parse::parse(text)?;
    let id = doc.id.clone();
    compile::compile(doc, file).map_err(|problems| (Some(id), problems))
}

/// Parses and compiles one rule.
pub fn compile_rule(file: &str, text: &str) -> Result<SigmaRule, Rejected> {
    compile_problems(file, text).map_err(|(id, problems)| reject(file, id, &problems))
}

/// Compiles a set of `(file, text)`; a rule whose `id` was already loaded is rejected.
fn compile_all<'a>(
    files: impl IntoIterator<Item = (String, Result<&'a str, String>)>,
) -> (Vec<SigmaRule>, Vec<Rejected>) {
    let mut rules: Vec<SigmaRule> = Vec::new();
    let mut rejected = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (file, text) in files {
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                rejected.push(Rejected {
                    file,
                    id: None,
                    reason: e,
                });
                continue;
            }
        };
        match compile_rule(&file, text) {
            Ok(rule) => {
                let id = rule.id().to_string();
                if let Some(first) = seen.get(&id) {
                    rejected.push(Rejected {
                        reason: format!("duplicate id: already loaded from {first}"),
                        file,
                        id: Some(id),
                    });
                } else {
                    seen.insert(id, file);
                    rules.push(rule);
                }
            }
            Err(r) => rejected.push(r),
        }
    }
    (rules, rejected)
}

/// The bundled SigmaHQ rules, compiled, and the ones that were rejected.
pub fn bundled_rules() -> (Vec<SigmaRule>, Vec<Rejected>) {
    compile_all(
        BUNDLED
            .iter()
            .map(|(file, text)| ((*file).to_string(), Ok(*text))),
    )
}

/// The bundled SigmaHQ rules as [`Rule`]s, and the ones that were rejected.
pub fn bundled() -> (Vec<Box<dyn Rule>>, Vec<Rejected>) {
    let (rules, rejected) = bundled_rules();
    (boxed(rules), rejected)
}

fn boxed(rules: Vec<SigmaRule>) -> Vec<Box<dyn Rule>> {
    rules
        .into_iter()
        .map(|r| Box::new(r) as Box<dyn Rule>)
        .collect()
}

/// The `.yml`/`.yaml` files under a path (itself if it is a file), sorted; unreadable
/// directories are reported as `Err`.
fn rule_files(path: &Path) -> Vec<(PathBuf, Result<String, String>)> {
    let mut out = Vec::new();
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"));
        out.push((path.to_path_buf(), text));
        return out;
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                out.push((dir, Err(format!("cannot read directory: {e}"))));
                continue;
            }
        };
        for entry in entries {
            let Ok(entry) = entry else { continue };
            let file = entry.path();
            if file.is_dir() {
                stack.push(file);
            } else if file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
            {
                let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read: {e}"));
                out.push((file, text));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Loads the Sigma rules under a directory (recursively; `.yml` and `.yaml`), or one file.
pub fn load_dir(path: impl AsRef<Path>) -> (Vec<Box<dyn Rule>>, Vec<Rejected>) {
    let (rules, rejected) = load_dir_rules(path);
    (boxed(rules), rejected)
}

/// [`load_dir`], keeping the concrete [`SigmaRule`]s.
pub fn load_dir_rules(path: impl AsRef<Path>) -> (Vec<SigmaRule>, Vec<Rejected>) {
    let files = rule_files(path.as_ref());
    compile_all(files.iter().map(|(file, text)| {
        (
            file.display().to_string(),
            text.as_deref().map_err(Clone::clone),
        )
    }))
}

/// Checks every rule file under a path (or one file): one result per file, in path order.
pub fn lint(path: impl AsRef<Path>) -> Vec<LintResult> {
    rule_files(path.as_ref())
        .into_iter()
        .map(|(file, text)| {
            let file = file.display().to_string();
            match text {
                Err(e) => LintResult {
                    file,
                    id: None,
                    title: None,
                    problems: vec![Problem::new(None, e)],
                },
                Ok(text) => match compile_problems(&file, &text) {
                    Ok(rule) => LintResult {
                        file,
                        id: Some(rule.id().to_string()),
                        title: Some(rule.title().to_string()),
                        problems: Vec::new(),
                    },
                    Err((id, problems)) => LintResult {
                        file,
                        id,
                        title: None,
                        problems,
                    },
                },
            }
        })
        .collect()
}
