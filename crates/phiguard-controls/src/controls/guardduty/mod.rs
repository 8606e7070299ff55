//! Amazon GuardDuty controls: threat detection on in every enabled region, and its findings
//! acted on.

pub mod guardduty_enabled_all_regions;
pub mod guardduty_no_high_severity_findings;
