//! IAM and resource policy documents, normalised: single values become lists, a lone statement
//! becomes a list of one, so controls can reason about them without caring about JSON shapes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// A policy document (identity, trust or resource policy).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyDocument {
    /// `2012-10-17` normally.
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The statements; a single statement object is accepted on input.
    #[serde(rename = "Statement", default, deserialize_with = "one_or_many")]
    pub statements: Vec<Statement>,
}

/// One statement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Statement {
    /// Statement id.
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// Who the statement applies to (resource and trust policies).
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    /// Everyone except these.
    #[serde(
        rename = "NotPrincipal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_principal: Option<Principal>,
    /// Actions, e.g. `s3:GetObject`, `*`.
    #[serde(
        rename = "Action",
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub action: Vec<String>,
    /// Every action except these.
    #[serde(
        rename = "NotAction",
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub not_action: Vec<String>,
    /// Resources.
    #[serde(
        rename = "Resource",
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub resource: Vec<String>,
    /// Every resource except these.
    #[serde(
        rename = "NotResource",
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub not_resource: Vec<String>,
    /// Conditions: operator → key → values.
    #[serde(
        rename = "Condition",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub condition: BTreeMap<String, BTreeMap<String, ConditionValues>>,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Effect {
    /// Grants.
    #[default]
    Allow,
    /// Denies; wins over any allow.
    Deny,
}

/// A principal: `"*"` or a map such as `{"AWS": [...], "Service": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Principal {
    /// `"*"`: anyone.
    Wildcard(String),
    /// Principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) → identifiers.
    Map(BTreeMap<String, OneOrMany>),
}

/// One string or a list of strings, as policy JSON allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// Several values.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values as a slice-like iterator.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let slice: &[String] = match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        };
        slice.iter().map(String::as_str)
    }
}

/// Condition values: strings, booleans or numbers, one or many; kept as text.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ConditionValues(pub Vec<String>);

impl<'de> Deserialize<'de> for ConditionValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Ok(ConditionValues(match value {
            serde_json::Value::Array(items) => items.iter().map(text).collect(),
            other => vec![text(&other)],
        }))
    }
}

fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Either::<T>::deserialize(d)? {
        Either::Many(many) => many,
        Either::One(one) => vec![one],
    })
}

/// Whether an IAM action pattern (`s3:Get*`, `*`) matches an action (`s3:GetObject`),
/// case-insensitively as IAM does.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|b| *b == b'*')
}

impl Principal {
    /// Whether the principal is everyone (`"*"` or `{"AWS": "*"}`).
    pub fn is_wildcard(&self) -> bool {
        match self {
            Principal::Wildcard(s) => s == "*",
            Principal::Map(map) => map.values().any(|ids| ids.iter().any(|id| id == "*")),
        }
    }

    /// The identifiers of one principal type, e.g. `AWS`.
    pub fn ids(&self, kind: &str) -> Vec<&str> {
        match self {
            Principal::Wildcard(s) => vec![s.as_str()],
            Principal::Map(map) => map
                .get(kind)
                .map(|ids| ids.iter().collect())
                .unwrap_or_default(),
        }
    }
}

impl Statement {
    /// Whether this statement (Allow or Deny, ignoring conditions) covers `action`.
    pub fn covers_action(&self, action: &str) -> bool {
        if !self.not_action.is_empty() {
            return !self.not_action.iter().any(|p| action_matches(p, action));
        }
        self.action.iter().any(|p| action_matches(p, action))
    }

    /// Whether the statement applies to every resource (`Resource: "*"`).
    pub fn on_all_resources(&self) -> bool {
        self.resource.iter().any(|r| r == "*")
    }

    /// The values of a condition key under any operator, matched case-insensitively
    /// (`aws:SecureTransport`), with the operator.
    pub fn condition_values(&self, key: &str) -> Vec<(&str, &[String])> {
        self.condition
            .iter()
            .flat_map(|(op, keys)| {
                keys.iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(move |(_, v)| (op.as_str(), v.0.as_slice()))
            })
            .collect()
    }

    /// Whether the statement has any condition.
    pub fn has_condition(&self) -> bool {
        !self.condition.is_empty()
    }
}

impl PolicyDocument {
    /// Parses a policy from JSON text (URL-decoding is the caller's job).
    pub fn from_json(text: &str) -> Result<PolicyDocument, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Allow statements.
    pub fn allows(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.effect == Effect::Allow)
    }

    /// Deny statements.
    pub fn denies(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.effect == Effect::Deny)
    }

    /// Whether an Allow statement grants `Action: "*"` on `Resource: "*"` (administrator access).
    pub fn grants_full_admin(&self) -> bool {
        self.allows().any(|s| {
            s.not_action.is_empty() && s.action.iter().any(|a| a == "*") && s.on_all_resources()
        })
    }
}

/// Condition keys that, bound to fixed values by a positive operator, limit a grant to known
/// callers, sources or networks: the keys Amazon S3 ("the meaning of public" in Block Public
/// Access) and IAM Access Analyzer treat as making an otherwise open grant non-public.
pub const LIMITING_CONDITION_KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:userid",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:DataAccessPointArn",
    "s3:DataAccessPointAccount",
];

/// Operators that require the key to be present and equal to one of the values.
const POSITIVE_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "ArnEquals",
    "ArnLike",
    "IpAddress",
];

/// Whether a `Resource` pattern of a policy (`arn:aws:s3:::bucket/*`) matches `arn`, with `*`
/// and `?` wildcards; case-sensitive, as ARNs are.
pub fn resource_matches(pattern: &str, arn: &str) -> bool {
    wildcard_match(pattern, arn)
}

fn limits_to_fixed_values(operator: &str, key: &str, values: &[String]) -> bool {
    let operator = operator
        .get(..12)
        .filter(|p| p.eq_ignore_ascii_case("ForAnyValue:"))
        .map_or(operator, |_| &operator[12..]);
    if !POSITIVE_OPERATORS
        .iter()
        .any(|o| o.eq_ignore_ascii_case(operator))
    {
        return false;
    }
    if !LIMITING_CONDITION_KEYS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(key))
    {
        return false;
    }
    let is_ip = key.eq_ignore_ascii_case("aws:SourceIp");
    !values.is_empty()
        && values.iter().all(|v| {
            if v.contains('*') || v.contains('?') || v.is_empty() {
                return false;
            }
            // A CIDR shorter than /8 (including 0.0.0.0/0 and ::/0) is the internet.
            !is_ip
                || v.rsplit_once('/')
                    .is_none_or(|(_, bits)| bits.parse::<u8>().is_ok_and(|b| b >= 8))
        })
}

impl Statement {
    /// Whether the statement applies to every principal: `Principal: "*"` (or `{"AWS": "*"}`),
    /// or a `NotPrincipal` (everyone except the listed ones).
    pub fn applies_to_everyone(&self) -> bool {
        self.not_principal.is_some() || self.principal.as_ref().is_some_and(Principal::is_wildcard)
    }

    /// Whether a condition pins the request to fixed accounts, organisations, sources or
    /// networks ([`LIMITING_CONDITION_KEYS`] with a positive operator such as `StringEquals` or
    /// `IpAddress`, no wildcard in the values, no CIDR wider than /8). `...IfExists` and
    /// negated operators never limit: a request without the key, or with any other value,
    /// still matches.
    pub fn has_limiting_condition(&self) -> bool {
        self.condition.iter().any(|(operator, keys)| {
            keys.iter()
                .any(|(key, values)| limits_to_fixed_values(operator, key, &values.0))
        })
    }

    /// Whether this is an Allow anyone can use: it applies to everyone and no condition limits
    /// it to fixed callers or networks.
    pub fn is_public_allow(&self) -> bool {
        self.effect == Effect::Allow && self.applies_to_everyone() && !self.has_limiting_condition()
    }
}

impl PolicyDocument {
    /// Allow statements open to anyone ([`Statement::is_public_allow`]). Deny statements are
    /// not weighed against them, so this errs towards "public".
    pub fn public_allows(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.is_public_allow())
    }
}

#[cfg(test)]
mod public_grant_tests {
    use super::*;

    fn statement(json: &str) -> Statement {
        let doc = PolicyDocument::from_json(&format!(r#"{{"Statement":[{json}]}}"#)).unwrap();
        doc.statements.into_iter().next().unwrap()
    }

    #[test]
    fn wildcard_principal_without_conditions_is_public() {
        let s = statement(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert!(s.is_public_allow());
        let s = statement(
            r#"{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert!(s.is_public_allow());
        let s = statement(
            r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}"#,
        );
        assert!(s.is_public_allow());
    }

    #[test]
    fn fixed_principals_and_denies_are_not_public() {
        let s = statement(
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}"#,
        );
        assert!(!s.is_public_allow());
        let s = statement(r#"{"Effect":"Deny","Principal":"*","Action":"s3:*"}"#);
        assert!(!s.is_public_allow());
    }

    #[test]
    fn limiting_conditions() {
        for (condition, limits) in [
            (
                r#"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
                true,
            ),
            (
                r#"{"StringEquals":{"AWS:PrincipalOrgID":["o-abc123"]}}"#,
                true,
            ),
            (r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, true),
            (
                r#"{"ForAnyValue:StringEquals":{"aws:SourceAccount":"111122223333"}}"#,
                true,
            ),
            (r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#, false),
            (
                r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","::/0"]}}"#,
                false,
            ),
            (
                r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
                false,
            ),
            (
                r#"{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"}}"#,
                false,
            ),
            (
                r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#,
                false,
            ),
            (r#"{"Bool":{"aws:SecureTransport":"true"}}"#, false),
        ] {
            let s = statement(&format!(
                r#"{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{condition}}}"#
            ));
            assert_eq!(s.has_limiting_condition(), limits, "{condition}");
            assert_eq!(s.is_public_allow(), !limits, "{condition}");
        }
    }

    #[test]
    fn public_allows_and_resource_patterns() {
        let doc = PolicyDocument::from_json(
            r#"{"Statement":[
                {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
                {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}]}"#,
        )
        .unwrap();
        assert_eq!(doc.public_allows().count(), 1);
        assert!(resource_matches("arn:aws:s3:::b/*", "arn:aws:s3:::b/*"));
        assert!(resource_matches("*", "arn:aws:s3:::b/*"));
        assert!(resource_matches("arn:aws:s3:::b*", "arn:aws:s3:::b/*"));
        assert!(!resource_matches(
            "arn:aws:s3:::b/phi/*",
            "arn:aws:s3:::b/*"
        ));
        assert!(!resource_matches("arn:aws:s3:::B/*", "arn:aws:s3:::b/*"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_single_values() {
        let doc = PolicyDocument::from_json(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        )
        .unwrap();
        assert_eq!(doc.statements.len(), 1);
        assert!(doc.grants_full_admin());
    }

    #[test]
    fn conditions_and_principals() {
        let doc = PolicyDocument::from_json(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
                "Condition":{"Bool":{"aws:SecureTransport":false}}}]}"#,
        )
        .unwrap();
        let s = &doc.statements[0];
        assert!(s.principal.as_ref().unwrap().is_wildcard());
        assert!(s.covers_action("s3:GetObject"));
        assert_eq!(
            s.condition_values("AWS:securetransport"),
            vec![("Bool", &["false".to_string()][..])]
        );
        assert!(!doc.grants_full_admin());
    }

    #[test]
    fn wildcards() {
        assert!(action_matches("s3:Get*", "s3:GetObject"));
        assert!(action_matches("*", "kms:Decrypt"));
        assert!(action_matches("KMS:decrypt", "kms:Decrypt"));
        assert!(!action_matches("s3:Put*", "s3:GetObject"));
        assert!(action_matches("iam:*MFA*", "iam:DeactivateMFADevice"));
    }

    #[test]
    fn not_action_inverts() {
        let s = Statement {
            not_action: vec!["iam:*".into()],
            ..Statement::default()
        };
        assert!(s.covers_action("s3:GetObject"));
        assert!(!s.covers_action("iam:CreateUser"));
    }
}
