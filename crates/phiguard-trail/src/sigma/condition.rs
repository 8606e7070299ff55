//! The Sigma `condition` expression: `and`, `or`, `not`, parentheses, `1 of X`, `all of X`
//! (`X` a search identifier, a pattern with `*`, or `them`). Precedence: `not` > `and` > `or`.

use std::fmt;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// A search identifier.
    Ident(String),
    /// `1 of X` (`all == false`) or `all of X`.
    Of {
        /// `all of` rather than `1 of`.
        all: bool,
        /// `them` or a pattern over search identifiers.
        target: OfTarget,
    },
    /// `not X`.
    Not(Box<Condition>),
    /// `X and Y`.
    And(Box<Condition>, Box<Condition>),
    /// `X or Y`.
    Or(Box<Condition>, Box<Condition>),
}

/// What `1 of` / `all of` quantifies over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfTarget {
    /// Every search identifier.
    Them,
    /// Identifiers matching a pattern (`*` matches any run of characters).
    Pattern(String),
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Ident(name) => f.write_str(name),
            Condition::Of { all, target } => {
                let quantifier = if *all { "all" } else { "1" };
                match target {
                    OfTarget::Them => write!(f, "{quantifier} of them"),
                    OfTarget::Pattern(p) => write!(f, "{quantifier} of {p}"),
                }
            }
            Condition::Not(inner) => write!(f, "not {inner}"),
            Condition::And(a, b) => write!(f, "({a} and {b})"),
            Condition::Or(a, b) => write!(f, "({a} or {b})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'t> {
    Open,
    Close,
    Word(&'t str),
}

/// Parses a condition; the error names the column (1-based) where it went wrong.
pub fn parse(text: &str) -> Result<Condition, String> {
    if let Some(column) = text.find('|') {
        return Err(format!(
            "aggregation at column {} (`| count() ...`) is not supported; use a Sigma correlation rule",
            column + 1
        ));
    }
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Err("condition is empty".to_string());
    }
    let mut parser = Parser {
        tokens,
        pos: 0,
        len: text.len(),
    };
    let condition = parser.or()?;
    if let Some((column, token)) = parser.tokens.get(parser.pos) {
        return Err(format!(
            "unexpected {} at column {}",
            describe(token),
            column + 1
        ));
    }
    Ok(condition)
}

fn tokenize(text: &str) -> Vec<(usize, Token<'_>)> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(s) = start.take() {
                tokens.push((s, Token::Word(&text[s..i])));
            }
            if c == '(' {
                tokens.push((i, Token::Open));
            } else if c == ')' {
                tokens.push((i, Token::Close));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push((s, Token::Word(&text[s..])));
    }
    tokens
}

fn describe(token: &Token<'_>) -> String {
    match token {
        Token::Open => "`(`".to_string(),
        Token::Close => "`)`".to_string(),
        Token::Word(w) => format!("`{w}`"),
    }
}

fn is_keyword(word: &str, keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword)
}

struct Parser<'t> {
    tokens: Vec<(usize, Token<'t>)>,
    pos: usize,
    len: usize,
}

impl<'t> Parser<'t> {
    fn peek_word(&self) -> Option<&'t str> {
        match self.tokens.get(self.pos) {
            Some((_, Token::Word(w))) => Some(w),
            _ => None,
        }
    }

    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.len, |(c, _)| *c) + 1
    }

    fn or(&mut self) -> Result<Condition, String> {
        let mut left = self.and()?;
        while self.peek_word().is_some_and(|w| is_keyword(w, "or")) {
            self.pos += 1;
            let right = self.and()?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, String> {
        let mut left = self.unary()?;
        while self.peek_word().is_some_and(|w| is_keyword(w, "and")) {
            self.pos += 1;
            let right = self.unary()?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Condition, String> {
        if self.peek_word().is_some_and(|w| is_keyword(w, "not")) {
            self.pos += 1;
            return Ok(Condition::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Condition, String> {
        let column = self.column();
        let Some((_, token)) = self.tokens.get(self.pos).cloned() else {
            return Err(format!(
                "expected a search identifier at column {column}, found the end"
            ));
        };
        self.pos += 1;
        match token {
            Token::Open => {
                let inner = self.or()?;
                match self.tokens.get(self.pos) {
                    Some((_, Token::Close)) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err(format!(
                        "missing `)` for the `(` at column {column} (at column {})",
                        self.column()
                    )),
                }
            }
            Token::Close => Err(format!("unexpected `)` at column {column}")),
            Token::Word(word) => {
                let next_is_of = self.peek_word().is_some_and(|w| is_keyword(w, "of"));
                if next_is_of {
                    let all = if word == "1" || is_keyword(word, "any") {
                        false
                    } else if is_keyword(word, "all") {
                        true
                    } else {
                        return Err(format!(
                            "`{word} of` at column {column}: only `1 of` and `all of` are Sigma"
                        ));
                    };
                    self.pos += 1;
                    let target_column = self.column();
                    let Some(target) = self.peek_word() else {
                        return Err(format!(
                            "expected `them` or a search identifier pattern at column {target_column}"
                        ));
                    };
                    self.pos += 1;
                    let target = if is_keyword(target, "them") {
                        OfTarget::Them
                    } else {
                        OfTarget::Pattern(target.to_string())
                    };
                    return Ok(Condition::Of { all, target });
                }
                for keyword in ["and", "or", "not", "of", "them"] {
                    if is_keyword(word, keyword) {
                        return Err(format!(
                            "expected a search identifier at column {column}, found `{word}`"
                        ));
                    }
                }
                if is_keyword(word, "near") {
                    return Err(format!(
                        "`near` at column {column} is not supported (Sigma v1 aggregation)"
                    ));
                }
                if word.contains('*') {
                    return Err(format!(
                        "wildcard identifier `{word}` at column {column} is only valid after `1 of` or `all of`"
                    ));
                }
                Ok(Condition::Ident(word.to_string()))
            }
        }
    }
}

/// Whether a search identifier matches an `of` pattern (`*` = any run of characters).
pub(crate) fn pattern_matches(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some((b'*', rest)) => (0..=n.len()).any(|i| go(rest, &n[i..])),
            Some((c, rest)) => n
                .split_first()
                .is_some_and(|(d, tail)| c == d && go(rest, tail)),
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_precedence_and_quantifiers() {
        let c = parse("selection_event_name and 1 of selection_status_* or not (a or b)").unwrap();
        assert_eq!(
            c.to_string(),
            "((selection_event_name and 1 of selection_status_*) or not (a or b))"
        );
        assert_eq!(parse("all of them").unwrap().to_string(), "all of them");
        assert_eq!(
            parse("selection and not 1 of filter*").unwrap().to_string(),
            "(selection and not 1 of filter*)"
        );
    }

    #[test]
    fn errors_name_the_column() {
        assert_eq!(
            parse("selection | count() > 5").unwrap_err(),
            "aggregation at column 11 (`| count() ...`) is not supported; use a Sigma correlation rule"
        );
        assert_eq!(
            parse("selection and").unwrap_err(),
            "expected a search identifier at column 14, found the end"
        );
        assert_eq!(
            parse("(a or b").unwrap_err(),
            "missing `)` for the `(` at column 1 (at column 8)"
        );
        assert_eq!(parse("a b").unwrap_err(), "unexpected `b` at column 3");
        assert!(parse("2 of them").unwrap_err().contains("only `1 of`"));
        assert!(parse("sel*").unwrap_err().contains("only valid after"));
        assert!(parse("").unwrap_err().contains("empty"));
    }

    #[test]
    fn of_patterns() {
        assert!(pattern_matches("selection_*", "selection_status"));
        assert!(pattern_matches("filter*", "filter1"));
        assert!(!pattern_matches("filter_*", "filter1"));
        assert!(pattern_matches("sel", "sel"));
    }
}
