//! PHI scope: where PHI may live.

pub mod phi_only_in_hipaa_eligible_services;
