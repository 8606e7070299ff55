//! AWS Backup controls: PHI resources are in a backup plan, and vaults are locked.

pub mod backup_plan_covers_phi_resources;
pub mod backup_plan_daily_35_day_retention;
pub mod backup_plan_offsite_copy;
pub mod backup_restore_testing;
pub mod backup_vault_lock_enabled;
