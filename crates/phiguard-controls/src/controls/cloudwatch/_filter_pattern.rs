//! A small evaluator for CloudWatch Logs filter patterns: enough to decide whether a metric
//! filter on a CloudTrail log group would match a given CloudTrail event.
//!
//! Comparing pattern text with the CIS benchmark's is brittle: CIS v1.4–3.0 quotes values,
//! v4.0 does not, people reorder terms, add `eventSource`, narrow to `IAMUser`. Instead the
//! pattern is parsed and evaluated, with CloudWatch's semantics, against small synthetic
//! CloudTrail events ("probes"): a filter covers a requirement when it matches every probe of
//! the events the requirement names and does not match an ordinary event.
//!
//! Supported: JSON patterns `{ ... }` with `&&`, `||` (`&&` binds tighter), parentheses,
//! selectors `$.a.b` and `$.a[0].b`, `=`, `!=` (true when the field is absent, as in
//! CloudWatch), `<`, `<=`, `>`, `>=`, quoted or unquoted values with `*` wildcards, `EXISTS`,
//! `NOT EXISTS`, `IS NULL`, `IS TRUE`, `IS FALSE`; and unstructured term patterns (`ERROR`,
//! `"Failed authentication"`, `?a ?b`, `-x`) matched against the event's JSON text.
//! Not supported (the filter is reported as not understood, never as matching): regular
//! expressions (`%...%`) and space-delimited patterns (`[a, b]`).

use serde_json::Value as Json;

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pattern {
    /// A JSON pattern, `{ ... }`.
    Json(Expr),
    /// Unstructured terms: every `required` one, one of `any` (when there are some), none of
    /// `excluded`. No terms matches every event.
    Terms {
        /// Plain terms.
        required: Vec<String>,
        /// `?term` alternatives.
        any: Vec<String>,
        /// `-term` exclusions.
        excluded: Vec<String>,
    },
}

/// An expression of a JSON pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// `a && b`.
    And(Box<Expr>, Box<Expr>),
    /// `a || b`.
    Or(Box<Expr>, Box<Expr>),
    /// `$.field OP value`.
    Compare {
        /// The selector.
        path: Vec<Segment>,
        /// The operator.
        op: Op,
        /// The value, unquoted; `*` is a wildcard.
        value: String,
    },
    /// `$.field EXISTS` / `NOT EXISTS`.
    Exists {
        /// The selector.
        path: Vec<Segment>,
        /// `EXISTS` (true) or `NOT EXISTS` (false).
        exists: bool,
    },
    /// `$.field IS NULL`.
    IsNull(Vec<Segment>),
    /// `$.field IS TRUE` / `IS FALSE`.
    IsBool(Vec<Segment>, bool),
}

/// One step of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// `.name`
    Key(String),
    /// `[n]`
    Index(usize),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Parses a filter pattern; the error says what was not understood.
pub(crate) fn parse(text: &str) -> Result<Pattern, String> {
    let trimmed = text.trim();
    if let Some(inner) = trimmed
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
    {
        let mut parser = Parser {
            chars: inner.chars().collect(),
            pos: 0,
        };
        let expr = parser.or()?;
        parser.skip_ws();
        if parser.pos < parser.chars.len() {
            return Err(format!(
                "unexpected `{}`",
                parser.chars[parser.pos..].iter().collect::<String>()
            ));
        }
        return Ok(Pattern::Json(expr));
    }
    if trimmed.starts_with('{') {
        return Err("unbalanced `{`".to_string());
    }
    if trimmed.starts_with('[') {
        return Err("space-delimited patterns are not supported".to_string());
    }
    terms(trimmed)
}

fn terms(text: &str) -> Result<Pattern, String> {
    let mut required = Vec::new();
    let mut any = Vec::new();
    let mut excluded = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(first) = chars.next() else { break };
        let (list, first) = match first {
            '?' => (&mut any, chars.next()),
            '-' => (&mut excluded, chars.next()),
            c => (&mut required, Some(c)),
        };
        let mut term = String::new();
        match first {
            Some('"') => {
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => term.extend(chars.next()),
                        c => term.push(c),
                    }
                }
                if !closed {
                    return Err("unterminated quoted term".to_string());
                }
            }
            Some(c) => {
                term.push(c);
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    term.push(c);
                }
            }
            None => return Err("a `?` or `-` without a term".to_string()),
        }
        if term.contains('%') {
            return Err("regular expressions are not supported".to_string());
        }
        list.push(term);
    }
    Ok(Pattern::Terms {
        required,
        any,
        excluded,
    })
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn at(&self, literal: &str) -> bool {
        literal
            .chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    fn eat(&mut self, literal: &str) -> bool {
        self.skip_ws();
        if self.at(literal) {
            self.pos += literal.chars().count();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.eat("||") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.eat("&&") {
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat("(") {
            let inner = self.or()?;
            if !self.eat(")") {
                return Err("missing `)`".to_string());
            }
            return Ok(inner);
        }
        self.term()
    }

    fn term(&mut self) -> Result<Expr, String> {
        if !self.eat("$") {
            return Err(format!(
                "expected a `$.field` selector at `{}`",
                self.chars[self.pos..].iter().collect::<String>()
            ));
        }
        let mut path = Vec::new();
        loop {
            if self.at(".") {
                self.pos += 1;
                let start = self.pos;
                while self
                    .chars
                    .get(self.pos)
                    .is_some_and(|c| !c.is_whitespace() && !".[]=!<>()&|\"".contains(*c))
                {
                    self.pos += 1;
                }
                if start == self.pos {
                    return Err("empty field name after `.`".to_string());
                }
                path.push(Segment::Key(self.chars[start..self.pos].iter().collect()));
            } else if self.at("[") {
                self.pos += 1;
                let start = self.pos;
                while self.chars.get(self.pos).is_some_and(char::is_ascii_digit) {
                    self.pos += 1;
                }
                let index: String = self.chars[start..self.pos].iter().collect();
                if !self.at("]") {
                    return Err("expected `]`".to_string());
                }
                self.pos += 1;
                path.push(Segment::Index(
                    index.parse().map_err(|_| "bad array index".to_string())?,
                ));
            } else {
                break;
            }
        }
        if path.is_empty() {
            return Err("a selector needs a field".to_string());
        }
        if self.eat("NOT") {
            if self.eat("EXISTS") {
                return Ok(Expr::Exists {
                    path,
                    exists: false,
                });
            }
            return Err("expected `EXISTS` after `NOT`".to_string());
        }
        if self.eat("EXISTS") {
            return Ok(Expr::Exists { path, exists: true });
        }
        if self.eat("IS") {
            return if self.eat("NULL") {
                Ok(Expr::IsNull(path))
            } else if self.eat("TRUE") {
                Ok(Expr::IsBool(path, true))
            } else if self.eat("FALSE") {
                Ok(Expr::IsBool(path, false))
            } else {
                Err("expected `NULL`, `TRUE` or `FALSE` after `IS`".to_string())
            };
        }
        let op = [
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .into_iter()
        .find(|(text, _)| self.eat(text))
        .map(|(_, op)| op)
        .ok_or_else(|| "expected a comparison operator".to_string())?;
        let value = self.value()?;
        Ok(Expr::Compare { path, op, value })
    }

    fn value(&mut self) -> Result<String, String> {
        self.skip_ws();
        if self.at("\"") {
            self.pos += 1;
            let mut value = String::new();
            while let Some(c) = self.chars.get(self.pos).copied() {
                self.pos += 1;
                match c {
                    '"' => return Ok(value),
                    '\\' => {
                        if let Some(next) = self.chars.get(self.pos) {
                            value.push(*next);
                            self.pos += 1;
                        }
                    }
                    c => value.push(c),
                }
            }
            return Err("unterminated quoted value".to_string());
        }
        if self.at("%") {
            return Err("regular expressions are not supported".to_string());
        }
        let start = self.pos;
        while self.pos < self.chars.len() && !self.at(")") && !self.at("&&") && !self.at("||") {
            self.pos += 1;
        }
        let value: String = self.chars[start..self.pos].iter().collect();
        let value = value.trim_end().to_string();
        if value.is_empty() {
            return Err("missing value after the operator".to_string());
        }
        Ok(value)
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn lookup<'j>(event: &'j Json, path: &[Segment]) -> Option<&'j Json> {
    path.iter().try_fold(event, |node, segment| match segment {
        Segment::Key(key) => node.get(key.as_str()),
        Segment::Index(i) => node.get(*i),
    })
}

fn equals(field: &Json, value: &str) -> bool {
    match field {
        Json::String(s) => glob(value, s),
        Json::Number(n) => match (value.parse::<f64>(), n.as_f64()) {
            (Ok(v), Some(n)) => v == n,
            _ => glob(value, &n.to_string()),
        },
        Json::Bool(b) => value == if *b { "true" } else { "false" },
        Json::Null | Json::Array(_) | Json::Object(_) => false,
    }
}

impl Expr {
    /// Whether the expression matches the event.
    pub(crate) fn matches(&self, event: &Json) -> bool {
        match self {
            Expr::And(a, b) => a.matches(event) && b.matches(event),
            Expr::Or(a, b) => a.matches(event) || b.matches(event),
            Expr::Exists { path, exists } => lookup(event, path).is_some() == *exists,
            Expr::IsNull(path) => matches!(lookup(event, path), Some(Json::Null)),
            Expr::IsBool(path, b) => lookup(event, path) == Some(&Json::Bool(*b)),
            Expr::Compare { path, op, value } => {
                let field = lookup(event, path);
                match op {
                    Op::Eq => field.is_some_and(|f| equals(f, value)),
                    Op::Ne => field.is_none_or(|f| !equals(f, value)),
                    Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                        let (Some(n), Ok(v)) = (field.and_then(Json::as_f64), value.parse::<f64>())
                        else {
                            return false;
                        };
                        match op {
                            Op::Lt => n < v,
                            Op::Le => n <= v,
                            Op::Gt => n > v,
                            _ => n >= v,
                        }
                    }
                }
            }
        }
    }
}

impl Pattern {
    /// Whether the pattern matches the event (as CloudWatch Logs would match its JSON text).
    pub(crate) fn matches(&self, event: &Json) -> bool {
        match self {
            Pattern::Json(expr) => expr.matches(event),
            Pattern::Terms {
                required,
                any,
                excluded,
            } => {
                let text = event.to_string();
                required.iter().all(|t| text.contains(t.as_str()))
                    && (any.is_empty() || any.iter().any(|t| text.contains(t.as_str())))
                    && !excluded.iter().any(|t| text.contains(t.as_str()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(pattern: &str, event: &Json) -> bool {
        parse(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .matches(event)
    }

    #[test]
    fn globs() {
        assert!(glob(
            "*UnauthorizedOperation",
            "Client.UnauthorizedOperation"
        ));
        assert!(glob("AccessDenied*", "AccessDenied"));
        assert!(glob("AccessDenied*", "AccessDeniedException"));
        assert!(!glob("AccessDenied*", "NotAccessDenied"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
        assert!(glob("ConsoleLogin", "ConsoleLogin"));
        assert!(!glob("ConsoleLogin", "consolelogin"), "case-sensitive");
    }

    #[test]
    fn quoted_and_unquoted_values_are_the_same() {
        let login = json!({"eventName": "ConsoleLogin", "errorMessage": "Failed authentication"});
        assert!(m(
            r#"{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }"#,
            &login
        ));
        assert!(m(
            "{ ($.eventName = ConsoleLogin) && ($.errorMessage = Failed authentication) }",
            &login
        ));
        assert!(m(
            "{$.eventName=ConsoleLogin&&$.errorMessage=Failed authentication}",
            &login
        ));
        assert!(!m("{ $.errorMessage = Failed }", &login));
    }

    #[test]
    fn not_equals_is_true_for_an_absent_field() {
        let sso = json!({"eventName": "ConsoleLogin", "additionalEventData": {}});
        assert!(m("{ $.additionalEventData.MFAUsed != Yes }", &sso));
        let mfa = json!({"additionalEventData": {"MFAUsed": "Yes"}});
        assert!(!m("{ $.additionalEventData.MFAUsed != Yes }", &mfa));
    }

    #[test]
    fn precedence_exists_and_paths() {
        let root = json!({"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"});
        let pattern = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
        assert!(m(pattern, &root));
        let invoked = json!({"userIdentity": {"type": "Root", "invokedBy": "s3.amazonaws.com"}});
        assert!(!m(pattern, &invoked));
        // `&&` binds tighter than `||`.
        assert!(m("{ $.a = 1 || $.b = 2 && $.c = 3 }", &json!({"a": 1})));
        assert!(!m("{ ($.a = 1 || $.b = 2) && $.c = 3 }", &json!({"a": 1})));
        let resources =
            json!({"resources": [{"ARN": "arn:aws:s3:::b"}], "n": 5, "ok": true, "z": null});
        assert!(m("{ $.resources[0].ARN = arn:aws:s3:::* }", &resources));
        assert!(!m("{ $.resources[1].ARN EXISTS }", &resources));
        assert!(m(
            "{ $.n >= 5 && $.n < 6 && $.ok IS TRUE && $.z IS NULL }",
            &resources
        ));
        assert!(!m("{ $.n > 5 }", &resources));
    }

    #[test]
    fn term_patterns() {
        let event =
            json!({"eventName": "DeactivateMFADevice", "errorMessage": "Failed authentication"});
        assert!(m("DeactivateMFADevice", &event));
        assert!(m("?DeleteVirtualMFADevice ?DeactivateMFADevice", &event));
        assert!(!m("DeactivateMFADevice -Failed", &event));
        assert!(m(r#""Failed authentication""#, &event));
        assert!(m("", &event), "an empty pattern matches everything");
    }

    #[test]
    fn unsupported_and_malformed_patterns_are_errors() {
        for bad in [
            "{ $.eventName = %Delete.*% }",
            "[ip, user, ...]",
            "{ $.eventName = }",
            "{ ($.eventName = X }",
            "{ eventName = X }",
            "{ $.eventName = X",
            "{ $.a IS MAYBE }",
            r#"{ $.a = "x }"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
