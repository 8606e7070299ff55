//! What a collector works with: one account's credentials and results, and one region.

use std::sync::{Arc, Mutex, PoisonError};

use aws_types::SdkConfig;
use aws_types::region::Region;
use phiguard_model::kinds::AccountSettings;
use phiguard_model::{CoverageEntry, CoverageState, DataSource, GLOBAL, Resource};

use crate::call::CallError;
use crate::recorder::Recorder;

/// What one account's collection produced.
#[derive(Debug, Default)]
pub struct Sink {
    /// Resources of every kind.
    pub resources: Vec<Resource>,
    /// Coverage per region and data source.
    pub coverage: Vec<CoverageEntry>,
    /// Account-level settings.
    pub settings: AccountSettings,
}

/// One account being collected.
#[derive(Debug)]
pub struct AccountCtx {
    /// 12-digit account id.
    pub id: String,
    /// Credentials and shared SDK settings for the account.
    pub sdk: SdkConfig,
    /// Records every operation.
    pub recorder: Recorder,
    /// Whether an endpoint override (an emulator) is in use.
    pub emulator: bool,
    /// The results.
    pub sink: Mutex<Sink>,
}

impl AccountCtx {
    /// A scope in `region` (`GLOBAL` for global services, which are called in us-east-1).
    pub fn scope(self: &Arc<Self>, region: &str) -> Scope {
        let call_region = if region == GLOBAL {
            "us-east-1"
        } else {
            region
        };
        let config = self
            .sdk
            .to_builder()
            .region(Region::new(call_region.to_string()))
            .build();
        Scope {
            account: Arc::clone(self),
            region: region.to_string(),
            config,
        }
    }
}

/// One account and one region (or `global`).
#[derive(Debug, Clone)]
pub struct Scope {
    /// The account.
    pub account: Arc<AccountCtx>,
    /// The region, or `global`.
    pub region: String,
    /// SDK configuration for the region.
    pub config: SdkConfig,
}

/// Builds a service client for a scope, with the operation recorder attached.
#[macro_export]
macro_rules! client {
    ($scope:expr, $krate:ident) => {{
        let conf = $krate::config::Builder::from(&$scope.config)
            .interceptor($scope.account.recorder.clone())
            .build();
        $krate::Client::from_conf(conf)
    }};
}

impl Scope {
    /// The account id.
    pub fn account_id(&self) -> &str {
        &self.account.id
    }

    /// The region resources found here are in (`GLOBAL` for global services).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// A scope for another region of the same account (an S3 bucket's home region).
    pub fn in_region(&self, region: &str) -> Scope {
        self.account.scope(region)
    }

    /// The S3 client (path-style addressing against emulators).
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config)
            .interceptor(self.account.recorder.clone())
            .force_path_style(self.account.emulator)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    fn with_sink<T>(&self, f: impl FnOnce(&mut Sink) -> T) -> T {
        let mut sink = self
            .account
            .sink
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut sink)
    }

    fn coverage_region(&self, source: DataSource) -> String {
        if source.is_global() {
            GLOBAL.to_string()
        } else {
            self.region.clone()
        }
    }

    /// Records the resources of `source`, collected completely here.
    pub fn collected(&self, source: DataSource, resources: Vec<Resource>) {
        let region = self.coverage_region(source);
        let account = self.account.id.clone();
        self.with_sink(|sink| {
            sink.resources.extend(resources);
            sink.coverage.push(CoverageEntry {
                account,
                region,
                source,
                state: CoverageState::Collected,
            });
        });
    }

    /// Records that `source` could not be collected here.
    pub fn failed(&self, source: DataSource, error: &CallError) {
        self.state(source, error.coverage());
    }

    /// Records a coverage state for `source` here.
    pub fn state(&self, source: DataSource, state: CoverageState) {
        let region = self.coverage_region(source);
        let account = self.account.id.clone();
        self.with_sink(|sink| {
            sink.coverage.push(CoverageEntry {
                account,
                region,
                source,
                state,
            });
        });
    }

    /// Records the outcome of collecting `source`.
    pub fn record(&self, source: DataSource, result: Result<Vec<Resource>, CallError>) {
        match result {
            Ok(resources) => self.collected(source, resources),
            Err(e) => self.failed(source, &e),
        }
    }

    /// Records an account-level setting collected from `source` (or why it could not be).
    pub fn setting<T>(
        &self,
        source: DataSource,
        result: Result<T, CallError>,
        apply: impl FnOnce(&mut AccountSettings, T),
    ) {
        match result {
            Ok(value) => {
                self.with_sink(|sink| apply(&mut sink.settings, value));
                self.collected(source, Vec::new());
            }
            Err(e) => self.failed(source, &e),
        }
    }

    /// An ARN in this account and region.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        let region = if self.region == GLOBAL {
            ""
        } else {
            &self.region
        };
        format!("arn:aws:{service}:{region}:{}:{resource}", self.account.id)
    }

    /// A resource in this scope.
    pub fn resource(
        &self,
        arn: impl Into<String>,
        details: impl Into<phiguard_model::Details>,
    ) -> Resource {
        Resource::new(arn, self.account.id.clone(), self.region.clone(), details)
    }
}
