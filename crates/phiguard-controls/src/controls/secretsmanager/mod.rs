//! AWS Secrets Manager controls.

pub mod secretsmanager_rotation_enabled;
pub mod secretsmanager_uses_customer_managed_key;
