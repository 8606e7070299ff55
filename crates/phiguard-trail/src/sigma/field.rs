//! Sigma field names resolved against a CloudTrail [`Event`]: the typed top-level and
//! `userIdentity` fields are read directly; `requestParameters`, `responseElements`,
//! `additionalEventData` and `tlsDetails` (kept raw by the reader) are parsed on first use,
//! at most once per event and rule, and walked along a dotted path.
//!
//! A field can have several values: a path that crosses a JSON array visits every element, and
//! a path that ends on an array yields each item. A path that ends on an object yields the
//! object as JSON text (Sigma engines stringify sub-objects, e.g. `requestParameters|contains`)
//! and then every string inside it, so a pattern can match either. `null` and missing are the
//! same: no value.

use std::cell::OnceCell;

use serde_json::Value;
use serde_json::value::RawValue;

use crate::event::Event;

/// A typed field of [`Event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Typed {
    EventVersion,
    EventTime,
    EventSource,
    EventName,
    AwsRegion,
    SourceIpAddress,
    UserAgent,
    ErrorCode,
    ErrorMessage,
    RequestId,
    EventId,
    EventType,
    ReadOnly,
    RecipientAccountId,
    EventCategory,
    ManagementEvent,
    SessionCredentialFromConsole,
    IdentityType,
    IdentityPrincipalId,
    IdentityArn,
    IdentityAccountId,
    IdentityAccessKeyId,
    IdentityUserName,
    IdentityInvokedBy,
    MfaAuthenticated,
    SessionCreationDate,
    SourceIdentity,
    IssuerType,
    IssuerArn,
    IssuerUserName,
}

/// The CloudTrail field names phiguard reads, with their typed home.
const TYPED: &[(&str, Typed)] = &[
    ("eventVersion", Typed::EventVersion),
    ("eventTime", Typed::EventTime),
    ("eventSource", Typed::EventSource),
    ("eventName", Typed::EventName),
    ("awsRegion", Typed::AwsRegion),
    ("sourceIPAddress", Typed::SourceIpAddress),
    ("userAgent", Typed::UserAgent),
    ("errorCode", Typed::ErrorCode),
    ("errorMessage", Typed::ErrorMessage),
    ("requestID", Typed::RequestId),
    ("eventID", Typed::EventId),
    ("eventType", Typed::EventType),
    ("readOnly", Typed::ReadOnly),
    ("recipientAccountId", Typed::RecipientAccountId),
    ("eventCategory", Typed::EventCategory),
    ("managementEvent", Typed::ManagementEvent),
    (
        "sessionCredentialFromConsole",
        Typed::SessionCredentialFromConsole,
    ),
    ("userIdentity.type", Typed::IdentityType),
    ("userIdentity.principalId", Typed::IdentityPrincipalId),
    ("userIdentity.arn", Typed::IdentityArn),
    ("userIdentity.accountId", Typed::IdentityAccountId),
    ("userIdentity.accessKeyId", Typed::IdentityAccessKeyId),
    ("userIdentity.userName", Typed::IdentityUserName),
    ("userIdentity.invokedBy", Typed::IdentityInvokedBy),
    (
        "userIdentity.sessionContext.attributes.mfaAuthenticated",
        Typed::MfaAuthenticated,
    ),
    (
        "userIdentity.sessionContext.attributes.creationDate",
        Typed::SessionCreationDate,
    ),
    (
        "userIdentity.sessionContext.sourceIdentity",
        Typed::SourceIdentity,
    ),
    (
        "userIdentity.sessionContext.sessionIssuer.type",
        Typed::IssuerType,
    ),
    (
        "userIdentity.sessionContext.sessionIssuer.arn",
        Typed::IssuerArn,
    ),
    (
        "userIdentity.sessionContext.sessionIssuer.userName",
        Typed::IssuerUserName,
    ),
];

/// A raw JSON object of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Raw {
    RequestParameters = 0,
    ResponseElements = 1,
    AdditionalEventData = 2,
    TlsDetails = 3,
}

const RAW: &[(&str, Raw)] = &[
    ("requestParameters", Raw::RequestParameters),
    ("responseElements", Raw::ResponseElements),
    ("additionalEventData", Raw::AdditionalEventData),
    ("tlsDetails", Raw::TlsDetails),
];

/// A field of an entry of `resources` (every entry is visited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResourceField {
    Arn,
    AccountId,
    Type,
}

/// A resolved Sigma field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldPath {
    /// A typed field.
    Typed(Typed),
    /// A path (possibly empty: the whole object) into a raw object.
    Raw(Raw, Vec<String>),
    /// `resources.ARN`, `resources.accountId`, `resources.type`.
    Resources(ResourceField),
}

impl FieldPath {
    /// Whether reading the field needs a JSON parse (used to test cheap fields first).
    pub(crate) fn is_raw(&self) -> bool {
        matches!(self, FieldPath::Raw(..))
    }
}

/// Resolves a Sigma field name; the error says why it cannot be read from a CloudTrail record.
pub(crate) fn resolve(name: &str) -> Result<FieldPath, String> {
    if let Some((_, typed)) = TYPED.iter().find(|(n, _)| *n == name) {
        return Ok(FieldPath::Typed(*typed));
    }
    let (head, rest) = match name.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (name, None),
    };
    if let Some((_, raw)) = RAW.iter().find(|(n, _)| *n == head) {
        let path: Vec<String> = match rest {
            None => Vec::new(),
            Some(rest) => rest.split('.').map(str::to_string).collect(),
        };
        if path.iter().any(String::is_empty) {
            return Err(format!("field `{name}` has an empty path segment"));
        }
        return Ok(FieldPath::Raw(*raw, path));
    }
    match (head, rest) {
        ("resources", Some("ARN")) => return Ok(FieldPath::Resources(ResourceField::Arn)),
        ("resources", Some("accountId")) => {
            return Ok(FieldPath::Resources(ResourceField::AccountId));
        }
        ("resources", Some("type")) => return Ok(FieldPath::Resources(ResourceField::Type)),
        _ => {}
    }
    if head == "userIdentity" || head == "resources" {
        let known: Vec<&str> = TYPED
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| n.starts_with(head))
            .chain(
                ["resources.ARN", "resources.accountId", "resources.type"]
                    .into_iter()
                    .filter(|n| n.starts_with(head)),
            )
            .collect();
        return Err(format!(
            "field `{name}` is not read by phiguard (known under `{head}`: {})",
            known.join(", ")
        ));
    }
    Err(format!(
        "field `{name}` is not a CloudTrail record field (a field-mapping pipeline would be needed)"
    ))
}

/// One event seen by one rule: the raw objects are parsed on first use and kept.
pub(crate) struct Lazy<'e, 'a> {
    event: &'e Event<'a>,
    parsed: [OnceCell<Option<Value>>; 4],
}

impl<'e, 'a> Lazy<'e, 'a> {
    pub(crate) fn new(event: &'e Event<'a>) -> Self {
        Lazy {
            event,
            parsed: Default::default(),
        }
    }

    fn raw(&self, raw: Raw) -> Option<&'e RawValue> {
        let value = match raw {
            Raw::RequestParameters => self.event.request_parameters,
            Raw::ResponseElements => self.event.response_elements,
            Raw::AdditionalEventData => self.event.additional_event_data,
            Raw::TlsDetails => self.event.tls_details,
        };
        value.filter(|v| v.get() != "null")
    }

    fn parsed(&self, raw: Raw) -> Option<&Value> {
        self.parsed[raw as usize]
            .get_or_init(|| {
                self.raw(raw)
                    .and_then(|text| serde_json::from_str(text.get()).ok())
            })
            .as_ref()
    }

    /// Calls `f` on each value of the field until it returns true; returns whether it did.
    pub(crate) fn any_value(&self, path: &FieldPath, f: &mut dyn FnMut(&str) -> bool) -> bool {
        match path {
            FieldPath::Typed(typed) => typed_value(self.event, *typed).is_some_and(f),
            FieldPath::Resources(field) => self.event.resources.iter().any(|r| {
                let value = match field {
                    ResourceField::Arn => r.arn.as_deref(),
                    ResourceField::AccountId => r.account_id.as_deref(),
                    ResourceField::Type => r.resource_type.as_deref(),
                };
                value.is_some_and(&mut *f)
            }),
            FieldPath::Raw(raw, segments) if segments.is_empty() => {
                let Some(text) = self.raw(*raw) else {
                    return false;
                };
                f(text.get()) || self.parsed(*raw).is_some_and(|v| visit_strings(v, f))
            }
            FieldPath::Raw(raw, segments) => self
                .parsed(*raw)
                .is_some_and(|v| visit_path(v, segments, f)),
        }
    }

    /// Whether the field has at least one (non-null) value.
    pub(crate) fn has_value(&self, path: &FieldPath) -> bool {
        self.any_value(path, &mut |_| true)
    }
}

fn typed_value<'e>(event: &'e Event<'_>, typed: Typed) -> Option<&'e str> {
    let identity = event.user_identity.as_ref();
    let session = identity.and_then(|u| u.session_context.as_ref());
    let attributes = session.and_then(|s| s.attributes.as_ref());
    let issuer = session.and_then(|s| s.session_issuer.as_ref());
    let flag = |b: Option<bool>| b.map(|b| if b { "true" } else { "false" });
    match typed {
        Typed::EventVersion => event.event_version.as_deref(),
        Typed::EventTime => Some(&event.event_time),
        Typed::EventSource => Some(&event.event_source),
        Typed::EventName => Some(&event.event_name),
        Typed::AwsRegion => event.aws_region.as_deref(),
        Typed::SourceIpAddress => event.source_ip_address.as_deref(),
        Typed::UserAgent => event.user_agent.as_deref(),
        Typed::ErrorCode => event.error_code.as_deref(),
        Typed::ErrorMessage => event.error_message.as_deref(),
        Typed::RequestId => event.request_id.as_deref(),
        Typed::EventId => event.event_id.as_deref(),
        Typed::EventType => event.event_type.as_deref(),
        Typed::ReadOnly => flag(event.read_only),
        Typed::RecipientAccountId => event.recipient_account_id.as_deref(),
        Typed::EventCategory => event.event_category.as_deref(),
        Typed::ManagementEvent => flag(event.management_event),
        Typed::SessionCredentialFromConsole => event.session_credential_from_console.as_deref(),
        Typed::IdentityType => identity.and_then(|u| u.identity_type.as_deref()),
        Typed::IdentityPrincipalId => identity.and_then(|u| u.principal_id.as_deref()),
        Typed::IdentityArn => identity.and_then(|u| u.arn.as_deref()),
        Typed::IdentityAccountId => identity.and_then(|u| u.account_id.as_deref()),
        Typed::IdentityAccessKeyId => identity.and_then(|u| u.access_key_id.as_deref()),
        Typed::IdentityUserName => identity.and_then(|u| u.user_name.as_deref()),
        Typed::IdentityInvokedBy => identity.and_then(|u| u.invoked_by.as_deref()),
        Typed::MfaAuthenticated => attributes.and_then(|a| a.mfa_authenticated.as_deref()),
        Typed::SessionCreationDate => attributes.and_then(|a| a.creation_date.as_deref()),
        Typed::SourceIdentity => session.and_then(|s| s.source_identity.as_deref()),
        Typed::IssuerType => issuer.and_then(|i| i.issuer_type.as_deref()),
        Typed::IssuerArn => issuer.and_then(|i| i.arn.as_deref()),
        Typed::IssuerUserName => issuer.and_then(|i| i.user_name.as_deref()),
    }
}

fn visit_path(value: &Value, path: &[String], f: &mut dyn FnMut(&str) -> bool) -> bool {
    match path.split_first() {
        None => visit_leaf(value, f),
        Some((segment, rest)) => match value {
            Value::Object(map) => map.get(segment).is_some_and(|v| visit_path(v, rest, f)),
            Value::Array(items) => items.iter().any(|item| visit_path(item, path, f)),
            _ => false,
        },
    }
}

fn visit_leaf(value: &Value, f: &mut dyn FnMut(&str) -> bool) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => f(s),
        Value::Bool(b) => f(if *b { "true" } else { "false" }),
        Value::Number(n) => f(&n.to_string()),
        Value::Array(items) => items.iter().any(|item| visit_leaf(item, f)),
        Value::Object(_) => {
            let text = serde_json::to_string(value).unwrap_or_default();
            f(&text) || visit_strings(value, f)
        }
    }
}

/// Every string (and scalar) inside a JSON value.
fn visit_strings(value: &Value, f: &mut dyn FnMut(&str) -> bool) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => f(s),
        Value::Bool(b) => f(if *b { "true" } else { "false" }),
        Value::Number(n) => f(&n.to_string()),
        Value::Array(items) => items.iter().any(|item| visit_strings(item, f)),
        Value::Object(map) => map.values().any(|item| visit_strings(item, f)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_typed_raw_and_unknown_fields() {
        assert_eq!(
            resolve("userIdentity.type"),
            Ok(FieldPath::Typed(Typed::IdentityType))
        );
        assert_eq!(
            resolve("requestParameters.containerDefinitions.command"),
            Ok(FieldPath::Raw(
                Raw::RequestParameters,
                vec!["containerDefinitions".into(), "command".into()]
            ))
        );
        assert_eq!(
            resolve("responseElements"),
            Ok(FieldPath::Raw(Raw::ResponseElements, vec![]))
        );
        assert!(resolve("status").unwrap_err().contains("not a CloudTrail"));
        assert!(
            resolve("userIdentity.foo")
                .unwrap_err()
                .contains("userIdentity.arn")
        );
        assert!(resolve("requestParameters..x").is_err());
    }

    #[test]
    fn walks_arrays_objects_and_scalars() {
        let text = r#"{"eventTime":"t","eventSource":"s","eventName":"n",
            "requestParameters":{"enable":false,"containerDefinitions":[{"command":["sh","-c","curl $X"]},{"command":"y"}],"n":3}}"#;
        let event: Event<'_> = serde_json::from_str(text).unwrap();
        let lazy = Lazy::new(&event);
        let mut seen = Vec::new();
        let path = resolve("requestParameters.containerDefinitions.command").unwrap();
        assert!(!lazy.any_value(&path, &mut |s| {
            seen.push(s.to_string());
            false
        }));
        assert_eq!(seen, ["sh", "-c", "curl $X", "y"]);
        let enable = resolve("requestParameters.enable").unwrap();
        assert!(lazy.any_value(&enable, &mut |s| s == "false"));
        let whole = resolve("requestParameters").unwrap();
        assert!(lazy.any_value(&whole, &mut |s| s.contains("\"n\":3")));
        assert!(!lazy.has_value(&resolve("responseElements").unwrap()));
        assert!(!lazy.has_value(&resolve("errorCode").unwrap()));
    }
}
