//! One CloudTrail record, parsed without copying: strings borrow from the input buffer where
//! they can (`Cow` falls back to owned when the JSON string has escapes).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

/// A CloudTrail record (event). Unknown fields are ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event<'a> {
    /// `1.08`, ...
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub event_version: Option<Cow<'a, str>>,
    /// Who made the call.
    #[serde(borrow, default)]
    pub user_identity: Option<UserIdentity<'a>>,
    /// `2023-07-10T11:45:00Z`.
    #[serde(borrow)]
    pub event_time: Cow<'a, str>,
    /// `iam.amazonaws.com`.
    #[serde(borrow)]
    pub event_source: Cow<'a, str>,
    /// API action, e.g. `DeleteTrail`.
    #[serde(borrow)]
    pub event_name: Cow<'a, str>,
    /// Region.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub aws_region: Option<Cow<'a, str>>,
    /// An IP address, a service DNS name or `AWS Internal`.
    #[serde(
        borrow,
        default,
        deserialize_with = "borrow_opt",
        rename = "sourceIPAddress"
    )]
    pub source_ip_address: Option<Cow<'a, str>>,
    /// User agent.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub user_agent: Option<Cow<'a, str>>,
    /// Present on failure.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub error_code: Option<Cow<'a, str>>,
    /// Present on failure.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub error_message: Option<Cow<'a, str>>,
    /// Raw `requestParameters` (object or null).
    #[serde(borrow, default)]
    pub request_parameters: Option<&'a RawValue>,
    /// Raw `responseElements` (object or null).
    #[serde(borrow, default)]
    pub response_elements: Option<&'a RawValue>,
    /// Raw `additionalEventData`.
    #[serde(borrow, default)]
    pub additional_event_data: Option<&'a RawValue>,
    /// Request id.
    #[serde(borrow, default, deserialize_with = "borrow_opt", rename = "requestID")]
    pub request_id: Option<Cow<'a, str>>,
    /// Event id (GUID): the de-duplication key.
    #[serde(borrow, default, deserialize_with = "borrow_opt", rename = "eventID")]
    pub event_id: Option<Cow<'a, str>>,
    /// `AwsApiCall`, `AwsConsoleSignIn`, ...
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub event_type: Option<Cow<'a, str>>,
    /// Read-only call.
    #[serde(default)]
    pub read_only: Option<bool>,
    /// Resources touched (S3 objects and buckets, roles, keys).
    #[serde(borrow, default)]
    pub resources: Vec<Resource<'a>>,
    /// Account that received the event.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub recipient_account_id: Option<Cow<'a, str>>,
    /// `Management`, `Data`, `Insight`.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub event_category: Option<Cow<'a, str>>,
    /// Management event.
    #[serde(default)]
    pub management_event: Option<bool>,
    /// `"true"` when the call came from a console session.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub session_credential_from_console: Option<Cow<'a, str>>,
    /// Raw `tlsDetails`.
    #[serde(borrow, default)]
    pub tls_details: Option<&'a RawValue>,
}

/// `userIdentity`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity<'a> {
    /// `Root`, `IAMUser`, `AssumedRole`, `AWSService`, ...
    #[serde(borrow, default, deserialize_with = "borrow_opt", rename = "type")]
    pub identity_type: Option<Cow<'a, str>>,
    /// Principal id.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub principal_id: Option<Cow<'a, str>>,
    /// Principal ARN.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub arn: Option<Cow<'a, str>>,
    /// Account of the principal.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub account_id: Option<Cow<'a, str>>,
    /// `AKIA...` long-term, `ASIA...` temporary.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub access_key_id: Option<Cow<'a, str>>,
    /// User name (root: the account alias, if any).
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub user_name: Option<Cow<'a, str>>,
    /// Set when an AWS service called on the principal's behalf.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub invoked_by: Option<Cow<'a, str>>,
    /// Session context for temporary credentials.
    #[serde(borrow, default)]
    pub session_context: Option<SessionContext<'a>>,
}

/// `userIdentity.sessionContext`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext<'a> {
    /// `attributes`.
    #[serde(borrow, default)]
    pub attributes: Option<SessionAttributes<'a>>,
    /// `sessionIssuer`.
    #[serde(borrow, default)]
    pub session_issuer: Option<SessionIssuer<'a>>,
    /// `sourceIdentity`.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub source_identity: Option<Cow<'a, str>>,
}

/// `sessionContext.attributes`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAttributes<'a> {
    /// `"true"`/`"false"`: the MFA signal for API calls.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub mfa_authenticated: Option<Cow<'a, str>>,
    /// Session creation time.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub creation_date: Option<Cow<'a, str>>,
}

/// `sessionContext.sessionIssuer`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer<'a> {
    /// `Role`, ...
    #[serde(borrow, default, deserialize_with = "borrow_opt", rename = "type")]
    pub issuer_type: Option<Cow<'a, str>>,
    /// Issuer ARN (the role).
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub arn: Option<Cow<'a, str>>,
    /// Issuer name.
    #[serde(borrow, default, deserialize_with = "borrow_opt")]
    pub user_name: Option<Cow<'a, str>>,
}

/// An entry of `resources`.
#[derive(Debug, Clone, Deserialize)]
pub struct Resource<'a> {
    /// ARN.
    #[serde(borrow, default, deserialize_with = "borrow_opt", rename = "ARN")]
    pub arn: Option<Cow<'a, str>>,
    /// Account.
    #[serde(borrow, default, deserialize_with = "borrow_opt", rename = "accountId")]
    pub account_id: Option<Cow<'a, str>>,
    /// `AWS::S3::Object`, `AWS::S3::Bucket`, ...
    #[serde(borrow, default, deserialize_with = "borrow_opt", rename = "type")]
    pub resource_type: Option<Cow<'a, str>>,
}

/// `Option<Cow<str>>` that borrows from the input when the string has no escapes (serde's
/// `borrow` alone only applies to a bare `Cow`; an `Option<Cow>` would always allocate).
fn borrow_opt<'de: 'a, 'a, D>(deserializer: D) -> Result<Option<Cow<'a, str>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Borrowed<'a>>::deserialize(deserializer)?.map(|b| b.0))
}

impl Event<'_> {
    /// The principal's identity type (`Root`, `IAMUser`, ...), or empty.
    pub fn identity_type(&self) -> &str {
        self.user_identity
            .as_ref()
            .and_then(|u| u.identity_type.as_deref())
            .unwrap_or("")
    }

    /// Whether the call was made with MFA: `sessionContext.attributes.mfaAuthenticated`
    /// for API calls, `additionalEventData.MFAUsed` for console sign-ins (`Yes`/`YES`).
    pub fn mfa_used(&self) -> Option<bool> {
        if self.event_name == "ConsoleLogin" {
            let data = self.additional_event_data?;
            let value: serde_json::Value = serde_json::from_str(data.get()).ok()?;
            return value
                .get("MFAUsed")
                .and_then(|v| v.as_str())
                .map(|s| s.eq_ignore_ascii_case("yes"));
        }
        self.user_identity
            .as_ref()?
            .session_context
            .as_ref()?
            .attributes
            .as_ref()?
            .mfa_authenticated
            .as_deref()
            .map(|s| s.eq_ignore_ascii_case("true"))
    }

    /// A field of `requestParameters` as a JSON value, parsed on demand.
    pub fn request_parameter(&self, name: &str) -> Option<serde_json::Value> {
        let raw = self.request_parameters?;
        let value: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
        value.get(name).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_console_login_without_copying() {
        let text = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},
            "eventTime":"2026-01-01T00:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1",
            "sourceIPAddress":"192.0.2.1","userAgent":"Mozilla","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},
            "additionalEventData":{"MFAUsed":"No"},"eventID":"e1","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"#;
        let event: Event<'_> = serde_json::from_str(text).unwrap();
        assert!(matches!(event.event_name, Cow::Borrowed("ConsoleLogin")));
        assert!(matches!(event.user_agent, Some(Cow::Borrowed("Mozilla"))));
        let arn = event.user_identity.as_ref().and_then(|u| u.arn.as_ref());
        assert!(matches!(arn, Some(Cow::Borrowed(_))));
        assert_eq!(event.identity_type(), "IAMUser");
        assert_eq!(event.mfa_used(), Some(false));
    }
}
