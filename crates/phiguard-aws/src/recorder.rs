//! An SDK interceptor that records every operation phiguard calls, so a test can prove the
//! collector is read-only and `phiguard iam-policy` can be checked against what it really does.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// One operation: the SDK's service name (`S3`, `CloudWatch Logs`) and operation name.
pub type Operation = (String, String);

/// Records operations; cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    seen: Arc<Mutex<BTreeSet<Operation>>>,
}

impl Recorder {
    /// Every operation called so far.
    pub fn operations(&self) -> BTreeSet<Operation> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "phiguard-operation-recorder"
    }

    // Not `read_before_execution`: client interceptors run that before the operation's
    // configuration (which holds its `Metadata`) is applied.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(meta) = cfg.load::<Metadata>() {
            self.seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert((meta.service().to_string(), meta.name().to_string()));
        }
        Ok(())
    }
}

/// Whether an operation only reads: its name starts with a read-only verb, or it is one of
/// the few read-only calls with other names (generating the IAM credential report, assuming
/// an organisation member role, which changes nothing in the account).
pub fn is_read_only(operation: &str) -> bool {
    const VERBS: &[&str] = &[
        "List", "Get", "Describe", "Lookup", "Search", "BatchGet", "Head",
    ];
    const OTHERS: &[&str] = &["GenerateCredentialReport", "AssumeRole"];
    VERBS.iter().any(|v| {
        operation
            .strip_prefix(v)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    }) || OTHERS.contains(&operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_verbs() {
        for op in [
            "ListBuckets",
            "GetBucketPolicy",
            "DescribeInstances",
            "GenerateCredentialReport",
            "AssumeRole",
        ] {
            assert!(is_read_only(op), "{op}");
        }
        for op in [
            "PutBucketPolicy",
            "DeleteTrail",
            "Getaway",
            "StopLogging",
            "CreateTags",
            "AssumeRoleWithSAML",
        ] {
            assert!(!is_read_only(op), "{op}");
        }
    }
}
