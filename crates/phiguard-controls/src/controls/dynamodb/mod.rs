//! Amazon DynamoDB controls.

pub mod dynamodb_pitr_enabled;
pub mod dynamodb_table_kms_encrypted;
