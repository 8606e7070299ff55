//! Amazon RDS and Aurora controls: instances, clusters, snapshots.

pub mod rds_auto_minor_version_upgrade;
pub mod rds_backup_retention;
pub mod rds_deletion_protection;
pub mod rds_enhanced_monitoring_enabled;
pub mod rds_instance_logs_exported;
pub mod rds_instance_not_public;
pub mod rds_multi_az;
pub mod rds_snapshot_encrypted;
pub mod rds_snapshot_not_public;
pub mod rds_storage_encrypted;
pub mod rds_tls_enforced;
