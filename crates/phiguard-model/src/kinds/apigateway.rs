//! Amazon API Gateway: REST API stages and custom domain names.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A stage of a REST API (API Gateway v1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApigatewayStage {
    /// REST API id.
    pub rest_api_id: String,
    /// REST API name.
    #[serde(default)]
    pub rest_api_name: String,
    /// Stage name.
    pub stage_name: String,
    /// Client certificate API Gateway presents to the backend (`clientCertificateId`).
    pub client_certificate_id: Option<String>,
    /// Execution logging level of `*/*` method settings (`OFF`, `ERROR`, `INFO`).
    pub logging_level: Option<String>,
    /// Access log destination ARN.
    pub access_log_destination: Option<String>,
    /// Associated WAF web ACL.
    pub web_acl_arn: Option<String>,
    /// X-Ray tracing.
    #[serde(default)]
    pub tracing_enabled: bool,
    /// Cache cluster enabled.
    #[serde(default)]
    pub cache_cluster_enabled: bool,
}

/// A custom domain name (API Gateway v1 `GetDomainNames`; also used by v2 APIs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApigatewayDomain {
    /// The domain name.
    pub domain_name: String,
    /// Security policy: `TLS_1_0`, `TLS_1_2`, or a newer `SecurityPolicy_TLS13_*` name.
    pub security_policy: Option<String>,
    /// Endpoint types (`EDGE`, `REGIONAL`, `PRIVATE`).
    #[serde(default)]
    pub endpoint_types: Vec<String>,
    /// ACM certificate ARN (edge or regional).
    pub certificate_arn: Option<String>,
}
