//! Amazon OpenSearch Service (and legacy Elasticsearch) domains.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An OpenSearch Service domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OpensearchDomain {
    /// Engine version, e.g. `OpenSearch_2.11` or `Elasticsearch_7.10`.
    #[serde(default)]
    pub engine_version: String,
    /// `EncryptionAtRestOptions.Enabled`.
    pub encryption_at_rest: bool,
    /// `EncryptionAtRestOptions.KmsKeyId`.
    pub kms_key_id: Option<String>,
    /// `NodeToNodeEncryptionOptions.Enabled`.
    pub node_to_node_encryption: bool,
    /// `DomainEndpointOptions.EnforceHTTPS`.
    pub enforce_https: bool,
    /// `DomainEndpointOptions.TLSSecurityPolicy`, e.g. `Policy-Min-TLS-1-2-2019-07`.
    pub tls_security_policy: Option<String>,
    /// VPC of the domain's endpoint; `None` for a public endpoint.
    pub vpc_id: Option<String>,
    /// Log types published to CloudWatch Logs with `Enabled` true (`INDEX_SLOW_LOGS`,
    /// `SEARCH_SLOW_LOGS`, `ES_APPLICATION_LOGS`, `AUDIT_LOGS`).
    #[serde(default)]
    pub log_publishing: Vec<String>,
    /// Fine-grained access control (`AdvancedSecurityOptions.Enabled`).
    #[serde(default)]
    pub fine_grained_access_control: bool,
}
