//! RDS instances, an Aurora cluster, RDS snapshots and DynamoDB tables.

use phiguard_model::Resource;
use phiguard_model::kinds::{DynamodbTable, RdsCluster, RdsInstance, RdsSnapshot};

use super::{DEV, Demo, PROD, US_EAST_1, US_WEST_2, kms, kms_arn};

fn rds_arn(account: &str, region: &str, what: &str) -> String {
    format!("arn:aws:rds:{region}:{account}:{what}")
}

/// An encrypted, private, backed-up PostgreSQL instance, the clinic's baseline.
fn baseline(key: String) -> RdsInstance {
    RdsInstance {
        engine: "postgres".into(),
        engine_version: "16.4".into(),
        storage_encrypted: true,
        kms_key_id: Some(key),
        publicly_accessible: false,
        backup_retention_period: 14,
        multi_az: true,
        deletion_protection: true,
        auto_minor_version_upgrade: true,
        cloudwatch_logs_exports: vec!["postgresql".into()],
        cluster_identifier: None,
        iam_database_authentication: true,
        monitoring_interval: 60,
    }
}

pub(crate) fn build(demo: &mut Demo) {
    instances(demo);
    clusters(demo);
    snapshots(demo);
    tables(demo);
}

fn instances(demo: &mut Demo) {
    let ehr_key = kms::prod_key(kms::EHR_DB);
    let mut billing = baseline(ehr_key.clone());
    billing.engine = "mysql".into();
    billing.engine_version = "8.0.39".into();
    billing.backup_retention_period = 7;
    billing.cloudwatch_logs_exports = vec!["audit".into(), "error".into()];
    billing.iam_database_authentication = false;

    // A 2017 analytics copy: unencrypted (encryption cannot be turned on in place), one day
    // of backups, single AZ.
    let analytics = RdsInstance {
        engine: "mysql".into(),
        engine_version: "5.7.44".into(),
        storage_encrypted: false,
        kms_key_id: None,
        publicly_accessible: false,
        backup_retention_period: 1,
        multi_az: false,
        deletion_protection: false,
        auto_minor_version_upgrade: false,
        cloudwatch_logs_exports: Vec::new(),
        cluster_identifier: None,
        iam_database_authentication: false,
        monitoring_interval: 0,
    };

    let mut dr = baseline(kms_arn(PROD, US_WEST_2, kms::DR_PHI));
    dr.multi_az = false;

    let mut portal_1 = baseline(ehr_key.clone());
    portal_1.engine = "aurora-postgresql".into();
    portal_1.cluster_identifier = Some("portal-aurora".into());
    portal_1.backup_retention_period = 7;
    let portal_2 = portal_1.clone();

    // Development: unencrypted, public, no backups to speak of.
    let dev = RdsInstance {
        engine: "postgres".into(),
        engine_version: "15.8".into(),
        storage_encrypted: false,
        kms_key_id: None,
        publicly_accessible: true,
        backup_retention_period: 1,
        multi_az: false,
        deletion_protection: false,
        auto_minor_version_upgrade: true,
        cloudwatch_logs_exports: Vec::new(),
        cluster_identifier: None,
        iam_database_authentication: false,
        monitoring_interval: 0,
    };

    let list: Vec<(&str, &str, &str, RdsInstance, bool)> = vec![
        (PROD, US_EAST_1, "ehr-primary", baseline(ehr_key), true),
        (PROD, US_EAST_1, "billing", billing, true),
        (PROD, US_EAST_1, "analytics-legacy", analytics, true),
        (PROD, US_EAST_1, "portal-aurora-1", portal_1, true),
        (PROD, US_EAST_1, "portal-aurora-2", portal_2, true),
        (PROD, US_WEST_2, "ehr-dr-replica", dr, true),
        (DEV, US_EAST_1, "dev-postgres", dev, false),
    ];
    for (account, region, name, instance, phi) in list {
        let mut r = Resource::new(
            rds_arn(account, region, &format!("db:{name}")),
            account,
            region,
            instance,
        )
        .named(name);
        if phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    }
}

fn clusters(demo: &mut Demo) {
    let cluster = RdsCluster {
        engine: "aurora-postgresql".into(),
        storage_encrypted: true,
        kms_key_id: Some(kms::prod_key(kms::EHR_DB)),
        backup_retention_period: 7,
        deletion_protection: true,
        multi_az: true,
        members: vec!["portal-aurora-1".into(), "portal-aurora-2".into()],
    };
    demo.add(
        Resource::new(
            rds_arn(PROD, US_EAST_1, "cluster:portal-aurora"),
            PROD,
            US_EAST_1,
            cluster,
        )
        .named("portal-aurora")
        .tag("PHI", "Yes")
        .tag("App", "patient-portal"),
    );
    let reporting = RdsCluster {
        engine: "aurora-mysql".into(),
        storage_encrypted: true,
        kms_key_id: Some(kms_arn(DEV, US_EAST_1, kms::DEV_GENERAL)),
        backup_retention_period: 1,
        deletion_protection: false,
        multi_az: false,
        members: Vec::new(),
    };
    demo.add(
        Resource::new(
            rds_arn(DEV, US_EAST_1, "cluster:dev-reporting"),
            DEV,
            US_EAST_1,
            reporting,
        )
        .named("dev-reporting"),
    );
}

fn snapshots(demo: &mut Demo) {
    let list: [(&str, &str, &str, RdsSnapshot, bool); 5] = [
        (
            PROD,
            US_EAST_1,
            "snapshot:rds:ehr-primary-daily",
            RdsSnapshot {
                cluster: false,
                snapshot_type: "automated".into(),
                encrypted: true,
                public: false,
                shared_with: Vec::new(),
                create_time: Some(demo.days_ago(1)),
            },
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "snapshot:ehr-primary-pre-upgrade",
            RdsSnapshot {
                cluster: false,
                snapshot_type: "manual".into(),
                encrypted: true,
                public: false,
                shared_with: Vec::new(),
                create_time: Some(demo.days_ago(45)),
            },
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "cluster-snapshot:portal-aurora-weekly",
            RdsSnapshot {
                cluster: true,
                snapshot_type: "manual".into(),
                encrypted: true,
                public: false,
                shared_with: vec!["444455556666".into()],
                create_time: Some(demo.days_ago(7)),
            },
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "snapshot:analytics-legacy-final",
            RdsSnapshot {
                cluster: false,
                snapshot_type: "manual".into(),
                encrypted: false,
                public: false,
                shared_with: Vec::new(),
                create_time: Some(demo.days_ago(120)),
            },
            true,
        ),
        (
            DEV,
            US_EAST_1,
            "snapshot:dev-postgres-demo-seed",
            RdsSnapshot {
                cluster: false,
                snapshot_type: "manual".into(),
                encrypted: false,
                public: true,
                shared_with: Vec::new(),
                create_time: Some(demo.days_ago(60)),
            },
            false,
        ),
    ];
    for (account, region, what, snapshot, phi) in list {
        let name = what.rsplit(':').next().unwrap_or(what).to_string();
        let mut r =
            Resource::new(rds_arn(account, region, what), account, region, snapshot).named(name);
        if phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    }
}

fn tables(demo: &mut Demo) {
    let phi_key = kms::prod_key(kms::PHI_DATA);
    let cmk = |pitr: bool| DynamodbTable {
        status: "ACTIVE".into(),
        sse_type: Some("KMS".into()),
        kms_key_arn: Some(phi_key.clone()),
        pitr_enabled: pitr,
        deletion_protection: true,
    };
    let owned = |pitr: bool| DynamodbTable {
        status: "ACTIVE".into(),
        sse_type: None,
        kms_key_arn: None,
        pitr_enabled: pitr,
        deletion_protection: false,
    };
    let table = |demo: &mut Demo,
                 account: &str,
                 region: &str,
                 name: &str,
                 details,
                 phi: &[(&str, &str)]| {
        let mut r = Resource::new(
            format!("arn:aws:dynamodb:{region}:{account}:table/{name}"),
            account,
            region,
            details,
        )
        .named(name);
        for (k, v) in phi {
            r = r.tag(*k, *v);
        }
        demo.add(r);
    };
    let phi = &[("PHI", "Yes")];
    table(demo, PROD, US_EAST_1, "appointments", cmk(true), phi);
    table(
        demo,
        PROD,
        US_EAST_1,
        "clinical-audit-events",
        cmk(true),
        phi,
    );
    table(
        demo,
        PROD,
        US_EAST_1,
        "portal-sessions",
        owned(false),
        &[("DataSensitivity", "PHI")],
    );
    table(demo, PROD, US_EAST_1, "feature-flags", owned(false), &[]);
    let replica = DynamodbTable {
        kms_key_arn: Some(kms_arn(PROD, US_WEST_2, kms::DR_PHI)),
        ..cmk(true)
    };
    table(demo, PROD, US_WEST_2, "appointments-replica", replica, phi);
    table(demo, DEV, US_EAST_1, "dev-appointments", owned(false), &[]);
}
