//! The built-in controls, one module per service, one file per control.

pub mod artifact;
pub mod backup;
pub mod cloudfront;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod dynamodb;
pub mod ec2;
pub mod elb;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod phi;
pub mod rds;
pub mod risk;
pub mod s3;
pub mod secretsmanager;
pub mod securityhub;
pub mod sns;
pub mod vpc;
