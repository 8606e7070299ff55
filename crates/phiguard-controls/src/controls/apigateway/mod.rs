//! Amazon API Gateway controls: TLS floor of custom domain names, backend client
//! certificates of REST API stages.

pub mod apigateway_domain_tls_1_2;
pub mod apigateway_stage_client_certificate;
pub mod apigateway_stage_execution_logging;
pub mod apigateway_stage_waf;

/// A REST API stage in the fixture account, edited by `edit`.
#[cfg(test)]
pub(crate) fn stage(
    api: &str,
    name: &str,
    edit: impl FnOnce(&mut phiguard_model::kinds::ApigatewayStage),
) -> phiguard_model::Resource {
    let mut s = phiguard_model::kinds::ApigatewayStage {
        rest_api_id: api.into(),
        rest_api_name: format!("{api}-api"),
        stage_name: name.into(),
        client_certificate_id: Some("q1w2e3".into()),
        logging_level: Some("INFO".into()),
        ..phiguard_model::kinds::ApigatewayStage::default()
    };
    edit(&mut s);
    crate::testkit::resource(
        &format!("arn:aws:apigateway:us-east-1::/restapis/{api}/stages/{name}"),
        s,
    )
    .named(format!("{api}-api/{name}"))
}

/// A custom domain name in the fixture account with a security policy.
#[cfg(test)]
pub(crate) fn domain(name: &str, policy: Option<&str>) -> phiguard_model::Resource {
    crate::testkit::resource(
        &format!("arn:aws:apigateway:us-east-1::/domainnames/{name}"),
        phiguard_model::kinds::ApigatewayDomain {
            domain_name: name.into(),
            security_policy: policy.map(str::to_string),
            endpoint_types: vec!["REGIONAL".into()],
            certificate_arn: None,
        },
    )
    .named(name)
}
