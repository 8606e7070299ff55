//! Attributes of each resource kind, one module per service. Conventions: an `Option` field is
//! `None` when AWS has no such setting (no default encryption, no policy); where `None` could
//! also mean "not read", the field's doc says so and the collector records a
//! [`FieldError`](crate::FieldError) on the resource instead of guessing.

pub mod account;
pub mod backup;
pub mod cloudfront;
pub mod cloudtrail;
pub mod compute;
pub mod dynamodb;
pub mod ec2;
pub mod elbv2;
pub mod iam;
pub mod kms;
pub mod logs;
pub mod monitoring;
pub mod rds;
pub mod s3;
pub mod sns;

pub use account::*;
pub use backup::*;
pub use cloudfront::*;
pub use cloudtrail::*;
pub use compute::*;
pub use dynamodb::*;
pub use ec2::*;
pub use elbv2::*;
pub use iam::*;
pub use kms::*;
pub use logs::*;
pub use monitoring::*;
pub use rds::*;
pub use s3::*;
pub use sns::*;
