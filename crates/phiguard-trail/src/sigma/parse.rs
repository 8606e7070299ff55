//! Sigma YAML → rule AST. Every problem found is collected (not only the first), each with the
//! line of the YAML it is about where one can be found.

use std::fmt;

use phiguard_model::Severity;
use serde_yaml::{Mapping, Value};

use super::condition::{self, Condition};

/// A problem with a rule, at a line of its file when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(line: Option<usize>, message: impl Into<String>) -> Problem {
        Problem {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A parsed Sigma rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDoc {
    /// `id`.
    pub id: String,
    /// `title`.
    pub title: String,
    /// `status`.
    pub status: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `level`.
    pub level: Severity,
    /// The search identifiers of `detection`, in file order.
    pub searches: Vec<Search>,
    /// `condition` (a list of conditions is their `or`).
    pub condition: Vec<Condition>,
    /// The text of each condition, as written.
    pub condition_text: Vec<String>,
    /// Line of `condition:`.
    pub condition_line: Option<usize>,
}

/// A named search of `detection`.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// Identifier.
    pub name: String,
    /// Line of its key.
    pub line: Option<usize>,
    /// Alternatives (a list of maps): the search matches if one alternative does; an
    /// alternative matches if all its fields do. A plain map is one alternative.
    pub alternatives: Vec<Vec<FieldSpec>>,
}

/// `field|modifier|...: value(s)`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// Field name.
    pub field: String,
    /// Modifiers, in order.
    pub modifiers: Vec<Modifier>,
    /// Values (OR, or AND with `all`).
    pub values: Vec<SigmaValue>,
    /// Line of the key.
    pub line: Option<usize>,
}

impl FieldSpec {
    /// Whether a modifier is present.
    pub fn has(&self, modifier: Modifier) -> bool {
        self.modifiers.contains(&modifier)
    }
}

/// A value of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigmaValue {
    /// A string (numbers are kept as their text).
    Str(String),
    /// A boolean (`exists`; compared as `true`/`false` otherwise).
    Bool(bool),
    /// `null`: the field is missing or null.
    Null,
}

/// The supported Sigma value modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    /// `contains`.
    Contains,
    /// `startswith`.
    StartsWith,
    /// `endswith`.
    EndsWith,
    /// `all`.
    All,
    /// `re`.
    Re,
    /// `i` (after `re`).
    ReI,
    /// `m` (after `re`).
    ReM,
    /// `s` (after `re`).
    ReS,
    /// `cased`.
    Cased,
    /// `exists`.
    Exists,
    /// `fieldref`.
    FieldRef,
}

fn modifier(name: &str) -> Result<Modifier, String> {
    Ok(match name {
        "contains" => Modifier::Contains,
        "startswith" => Modifier::StartsWith,
        "endswith" => Modifier::EndsWith,
        "all" => Modifier::All,
        "re" => Modifier::Re,
        "i" => Modifier::ReI,
        "m" => Modifier::ReM,
        "s" => Modifier::ReS,
        "cased" => Modifier::Cased,
        "exists" => Modifier::Exists,
        "fieldref" => Modifier::FieldRef,
        "expand" => {
            return Err(
                "modifier `expand` (placeholder expansion) needs a processing pipeline; not supported"
                    .to_string(),
            );
        }
        "windash" | "base64" | "base64offset" | "utf16le" | "utf16be" | "utf16" | "wide"
        | "cidr" | "lt" | "lte" | "gt" | "gte" | "neq" | "minute" | "hour" | "day" | "week"
        | "month" | "year" => {
            return Err(format!("modifier `{name}` is not supported"));
        }
        _ => return Err(format!("unknown modifier `{name}`")),
    })
}

/// Parses the text of one rule file.
pub(crate) fn parse(text: &str) -> Result<RuleDoc, (Option<String>, Vec<Problem>)> {
    let root: Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map(|l| l.line());
            // The message keeps serde_yaml's "at line L column C, while parsing ..." context.
            return Err((None, vec![Problem::new(line, format!("invalid YAML: {e}"))]));
        }
    };
    let Value::Mapping(root) = root else {
        return Err((
            None,
            vec![Problem::new(None, "a Sigma rule must be a YAML mapping")],
        ));
    };
    let lines = Lines::new(text);
    let mut problems = Vec::new();
    let text_field = |name: &str, required: bool, problems: &mut Vec<Problem>| -> Option<String> {
        match root.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            None if !required => None,
            None => {
                problems.push(Problem::new(None, format!("missing `{name}`")));
                None
            }
            Some(_) => {
                problems.push(Problem::new(
                    lines.top_key(name),
                    format!("`{name}` must be a non-empty string"),
                ));
                None
            }
        }
    };
    let id = text_field("id", true, &mut problems);
    let title = text_field("title", true, &mut problems);
    let status = text_field("status", false, &mut problems);
    let description = text_field("description", false, &mut problems);
    let level_text = text_field("level", true, &mut problems);
    let level = level_text.as_deref().and_then(|level| match level {
        "informational" => Some(Severity::Info),
        "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        other => {
            problems.push(Problem::new(
                lines.top_key("level"),
                format!("unknown level `{other}` (informational, low, medium, high or critical)"),
            ));
            None
        }
    });
    check_logsource(&root, &lines, &mut problems);
    let detection = parse_detection(&root, &lines, &mut problems);
    match (id, title, level, detection) {
        (Some(id), Some(title), Some(level), Some((searches, condition, condition_line)))
            if problems.is_empty() =>
        {
            let (condition, condition_text) = condition.into_iter().unzip();
            Ok(RuleDoc {
                id,
                title,
                status,
                description,
                level,
                searches,
                condition,
                condition_text,
                condition_line,
            })
        }
        (id, ..) => Err((id, problems)),
    }
}

fn check_logsource(root: &Mapping, lines: &Lines<'_>, problems: &mut Vec<Problem>) {
    let line = lines.top_key("logsource");
    let Some(logsource) = root.get("logsource") else {
        problems.push(Problem::new(None, "missing `logsource`"));
        return;
    };
    let Value::Mapping(logsource) = logsource else {
        problems.push(Problem::new(line, "`logsource` must be a mapping"));
        return;
    };
    let get = |key: &str| logsource.get(key).and_then(Value::as_str);
    if get("product") != Some("aws") || get("service") != Some("cloudtrail") {
        problems.push(Problem::new(
            line,
            format!(
                "logsource must be `product: aws, service: cloudtrail` (found product {:?}, service {:?})",
                get("product").unwrap_or("-"),
                get("service").unwrap_or("-")
            ),
        ));
    }
    if let Some(category) = get("category") {
        problems.push(Problem::new(
            line,
            format!("logsource `category: {category}` is not a CloudTrail log source"),
        ));
    }
}

type Detection = (Vec<Search>, Vec<(Condition, String)>, Option<usize>);

fn parse_detection(
    root: &Mapping,
    lines: &Lines<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Detection> {
    let detection_line = lines.top_key("detection");
    let Some(detection) = root.get("detection") else {
        problems.push(Problem::new(None, "missing `detection`"));
        return None;
    };
    let Value::Mapping(detection) = detection else {
        problems.push(Problem::new(
            detection_line,
            "`detection` must be a mapping",
        ));
        return None;
    };
    let from = detection_line.unwrap_or(0);
    let mut searches = Vec::new();
    let mut conditions = Vec::new();
    let mut condition_line = None;
    let before = problems.len();
    for (key, value) in detection {
        let Some(name) = key.as_str() else {
            problems.push(Problem::new(
                detection_line,
                "`detection` keys must be strings",
            ));
            continue;
        };
        let line = lines.key_after(name, from);
        match name {
            "condition" => {
                condition_line = line;
                let texts: Vec<&str> = match value {
                    Value::String(s) => vec![s.as_str()],
                    Value::Sequence(items) if !items.is_empty() => {
                        let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                        if texts.len() != items.len() {
                            problems
                                .push(Problem::new(line, "`condition` list items must be strings"));
                        }
                        texts
                    }
                    _ => {
                        problems.push(Problem::new(
                            line,
                            "`condition` must be a string or a list of strings",
                        ));
                        Vec::new()
                    }
                };
                for text in texts {
                    match condition::parse(text) {
                        Ok(c) => conditions.push((c, text.to_string())),
                        Err(e) => {
                            problems.push(Problem::new(line, format!("condition `{text}`: {e}")));
                        }
                    }
                }
            }
            "timeframe" => problems.push(Problem::new(
                line,
                "`timeframe` (Sigma v1 aggregation window) is not supported",
            )),
            _ => {
                if let Some(search) = parse_search(name, value, line, lines, problems) {
                    searches.push(search);
                }
            }
        }
    }
    if condition_line.is_none() && !detection.contains_key("condition") {
        problems.push(Problem::new(
            detection_line,
            "`detection` has no `condition`",
        ));
    }
    (problems.len() == before).then_some((searches, conditions, condition_line))
}

fn parse_search(
    name: &str,
    value: &Value,
    line: Option<usize>,
    lines: &Lines<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Search> {
    let from = line.unwrap_or(0);
    let keyword = || {
        Problem::new(
            line,
            format!(
                "search `{name}`: keyword searches (bare values) are not supported for CloudTrail; name a field"
            ),
        )
    };
    let alternatives = match value {
        Value::Mapping(map) => vec![parse_map(name, map, from, lines, problems)?],
        Value::Sequence(items) if !items.is_empty() && items.iter().all(Value::is_mapping) => {
            let mut alternatives = Vec::new();
            let mut ok = true;
            for item in items {
                if let Value::Mapping(map) = item {
                    match parse_map(name, map, from, lines, problems) {
                        Some(fields) => alternatives.push(fields),
                        None => ok = false,
                    }
                }
            }
            if !ok {
                return None;
            }
            alternatives
        }
        Value::Sequence(items) if items.iter().any(Value::is_mapping) => {
            problems.push(Problem::new(
                line,
                format!("search `{name}`: a list must hold only maps (or only keywords)"),
            ));
            return None;
        }
        _ => {
            problems.push(keyword());
            return None;
        }
    };
    Some(Search {
        name: name.to_string(),
        line,
        alternatives,
    })
}

fn parse_map(
    search: &str,
    map: &Mapping,
    from: usize,
    lines: &Lines<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<FieldSpec>> {
    let before = problems.len();
    let mut fields = Vec::new();
    if map.is_empty() {
        problems.push(Problem::new(
            lines.line_of(search, from),
            format!("search `{search}` is empty"),
        ));
    }
    for (key, value) in map {
        let Some(key) = key.as_str() else {
            problems.push(Problem::new(
                lines.line_of(search, from),
                format!("search `{search}`: field names must be strings"),
            ));
            continue;
        };
        let line = lines.key_after(key, from);
        let mut parts = key.split('|');
        let field = parts.next().unwrap_or_default().to_string();
        if field.is_empty() {
            problems.push(Problem::new(
                line,
                format!("search `{search}`: `{key}` has no field name (keyword searches are not supported)"),
            ));
            continue;
        }
        let mut modifiers = Vec::new();
        for part in parts {
            match modifier(part) {
                Ok(m) => modifiers.push(m),
                Err(e) => problems.push(Problem::new(
                    line,
                    format!("search `{search}`, `{key}`: {e}"),
                )),
            }
        }
        let values = match value {
            Value::Sequence(items) => {
                if items.is_empty() {
                    problems.push(Problem::new(
                        line,
                        format!("search `{search}`, `{key}`: empty list of values"),
                    ));
                }
                items
                    .iter()
                    .map(|v| scalar(v, search, key, line, problems))
                    .collect()
            }
            other => vec![scalar(other, search, key, line, problems)],
        };
        fields.push(FieldSpec {
            field,
            modifiers,
            values: values.into_iter().flatten().collect(),
            line,
        });
    }
    (problems.len() == before).then_some(fields)
}

fn scalar(
    value: &Value,
    search: &str,
    key: &str,
    line: Option<usize>,
    problems: &mut Vec<Problem>,
) -> Option<SigmaValue> {
    match value {
        Value::Null => Some(SigmaValue::Null),
        Value::Bool(b) => Some(SigmaValue::Bool(*b)),
        Value::Number(n) => Some(SigmaValue::Str(n.to_string())),
        Value::String(s) => Some(SigmaValue::Str(s.clone())),
        Value::Tagged(_) | Value::Sequence(_) | Value::Mapping(_) => {
            problems.push(Problem::new(
                line,
                format!(
                    "search `{search}`, `{key}`: values must be strings, numbers, booleans or null"
                ),
            ));
            None
        }
    }
}

/// Finds the line of a key in the source (serde_yaml's `Value` keeps no positions).
pub(crate) struct Lines<'t> {
    lines: Vec<&'t str>,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Lines {
            lines: text.lines().collect(),
        }
    }

    /// A key at column 0.
    fn top_key(&self, key: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| is_key_line(l, key))
            .map(|i| i + 1)
    }

    /// The first line after `from` (1-based) holding `key:`, at any indentation.
    fn key_after(&self, key: &str, from: usize) -> Option<usize> {
        self.lines
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, l)| {
                let trimmed = l.trim_start().trim_start_matches("- ");
                is_key_line(trimmed, key)
            })
            .map(|(i, _)| i + 1)
    }

    fn line_of(&self, key: &str, from: usize) -> Option<usize> {
        self.key_after(key, from.saturating_sub(1))
    }
}

fn is_key_line(line: &str, key: &str) -> bool {
    for quote in ["", "'", "\""] {
        if let Some(rest) = line
            .strip_prefix(quote)
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix(quote))
            && rest.trim_start().starts_with(':')
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "title: T
id: 11111111-2222-4333-8444-555555555555
logsource:
    product: aws
    service: cloudtrail
detection:
    selection:
        eventName:
            - A
            - B
        requestParameters|contains|all:
            - x
            - 3
    filter:
        - errorCode: null
        - userAgent|re|i: '^a'
    condition: selection and not filter
level: high
";

    #[test]
    fn parses_searches_values_and_lines() {
        let doc = parse(GOOD).unwrap();
        assert_eq!(doc.level, Severity::High);
        assert_eq!(doc.searches.len(), 2);
        let selection = &doc.searches[0];
        assert_eq!(selection.line, Some(7));
        let contains = &selection.alternatives[0][1];
        assert_eq!(contains.line, Some(11));
        assert_eq!(contains.modifiers, [Modifier::Contains, Modifier::All]);
        assert_eq!(
            contains.values,
            [SigmaValue::Str("x".into()), SigmaValue::Str("3".into())]
        );
        let filter = &doc.searches[1];
        assert_eq!(filter.alternatives.len(), 2);
        assert_eq!(filter.alternatives[0][0].values, [SigmaValue::Null]);
        assert_eq!(
            filter.alternatives[1][0].modifiers,
            [Modifier::Re, Modifier::ReI]
        );
        assert_eq!(doc.condition_line, Some(17));
    }

    fn problems(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_err()
            .1
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let text = GOOD
            .replace(
                "requestParameters|contains|all",
                "requestParameters|base64|bogus",
            )
            .replace("level: high", "level: severe")
            .replace("service: cloudtrail", "service: s3");
        assert_eq!(
            problems(&text),
            [
                "line 18: unknown level `severe` (informational, low, medium, high or critical)",
                "line 3: logsource must be `product: aws, service: cloudtrail` (found product \"aws\", service \"s3\")",
                "line 11: search `selection`, `requestParameters|base64|bogus`: modifier `base64` is not supported",
                "line 11: search `selection`, `requestParameters|base64|bogus`: unknown modifier `bogus`",
            ]
        );
    }

    #[test]
    fn bad_yaml_names_the_line() {
        let text = GOOD.replace("    filter:\n", "    filter: [\n");
        let problems = problems(&text);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("line "), "{problems:?}");
        assert!(problems[0].contains("invalid YAML"), "{problems:?}");
    }

    #[test]
    fn keyword_searches_and_missing_keys_are_rejected() {
        assert_eq!(
            problems(
                "title: T\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  keywords:\n    - evil\n  condition: keywords\n"
            ),
            [
                "missing `id`",
                "missing `level`",
                "line 4: search `keywords`: keyword searches (bare values) are not supported for CloudTrail; name a field",
            ]
        );
    }
}
