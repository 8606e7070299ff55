//! The built-in controls, one module per service, one file per control.

pub mod artifact;
pub mod cloudfront;
pub mod dynamodb;
pub mod ec2;
pub mod elb;
pub mod iam;
pub mod lambda;
pub mod phi;
pub mod rds;
pub mod risk;
pub mod s3;
pub mod secretsmanager;
