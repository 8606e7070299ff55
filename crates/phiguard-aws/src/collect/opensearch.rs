//! Amazon OpenSearch Service domains in one region (`ListDomainNames`, `DescribeDomains` in
//! batches of five, `ListTags` per domain): encryption at rest, node-to-node encryption,
//! endpoint HTTPS and TLS policy, VPC, log publishing.

use aws_sdk_opensearch::types::DomainStatus;
use futures::StreamExt;
use phiguard_model::kinds::OpensearchDomain;
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::convert::tags;
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::OpensearchDomains, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let os = client!(scope, aws_sdk_opensearch);
    let names: Vec<String> = os
        .list_domain_names()
        .send()
        .await?
        .domain_names()
        .iter()
        .filter_map(|d| d.domain_name().map(str::to_string))
        .collect();
    let mut domains = Vec::new();
    // DescribeDomains takes at most five names per call.
    for chunk in names.chunks(5) {
        let out = os
            .describe_domains()
            .set_domain_names(Some(chunk.to_vec()))
            .send()
            .await?;
        domains.extend(out.domain_status_list().iter().map(|d| domain(scope, d)));
    }
    Ok(futures::stream::iter(domains)
        .map(|mut r| {
            let os = &os;
            async move {
                let result = os
                    .list_tags()
                    .arn(&r.arn)
                    .send()
                    .await
                    .map_err(CallError::from);
                if let Some(out) = field(&mut r, "tags", result) {
                    r.tags = tags(out.tag_list().iter().map(|t| (t.key(), t.value())));
                }
                r
            }
        })
        .buffer_unordered(8)
        .collect()
        .await)
}

fn domain(scope: &Scope, d: &DomainStatus) -> Resource {
    let at_rest = d.encryption_at_rest_options();
    let endpoint = d.domain_endpoint_options();
    let mut log_publishing: Vec<String> = d
        .log_publishing_options()
        .map(|m| {
            m.iter()
                .filter(|(_, o)| o.enabled().unwrap_or(false))
                .map(|(t, _)| t.as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    log_publishing.sort();
    let details = OpensearchDomain {
        engine_version: d.engine_version().unwrap_or_default().to_string(),
        encryption_at_rest: at_rest.and_then(|o| o.enabled()).unwrap_or(false),
        kms_key_id: at_rest.and_then(|o| o.kms_key_id()).map(str::to_string),
        node_to_node_encryption: d
            .node_to_node_encryption_options()
            .and_then(|o| o.enabled())
            .unwrap_or(false),
        enforce_https: endpoint.and_then(|o| o.enforce_https()).unwrap_or(false),
        tls_security_policy: endpoint
            .and_then(|o| o.tls_security_policy())
            .map(|p| p.as_str().to_string()),
        vpc_id: d.vpc_options().and_then(|v| v.vpc_id()).map(str::to_string),
        log_publishing,
        fine_grained_access_control: d
            .advanced_security_options()
            .and_then(|o| o.enabled())
            .unwrap_or(false),
    };
    let arn = if d.arn().is_empty() {
        scope.arn("es", &format!("domain/{}", d.domain_name()))
    } else {
        d.arn().to_string()
    };
    let mut r = scope.resource(arn, details);
    r.name = Some(d.domain_name().to_string());
    r
}
