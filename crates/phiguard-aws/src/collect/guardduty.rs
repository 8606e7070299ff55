//! GuardDuty detectors in one region: status, finding publishing frequency, enabled
//! protection plans (features) and tags. No detector means GuardDuty is off in the region;
//! that is collected data (the control fails), not a collection failure.

use futures::StreamExt;
use phiguard_model::kinds::GuarddutyDetector;
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type GuardDuty = aws_sdk_guardduty::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::GuarddutyDetectors, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let gd = client!(scope, aws_sdk_guardduty);
    let mut ids = Vec::new();
    let mut pages = gd.list_detectors().into_paginator().send();
    while let Some(page) = pages.next().await {
        ids.extend(page?.detector_ids().iter().cloned());
    }
    let gd = &gd;
    Ok(futures::stream::iter(ids)
        .map(|id| detector(scope, gd, id))
        .buffer_unordered(4)
        .collect()
        .await)
}

/// Names of the features whose status is `ENABLED`.
pub(crate) fn enabled_features(
    list: &[aws_sdk_guardduty::types::DetectorFeatureConfigurationResult],
) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .filter(|f| f.status().is_some_and(|s| s.as_str() == "ENABLED"))
        .filter_map(|f| f.name().map(|n| n.as_str().to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

async fn detector(scope: &Scope, gd: &GuardDuty, id: String) -> Resource {
    let mut r = scope.resource(
        scope.arn("guardduty", &format!("detector/{id}")),
        GuarddutyDetector::default(),
    );
    r.name = Some(id.clone());
    let (detector, findings) = futures::join!(
        gd.get_detector().detector_id(&id).send(),
        high_severity_findings(gd, &id),
    );
    match detector {
        Ok(o) => {
            r.tags = o
                .tags()
                .map(|t| tags(t.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
                .unwrap_or_default();
            r.details = GuarddutyDetector {
                status: o
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                finding_publishing_frequency: o
                    .finding_publishing_frequency()
                    .map(|f| f.as_str().to_string())
                    .unwrap_or_default(),
                features: enabled_features(o.features()),
                high_severity_findings: 0,
            }
            .into();
            let count = field(&mut r, "high_severity_findings", findings).unwrap_or(0);
            if let phiguard_model::Details::GuarddutyDetector(d) = &mut r.details {
                d.high_severity_findings = count;
            }
        }
        Err(e) => {
            let e = CallError::from(e);
            for f in [
                "status",
                "finding_publishing_frequency",
                "features",
                "tags",
                "high_severity_findings",
            ] {
                field::<()>(&mut r, f, Err(e.clone()));
            }
        }
    }
    r
}

/// Findings of severity 7 or more (high and critical) that are not archived.
async fn high_severity_findings(gd: &GuardDuty, id: &str) -> Result<u32, CallError> {
    use aws_sdk_guardduty::types::{Condition, FindingCriteria};
    let criteria = FindingCriteria::builder()
        .criterion(
            "severity",
            Condition::builder().greater_than_or_equal(7).build(),
        )
        .criterion(
            "service.archived",
            Condition::builder().equals("false").build(),
        )
        .build();
    let mut pages = gd
        .list_findings()
        .detector_id(id)
        .finding_criteria(criteria)
        .into_paginator()
        .send();
    let mut count = 0u32;
    while let Some(page) = pages.next().await {
        let page = page.map_err(CallError::from)?;
        count = count.saturating_add(u32::try_from(page.finding_ids().len()).unwrap_or(u32::MAX));
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use aws_sdk_guardduty::types::{
        DetectorFeatureConfigurationResult, DetectorFeatureResult, FeatureStatus,
    };

    use super::*;

    #[test]
    fn only_enabled_features() {
        let list = [
            DetectorFeatureConfigurationResult::builder()
                .name(DetectorFeatureResult::S3DataEvents)
                .status(FeatureStatus::Enabled)
                .build(),
            DetectorFeatureConfigurationResult::builder()
                .name(DetectorFeatureResult::RdsLoginEvents)
                .status(FeatureStatus::Disabled)
                .build(),
            DetectorFeatureConfigurationResult::builder()
                .status(FeatureStatus::Enabled)
                .build(),
        ];
        assert_eq!(enabled_features(&list), vec!["S3_DATA_EVENTS".to_string()]);
    }
}
