//! Amazon S3 controls.

pub mod s3_account_public_access_block;
pub mod s3_bucket_acls_disabled;
pub mod s3_bucket_default_encryption;
pub mod s3_bucket_not_public;
pub mod s3_bucket_server_access_logging;
pub mod s3_bucket_tls_only;
pub mod s3_bucket_versioning_enabled;
pub mod s3_phi_bucket_object_lock_or_replication;
pub mod s3_phi_bucket_sse_kms;
pub mod s3_versioned_bucket_lifecycle;
