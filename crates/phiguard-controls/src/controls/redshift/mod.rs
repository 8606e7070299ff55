//! Amazon Redshift controls: encryption, audit logging, TLS, automated snapshots.

pub mod redshift_audit_logging;
pub mod redshift_automated_snapshots;
pub mod redshift_encrypted;
pub mod redshift_maintenance_settings;
pub mod redshift_not_public;
pub mod redshift_require_tls;

/// A Redshift cluster in the fixture account, edited by `edit`; starts fully compliant.
#[cfg(test)]
pub(crate) fn cluster(
    name: &str,
    edit: impl FnOnce(&mut phiguard_model::kinds::RedshiftCluster),
) -> phiguard_model::Resource {
    let mut c = phiguard_model::kinds::RedshiftCluster {
        encrypted: true,
        kms_key_id: Some(
            "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000011".into(),
        ),
        publicly_accessible: false,
        automated_snapshot_retention_period: 7,
        audit_logging: true,
        parameter_groups: vec!["phi-redshift".into()],
        parameters: [("require_ssl".to_string(), "true".to_string())].into(),
        allow_version_upgrade: true,
        enhanced_vpc_routing: true,
        vpc_id: Some("vpc-0a1b2c3d4e5f60001".into()),
    };
    edit(&mut c);
    crate::testkit::resource(
        &format!("arn:aws:redshift:us-east-1:111122223333:cluster:{name}"),
        c,
    )
    .named(name)
}
