//! The collector tasks: one file per service. A task collects one or more data sources in one
//! scope (an account's `global` scope or one region) and records each source's outcome.

use futures::future::BoxFuture;

use crate::scope::Scope;

mod accessanalyzer;
mod account;
mod apigateway;
mod backup;
mod backup_restore;
mod cloudfront;
mod cloudtrail;
mod cloudwatch;
mod config;
mod dynamodb;
mod ec2;
mod efs;
mod elb;
mod elbv2;
mod guardduty;
mod iam;
mod inspector;
mod kms;
mod lambda;
mod logs;
mod macie;
mod network;
mod opensearch;
mod organizations;
mod rds;
mod redshift;
mod s3;
mod secretsmanager;
mod securityhub;
mod sns;
mod ssm;
mod tagging;

/// A collector task.
pub struct Task {
    /// Short name, for progress (`iam`, `s3`, `ec2`).
    pub name: &'static str,
    /// Runs once in the `global` scope rather than once per region.
    pub global: bool,
    /// The work.
    pub run: for<'a> fn(&'a Scope) -> BoxFuture<'a, ()>,
}

macro_rules! tasks {
    ($($name:literal $scope:ident => $module:ident),* $(,)?) => {
        /// Every task.
        pub const TASKS: &[Task] = &[$(Task {
            name: $name,
            global: tasks!(@global $scope),
            run: |scope| Box::pin($module::run(scope)),
        },)*];
    };
    (@global global) => { true };
    (@global regional) => { false };
}

tasks! {
    "account" global => account,
    "iam" global => iam,
    "s3" global => s3,
    "cloudfront" global => cloudfront,
    "kms" regional => kms,
    "ec2" regional => ec2,
    "rds" regional => rds,
    "dynamodb" regional => dynamodb,
    "cloudtrail" regional => cloudtrail,
    "logs" regional => logs,
    "cloudwatch" regional => cloudwatch,
    "sns" regional => sns,
    "guardduty" regional => guardduty,
    "config" regional => config,
    "securityhub" regional => securityhub,
    "backup" regional => backup,
    "elbv2" regional => elbv2,
    "secretsmanager" regional => secretsmanager,
    "lambda" regional => lambda,
    "tagging" regional => tagging,
    "accessanalyzer" regional => accessanalyzer,
    "macie" regional => macie,
    "inspector" regional => inspector,
    "ssm" regional => ssm,
    "opensearch" regional => opensearch,
    "redshift" regional => redshift,
    "apigateway" regional => apigateway,
    "efs" regional => efs,
    "elb" regional => elb,
    "backup_restore" regional => backup_restore,
    "organizations" global => organizations,
}
