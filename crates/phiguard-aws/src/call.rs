//! One AWS call's failure, classified: what the caller was denied, what is not enabled or not
//! offered in a region, and what simply failed. The classification decides the coverage state
//! of the data the call was for, and so whether controls reading it report `error`.

use std::fmt;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use phiguard_model::{CoverageState, FieldError, Resource};

/// A failed AWS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// The AWS error code (`AccessDenied`, `ThrottlingException`, ...), or a phiguard code for
    /// failures without one (`dispatch`, `timeout`, `response`, `parse`).
    pub code: String,
    /// The message, if any.
    pub message: String,
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.message.is_empty(), self.status) {
            (true, Some(s)) => write!(f, "{} (HTTP {s})", self.code),
            (true, None) => f.write_str(&self.code),
            (false, Some(s)) => write!(f, "{}: {} (HTTP {s})", self.code, self.message),
            (false, None) => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for CallError {}

impl<E: ProvideErrorMetadata + std::error::Error + 'static, R: fmt::Debug> From<SdkError<E, R>>
    for CallError
{
    fn from(e: SdkError<E, R>) -> CallError {
        match &e {
            SdkError::ServiceError(service) => {
                let err = service.err();
                let status = status_of(service.raw());
                CallError {
                    code: err.code().unwrap_or("Unknown").to_string(),
                    message: err
                        .message()
                        .map(str::to_string)
                        .unwrap_or_else(|| source_chain(err)),
                    status,
                }
            }
            SdkError::TimeoutError(_) => CallError::new("timeout", "the call timed out"),
            SdkError::DispatchFailure(d) => CallError::new(
                if d.is_timeout() {
                    "timeout"
                } else {
                    "dispatch"
                },
                &source_chain(&e),
            ),
            SdkError::ResponseError(_) => CallError::new("response", &source_chain(&e)),
            SdkError::ConstructionFailure(_) => CallError::new("construction", &source_chain(&e)),
            _ => CallError::new("unknown", &source_chain(&e)),
        }
    }
}

fn status_of<R: fmt::Debug>(raw: &R) -> Option<u16> {
    // The raw response is `HttpResponse` for every operation; reading its status without
    // naming the type keeps this generic over `R`.
    let text = format!("{raw:?}");
    let at = text.find("status: StatusCode(")? + "status: StatusCode(".len();
    text[at..].split(')').next()?.parse().ok()
}

fn source_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

impl CallError {
    /// A failure phiguard itself detected.
    pub fn new(code: &str, message: &str) -> CallError {
        CallError {
            code: code.to_string(),
            message: message.to_string(),
            status: None,
        }
    }

    /// Whether the caller lacks permission.
    pub fn is_denied(&self) -> bool {
        const DENIED: &[&str] = &[
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "AuthorizationError",
            "UnauthorizedException",
            "Forbidden",
            "AllAccessDisabled",
            "AccessDeniedForDependencyException",
            "AWSOrganizationsNotInUseException",
        ];
        DENIED.contains(&self.code.as_str()) || self.status == Some(403) && !self.is_not_enabled()
    }

    /// Whether the service is not enabled, not subscribed, or the region not opted in.
    pub fn is_not_enabled(&self) -> bool {
        const NOT_ENABLED: &[&str] = &[
            "OptInRequired",
            "SubscriptionRequiredException",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "AuthFailure",
            "InvalidAccessException",
        ];
        NOT_ENABLED.contains(&self.code.as_str())
            || self.message.contains("not subscribed")
            || self.message.contains("is not enabled")
    }

    /// Whether the operation does not exist in this region (or emulator).
    pub fn is_unsupported(&self) -> bool {
        matches!(
            self.code.as_str(),
            "UnsupportedOperation" | "UnsupportedOperationException" | "InvalidAction"
        ) || self.status == Some(404) && self.code == "Unknown"
    }

    /// The coverage state of the data this call was for.
    pub fn coverage(&self) -> CoverageState {
        if self.is_not_enabled() {
            CoverageState::NotEnabled {
                reason: self.to_string(),
            }
        } else if self.is_denied() {
            CoverageState::Denied {
                code: self.code.clone(),
                message: self.message.clone(),
            }
        } else {
            CoverageState::Failed {
                message: self.to_string(),
            }
        }
    }

    /// Whether the error code is one of `codes` (an absent configuration, say).
    pub fn is(&self, codes: &[&str]) -> bool {
        codes.contains(&self.code.as_str())
    }
}

/// Records a per-resource attribute call: the value, or a [`FieldError`] on the resource so
/// that controls reading `field` report `error` for this resource (never `pass`).
pub fn field<T>(resource: &mut Resource, field: &str, result: Result<T, CallError>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            resource.errors.push(FieldError {
                field: field.to_string(),
                code: e.code.clone(),
                message: e.message,
            });
            None
        }
    }
}

/// Turns "not configured" error codes into `Ok(None)`: S3 answers a bucket without an
/// encryption configuration with `ServerSideEncryptionConfigurationNotFoundError`, and so on.
pub fn absent_if<T>(result: Result<T, CallError>, codes: &[&str]) -> Result<Option<T>, CallError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is(codes) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: &str, status: Option<u16>) -> CallError {
        CallError {
            code: code.into(),
            message: String::new(),
            status,
        }
    }

    #[test]
    fn classification_never_turns_a_failure_into_collected() {
        assert!(matches!(
            err("AccessDenied", Some(403)).coverage(),
            CoverageState::Denied { .. }
        ));
        assert!(matches!(
            err("OptInRequired", Some(401)).coverage(),
            CoverageState::NotEnabled { .. }
        ));
        assert!(matches!(
            err("ThrottlingException", Some(400)).coverage(),
            CoverageState::Failed { .. }
        ));
        assert!(matches!(
            err("Whatever", Some(403)).coverage(),
            CoverageState::Denied { .. }
        ));
        for e in [
            "AccessDenied",
            "OptInRequired",
            "ThrottlingException",
            "timeout",
        ] {
            assert!(!err(e, None).coverage().is_collected(), "{e}");
        }
    }

    #[test]
    fn field_errors_land_on_the_resource() {
        let mut r = Resource::new(
            "arn:aws:s3:::b",
            "123456789012",
            "us-east-1",
            phiguard_model::kinds::S3Bucket::default(),
        );
        let got: Option<u8> = field(&mut r, "encryption", Err(err("AccessDenied", Some(403))));
        assert_eq!(got, None);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].field, "encryption");
        assert_eq!(
            absent_if::<u8>(Err(err("NoSuchX", None)), &["NoSuchX"]),
            Ok(None)
        );
    }
}
