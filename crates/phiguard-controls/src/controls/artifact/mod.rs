//! AWS Artifact: the Business Associate Addendum.

pub mod aws_baa_accepted;
