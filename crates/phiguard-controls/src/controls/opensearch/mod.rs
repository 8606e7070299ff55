//! Amazon OpenSearch Service controls: encryption at rest, node-to-node encryption, HTTPS
//! with TLS 1.2 or later.

pub mod opensearch_encrypted_at_rest;
pub mod opensearch_https_tls_1_2;
pub mod opensearch_in_vpc;
pub mod opensearch_logs_to_cloudwatch;
pub mod opensearch_node_to_node_encryption;

/// An OpenSearch domain in the fixture account, edited by `edit`; starts fully compliant.
#[cfg(test)]
pub(crate) fn domain(
    name: &str,
    edit: impl FnOnce(&mut phiguard_model::kinds::OpensearchDomain),
) -> phiguard_model::Resource {
    let mut d = phiguard_model::kinds::OpensearchDomain {
        engine_version: "OpenSearch_2.11".into(),
        encryption_at_rest: true,
        kms_key_id: Some(
            "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000010".into(),
        ),
        node_to_node_encryption: true,
        enforce_https: true,
        tls_security_policy: Some("Policy-Min-TLS-1-2-2019-07".into()),
        vpc_id: Some("vpc-0a1b2c3d4e5f60001".into()),
        log_publishing: vec!["AUDIT_LOGS".into()],
        fine_grained_access_control: true,
    };
    edit(&mut d);
    crate::testkit::resource(
        &format!("arn:aws:es:us-east-1:111122223333:domain/{name}"),
        d,
    )
    .named(name)
}
