//! Elastic Load Balancing v2 in one region: application, network and gateway load balancers
//! with their listeners (protocol, TLS policy, redirect to HTTPS), attributes (access logs,
//! deletion protection) and tags.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::{Action, LoadBalancerAttribute};
use futures::StreamExt;
use phiguard_model::kinds::{Listener, LoadBalancer};
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

type Elb = aws_sdk_elasticloadbalancingv2::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::Elbv2LoadBalancers, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let elb = client!(scope, aws_sdk_elasticloadbalancingv2);
    let mut listed = Vec::new();
    let mut pages = elb.describe_load_balancers().into_paginator().send();
    while let Some(page) = pages.next().await {
        for lb in page?.load_balancers() {
            let Some(arn) = lb.load_balancer_arn() else {
                continue;
            };
            let d = LoadBalancer {
                lb_type: lb
                    .r#type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                scheme: lb
                    .scheme()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                listeners: Vec::new(),
                access_logs_enabled: None,
                deletion_protection: None,
            };
            let mut r = scope.resource(arn, d);
            r.name = lb.load_balancer_name().map(str::to_string);
            listed.push(r);
        }
    }
    let elb = &elb;
    Ok(futures::stream::iter(listed)
        .map(|r| details(elb, r))
        .buffer_unordered(8)
        .collect()
        .await)
}

/// Whether a listener's default actions redirect to HTTPS.
pub(crate) fn redirects_to_https(actions: &[Action]) -> bool {
    actions.iter().any(|a| {
        a.r#type().is_some_and(|t| t.as_str() == "redirect")
            && a.redirect_config()
                .and_then(|c| c.protocol())
                .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
    })
}

/// A boolean load balancer attribute (`None` when the load balancer type has no such key).
pub(crate) fn attribute(list: &[LoadBalancerAttribute], key: &str) -> Option<bool> {
    list.iter()
        .find(|a| a.key() == Some(key))
        .and_then(|a| a.value())
        .and_then(|v| v.parse().ok())
}

async fn details(elb: &Elb, mut r: Resource) -> Resource {
    let arn = r.arn.clone();
    let (listeners, attributes, tag_list) = futures::join!(
        listeners(elb, &arn),
        elb.describe_load_balancer_attributes()
            .load_balancer_arn(&arn)
            .send(),
        lb_tags(elb, &arn),
    );
    let Details::LoadBalancer(mut d) = std::mem::replace(
        &mut r.details,
        Details::LoadBalancer(LoadBalancer::default()),
    ) else {
        return r;
    };
    d.listeners = field(&mut r, "listeners", listeners).unwrap_or_default();
    match attributes {
        Ok(a) => {
            d.access_logs_enabled = attribute(a.attributes(), "access_logs.s3.enabled");
            d.deletion_protection = attribute(a.attributes(), "deletion_protection.enabled");
        }
        Err(e) => {
            let e = CallError::from(e);
            field::<()>(&mut r, "access_logs_enabled", Err(e.clone()));
            field::<()>(&mut r, "deletion_protection", Err(e));
        }
    }
    r.tags = field(&mut r, "tags", tag_list).unwrap_or_default();
    r.details = Details::LoadBalancer(d);
    r
}

async fn listeners(elb: &Elb, arn: &str) -> Result<Vec<Listener>, CallError> {
    let mut out = Vec::new();
    let mut pages = elb
        .describe_listeners()
        .load_balancer_arn(arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for l in page?.listeners() {
            out.push(Listener {
                port: l.port().and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
                protocol: l
                    .protocol()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                ssl_policy: l.ssl_policy().filter(|p| !p.is_empty()).map(str::to_string),
                redirects_to_https: redirects_to_https(l.default_actions()),
            });
        }
    }
    out.sort_by(|a, b| (a.port, &a.protocol).cmp(&(b.port, &b.protocol)));
    Ok(out)
}

async fn lb_tags(elb: &Elb, arn: &str) -> Result<BTreeMap<String, String>, CallError> {
    let out = elb.describe_tags().resource_arns(arn).send().await?;
    Ok(out
        .tag_descriptions()
        .iter()
        .filter(|d| d.resource_arn() == Some(arn))
        .flat_map(|d| {
            tags(
                d.tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use aws_sdk_elasticloadbalancingv2::types::{ActionTypeEnum, RedirectActionConfig};

    use super::*;

    fn redirect(protocol: &str) -> Action {
        Action::builder()
            .r#type(ActionTypeEnum::Redirect)
            .redirect_config(
                RedirectActionConfig::builder()
                    .protocol(protocol)
                    .status_code(
                        aws_sdk_elasticloadbalancingv2::types::RedirectActionStatusCodeEnum::Http301,
                    )
                    .build(),
            )
            .build()
    }

    #[test]
    fn https_redirects() {
        assert!(redirects_to_https(&[redirect("HTTPS")]));
        assert!(!redirects_to_https(&[redirect("#{protocol}")]));
        let forward = Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1")
            .build();
        assert!(!redirects_to_https(&[forward]));
        assert!(!redirects_to_https(&[]));
    }

    #[test]
    fn attributes() {
        let list = [
            LoadBalancerAttribute::builder()
                .key("access_logs.s3.enabled")
                .value("true")
                .build(),
            LoadBalancerAttribute::builder()
                .key("deletion_protection.enabled")
                .value("false")
                .build(),
        ];
        assert_eq!(attribute(&list, "access_logs.s3.enabled"), Some(true));
        assert_eq!(attribute(&list, "deletion_protection.enabled"), Some(false));
        assert_eq!(attribute(&list, "missing"), None);
    }
}
