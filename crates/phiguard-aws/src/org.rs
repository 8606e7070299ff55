//! Organisation mode: list the organisation's active accounts, assume the named role in each
//! (with the external id, when given) and collect the accounts in parallel, a bounded number
//! at a time. An account whose role cannot be assumed is kept in the inventory with every
//! data source marked not collected, so its controls report `error` rather than vanish.

use std::sync::Arc;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_types::SdkConfig;
use futures::StreamExt;
use phiguard_model::{Account, CoverageEntry, CoverageState, DataSource, GLOBAL};

use crate::call::CallError;
use crate::plan::{Known, collect_account};
use crate::recorder::Recorder;
use crate::scope::Sink;
use crate::{CollectError, Options, OrgOptions, Progress};

/// A member account.
#[derive(Debug, Clone)]
struct Member {
    id: String,
    name: Option<String>,
}

/// Collects every active account of the organisation.
pub async fn collect(
    base: &SdkConfig,
    org: &OrgOptions,
    options: &Options,
    recorder: &Recorder,
    progress: Arc<dyn Progress>,
) -> Result<(Vec<(Account, Sink)>, Vec<CoverageEntry>), CollectError> {
    let members = list_accounts(base, recorder)
        .await
        .map_err(CollectError::Accounts)?;
    let results: Vec<Result<(Account, Sink), (Member, CallError)>> = futures::stream::iter(members)
        .map(|member| {
            let progress = Arc::clone(&progress);
            async move {
                let sdk = match assume(base, org, &member.id, recorder).await {
                    Ok(sdk) => sdk,
                    Err(e) => {
                        progress.note(&format!(
                            "account {}: cannot assume role `{}`: {e}",
                            member.id, org.role
                        ));
                        return Err((member, e));
                    }
                };
                let known = Known {
                    id: member.id.clone(),
                    name: member.name.clone(),
                    sdk,
                };
                collect_account(base, Some(known), options, recorder, progress)
                    .await
                    .map_err(|e| {
                        let call = match e {
                            CollectError::Identity(c)
                            | CollectError::Regions(c)
                            | CollectError::Accounts(c) => c,
                            CollectError::Runtime(io) => CallError::new("runtime", &io.to_string()),
                        };
                        (member, call)
                    })
            }
        })
        .buffer_unordered(org.account_concurrency.max(1))
        .collect()
        .await;

    let mut accounts = Vec::new();
    let mut coverage = Vec::new();
    for result in results {
        match result {
            Ok(pair) => accounts.push(pair),
            Err((member, error)) => {
                coverage.extend(unreachable_account(&member.id, &error));
                accounts.push((
                    Account {
                        id: member.id,
                        name: member.name,
                        regions: options.regions.clone(),
                        settings: Default::default(),
                    },
                    Sink::default(),
                ));
            }
        }
    }
    accounts.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok((accounts, coverage))
}

/// Coverage for an account that could not be collected at all: every source, not collected.
fn unreachable_account(account: &str, error: &CallError) -> Vec<CoverageEntry> {
    let state = match error.coverage() {
        CoverageState::Denied { code, message } => CoverageState::Denied {
            code,
            message: format!("cannot assume the scan role: {message}"),
        },
        CoverageState::Failed { message } | CoverageState::NotEnabled { reason: message } => {
            CoverageState::Failed {
                message: format!("cannot assume the scan role: {message}"),
            }
        }
        other => other,
    };
    DataSource::ALL
        .iter()
        .map(|&source| CoverageEntry {
            account: account.to_string(),
            region: GLOBAL.to_string(),
            source,
            state: state.clone(),
        })
        .collect()
}

async fn list_accounts(base: &SdkConfig, recorder: &Recorder) -> Result<Vec<Member>, CallError> {
    let conf = aws_sdk_organizations::config::Builder::from(base)
        .interceptor(recorder.clone())
        .build();
    let client = aws_sdk_organizations::Client::from_conf(conf);
    let mut pages = client.list_accounts().into_paginator().send();
    let mut members = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page?;
        for a in page.accounts() {
            let active = a
                .state()
                .map(|s| s.as_str() == "ACTIVE")
                .or_else(|| a.status().map(|s| s.as_str() == "ACTIVE"))
                .unwrap_or(true);
            if let (Some(id), true) = (a.id(), active) {
                members.push(Member {
                    id: id.to_string(),
                    name: a.name().map(str::to_string),
                });
            }
        }
    }
    members.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(members)
}

async fn assume(
    base: &SdkConfig,
    org: &OrgOptions,
    account: &str,
    recorder: &Recorder,
) -> Result<SdkConfig, CallError> {
    let conf = aws_sdk_sts::config::Builder::from(base)
        .interceptor(recorder.clone())
        .build();
    let sts = aws_sdk_sts::Client::from_conf(conf);
    let role_arn = format!("arn:aws:iam::{account}:role/{}", org.role);
    let mut request = sts
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("phiguard-scan")
        .duration_seconds(3600);
    if let Some(id) = &org.external_id {
        request = request.external_id(id);
    }
    let out = request.send().await?;
    let c = out
        .credentials()
        .ok_or_else(|| CallError::new("parse", "AssumeRole returned no credentials"))?;
    let expiry = std::time::SystemTime::try_from(*c.expiration()).ok();
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        "phiguard-assume-role",
    );
    Ok(base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}
