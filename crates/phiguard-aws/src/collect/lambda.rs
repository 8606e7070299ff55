//! Lambda functions in one region: runtime, execution role, environment KMS key, VPC,
//! environment variable *names* (values are never kept), the resource-based policy, function
//! URL auth types and tags.

use std::collections::BTreeMap;

use aws_sdk_lambda::types::FunctionConfiguration;
use futures::StreamExt;
use phiguard_model::kinds::LambdaFunction;
use phiguard_model::{DataSource, Details, Resource};

use crate::call::{CallError, absent_if, field};
use crate::client;
use crate::convert::{policy, tags};
use crate::scope::Scope;

type Lambda = aws_sdk_lambda::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::LambdaFunctions, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let lambda = client!(scope, aws_sdk_lambda);
    let mut listed = Vec::new();
    let mut pages = lambda.list_functions().into_paginator().send();
    while let Some(page) = pages.next().await {
        for f in page?.functions() {
            if let Some(r) = function(scope, f) {
                listed.push(r);
            }
        }
    }
    let lambda = &lambda;
    Ok(futures::stream::iter(listed)
        .map(|r| details(lambda, r))
        .buffer_unordered(8)
        .collect()
        .await)
}

fn function(scope: &Scope, f: &FunctionConfiguration) -> Option<Resource> {
    let name = f.function_name()?;
    let mut environment_variable_names: Vec<String> = f
        .environment()
        .and_then(|e| e.variables())
        .map(|v| v.keys().cloned().collect())
        .unwrap_or_default();
    environment_variable_names.sort();
    let d = LambdaFunction {
        runtime: f.runtime().map(|r| r.as_str().to_string()),
        role: f.role().unwrap_or_default().to_string(),
        kms_key_arn: f
            .kms_key_arn()
            .filter(|k| !k.is_empty())
            .map(str::to_string),
        vpc_id: f
            .vpc_config()
            .and_then(|v| v.vpc_id())
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        url_auth_type: None,
        policy: None,
        environment_variable_names,
    };
    let arn = f
        .function_arn()
        .map(str::to_string)
        .unwrap_or_else(|| scope.arn("lambda", &format!("function:{name}")));
    let mut r = scope.resource(arn, d);
    r.name = Some(name.to_string());
    Some(r)
}

/// The auth type of a function's URLs (the function's own and its aliases'): `NONE` if any
/// URL is open, else the first one's, `None` without URLs.
pub(crate) fn url_auth<'a>(types: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut first = None;
    for t in types {
        if t.eq_ignore_ascii_case("NONE") {
            return Some(t.to_string());
        }
        first.get_or_insert_with(|| t.to_string());
    }
    first
}

async fn details(lambda: &Lambda, mut r: Resource) -> Resource {
    let name = r.name.clone().unwrap_or_default();
    let arn = r.arn.clone();
    let (got_policy, urls, tag_list) = futures::join!(
        lambda.get_policy().function_name(&name).send(),
        url_auth_types(lambda, &name),
        function_tags(lambda, &arn),
    );
    let got_policy = absent_if(
        got_policy.map_err(CallError::from),
        &["ResourceNotFoundException"],
    )
    .and_then(|o| match o.and_then(|o| o.policy().map(str::to_string)) {
        Some(text) => policy(&text).map(Some),
        None => Ok(None),
    });
    let got_policy = field(&mut r, "policy", got_policy).flatten();
    let urls = field(&mut r, "url_auth_type", urls).flatten();
    r.tags = field(&mut r, "tags", tag_list).unwrap_or_default();
    if let Details::LambdaFunction(d) = &mut r.details {
        d.policy = got_policy;
        d.url_auth_type = urls;
    }
    r
}

async fn url_auth_types(lambda: &Lambda, name: &str) -> Result<Option<String>, CallError> {
    let mut types = Vec::new();
    let mut pages = lambda
        .list_function_url_configs()
        .function_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        types.extend(
            page?
                .function_url_configs()
                .iter()
                .map(|u| u.auth_type().as_str().to_string()),
        );
    }
    Ok(url_auth(types.iter().map(String::as_str)))
}

async fn function_tags(lambda: &Lambda, arn: &str) -> Result<BTreeMap<String, String>, CallError> {
    let out = lambda.list_tags().resource(arn).send().await?;
    Ok(out
        .tags()
        .map(|t| tags(t.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use aws_sdk_lambda::types::{EnvironmentResponse, VpcConfigResponse};

    use super::*;

    #[test]
    fn open_url_wins() {
        assert_eq!(url_auth(["AWS_IAM", "NONE"]).as_deref(), Some("NONE"));
        assert_eq!(url_auth(["AWS_IAM"]).as_deref(), Some("AWS_IAM"));
        assert_eq!(url_auth([]), None);
    }

    pub(crate) fn scope() -> Scope {
        let ctx = std::sync::Arc::new(crate::scope::AccountCtx {
            id: "123456789012".into(),
            sdk: aws_types::SdkConfig::builder().build(),
            recorder: crate::Recorder::default(),
            emulator: false,
            sink: std::sync::Mutex::default(),
        });
        ctx.scope("us-east-1")
    }

    #[test]
    fn environment_values_are_never_kept() {
        let f = FunctionConfiguration::builder()
            .function_name("intake")
            .function_arn("arn:aws:lambda:us-east-1:123456789012:function:intake")
            .role("arn:aws:iam::123456789012:role/intake")
            .environment(
                EnvironmentResponse::builder()
                    .variables("DB_PASSWORD", "not-a-real-secret")
                    .variables("API_URL", "https://example.invalid")
                    .build(),
            )
            .vpc_config(VpcConfigResponse::builder().vpc_id("").build())
            .build();
        let r = function(&scope(), &f).unwrap();
        let Details::LambdaFunction(d) = &r.details else {
            panic!("not a function: {r:?}");
        };
        assert_eq!(d.environment_variable_names, ["API_URL", "DB_PASSWORD"]);
        assert_eq!(d.vpc_id, None);
        assert_eq!(d.role, "arn:aws:iam::123456789012:role/intake");
        assert_eq!(r.name.as_deref(), Some("intake"));
        assert!(
            !serde_json::to_string(&r)
                .unwrap()
                .contains("not-a-real-secret")
        );
        // Without a name there is nothing to call the per-function APIs with.
        assert!(function(&scope(), &FunctionConfiguration::builder().build()).is_none());
    }
}
