//! The built-in controls, one module per service, one file per control.

pub mod iam;
pub mod s3;
