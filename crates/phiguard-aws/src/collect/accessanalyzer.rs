//! IAM Access Analyzer in one region: analyzers (type, status, tags) and, for active
//! external-access analyzers, their findings with status `ACTIVE` (not archived or resolved:
//! not reviewed). No analyzer is collected data (the controls fail), not a failure. A failed
//! findings call is recorded as a field error on the analyzer, so controls reading the
//! findings report `error`.

use futures::StreamExt;
use phiguard_model::kinds::{AccessAnalyzer, AccessFinding};
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type Analyzer = aws_sdk_accessanalyzer::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::AccessAnalyzers, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let aa = client!(scope, aws_sdk_accessanalyzer);
    let mut out = Vec::new();
    let mut pages = aa.list_analyzers().into_paginator().send();
    while let Some(page) = pages.next().await {
        for a in page.map_err(CallError::from)?.analyzers() {
            let d = AccessAnalyzer {
                analyzer_type: a.r#type().as_str().to_string(),
                status: a.status().as_str().to_string(),
                active_findings: Vec::new(),
            };
            let mut r = scope.resource(a.arn().to_string(), d);
            r.name = Some(a.name().to_string());
            r.tags = a
                .tags()
                .map(|t| tags(t.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
                .unwrap_or_default();
            out.push(r);
        }
    }
    let aa = &aa;
    Ok(futures::stream::iter(out)
        .map(|mut r| async move {
            let external = matches!(
                &r.details,
                phiguard_model::Details::AccessAnalyzer(a) if a.analyzes_external_access()
            );
            if external {
                let found = findings(aa, &r.arn).await;
                if let Some(list) = field(&mut r, "active_findings", found)
                    && let phiguard_model::Details::AccessAnalyzer(a) = &mut r.details
                {
                    a.active_findings = list;
                }
            }
            r
        })
        .buffer_unordered(4)
        .collect()
        .await)
}

/// One finding summary in the model's shape.
pub(crate) fn finding(f: &aws_sdk_accessanalyzer::types::FindingSummary) -> AccessFinding {
    let mut principals: Vec<String> = f
        .principal()
        .map(|p| p.values().cloned().collect())
        .unwrap_or_default();
    principals.sort();
    principals.dedup();
    AccessFinding {
        id: f.id().to_string(),
        resource: f.resource().unwrap_or_default().to_string(),
        resource_type: f.resource_type().as_str().to_string(),
        is_public: f.is_public().unwrap_or(false),
        principals,
    }
}

async fn findings(aa: &Analyzer, arn: &str) -> Result<Vec<AccessFinding>, CallError> {
    let active = aws_sdk_accessanalyzer::types::Criterion::builder()
        .eq("ACTIVE")
        .build();
    let mut pages = aa
        .list_findings()
        .analyzer_arn(arn)
        .filter("status", active)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        out.extend(
            page.map_err(CallError::from)?
                .findings()
                .iter()
                .map(finding),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use aws_sdk_accessanalyzer::types::{FindingStatus, FindingSummary, ResourceType};
    use aws_smithy_types::DateTime;

    use super::*;

    #[test]
    fn finding_summary_shape() {
        let f = FindingSummary::builder()
            .id("f-1")
            .resource("arn:aws:s3:::phi-records")
            .resource_type(ResourceType::AwsS3Bucket)
            .is_public(false)
            .principal("AWS", "444455556666")
            .status(FindingStatus::Active)
            .resource_owner_account("111122223333")
            .created_at(DateTime::from_secs(0))
            .analyzed_at(DateTime::from_secs(0))
            .updated_at(DateTime::from_secs(0))
            .set_condition(Some(Default::default()))
            .build()
            .unwrap();
        let got = finding(&f);
        assert_eq!(got.resource, "arn:aws:s3:::phi-records");
        assert_eq!(got.resource_type, "AWS::S3::Bucket");
        assert_eq!(got.principals, vec!["444455556666".to_string()]);
        assert!(!got.is_public);
    }
}
