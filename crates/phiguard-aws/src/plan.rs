//! The collection plan of one account: establish the identity, find the enabled regions, then
//! run every collector task (global ones once, regional ones per region) with bounded
//! concurrency.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use aws_types::SdkConfig;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use phiguard_model::{Account, Details, GLOBAL, Inventory};
use tokio::sync::Semaphore;

use crate::call::CallError;
use crate::collect::TASKS;
use crate::recorder::Recorder;
use crate::scope::{AccountCtx, Sink};
use crate::{CollectError, Options, Progress, client};

/// An account already identified (organisation mode: assumed-role credentials).
#[derive(Debug, Clone)]
pub struct Known {
    /// Account id.
    pub id: String,
    /// Account name, from Organizations.
    pub name: Option<String>,
    /// SDK configuration with the account's credentials.
    pub sdk: SdkConfig,
}

/// Collects one account.
pub async fn collect_account(
    base: &SdkConfig,
    known: Option<Known>,
    options: &Options,
    recorder: &Recorder,
    progress: Arc<dyn Progress>,
) -> Result<(Account, Sink), CollectError> {
    let (id, name, sdk) = match known {
        Some(k) => (k.id, k.name, k.sdk),
        None => {
            let sts = {
                let conf = aws_sdk_sts::config::Builder::from(base)
                    .interceptor(recorder.clone())
                    .build();
                aws_sdk_sts::Client::from_conf(conf)
            };
            let me = sts
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| CollectError::Identity(e.into()))?;
            let id = me
                .account()
                .ok_or_else(|| {
                    CollectError::Identity(CallError::new("parse", "no account in the answer"))
                })?
                .to_string();
            (id, None, base.clone())
        }
    };
    let ctx = Arc::new(AccountCtx {
        id: id.clone(),
        sdk,
        recorder: recorder.clone(),
        emulator: options.endpoint_url.is_some(),
        sink: Mutex::new(Sink::default()),
    });
    let regions = if options.regions.is_empty() {
        enabled_regions(&ctx).await.map_err(CollectError::Regions)?
    } else {
        let mut r = options.regions.clone();
        r.sort();
        r.dedup();
        r
    };

    let scopes: Vec<String> = std::iter::once(GLOBAL.to_string())
        .chain(regions.iter().cloned())
        .collect();
    let semaphore = Semaphore::new(options.concurrency.max(1));
    let mut work = FuturesUnordered::new();
    for region in &scopes {
        for task in TASKS.iter().filter(|t| t.global == (region == GLOBAL)) {
            let scope = ctx.scope(region);
            let semaphore = &semaphore;
            let progress = &progress;
            let id = &id;
            progress.add(1);
            work.push(async move {
                let Ok(_permit) = semaphore.acquire().await else {
                    return;
                };
                (task.run)(&scope).await;
                progress.done(&format!("{id} {region} {}", task.name));
            });
        }
    }
    while work.next().await.is_some() {}
    drop(work);

    let sink = std::mem::take(
        &mut *ctx
            .sink
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    let account = Account {
        id,
        name,
        regions,
        settings: sink.settings.clone(),
    };
    Ok((account, sink))
}

/// The regions enabled for the account (`ec2:DescribeRegions` without `AllRegions` lists
/// exactly those: opt-in regions appear only once opted in).
async fn enabled_regions(ctx: &Arc<AccountCtx>) -> Result<Vec<String>, CallError> {
    let scope = ctx.scope(GLOBAL);
    let ec2 = client!(scope, aws_sdk_ec2);
    let out = ec2.describe_regions().send().await?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    if regions.is_empty() {
        return Err(CallError::new("parse", "DescribeRegions listed no region"));
    }
    Ok(regions)
}

/// Folds resources found only through the tagging API into the typed ones (same ARN: the
/// typed resource keeps its details and gains missing tags), and sorts for stable output.
pub fn normalise(inventory: &mut Inventory) {
    let typed: BTreeSet<String> = inventory
        .resources
        .iter()
        .filter(|r| !matches!(r.details, Details::Tagged(_)))
        .map(|r| r.arn.clone())
        .collect();
    let mut extra: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut seen_tagged = BTreeSet::new();
    inventory.resources.retain(|r| match &r.details {
        Details::Tagged(_) if typed.contains(&r.arn) => {
            extra
                .entry(r.arn.clone())
                .or_default()
                .extend(r.tags.clone());
            false
        }
        Details::Tagged(_) => seen_tagged.insert(r.arn.clone()),
        _ => true,
    });
    for r in &mut inventory.resources {
        if let Some(tags) = extra.remove(&r.arn) {
            for (k, v) in tags {
                r.tags.entry(k).or_insert(v);
            }
        }
    }
    inventory.resources.sort_by(|a, b| {
        (a.account.as_str(), a.arn.as_str()).cmp(&(b.account.as_str(), b.arn.as_str()))
    });
    // When a source was recorded twice for one place (collected, then a later call failed),
    // the failure wins: sort failures first and keep the first of each key.
    inventory.coverage.sort_by(|a, b| {
        (
            a.account.as_str(),
            a.region.as_str(),
            a.source.as_str(),
            a.state.is_collected(),
        )
            .cmp(&(
                b.account.as_str(),
                b.region.as_str(),
                b.source.as_str(),
                b.state.is_collected(),
            ))
    });
    inventory.coverage.dedup_by(|later, first| {
        later.account == first.account
            && later.region == first.region
            && later.source == first.source
    });
}
