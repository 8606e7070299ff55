//! CloudTrail trails, each recorded once, in its home region: `DescribeTrails` (with shadow
//! trails, so an organisation trail is seen from member accounts too), then per trail its
//! status, event selectors (basic or advanced) and tags.

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector as SdkAdvanced, EventSelector as SdkSelector,
};
use futures::StreamExt;
use phiguard_model::arn::Arn;
use phiguard_model::kinds::{
    AdvancedEventSelector, DataResource, EventSelector, FieldSelector, Trail,
};
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::{tags, ts};
use crate::scope::Scope;

type CloudTrail = aws_sdk_cloudtrail::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::CloudtrailTrails, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let ct = client!(scope, aws_sdk_cloudtrail);
    let out = ct
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await?;
    let mut trails = Vec::new();
    for t in out.trail_list() {
        let Some(arn) = t.trail_arn() else { continue };
        let home_region = t.home_region().unwrap_or(scope.region()).to_string();
        if home_region != scope.region() {
            // A shadow of a trail whose home is another region: recorded there.
            continue;
        }
        let d = Trail {
            home_region,
            is_multi_region: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            is_logging: false,
            log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
            kms_key_id: t.kms_key_id().filter(|k| !k.is_empty()).map(str::to_string),
            cloudwatch_logs_log_group_arn: t
                .cloud_watch_logs_log_group_arn()
                .filter(|g| !g.is_empty())
                .map(str::to_string),
            latest_cloudwatch_logs_delivery_time: None,
            s3_bucket_name: t.s3_bucket_name().unwrap_or_default().to_string(),
            s3_key_prefix: t.s3_key_prefix().map(str::to_string),
            include_global_service_events: t.include_global_service_events().unwrap_or(false),
            event_selectors: Vec::new(),
            advanced_event_selectors: Vec::new(),
        };
        let mut r = scope.resource(arn, d);
        r.name = t.name().map(str::to_string);
        trails.push(r);
    }
    let ct = &ct;
    Ok(futures::stream::iter(trails)
        .map(|r| details(scope, ct, r))
        .buffer_unordered(8)
        .collect()
        .await)
}

async fn details(scope: &Scope, ct: &CloudTrail, mut r: Resource) -> Resource {
    let arn = r.arn.clone();
    // Tags of an organisation trail owned by the management account cannot be listed from a
    // member account; they are not needed there.
    let own = Arn::parse(&arn).is_some_and(|a| a.account == scope.account_id());
    let (status, selectors, tag_list) = futures::join!(
        ct.get_trail_status().name(&arn).send(),
        ct.get_event_selectors().trail_name(&arn).send(),
        async {
            if own {
                Some(trail_tags(ct, &arn).await)
            } else {
                None
            }
        },
    );
    let Details::Trail(mut d) = std::mem::replace(&mut r.details, Details::Trail(Trail::default()))
    else {
        return r;
    };
    match status {
        Ok(s) => {
            d.is_logging = s.is_logging().unwrap_or(false);
            d.latest_cloudwatch_logs_delivery_time = ts(s.latest_cloud_watch_logs_delivery_time());
        }
        Err(e) => {
            let e = CallError::from(e);
            field::<()>(&mut r, "is_logging", Err(e.clone()));
            field::<()>(&mut r, "latest_cloudwatch_logs_delivery_time", Err(e));
        }
    }
    match selectors {
        Ok(s) => {
            d.event_selectors = s.event_selectors().iter().map(basic).collect();
            d.advanced_event_selectors =
                s.advanced_event_selectors().iter().map(advanced).collect();
        }
        Err(e) => {
            let e = CallError::from(e);
            field::<()>(&mut r, "event_selectors", Err(e.clone()));
            field::<()>(&mut r, "advanced_event_selectors", Err(e));
        }
    }
    if let Some(t) = tag_list {
        r.tags = field(&mut r, "tags", t).unwrap_or_default();
    }
    r.details = Details::Trail(d);
    r
}

/// A basic event selector. Absent values take AWS's documented defaults (`All`, management
/// events included).
pub(crate) fn basic(s: &SdkSelector) -> EventSelector {
    EventSelector {
        read_write_type: s
            .read_write_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_else(|| "All".to_string()),
        include_management_events: s.include_management_events().unwrap_or(true),
        data_resources: s
            .data_resources()
            .iter()
            .map(|d| DataResource {
                resource_type: d.r#type().unwrap_or_default().to_string(),
                values: d.values().to_vec(),
            })
            .collect(),
    }
}

/// An advanced event selector.
pub(crate) fn advanced(s: &SdkAdvanced) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: s.name().unwrap_or_default().to_string(),
        field_selectors: s
            .field_selectors()
            .iter()
            .map(|f| FieldSelector {
                field: f.field().to_string(),
                equals: f.equals().to_vec(),
                starts_with: f.starts_with().to_vec(),
                ends_with: f.ends_with().to_vec(),
                not_equals: f.not_equals().to_vec(),
                not_starts_with: f.not_starts_with().to_vec(),
                not_ends_with: f.not_ends_with().to_vec(),
            })
            .collect(),
    }
}

async fn trail_tags(ct: &CloudTrail, arn: &str) -> Result<BTreeMap<String, String>, CallError> {
    let mut out = BTreeMap::new();
    let mut pages = ct.list_tags().resource_id_list(arn).into_paginator().send();
    while let Some(page) = pages.next().await {
        for list in page?.resource_tag_list() {
            out.extend(tags(
                list.tags_list()
                    .iter()
                    .map(|t| (t.key(), t.value().unwrap_or_default())),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudtrail::types::{AdvancedFieldSelector, ReadWriteType};

    use super::*;

    #[test]
    fn selectors_keep_every_operator() {
        let s = SdkAdvanced::builder()
            .name("PHI buckets")
            .field_selectors(
                AdvancedFieldSelector::builder()
                    .field("eventCategory")
                    .equals("Data")
                    .build()
                    .unwrap(),
            )
            .field_selectors(
                AdvancedFieldSelector::builder()
                    .field("resources.ARN")
                    .starts_with("arn:aws:s3:::phi-")
                    .not_ends_with("/tmp")
                    .not_equals("arn:aws:s3:::phi-x/")
                    .not_starts_with("arn:aws:s3:::phi-scratch")
                    .ends_with("/")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let a = advanced(&s);
        assert_eq!(a.name, "PHI buckets");
        assert_eq!(a.field_selectors.len(), 2);
        let arn = &a.field_selectors[1];
        assert_eq!(arn.field, "resources.ARN");
        assert_eq!(arn.starts_with, vec!["arn:aws:s3:::phi-".to_string()]);
        assert_eq!(arn.not_ends_with, vec!["/tmp".to_string()]);
        assert_eq!(arn.not_equals.len(), 1);
        assert_eq!(arn.not_starts_with.len(), 1);
        assert_eq!(arn.ends_with, vec!["/".to_string()]);
    }

    #[test]
    fn basic_selector_defaults_are_aws_defaults() {
        let s = SdkSelector::builder().build();
        let b = basic(&s);
        assert_eq!(b.read_write_type, "All");
        assert!(b.include_management_events);
        let s = SdkSelector::builder()
            .read_write_type(ReadWriteType::ReadOnly)
            .include_management_events(false)
            .data_resources(
                aws_sdk_cloudtrail::types::DataResource::builder()
                    .r#type("AWS::S3::Object")
                    .values("arn:aws:s3:::phi-bucket/")
                    .build(),
            )
            .build();
        let b = basic(&s);
        assert_eq!(b.read_write_type, "ReadOnly");
        assert!(!b.include_management_events);
        assert_eq!(b.data_resources[0].resource_type, "AWS::S3::Object");
        assert_eq!(b.data_resources[0].values, vec!["arn:aws:s3:::phi-bucket/"]);
    }
}
