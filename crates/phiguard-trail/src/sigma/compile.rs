//! Rule AST → a matcher implementing [`Rule`]. Patterns are compiled once: plain values become
//! pre-lowercased equality / prefix / suffix / substring tests compared with ASCII case folding
//! (Sigma matching is case-insensitive by default; `cased` makes it exact), other wildcard
//! values and `re` become [`Regex`]es.

use std::collections::BTreeSet;

use phiguard_model::Severity;
use regex::{Regex, RegexBuilder};

use super::condition::{Condition, OfTarget, pattern_matches};
use super::field::{self, FieldPath, Lazy, Typed};
use super::parse::{FieldSpec, Modifier, Problem, RuleDoc, Search, SigmaValue};
use crate::event::Event;
use crate::rule::{Rule, RuleSource};

/// A compiled Sigma rule.
#[derive(Debug)]
pub struct SigmaRule {
    id: String,
    title: String,
    level: Severity,
    status: Option<String>,
    description: Option<String>,
    file: String,
    searches: Vec<CompiledSearch>,
    root: Node,
    event_names: Option<Vec<String>>,
    /// Whether a field it reads is raw (`requestParameters.*`, `resources.*`, ...).
    reads_raw: bool,
}

impl SigmaRule {
    /// The file the rule came from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Sigma `status` (`stable`, `test`, `experimental`, ...).
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// Sigma `description`.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
}

impl Rule for SigmaRule {
    fn id(&self) -> &str {
        &self.id
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn severity(&self) -> Severity {
        self.level
    }

    fn source(&self) -> RuleSource {
        RuleSource::Sigma
    }

    fn event_names(&self) -> Option<Vec<String>> {
        self.event_names.clone()
    }

    fn matches(&self, event: &Event<'_>) -> bool {
        let lazy = Lazy::new(event);
        self.root.eval(&self.searches, &lazy)
    }

    fn reads_raw(&self) -> bool {
        self.reads_raw
    }

    fn may_match_light(&self, light: &Event<'_>) -> bool {
        if !self.reads_raw {
            return self.matches(light);
        }
        // Raw fields are unknown on a light event: three-valued logic, and only a sure
        // "no" rules the event out.
        let lazy = Lazy::new(light);
        self.root.eval3(&self.searches, &lazy) != Some(false)
    }
}

#[derive(Debug)]
enum Node {
    Search(usize),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

impl Node {
    fn eval(&self, searches: &[CompiledSearch], lazy: &Lazy<'_, '_>) -> bool {
        match self {
            Node::Search(i) => searches.get(*i).is_some_and(|s| s.eval(lazy)),
            Node::Not(inner) => !inner.eval(searches, lazy),
            Node::And(nodes) => nodes.iter().all(|n| n.eval(searches, lazy)),
            Node::Or(nodes) => nodes.iter().any(|n| n.eval(searches, lazy)),
        }
    }

    /// [`Node::eval`] when raw fields are unknown (`None`): Kleene logic.
    fn eval3(&self, searches: &[CompiledSearch], lazy: &Lazy<'_, '_>) -> Option<bool> {
        match self {
            Node::Search(i) => searches.get(*i).map_or(Some(false), |s| s.eval3(lazy)),
            Node::Not(inner) => inner.eval3(searches, lazy).map(|v| !v),
            Node::And(nodes) => and3(nodes.iter().map(|n| n.eval3(searches, lazy))),
            Node::Or(nodes) => or3(nodes.iter().map(|n| n.eval3(searches, lazy))),
        }
    }

    /// Event names one of which the event must have for the node to be true, if known.
    fn event_names(&self, searches: &[CompiledSearch]) -> Option<BTreeSet<String>> {
        match self {
            Node::Search(i) => searches.get(*i)?.event_names.clone(),
            Node::Not(_) => None,
            Node::And(nodes) => nodes
                .iter()
                .filter_map(|n| n.event_names(searches))
                .reduce(|a, b| a.intersection(&b).cloned().collect()),
            Node::Or(nodes) => {
                let mut all = BTreeSet::new();
                for node in nodes {
                    all.extend(node.event_names(searches)?);
                }
                Some(all)
            }
        }
    }
}

#[derive(Debug)]
struct CompiledSearch {
    /// OR of ANDs.
    alternatives: Vec<Vec<FieldTest>>,
    event_names: Option<BTreeSet<String>>,
}

impl CompiledSearch {
    fn eval(&self, lazy: &Lazy<'_, '_>) -> bool {
        self.alternatives
            .iter()
            .any(|fields| fields.iter().all(|f| f.eval(lazy)))
    }

    fn eval3(&self, lazy: &Lazy<'_, '_>) -> Option<bool> {
        or3(self
            .alternatives
            .iter()
            .map(|fields| and3(fields.iter().map(|f| f.eval3(lazy)))))
    }
}

/// Kleene AND: false wins, then unknown.
fn and3(values: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for v in values {
        match v {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

/// Kleene OR: true wins, then unknown.
fn or3(values: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for v in values {
        match v {
            Some(true) => return Some(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown { None } else { Some(false) }
}

#[derive(Debug)]
struct FieldTest {
    path: FieldPath,
    test: Test,
}

#[derive(Debug)]
enum Test {
    /// `exists: true|false`.
    Exists(bool),
    /// Values: any (or all) of the patterns matches some value of the field.
    Values { all: bool, patterns: Vec<Pattern> },
    /// `fieldref`: the field's value compared with another field's.
    FieldRef {
        all: bool,
        others: Vec<FieldPath>,
        kind: Shape,
        cased: bool,
    },
}

#[derive(Debug)]
enum Pattern {
    /// `null`: no value.
    Null,
    /// A string test.
    Str(StrMatch),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Eq,
    Prefix,
    Suffix,
    Contains,
}

#[derive(Debug)]
enum StrMatch {
    /// `*`: any value.
    Any,
    /// A literal compared with a shape; `needle` is lowercase unless `cased`.
    Plain {
        shape: Shape,
        needle: String,
        cased: bool,
    },
    /// A wildcard pattern or `re`.
    Regex(Regex),
}

impl StrMatch {
    fn is_match(&self, value: &str) -> bool {
        match self {
            StrMatch::Any => true,
            StrMatch::Plain {
                shape,
                needle,
                cased,
            } => shape_match(*shape, value, needle, *cased),
            StrMatch::Regex(re) => re.is_match(value),
        }
    }
}

fn shape_match(shape: Shape, value: &str, needle: &str, cased: bool) -> bool {
    let (v, n) = (value.as_bytes(), needle.as_bytes());
    let eq = |a: &[u8], b: &[u8]| {
        if cased {
            a == b
        } else {
            a.eq_ignore_ascii_case(b)
        }
    };
    match shape {
        Shape::Eq => eq(v, n),
        Shape::Prefix => v.len() >= n.len() && eq(&v[..n.len()], n),
        Shape::Suffix => v.len() >= n.len() && eq(&v[v.len() - n.len()..], n),
        Shape::Contains => {
            let Some(&first) = n.first() else {
                return true;
            };
            if v.len() < n.len() {
                return false;
            }
            (0..=v.len() - n.len()).any(|i| {
                let c = v[i];
                let head = if cased {
                    c == first
                } else {
                    c.to_ascii_lowercase() == first
                };
                head && eq(&v[i..i + n.len()], n)
            })
        }
    }
}

impl FieldTest {
    /// [`FieldTest::eval`], unknown (`None`) when it reads a raw field.
    fn eval3(&self, lazy: &Lazy<'_, '_>) -> Option<bool> {
        let typed = |p: &FieldPath| matches!(p, FieldPath::Typed(_));
        let known = typed(&self.path)
            && match &self.test {
                Test::FieldRef { others, .. } => others.iter().all(typed),
                _ => true,
            };
        known.then(|| self.eval(lazy))
    }

    fn eval(&self, lazy: &Lazy<'_, '_>) -> bool {
        match &self.test {
            Test::Exists(expected) => lazy.has_value(&self.path) == *expected,
            Test::Values { all, patterns } => {
                let one = |p: &Pattern| match p {
                    Pattern::Null => !lazy.has_value(&self.path),
                    Pattern::Str(m) => lazy.any_value(&self.path, &mut |s| m.is_match(s)),
                };
                if *all {
                    patterns.iter().all(one)
                } else {
                    patterns.iter().any(one)
                }
            }
            Test::FieldRef {
                all,
                others,
                kind,
                cased,
            } => {
                let one = |other: &FieldPath| {
                    lazy.any_value(&self.path, &mut |value| {
                        lazy.any_value(other, &mut |reference| {
                            if *cased {
                                shape_match(*kind, value, reference, true)
                            } else {
                                shape_match(*kind, value, &reference.to_ascii_lowercase(), false)
                            }
                        })
                    })
                };
                if *all {
                    others.iter().all(one)
                } else {
                    others.iter().any(one)
                }
            }
        }
    }
}

/// Compiles a parsed rule; `file` is kept for reporting.
pub(crate) fn compile(doc: RuleDoc, file: &str) -> Result<SigmaRule, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut searches = Vec::new();
    for search in &doc.searches {
        if let Some(compiled) = compile_search(search, &mut problems) {
            searches.push(compiled);
        }
    }
    let names: Vec<&str> = doc.searches.iter().map(|s| s.name.as_str()).collect();
    let mut roots = Vec::new();
    for (condition, text) in doc.condition.iter().zip(&doc.condition_text) {
        match lower(condition, &names) {
            Ok(node) => roots.push(node),
            Err(e) => problems.push(Problem::new(
                doc.condition_line,
                format!("condition `{text}`: {e}"),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let root = if roots.len() == 1 {
        roots.remove(0)
    } else {
        Node::Or(roots)
    };
    let event_names = root
        .event_names(&searches)
        .map(|names| names.into_iter().collect());
    let reads_raw = searches.iter().any(|s| {
        s.alternatives.iter().flatten().any(|f| {
            !matches!(f.path, FieldPath::Typed(_))
                || matches!(&f.test, Test::FieldRef { others, .. }
                    if others.iter().any(|o| !matches!(o, FieldPath::Typed(_))))
        })
    });
    Ok(SigmaRule {
        id: doc.id,
        title: doc.title,
        level: doc.level,
        status: doc.status,
        description: doc.description,
        file: file.to_string(),
        searches,
        root,
        event_names,
        reads_raw,
    })
}

fn lower(condition: &Condition, names: &[&str]) -> Result<Node, String> {
    Ok(match condition {
        Condition::Ident(name) => Node::Search(
            names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| format!("no search named `{name}` in `detection`"))?,
        ),
        Condition::Of { all, target } => {
            let matched: Vec<Node> = names
                .iter()
                .enumerate()
                .filter(|(_, n)| match target {
                    OfTarget::Them => !n.starts_with('_'),
                    OfTarget::Pattern(p) => pattern_matches(p, n),
                })
                .map(|(i, _)| Node::Search(i))
                .collect();
            if matched.is_empty() {
                return Err(match target {
                    OfTarget::Them => "`them` but `detection` has no searches".to_string(),
                    OfTarget::Pattern(p) => format!("no search matches `{p}`"),
                });
            }
            if *all {
                Node::And(matched)
            } else {
                Node::Or(matched)
            }
        }
        Condition::Not(inner) => Node::Not(Box::new(lower(inner, names)?)),
        Condition::And(a, b) => Node::And(vec![lower(a, names)?, lower(b, names)?]),
        Condition::Or(a, b) => Node::Or(vec![lower(a, names)?, lower(b, names)?]),
    })
}

fn compile_search(search: &Search, problems: &mut Vec<Problem>) -> Option<CompiledSearch> {
    let before = problems.len();
    let mut alternatives = Vec::new();
    let mut event_names: Option<BTreeSet<String>> = Some(BTreeSet::new());
    for fields in &search.alternatives {
        let mut tests = Vec::new();
        let mut names = None;
        for spec in fields {
            if let Some(test) = compile_field(&search.name, spec, problems) {
                if test.path == FieldPath::Typed(Typed::EventName) {
                    names = names.or_else(|| index_names(spec));
                }
                tests.push(test);
            }
        }
        // Cheap typed fields first, so raw objects are parsed only when those pass.
        tests.sort_by_key(|t| t.path.is_raw());
        alternatives.push(tests);
        event_names = match (event_names, names) {
            (Some(mut all), Some(names)) => {
                all.extend(names);
                Some(all)
            }
            _ => None,
        };
    }
    (problems.len() == before).then_some(CompiledSearch {
        alternatives,
        event_names,
    })
}

/// The event names an `eventName` field pins down, for the index: only plain values that look
/// like CloudTrail's canonical API names (the index is exact-case, matching is not, so a value
/// like `stoplogging` makes the rule see every event instead of none).
fn index_names(spec: &FieldSpec) -> Option<BTreeSet<String>> {
    if spec.modifiers.iter().any(|m| !matches!(m, Modifier::Cased)) {
        return None;
    }
    spec.values
        .iter()
        .map(|v| match v {
            SigmaValue::Str(s)
                if s.starts_with(|c: char| c.is_ascii_uppercase())
                    && s.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                Some(s.clone())
            }
            _ => None,
        })
        .collect()
}

fn compile_field(search: &str, spec: &FieldSpec, problems: &mut Vec<Problem>) -> Option<FieldTest> {
    let at = |message: String| {
        Problem::new(
            spec.line,
            format!("search `{search}`, field `{}`: {message}", spec.field),
        )
    };
    let path = match field::resolve(&spec.field) {
        Ok(path) => Some(path),
        Err(e) => {
            problems.push(Problem::new(spec.line, format!("search `{search}`: {e}")));
            None
        }
    };
    let shape_modifiers: Vec<Modifier> = spec
        .modifiers
        .iter()
        .copied()
        .filter(|m| {
            matches!(
                m,
                Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith
            )
        })
        .collect();
    if shape_modifiers.len() > 1 {
        problems.push(at(
            "at most one of `contains`, `startswith`, `endswith`".to_string()
        ));
        return None;
    }
    let shape = match shape_modifiers.first() {
        Some(Modifier::Contains) => Shape::Contains,
        Some(Modifier::StartsWith) => Shape::Prefix,
        Some(Modifier::EndsWith) => Shape::Suffix,
        _ => Shape::Eq,
    };
    let all = spec.has(Modifier::All);
    let cased = spec.has(Modifier::Cased);
    let re = spec.has(Modifier::Re);
    let re_flags = [Modifier::ReI, Modifier::ReM, Modifier::ReS]
        .iter()
        .any(|m| spec.has(*m));
    if re_flags && !re {
        problems.push(at("`i`, `m` and `s` are only valid after `re`".to_string()));
        return None;
    }
    let test = if spec.has(Modifier::Exists) {
        if spec.modifiers.len() != 1 {
            problems.push(at(
                "`exists` cannot be combined with other modifiers".to_string()
            ));
            return None;
        }
        match spec.values.as_slice() {
            [SigmaValue::Bool(b)] => Test::Exists(*b),
            [SigmaValue::Str(s)] if s == "true" || s == "false" => Test::Exists(s == "true"),
            _ => {
                problems.push(at("`exists` takes `true` or `false`".to_string()));
                return None;
            }
        }
    } else if spec.has(Modifier::FieldRef) {
        if re {
            problems.push(at("`fieldref` cannot be combined with `re`".to_string()));
            return None;
        }
        let mut others = Vec::new();
        for value in &spec.values {
            let SigmaValue::Str(name) = value else {
                problems.push(at("`fieldref` takes field names".to_string()));
                return None;
            };
            match field::resolve(name) {
                Ok(other) => others.push(other),
                Err(e) => {
                    problems.push(at(format!("`fieldref`: {e}")));
                    return None;
                }
            }
        }
        Test::FieldRef {
            all,
            others,
            kind: shape,
            cased,
        }
    } else if re {
        if shape != Shape::Eq || cased {
            problems.push(at(
                "`re` cannot be combined with `contains`, `startswith`, `endswith` or `cased`"
                    .to_string(),
            ));
            return None;
        }
        let mut patterns = Vec::new();
        for value in &spec.values {
            let SigmaValue::Str(text) = value else {
                problems.push(at("`re` takes strings".to_string()));
                return None;
            };
            match RegexBuilder::new(text)
                .case_insensitive(spec.has(Modifier::ReI))
                .multi_line(spec.has(Modifier::ReM))
                .dot_matches_new_line(spec.has(Modifier::ReS))
                .build()
            {
                Ok(regex) => patterns.push(Pattern::Str(StrMatch::Regex(regex))),
                Err(e) => {
                    // The regex crate's message spans lines; its last line says what is wrong.
                    let message = e.to_string();
                    let reason = message.lines().last().unwrap_or_default();
                    let reason = reason.trim_start_matches("error: ");
                    problems.push(at(format!("invalid regular expression `{text}`: {reason}")));
                    return None;
                }
            }
        }
        Test::Values { all, patterns }
    } else {
        let mut patterns = Vec::new();
        for value in &spec.values {
            let pattern = match value {
                SigmaValue::Null if shape == Shape::Eq => Pattern::Null,
                SigmaValue::Null => {
                    problems.push(at(
                        "`null` cannot take `contains`, `startswith` or `endswith`".to_string(),
                    ));
                    return None;
                }
                SigmaValue::Bool(b) => Pattern::Str(
                    string_match(if *b { "true" } else { "false" }, shape, cased)
                        .map_err(|e| problems.push(at(e)))
                        .ok()?,
                ),
                SigmaValue::Str(s) => Pattern::Str(
                    string_match(s, shape, cased)
                        .map_err(|e| problems.push(at(e)))
                        .ok()?,
                ),
            };
            patterns.push(pattern);
        }
        Test::Values { all, patterns }
    };
    Some(FieldTest { path: path?, test })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Lit(String),
    Star,
    One,
}

/// Splits a Sigma value into literals and wildcards (`\*`, `\?`, `\\` escape; any other `\`
/// is literal).
fn pieces(value: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&next @ ('*' | '?' | '\\')) => {
                    lit.push(next);
                    chars.next();
                }
                _ => lit.push('\\'),
            },
            '*' | '?' => {
                if !lit.is_empty() {
                    out.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                let piece = if c == '*' { Piece::Star } else { Piece::One };
                if !(piece == Piece::Star && out.last() == Some(&Piece::Star)) {
                    out.push(piece);
                }
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

fn string_match(value: &str, shape: Shape, cased: bool) -> Result<StrMatch, String> {
    let mut parts = pieces(value);
    if matches!(shape, Shape::Contains | Shape::Suffix) && parts.first() != Some(&Piece::Star) {
        parts.insert(0, Piece::Star);
    }
    if matches!(shape, Shape::Contains | Shape::Prefix) && parts.last() != Some(&Piece::Star) {
        parts.push(Piece::Star);
    }
    let plain = |shape: Shape, lit: &str| -> Option<StrMatch> {
        // ASCII case folding only; non-ASCII literals go to the (Unicode-aware) regex.
        (cased || lit.is_ascii()).then(|| StrMatch::Plain {
            shape,
            needle: if cased {
                lit.to_string()
            } else {
                lit.to_ascii_lowercase()
            },
            cased,
        })
    };
    let simple = match parts.as_slice() {
        [] => plain(Shape::Eq, ""),
        [Piece::Star] => Some(StrMatch::Any),
        [Piece::Lit(l)] => plain(Shape::Eq, l),
        [Piece::Lit(l), Piece::Star] => plain(Shape::Prefix, l),
        [Piece::Star, Piece::Lit(l)] => plain(Shape::Suffix, l),
        [Piece::Star, Piece::Lit(l), Piece::Star] => plain(Shape::Contains, l),
        _ => None,
    };
    if let Some(simple) = simple {
        return Ok(simple);
    }
    let mut re = String::from("^");
    for part in &parts {
        match part {
            Piece::Lit(l) => re.push_str(&regex::escape(l)),
            Piece::Star => re.push_str(".*"),
            Piece::One => re.push('.'),
        }
    }
    re.push('$');
    RegexBuilder::new(&re)
        .case_insensitive(!cased)
        .dot_matches_new_line(true)
        .build()
        .map(StrMatch::Regex)
        .map_err(|e| format!("cannot compile wildcard value `{value}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(value: &str, shape: Shape, cased: bool) -> StrMatch {
        string_match(value, shape, cased).unwrap()
    }

    #[test]
    fn values_compile_to_the_cheapest_matcher() {
        assert!(matches!(m("*", Shape::Contains, false), StrMatch::Any));
        assert!(matches!(
            m("S3 Browser", Shape::Contains, false),
            StrMatch::Plain {
                shape: Shape::Contains,
                ..
            }
        ));
        assert!(matches!(
            m("Update*", Shape::Eq, false),
            StrMatch::Plain {
                shape: Shape::Prefix,
                ..
            }
        ));
        assert!(matches!(m("a*b", Shape::Eq, false), StrMatch::Regex(_)));
        assert!(matches!(
            m(r"a\*b", Shape::Eq, false),
            StrMatch::Plain {
                shape: Shape::Eq,
                ..
            }
        ));
    }

    #[test]
    fn matching_is_case_insensitive_unless_cased() {
        assert!(m("NO", Shape::Eq, false).is_match("No"));
        assert!(!m("NO", Shape::Eq, true).is_match("No"));
        assert!(m("s3 browser", Shape::Contains, false).is_match("aws S3 Browser/1.0"));
        assert!(!m("s3 browser", Shape::Contains, false).is_match("S3Browser"));
        assert!(
            m("Jersey/${project.version}", Shape::Contains, false)
                .is_match("x Jersey/${project.version} y")
        );
        assert!(m("a?c*z", Shape::Eq, false).is_match("ABCxyZ"));
        assert!(!m("a?c*z", Shape::Eq, false).is_match("ac-z"));
        assert!(m(r"C:\Windows\\*", Shape::Eq, false).is_match(r"c:\windows\x"));
        assert!(m(r"C:\Windows", Shape::Eq, false).is_match(r"c:\windows"));
        assert!(m(r"a\*", Shape::Eq, false).is_match("A*"));
        assert!(!m(r"a\*", Shape::Eq, false).is_match("Ab"));
        assert!(m("ÄB", Shape::Eq, false).is_match("äb"));
        assert!(m("", Shape::Eq, false).is_match(""));
        assert!(!m("abc", Shape::Suffix, false).is_match("bc"));
        assert!(m("abc", Shape::Suffix, false).is_match("xABC"));
    }
}
