//! AWS Security Hub controls: findings aggregated and scored against standards in every region.

pub mod securityhub_enabled;
