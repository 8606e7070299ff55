//! The built-in controls, one module per service, one file per control.

pub mod iam;
pub mod s3;
pub mod ec2;
pub mod artifact;
pub mod lambda;
pub mod phi;
pub mod risk;
pub mod secretsmanager;
pub mod rds;
pub mod dynamodb;
pub mod elb;
pub mod cloudfront;
