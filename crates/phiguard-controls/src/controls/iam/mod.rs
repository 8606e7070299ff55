pub mod root_account_mfa_enabled;
