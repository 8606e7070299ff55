//! SNS topics in one region: the KMS key (topic attributes), subscriptions (protocol and
//! whether confirmed; endpoints are never kept) and tags.

use futures::StreamExt;
use phiguard_model::kinds::{SnsSubscription, SnsTopic};
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type Sns = aws_sdk_sns::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::SnsTopics, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let sns = client!(scope, aws_sdk_sns);
    let mut arns = Vec::new();
    let mut pages = sns.list_topics().into_paginator().send();
    while let Some(page) = pages.next().await {
        arns.extend(
            page?
                .topics()
                .iter()
                .filter_map(|t| t.topic_arn().map(str::to_string)),
        );
    }
    let sns = &sns;
    Ok(futures::stream::iter(arns)
        .map(|arn| topic(scope, sns, arn))
        .buffer_unordered(8)
        .collect()
        .await)
}

/// A subscription as the model keeps it: `PendingConfirmation` (or `Deleted`) instead of an
/// ARN means not confirmed.
pub(crate) fn subscription(protocol: Option<&str>, arn: Option<&str>) -> SnsSubscription {
    SnsSubscription {
        protocol: protocol.unwrap_or_default().to_string(),
        confirmed: arn.is_some_and(|a| a.starts_with("arn:")),
    }
}

async fn topic(scope: &Scope, sns: &Sns, arn: String) -> Resource {
    let (attributes, subscriptions, tag_list) = futures::join!(
        sns.get_topic_attributes().topic_arn(&arn).send(),
        subscriptions(sns, &arn),
        sns.list_tags_for_resource().resource_arn(&arn).send(),
    );
    let mut r = scope.resource(arn.clone(), SnsTopic::default());
    r.name = arn.rsplit(':').next().map(str::to_string);
    let key = attributes.map_err(CallError::from).map(|o| {
        o.attributes()
            .and_then(|a| a.get("KmsMasterKeyId"))
            .filter(|k| !k.is_empty())
            .cloned()
    });
    let d = SnsTopic {
        kms_master_key_id: field(&mut r, "kms_master_key_id", key).flatten(),
        subscriptions: field(&mut r, "subscriptions", subscriptions).unwrap_or_default(),
    };
    let t = tag_list
        .map_err(CallError::from)
        .map(|o| tags(o.tags().iter().map(|t| (t.key(), t.value()))));
    r.tags = field(&mut r, "tags", t).unwrap_or_default();
    r.details = d.into();
    r
}

async fn subscriptions(sns: &Sns, arn: &str) -> Result<Vec<SnsSubscription>, CallError> {
    let mut out = Vec::new();
    let mut pages = sns
        .list_subscriptions_by_topic()
        .topic_arn(arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        out.extend(
            page?
                .subscriptions()
                .iter()
                .map(|s| subscription(s.protocol(), s.subscription_arn())),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_is_read_from_the_arn() {
        let s = subscription(
            Some("email"),
            Some("arn:aws:sns:us-east-1:123456789012:alerts:0f1e2d3c"),
        );
        assert!(s.confirmed);
        assert_eq!(s.protocol, "email");
        assert!(!subscription(Some("email"), Some("PendingConfirmation")).confirmed);
        assert!(!subscription(Some("https"), Some("Deleted")).confirmed);
        assert!(!subscription(None, None).confirmed);
    }
}
