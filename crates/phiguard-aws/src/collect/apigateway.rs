//! Amazon API Gateway (REST APIs, v1) in one region: every stage of every REST API
//! (`GetRestApis`, `GetStages`) with its backend client certificate, execution logging, access
//! logging and WAF association; and the custom domain names (`GetDomainNames`) with their TLS
//! security policy.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_apigateway::types::{DomainName, Stage};
use futures::StreamExt;
use phiguard_model::kinds::{ApigatewayDomain, ApigatewayStage};
use phiguard_model::{DataSource, Resource};

use crate::call::CallError;
use crate::client;
use crate::scope::Scope;

type Apigw = aws_sdk_apigateway::Client;

pub(crate) async fn run(scope: &Scope) {
    let apigw = client!(scope, aws_sdk_apigateway);
    let (stages, domains) = futures::join!(stages(scope, &apigw), domains(scope, &apigw));
    scope.record(DataSource::ApigatewayStages, stages);
    scope.record(DataSource::ApigatewayDomains, domains);
}

fn tag_map(t: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    t.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn apigw_arn(scope: &Scope, path: &str) -> String {
    format!("arn:aws:apigateway:{}::{path}", scope.region())
}

async fn stages(scope: &Scope, apigw: &Apigw) -> Result<Vec<Resource>, CallError> {
    let mut apis: Vec<(String, String, BTreeMap<String, String>)> = Vec::new();
    let mut pages = apigw.get_rest_apis().into_paginator().send();
    while let Some(page) = pages.next().await {
        for api in page?.items() {
            if let Some(id) = api.id() {
                apis.push((
                    id.to_string(),
                    api.name().unwrap_or_default().to_string(),
                    tag_map(api.tags()),
                ));
            }
        }
    }
    // A failed GetStages fails the source: a stage never listed cannot be judged.
    let per_api: Vec<Result<Vec<Resource>, CallError>> = futures::stream::iter(apis)
        .map(|(id, name, api_tags)| async move {
            let out = apigw.get_stages().rest_api_id(&id).send().await?;
            Ok::<Vec<Resource>, CallError>(
                out.item()
                    .iter()
                    .filter_map(|s| stage(scope, &id, &name, &api_tags, s))
                    .collect(),
            )
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut out = Vec::new();
    for r in per_api {
        out.extend(r?);
    }
    Ok(out)
}

fn stage(
    scope: &Scope,
    api_id: &str,
    api_name: &str,
    api_tags: &BTreeMap<String, String>,
    s: &Stage,
) -> Option<Resource> {
    let name = s.stage_name()?;
    let logging_level = s
        .method_settings()
        .and_then(|m| m.get("*/*"))
        .and_then(|m| m.logging_level())
        .map(str::to_string);
    let details = ApigatewayStage {
        rest_api_id: api_id.to_string(),
        rest_api_name: api_name.to_string(),
        stage_name: name.to_string(),
        client_certificate_id: s
            .client_certificate_id()
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        logging_level,
        access_log_destination: s
            .access_log_settings()
            .and_then(|a| a.destination_arn())
            .map(str::to_string),
        web_acl_arn: s.web_acl_arn().map(str::to_string),
        tracing_enabled: s.tracing_enabled(),
        cache_cluster_enabled: s.cache_cluster_enabled(),
    };
    let mut r = scope.resource(
        apigw_arn(scope, &format!("/restapis/{api_id}/stages/{name}")),
        details,
    );
    r.name = Some(format!("{api_name}/{name}"));
    // Stage tags win over the API's.
    let mut tags = api_tags.clone();
    tags.extend(tag_map(s.tags()));
    r.tags = tags;
    Some(r)
}

async fn domains(scope: &Scope, apigw: &Apigw) -> Result<Vec<Resource>, CallError> {
    let mut out = Vec::new();
    let mut pages = apigw.get_domain_names().into_paginator().send();
    while let Some(page) = pages.next().await {
        for d in page?.items() {
            if let Some(r) = domain(scope, d) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

fn domain(scope: &Scope, d: &DomainName) -> Option<Resource> {
    let name = d.domain_name()?;
    let details = ApigatewayDomain {
        domain_name: name.to_string(),
        security_policy: d.security_policy().map(|p| p.as_str().to_string()),
        endpoint_types: d
            .endpoint_configuration()
            .map(|e| e.types().iter().map(|t| t.as_str().to_string()).collect())
            .unwrap_or_default(),
        certificate_arn: d
            .regional_certificate_arn()
            .or(d.certificate_arn())
            .map(str::to_string),
    };
    let arn = d
        .domain_name_arn()
        .map(str::to_string)
        .unwrap_or_else(|| apigw_arn(scope, &format!("/domainnames/{name}")));
    let mut r = scope.resource(arn, details);
    r.name = Some(name.to_string());
    r.tags = tag_map(d.tags());
    Some(r)
}
