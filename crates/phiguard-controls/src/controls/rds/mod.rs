//! Amazon RDS and Aurora controls: instances, clusters, snapshots.

pub mod rds_backup_retention;
pub mod rds_instance_not_public;
pub mod rds_snapshot_encrypted;
pub mod rds_snapshot_not_public;
pub mod rds_storage_encrypted;
