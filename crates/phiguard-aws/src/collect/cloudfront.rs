//! CloudFront distributions (a global service, collected once): viewer protocol policies of
//! every cache behaviour, the viewer certificate's minimum TLS version, origin protocol
//! policies, web ACL, standard logging (`GetDistributionConfig`) and tags.

use std::collections::BTreeMap;

use aws_sdk_cloudfront::types::{DistributionSummary, ViewerCertificate};
use futures::StreamExt;
use phiguard_model::kinds::Distribution;
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type CloudFront = aws_sdk_cloudfront::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::CloudfrontDistributions, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let cf = client!(scope, aws_sdk_cloudfront);
    let mut listed = Vec::new();
    let mut pages = cf.list_distributions().into_paginator().send();
    while let Some(page) = pages.next().await {
        if let Some(list) = page?.distribution_list() {
            for s in list.items() {
                listed.push(summary(scope, s));
            }
        }
    }
    let cf = &cf;
    Ok(futures::stream::iter(listed)
        .map(|(id, r)| details(cf, id, r))
        .buffer_unordered(8)
        .collect()
        .await)
}

/// The minimum viewer TLS version as the model keeps it (`TLSv1` on the default certificate,
/// which accepts TLS 1.0 whatever the setting says) and whether the default certificate is used.
pub(crate) fn viewer_tls(c: &ViewerCertificate) -> (String, bool) {
    let default = c.cloud_front_default_certificate().unwrap_or(false);
    let minimum = if default {
        "TLSv1".to_string()
    } else {
        c.minimum_protocol_version()
            .map(|m| m.as_str().to_string())
            .unwrap_or_default()
    };
    (minimum, default)
}

fn summary(scope: &Scope, s: &DistributionSummary) -> (String, Resource) {
    let mut viewer_protocol_policies: Vec<String> = s
        .default_cache_behavior()
        .map(|b| b.viewer_protocol_policy().as_str().to_string())
        .into_iter()
        .collect();
    if let Some(behaviours) = s.cache_behaviors() {
        viewer_protocol_policies.extend(
            behaviours
                .items()
                .iter()
                .map(|b| b.viewer_protocol_policy().as_str().to_string()),
        );
    }
    let origin_protocol_policies = s
        .origins()
        .map(|o| {
            o.items()
                .iter()
                .filter_map(|o| o.custom_origin_config())
                .map(|c| c.origin_protocol_policy().as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    let viewer = s.viewer_certificate().map(viewer_tls);
    let d = Distribution {
        enabled: s.enabled(),
        viewer_protocol_policies,
        minimum_protocol_version: viewer.as_ref().map(|v| v.0.clone()).unwrap_or_default(),
        default_certificate: viewer.as_ref().is_some_and(|v| v.1),
        origin_protocol_policies,
        web_acl_id: Some(s.web_acl_id())
            .filter(|w| !w.is_empty())
            .map(str::to_string),
        logging_enabled: false,
    };
    let arn = if s.arn().is_empty() {
        scope.arn("cloudfront", &format!("distribution/{}", s.id()))
    } else {
        s.arn().to_string()
    };
    let mut r = scope.resource(arn, d);
    r.name = Some(s.domain_name().to_string()).filter(|n| !n.is_empty());
    if viewer.is_none() {
        let e = CallError::new("missing", "ListDistributions returned no ViewerCertificate");
        field::<()>(&mut r, "minimum_protocol_version", Err(e.clone()));
        field::<()>(&mut r, "default_certificate", Err(e));
    }
    (s.id().to_string(), r)
}

async fn details(cf: &CloudFront, id: String, mut r: Resource) -> Resource {
    let (config, tag_list) = futures::join!(
        cf.get_distribution_config().id(&id).send(),
        distribution_tags(cf, &r.arn),
    );
    let logging = config.map_err(CallError::from).map(|o| {
        o.distribution_config()
            .and_then(|c| c.logging())
            .is_some_and(|l| l.enabled())
    });
    let logging = field(&mut r, "logging_enabled", logging);
    if let (Some(on), Details::Distribution(d)) = (logging, &mut r.details) {
        d.logging_enabled = on;
    }
    r.tags = field(&mut r, "tags", tag_list).unwrap_or_default();
    r
}

async fn distribution_tags(
    cf: &CloudFront,
    arn: &str,
) -> Result<BTreeMap<String, String>, CallError> {
    let out = cf.list_tags_for_resource().resource(arn).send().await?;
    Ok(out
        .tags()
        .map(|t| {
            tags(
                t.items()
                    .iter()
                    .map(|t| (t.key(), t.value().unwrap_or_default())),
            )
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudfront::types::MinimumProtocolVersion;

    use super::*;

    #[test]
    fn default_certificate_means_tls_1_0() {
        let default = ViewerCertificate::builder()
            .cloud_front_default_certificate(true)
            .minimum_protocol_version(MinimumProtocolVersion::TlSv122021)
            .build();
        assert_eq!(viewer_tls(&default), ("TLSv1".to_string(), true));
        let custom = ViewerCertificate::builder()
            .acm_certificate_arn("arn:aws:acm:us-east-1:123456789012:certificate/c")
            .minimum_protocol_version(MinimumProtocolVersion::TlSv122021)
            .build();
        assert_eq!(viewer_tls(&custom), ("TLSv1.2_2021".to_string(), false));
    }
}
