//! AWS Config controls: configuration recording in every enabled region.

pub mod config_recorder_all_regions;
