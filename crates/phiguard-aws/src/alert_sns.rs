//! Amazon SNS `Publish` for `phiguard monitor` alerts: the one AWS **write** phiguard makes.
//!
//! It is deliberately outside the collector: it does not go through the [`crate::Recorder`],
//! is not in the read-only permission table ([`crate::permissions`]) that `phiguard
//! iam-policy` prints, and runs only for an SNS destination the configuration opted into
//! (`allow_aws_write = true`). It needs `sns:Publish` on the topic, documented separately
//! (docs/monitoring.md).

use aws_config::BehaviorVersion;
use aws_types::region::Region;

/// Where to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsTarget {
    /// Topic ARN.
    pub topic_arn: String,
    /// Region [default: the topic ARN's].
    pub region: Option<String>,
    /// AWS profile [default: the SDK's default chain].
    pub profile: Option<String>,
    /// Endpoint (an emulator).
    pub endpoint_url: Option<String>,
}

/// The IAM action this module calls, for the documentation and its test.
pub const ACTION: &str = "sns:Publish";

/// Publishes one message (blocking: runs its own single-threaded runtime). Returns the SNS
/// message id, or why it failed.
pub fn publish_blocking(
    target: &SnsTarget,
    subject: &str,
    message: &str,
) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(publish(target, subject, message))
}

/// Publishes one message. Returns the SNS message id, or why it failed.
pub async fn publish(target: &SnsTarget, subject: &str, message: &str) -> Result<String, String> {
    let region = target
        .region
        .clone()
        .or_else(|| {
            phiguard_model::arn::Arn::parse(&target.topic_arn)
                .map(|a| a.region.to_string())
                .filter(|r| !r.is_empty())
        })
        .ok_or_else(|| format!("no region: `{}` names none; set `region`", target.topic_arn))?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region));
    if let Some(profile) = &target.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &target.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    let client = aws_sdk_sns::Client::new(&config);
    let mut request = client
        .publish()
        .topic_arn(&target.topic_arn)
        .message(message);
    if !subject.is_empty() {
        request = request.subject(subject);
    }
    let output = request.send().await.map_err(|e| {
        let e = aws_smithy_types::error::display::DisplayErrorContext(e);
        format!("sns:Publish to `{}` failed: {e}", target.topic_arn)
    })?;
    Ok(output.message_id().unwrap_or("-").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_is_not_in_the_read_only_permission_table() {
        assert!(
            crate::permissions::PERMISSIONS
                .iter()
                .all(|p| p.action != ACTION && !(p.service == "sns" && p.operation == "Publish")),
            "sns:Publish must stay out of the scan's read-only IAM policy"
        );
        assert!(!crate::recorder::is_read_only("Publish"));
    }
}
