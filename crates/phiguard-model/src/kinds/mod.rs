//! Attributes of each resource kind, one module per service. Conventions: an `Option` field is
//! `None` when AWS has no such setting (no default encryption, no policy); where `None` could
//! also mean "not read", the field's doc says so and the collector records a
//! [`FieldError`](crate::FieldError) on the resource instead of guessing.

pub mod accessanalyzer;
pub mod account;
pub mod apigateway;
pub mod backup;
pub mod cloudfront;
pub mod cloudtrail;
pub mod compute;
pub mod dynamodb;
pub mod ec2;
pub mod efs;
pub mod elb;
pub mod elbv2;
pub mod iam;
pub mod inspector;
pub mod kms;
pub mod logs;
pub mod macie;
pub mod monitoring;
pub mod network;
pub mod opensearch;
pub mod organizations;
pub mod rds;
pub mod redshift;
pub mod s3;
pub mod sns;
pub mod ssm;

pub use accessanalyzer::*;
pub use account::*;
pub use apigateway::*;
pub use backup::*;
pub use cloudfront::*;
pub use cloudtrail::*;
pub use compute::*;
pub use dynamodb::*;
pub use ec2::*;
pub use efs::*;
pub use elb::*;
pub use elbv2::*;
pub use iam::*;
pub use inspector::*;
pub use kms::*;
pub use logs::*;
pub use macie::*;
pub use monitoring::*;
pub use network::*;
pub use opensearch::*;
pub use organizations::*;
pub use rds::*;
pub use redshift::*;
pub use s3::*;
pub use sns::*;
pub use ssm::*;
