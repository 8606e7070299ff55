//! Live, read-only collection of a phiguard [`Inventory`] from AWS with the AWS SDK for Rust:
//! one account (the SDK's default credential chain or a profile) or every account of an AWS
//! Organization (assuming a role in each). This is the only crate that links `aws-sdk-*`.
//!
//! Every data source is collected per account × region (or `global`) and its outcome is
//! recorded in the inventory's coverage: a call that is denied, throttled past its retries,
//! not enabled or not offered in a region leaves that source *not collected*, and the controls
//! that read it report `error`, never `pass`. One failing service or region never stops the
//! rest. Every operation goes through an interceptor that records it ([`recorder`]), so tests
//! can prove the collector only reads and `phiguard iam-policy` lists exactly what it calls
//! ([`permissions`]).

pub mod alert_sns;
pub mod call;
pub mod collect;
pub mod convert;
pub mod org;
pub mod permissions;
pub mod plan;
pub mod recorder;
pub mod scope;
pub mod sources;
pub mod trail_source;

use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_types::SdkConfig;
use aws_types::region::Region;
use phiguard_model::{Inventory, SCHEMA_VERSION, Source, SourceKind, Timestamp};

pub use call::CallError;
pub use recorder::Recorder;

/// What to collect and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The AWS profile (`None`: the SDK's default chain).
    pub profile: Option<String>,
    /// Only these regions (`[]`: every region enabled for the account).
    pub regions: Vec<String>,
    /// Send every call to this endpoint (an emulator).
    pub endpoint_url: Option<String>,
    /// Collection tasks in flight at once per account.
    pub concurrency: usize,
    /// Scan an organisation instead of one account.
    pub org: Option<OrgOptions>,
    /// The time written into the inventory.
    pub now: Timestamp,
}

/// Organisation mode.
#[derive(Debug, Clone)]
pub struct OrgOptions {
    /// The role name assumed in each member account.
    pub role: String,
    /// The external id the roles require, if any.
    pub external_id: Option<String>,
    /// Accounts collected at once.
    pub account_concurrency: usize,
}

/// Progress reporting (the CLI draws a bar; tests pass [`NoProgress`]).
pub trait Progress: Send + Sync {
    /// `n` more units of work are known.
    fn add(&self, n: u64);
    /// One unit finished: `label` names it (`123456789012 eu-west-1 rds`).
    fn done(&self, label: &str);
    /// A message worth showing (an account that could not be assumed, say).
    fn note(&self, message: &str);
}

/// Reports nothing.
#[derive(Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn add(&self, _: u64) {}
    fn done(&self, _: &str) {}
    fn note(&self, _: &str) {}
}

/// A collection that could not start (no credentials, cannot list regions or accounts).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The caller's identity could not be established.
    #[error("cannot establish the AWS identity (sts:GetCallerIdentity): {0}")]
    Identity(CallError),
    /// The enabled regions could not be listed.
    #[error("cannot list the account's enabled regions (ec2:DescribeRegions): {0}")]
    Regions(CallError),
    /// The organisation's accounts could not be listed.
    #[error("cannot list the organisation's accounts (organizations:ListAccounts): {0}")]
    Accounts(CallError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// What a collection produced.
#[derive(Debug)]
pub struct Collected {
    /// The inventory.
    pub inventory: Inventory,
    /// Every operation called, for the read-only proof.
    pub operations: std::collections::BTreeSet<recorder::Operation>,
}

/// Collects an inventory (blocking: runs its own tokio runtime).
pub fn collect_blocking(
    options: &Options,
    progress: Arc<dyn Progress>,
) -> Result<Collected, CollectError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CollectError::Runtime)?;
    runtime.block_on(collect(options, progress))
}

/// Collects an inventory.
pub async fn collect(
    options: &Options,
    progress: Arc<dyn Progress>,
) -> Result<Collected, CollectError> {
    let recorder = Recorder::default();
    let base = base_config(options).await;
    let (accounts, coverage_only) = match &options.org {
        None => {
            let account =
                plan::collect_account(&base, None, options, &recorder, Arc::clone(&progress))
                    .await?;
            (vec![account], Vec::new())
        }
        Some(org) => org::collect(&base, org, options, &recorder, Arc::clone(&progress)).await?,
    };
    let mut inventory = Inventory {
        schema_version: SCHEMA_VERSION,
        generated_at: options.now,
        source: Source {
            kind: SourceKind::Live,
            description: describe(options),
        },
        accounts: Vec::new(),
        coverage: coverage_only,
        resources: Vec::new(),
    };
    for (account, sink) in accounts {
        inventory.accounts.push(account);
        inventory.coverage.extend(sink.coverage);
        inventory.resources.extend(sink.resources);
    }
    plan::normalise(&mut inventory);
    Ok(Collected {
        inventory,
        operations: recorder.operations(),
    })
}

fn describe(options: &Options) -> String {
    let mut parts = vec!["live collection (AWS SDK for Rust)".to_string()];
    if let Some(p) = &options.profile {
        parts.push(format!("profile {p}"));
    }
    if let Some(org) = &options.org {
        parts.push(format!("organisation, role {}", org.role));
    }
    if let Some(e) = &options.endpoint_url {
        parts.push(format!("endpoint {e}"));
    }
    parts.join(", ")
}

/// The SDK configuration every client starts from: credentials, retries with backoff for
/// throttling, timeouts, and the endpoint override.
pub async fn base_config(options: &Options) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(6)
                .with_initial_backoff(Duration::from_millis(200)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .operation_timeout(Duration::from_secs(120))
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        config
            .to_builder()
            .region(Region::from_static("us-east-1"))
            .build()
    } else {
        config
    }
}
