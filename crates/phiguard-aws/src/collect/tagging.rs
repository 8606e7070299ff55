//! Resources of every service with their tags (Resource Groups Tagging API), so PHI-tagged
//! resources of services phiguard has no collector for (or that are not HIPAA eligible) are
//! still found. Resources also collected by a typed collector are merged into it.

use phiguard_model::resource::Tagged;
use phiguard_model::{DataSource, Resource};

use crate::call::CallError;
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::TaggedResources, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let client = client!(scope, aws_sdk_resourcegroupstagging);
    let mut pages = client.get_resources().into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        for m in page?.resource_tag_mapping_list() {
            let Some(arn) = m.resource_arn() else {
                continue;
            };
            let mut r = Resource::new(
                arn,
                scope.account_id(),
                resource_region(arn).unwrap_or(scope.region()),
                Tagged {
                    resource_type: resource_type(arn),
                },
            );
            r.tags = tags(m.tags().iter().map(|t| (t.key(), t.value())));
            out.push(r);
        }
    }
    Ok(out)
}

fn resource_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// `service:type` from an ARN (`arn:aws:rds:...:db:name` → `rds:db`).
fn resource_type(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    let service = parts.nth(2)?;
    let resource = parts.nth(2)?;
    let kind = resource
        .split(['/', ':'])
        .next()
        .filter(|k| !k.is_empty() && resource.len() > k.len())
        .unwrap_or("");
    Some(if kind.is_empty() {
        service.to_string()
    } else {
        format!("{service}:{kind}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_regions_from_arns() {
        assert_eq!(
            resource_type("arn:aws:rds:us-east-1:123456789012:db:patients").as_deref(),
            Some("rds:db")
        );
        assert_eq!(
            resource_type("arn:aws:s3:::phi-bucket").as_deref(),
            Some("s3")
        );
        assert_eq!(
            resource_type("arn:aws:comprehend:us-east-1:123456789012:document-classifier/x")
                .as_deref(),
            Some("comprehend:document-classifier")
        );
        assert_eq!(resource_region("arn:aws:s3:::b"), None);
        assert_eq!(
            resource_region("arn:aws:sqs:eu-west-1:123456789012:q"),
            Some("eu-west-1")
        );
    }
}
