//! AWS Organizations controls: service control policies.

pub mod scp_restricts_regions;
