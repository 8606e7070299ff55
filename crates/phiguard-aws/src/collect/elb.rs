//! Classic Load Balancers in one region (`DescribeLoadBalancers`), with each listener's SSL
//! negotiation policy (`DescribeLoadBalancerPolicies`: the `Reference-Security-Policy`
//! attribute), attributes (`DescribeLoadBalancerAttributes`: access logs, cross-zone) and
//! tags (`DescribeTags`, 20 names per call).

use std::collections::{BTreeMap, HashMap};

use aws_sdk_elasticloadbalancing::types::LoadBalancerDescription;
use futures::StreamExt;
use phiguard_model::kinds::{ClassicListener, ClassicLoadBalancer};
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::scope::Scope;

type Elb = aws_sdk_elasticloadbalancing::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::ElbLoadBalancers, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let elb = client!(scope, aws_sdk_elasticloadbalancing);
    let mut listed = Vec::new();
    let mut pages = elb.describe_load_balancers().into_paginator().send();
    while let Some(page) = pages.next().await {
        for lb in page?.load_balancer_descriptions() {
            if let Some(entry) = load_balancer(scope, lb) {
                listed.push(entry);
            }
        }
    }
    let names: Vec<String> = listed.iter().map(|(_, name, _)| name.clone()).collect();
    let mut tags: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    let mut tag_error = None;
    for chunk in names.chunks(20) {
        match elb
            .describe_tags()
            .set_load_balancer_names(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(out) => {
                for d in out.tag_descriptions() {
                    if let Some(name) = d.load_balancer_name() {
                        tags.insert(
                            name.to_string(),
                            d.tags()
                                .iter()
                                .map(|t| {
                                    (
                                        t.key().to_string(),
                                        t.value().unwrap_or_default().to_string(),
                                    )
                                })
                                .collect(),
                        );
                    }
                }
            }
            Err(e) => tag_error = Some(CallError::from(e)),
        }
    }
    let elb = &elb;
    let tags = &tags;
    let tag_error = &tag_error;
    Ok(futures::stream::iter(listed)
        .map(|(mut r, name, listener_policies)| async move {
            details(elb, &mut r, &name, &listener_policies).await;
            match (tags.get(&name), tag_error) {
                (Some(t), _) => r.tags = t.clone(),
                (None, Some(e)) => {
                    field::<()>(&mut r, "tags", Err(e.clone()));
                }
                (None, None) => {}
            }
            r
        })
        .buffer_unordered(8)
        .collect()
        .await)
}

/// Fills attributes and listener security policies.
async fn details(elb: &Elb, r: &mut Resource, name: &str, listener_policies: &[Vec<String>]) {
    let attributes = elb
        .describe_load_balancer_attributes()
        .load_balancer_name(name)
        .send()
        .await
        .map_err(CallError::from)
        .map(|o| {
            let a = o.load_balancer_attributes();
            (
                a.and_then(|a| a.access_log()).is_some_and(|l| l.enabled()),
                a.and_then(|a| a.cross_zone_load_balancing())
                    .is_some_and(|c| c.enabled()),
            )
        });
    let attributes = match attributes {
        Ok(a) => Some(a),
        Err(e) => {
            field::<()>(r, "access_logs_enabled", Err(e.clone()));
            field::<()>(r, "cross_zone", Err(e));
            None
        }
    };
    let needs_policies = listener_policies.iter().any(|p| !p.is_empty());
    let references: Option<HashMap<String, String>> = if needs_policies {
        let read = elb
            .describe_load_balancer_policies()
            .load_balancer_name(name)
            .send()
            .await
            .map_err(CallError::from)
            .map(|o| {
                o.policy_descriptions()
                    .iter()
                    .filter(|p| p.policy_type_name() == Some("SSLNegotiationPolicyType"))
                    .filter_map(|p| {
                        let reference = p
                            .policy_attribute_descriptions()
                            .iter()
                            .find(|a| a.attribute_name() == Some("Reference-Security-Policy"))
                            .and_then(|a| a.attribute_value())?;
                        Some((p.policy_name()?.to_string(), reference.to_string()))
                    })
                    .collect()
            });
        field(r, "security_policy", read)
    } else {
        Some(HashMap::new())
    };
    if let Details::ClassicLoadBalancer(d) = &mut r.details {
        if let Some((logs, cross_zone)) = attributes {
            d.access_logs_enabled = logs;
            d.cross_zone = cross_zone;
        }
        if let Some(references) = references {
            for (listener, policies) in d.listeners.iter_mut().zip(listener_policies) {
                listener.security_policy = policies.iter().find_map(|p| references.get(p).cloned());
            }
        }
    }
}

/// The resource, its name, and each listener's policy names (same order as its listeners).
fn load_balancer(
    scope: &Scope,
    lb: &LoadBalancerDescription,
) -> Option<(Resource, String, Vec<Vec<String>>)> {
    let name = lb.load_balancer_name()?;
    let mut policies = Vec::new();
    let listeners = lb
        .listener_descriptions()
        .iter()
        .filter_map(|d| {
            let l = d.listener()?;
            policies.push(d.policy_names().to_vec());
            Some(ClassicListener {
                protocol: l.protocol().to_ascii_uppercase(),
                port: l.load_balancer_port(),
                instance_protocol: l.instance_protocol().map(str::to_ascii_uppercase),
                ssl_certificate_id: l.ssl_certificate_id().map(str::to_string),
                security_policy: None,
            })
        })
        .collect();
    let details = ClassicLoadBalancer {
        scheme: lb.scheme().unwrap_or_default().to_string(),
        vpc_id: lb.vpc_id().map(str::to_string),
        listeners,
        access_logs_enabled: false,
        cross_zone: false,
    };
    let mut r = scope.resource(
        scope.arn("elasticloadbalancing", &format!("loadbalancer/{name}")),
        details,
    );
    r.name = Some(name.to_string());
    Some((r, name.to_string(), policies))
}
