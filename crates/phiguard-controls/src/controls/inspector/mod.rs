//! Amazon Inspector controls: vulnerability scanning of the compute the customer patches.

pub mod inspector_ec2_scanning_enabled;
