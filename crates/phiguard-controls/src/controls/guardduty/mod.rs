//! Amazon GuardDuty controls: threat detection on in every enabled region.

pub mod guardduty_enabled_all_regions;
