pub mod s3_bucket_versioning_enabled;
