//! What a control says about one resource: status, reason and the evidence it read.

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{GLOBAL, Resource, ResourceKind};

/// The outcome of evaluating one control on one resource.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The resource meets the requirement, with evidence.
    Pass,
    /// The resource does not meet the requirement.
    Fail,
    /// Not evaluated: the data needed was not collected (denied, failed, not enabled).
    Error,
    /// The requirement does not apply to this resource.
    NotApplicable,
    /// Needs a human attestation (e.g. a BAA recorded outside AWS).
    Manual,
    /// Failed, but a current waiver covers it.
    Waived,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: [Status; 6] = [
        Status::Fail,
        Status::Error,
        Status::Manual,
        Status::Waived,
        Status::Pass,
        Status::NotApplicable,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::NotApplicable => "not_applicable",
            Status::Manual => "manual",
            Status::Waived => "waived",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a failure is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// One level up, capped at critical (used for PHI resources).
    pub fn raised(self) -> Severity {
        match self {
            Severity::Info => Severity::Low,
            Severity::Low => Severity::Medium,
            Severity::Medium => Severity::High,
            Severity::High | Severity::Critical => Severity::Critical,
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An attribute value a control read, kept as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Value<'a> {
    /// Absent.
    Null,
    /// A flag.
    Bool(bool),
    /// A number.
    Int(i64),
    /// Text.
    Str(Cow<'a, str>),
    /// Several values.
    List(Vec<Value<'a>>),
}

impl Value<'_> {
    /// Copies borrowed text so the value outlives the inventory.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::List(l) => Value::List(l.into_iter().map(Value::into_owned).collect()),
        }
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i64> for Value<'_> {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u32> for Value<'_> {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<i32> for Value<'_> {
    fn from(v: i32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<u16> for Value<'_> {
    fn from(v: u16) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<usize> for Value<'_> {
    fn from(v: usize) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<u64> for Value<'_> {
    fn from(v: u64) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Str(Cow::Borrowed(v))
    }
}
impl<'a> From<&'a String> for Value<'a> {
    fn from(v: &'a String) -> Self {
        Value::Str(Cow::Borrowed(v))
    }
}
impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::Str(Cow::Owned(v))
    }
}
impl From<jiff::Timestamp> for Value<'_> {
    fn from(v: jiff::Timestamp) -> Self {
        Value::Str(Cow::Owned(v.to_string()))
    }
}
impl From<&jiff::Timestamp> for Value<'_> {
    fn from(v: &jiff::Timestamp) -> Self {
        Value::Str(Cow::Owned(v.to_string()))
    }
}
impl<'a, T> From<Option<T>> for Value<'a>
where
    T: Into<Value<'a>>,
{
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
impl<'a> From<&'a [String]> for Value<'a> {
    fn from(v: &'a [String]) -> Self {
        Value::List(v.iter().map(Value::from).collect())
    }
}
impl<'a> From<&'a Vec<String>> for Value<'a> {
    fn from(v: &'a Vec<String>) -> Self {
        Value::List(v.iter().map(Value::from).collect())
    }
}
impl<'a> From<Vec<Value<'a>>> for Value<'a> {
    fn from(v: Vec<Value<'a>>) -> Self {
        Value::List(v)
    }
}
impl<'a> From<&'a bool> for Value<'a> {
    fn from(v: &'a bool) -> Self {
        Value::Bool(*v)
    }
}
impl<'a> From<&'a u32> for Value<'a> {
    fn from(v: &'a u32) -> Self {
        Value::Int(i64::from(*v))
    }
}

/// The attributes a control read for one evaluation, in the order it read them. Keys name
/// attributes as the inventory does (`versioning`, `policy`), so a key that matches a
/// resource's [`FieldError`](crate::FieldError) turns the evaluation into `error`.
pub type Evidence<'a> = Vec<(&'static str, Value<'a>)>;

/// Builds [`Evidence`]: `evidence!["versioning" => bucket.versioning.as_deref()]`.
#[macro_export]
macro_rules! evidence {
    () => { ::std::vec::Vec::new() };
    ($($key:literal => $value:expr),+ $(,)?) => {
        ::std::vec![$(($key, $crate::Value::from($value))),+]
    };
}

/// What an evaluation is about: a resource, an account, or an account's region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject<'a> {
    /// ARN or stable id.
    pub id: Cow<'a, str>,
    /// Resource kind, if the subject is a resource.
    pub kind: Option<ResourceKind>,
    /// Account id.
    pub account: Cow<'a, str>,
    /// Region or `global`.
    pub region: Cow<'a, str>,
    /// In PHI scope.
    pub phi: bool,
    /// The resource's field errors, checked against the evidence keys.
    pub field_errors: &'a [crate::FieldError],
}

impl<'a> Subject<'a> {
    /// A resource.
    pub fn resource(resource: &'a Resource, phi: bool) -> Subject<'a> {
        Subject {
            id: Cow::Borrowed(&resource.arn),
            kind: Some(resource.kind()),
            account: Cow::Borrowed(&resource.account),
            region: Cow::Borrowed(&resource.region),
            phi,
            field_errors: &resource.errors,
        }
    }

    /// A whole account (`AWS::::Account:111122223333`, as Security Hub names it).
    pub fn account(account: &'a str, phi: bool) -> Subject<'a> {
        Subject {
            id: Cow::Owned(format!("AWS::::Account:{account}")),
            kind: None,
            account: Cow::Borrowed(account),
            region: Cow::Borrowed(GLOBAL),
            phi,
            field_errors: &[],
        }
    }

    /// One region of an account (`AWS::::Account:111122223333/eu-west-1`).
    pub fn region(account: &'a str, region: &'a str, phi: bool) -> Subject<'a> {
        Subject {
            id: Cow::Owned(format!("AWS::::Account:{account}/{region}")),
            kind: None,
            account: Cow::Borrowed(account),
            region: Cow::Borrowed(region),
            phi,
            field_errors: &[],
        }
    }
}

/// One control's verdict on one subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation<'a> {
    /// What was evaluated.
    pub subject: Subject<'a>,
    /// The verdict.
    pub status: Status,
    /// Why, in one sentence a user can act on.
    pub reason: Cow<'a, str>,
    /// The attribute values read.
    pub evidence: Evidence<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_raise_caps_at_critical() {
        assert_eq!(Severity::Low.raised(), Severity::Medium);
        assert_eq!(Severity::Critical.raised(), Severity::Critical);
        assert_eq!(Severity::parse(" HIGH "), Some(Severity::High));
        assert_eq!(Severity::parse("severe"), None);
    }

    #[test]
    fn evidence_macro_and_display() {
        let name = String::from("b");
        let ev: Evidence<'_> = evidence!["versioning" => Some("Enabled"), "days" => 7u32, "name" => &name, "none" => None::<&str>];
        let shown: Vec<String> = ev.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            shown,
            [
                "versioning=\"Enabled\"",
                "days=7",
                "name=\"b\"",
                "none=null"
            ]
        );
        assert_eq!(serde_json::to_string(&ev[0].1).unwrap(), "\"Enabled\"");
    }
}
