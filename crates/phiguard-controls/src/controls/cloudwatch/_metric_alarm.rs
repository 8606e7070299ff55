//! The chain every CIS-style monitoring control checks, per account:
//!
//! 1. a CloudTrail trail recording the account (its own or an organisation trail) that is
//!    multi-region, logging and records all management events;
//! 2. delivers to a CloudWatch Logs log group (`cloudwatch_logs_log_group_arn`, which may end
//!    with `:*`) that is in the inventory;
//! 3. a metric filter on that group whose pattern matches the monitored events. Patterns are
//!    parsed and evaluated against synthetic CloudTrail events (see `_filter_pattern.rs`), not
//!    compared as text: a filter counts for the probes it matches, and not at all when it also
//!    matches an ordinary event (its alarm would fire all the time);
//! 4. an alarm on the filter's metric (same account and region, namespace and name equal)
//!    with actions enabled;
//! 5. one of whose actions is an SNS topic in the inventory with a confirmed subscription.
//!
//! Several complete chains may share the work (one filter for `DeactivateMFADevice`, another
//! for `DeleteVirtualMFADevice`). The control passes when complete chains together match every
//! probe; otherwise it fails naming the first missing link of the most complete chain, or is
//! `error` when a link could not be read.

use std::borrow::Cow;

use phiguard_model::arn::Arn;
use phiguard_model::kinds::{LogGroup, MetricFilter, MetricRef, SnsTopic};
use serde_json::{Value as Json, json};

use super::filter_pattern;
use crate::controls::cloudtrail::{SELECTOR_FIELDS, management_gap, trails_for, unread};
use crate::prelude::*;

/// What a monitoring control needs a metric filter to catch.
pub(crate) struct Monitor {
    /// What is monitored, for reasons: `root account usage`.
    pub what: &'static str,
    /// Events the filters must match, each with a short label.
    pub must_match: Vec<(&'static str, Json)>,
    /// An ordinary event they must not match, with a label.
    pub must_not_match: (&'static str, Json),
}

/// An IAM user as `userIdentity`.
pub(crate) fn iam_user() -> Json {
    json!({
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEPRINCIPAL",
        "arn": "arn:aws:iam::111122223333:user/alice",
        "accountId": "111122223333",
        "accessKeyId": "AKIAEXAMPLEKEYID",
        "userName": "alice"
    })
}

/// The root user as `userIdentity`.
pub(crate) fn root_user() -> Json {
    json!({
        "type": "Root",
        "principalId": "111122223333",
        "arn": "arn:aws:iam::111122223333:root",
        "accountId": "111122223333"
    })
}

/// A synthetic CloudTrail management event by an IAM user; `extra` replaces top-level fields.
pub(crate) fn event(source: &str, name: &str, extra: Json) -> Json {
    let mut event = json!({
        "eventVersion": "1.09",
        "userIdentity": iam_user(),
        "eventTime": "2026-05-31T12:00:00Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": null,
        "responseElements": null,
        "requestID": "00000000-0000-0000-0000-000000000000",
        "eventID": "00000000-0000-0000-0000-000000000001",
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management"
    });
    if let (Some(base), Json::Object(extra)) = (event.as_object_mut(), extra) {
        base.extend(extra);
    }
    event
}

/// A console sign-in event; `extra` replaces top-level fields.
pub(crate) fn console_login(extra: Json) -> Json {
    let mut login = event(
        "signin.amazonaws.com",
        "ConsoleLogin",
        json!({
            "eventType": "AwsConsoleSignIn",
            "userAgent": "Mozilla/5.0",
            "responseElements": {"ConsoleLogin": "Success"},
            "additionalEventData": {
                "LoginTo": "https://console.aws.amazon.com/console/home",
                "MobileVersion": "No",
                "MFAUsed": "Yes"
            }
        }),
    );
    if let (Some(base), Json::Object(extra)) = (login.as_object_mut(), extra) {
        base.extend(extra);
    }
    login
}

/// The probes for API calls `names` of `source`, labelled by the names.
pub(crate) fn calls(source: &str, names: &[&'static str]) -> Vec<(&'static str, Json)> {
    names
        .iter()
        .map(|name| (*name, event(source, name, json!({}))))
        .collect()
}

// Stages, ordered: the further a chain got, the more useful its missing link is to report.
const NO_MULTI_REGION: u8 = 0;
const NOT_RECORDING: u8 = 10;
const NO_LOG_GROUP: u8 = 20;
const LOG_GROUP_MISSING: u8 = 30;
const NO_FILTER: u8 = 40;
const FILTER_UNPARSED: u8 = 41;
const FILTER_NOISY: u8 = 42;
const NO_ALARM: u8 = 50;
const ALARM_SILENT: u8 = 60;
const TOPIC_UNUSABLE: u8 = 70;

struct Gap<'a> {
    stage: u8,
    reason: String,
    evidence: Evidence<'a>,
    /// Probes the filter of this chain matched (stages from `NO_ALARM` on).
    matched: Vec<usize>,
}

struct Chain<'a> {
    trail: &'a Resource,
    group: &'a Resource,
    filter: &'a MetricFilter,
    metric: String,
    alarm: &'a Resource,
    topic: &'a Resource,
    confirmed: usize,
    /// Probes its filter matches.
    matched: Vec<usize>,
}

type Evidence<'a> = Vec<(&'static str, Value<'a>)>;

#[derive(Default)]
struct Search<'a> {
    chains: Vec<Chain<'a>>,
    covered: Vec<bool>,
    gaps: Vec<Gap<'a>>,
    unreadable: Option<String>,
}

impl<'a> Search<'a> {
    fn gap(&mut self, stage: u8, reason: String, evidence: &Evidence<'a>, matched: &[usize]) {
        self.gaps.push(Gap {
            stage,
            reason,
            evidence: evidence.clone(),
            matched: matched.to_vec(),
        });
    }
}

fn metric_name(metric: &MetricRef) -> String {
    format!("{}/{}", metric.namespace, metric.name)
}

fn log_group<'a>(ctx: &Ctx<'a>, arn: &str) -> Option<(&'a Resource, &'a LogGroup)> {
    let base = arn.strip_suffix(":*").unwrap_or(arn);
    [arn.to_string(), base.to_string(), format!("{base}:*")]
        .iter()
        .filter_map(|a| ctx.by_arn(a))
        .find_map(|r| match &r.details {
            phiguard_model::Details::LogGroup(g) => Some((r, g)),
            _ => None,
        })
}

fn sns_topic<'a>(ctx: &Ctx<'a>, arn: &str) -> Option<(&'a Resource, &'a SnsTopic)> {
    ctx.by_arn(arn).and_then(|r| match &r.details {
        phiguard_model::Details::SnsTopic(t) => Some((r, t)),
        _ => None,
    })
}

/// Follows one filter's metrics to alarms and topics, recording complete chains and gaps.
fn follow_filter<'a>(
    ctx: &Ctx<'a>,
    search: &mut Search<'a>,
    trail: &'a Resource,
    group: &'a Resource,
    filter: &'a MetricFilter,
    matched: &[usize],
    base: &Evidence<'a>,
) {
    let mut evidence = base.clone();
    evidence.push(("metric_filter", filter.name.as_str().into()));
    evidence.push(("filter_pattern", filter.pattern.as_str().into()));
    if filter.metrics.is_empty() {
        search.gap(
            NO_ALARM,
            format!("metric filter `{}` publishes no metric", filter.name),
            &evidence,
            matched,
        );
        return;
    }
    for metric in &filter.metrics {
        let name = metric_name(metric);
        let mut evidence = evidence.clone();
        evidence.push(("metric", name.clone().into()));
        let alarms: Vec<_> = ctx
            .cloudwatch_alarms_in(&group.account, &group.region)
            .filter(|(_, a)| {
                a.namespace.as_deref() == Some(metric.namespace.as_str())
                    && a.metric_name.as_deref() == Some(metric.name.as_str())
            })
            .collect();
        if alarms.is_empty() {
            search.gap(
                NO_ALARM,
                format!(
                    "no alarm on metric `{name}` of metric filter `{}` (log group `{}`)",
                    filter.name,
                    group.display_name()
                ),
                &evidence,
                matched,
            );
        }
        for (alarm_resource, alarm) in alarms {
            let mut evidence = evidence.clone();
            evidence.push(("alarm", alarm_resource.display_name().into()));
            if !alarm.actions_enabled {
                search.gap(
                    ALARM_SILENT,
                    format!(
                        "alarm `{}` on metric `{name}` has its actions disabled",
                        alarm_resource.display_name()
                    ),
                    &evidence,
                    matched,
                );
                continue;
            }
            let topics: Vec<&'a str> = alarm
                .alarm_actions
                .iter()
                .map(String::as_str)
                .filter(|a| Arn::parse(a).is_some_and(|arn| arn.service == "sns"))
                .collect();
            if topics.is_empty() {
                search.gap(
                    ALARM_SILENT,
                    format!(
                        "alarm `{}` on metric `{name}` notifies no SNS topic",
                        alarm_resource.display_name()
                    ),
                    &evidence,
                    matched,
                );
                continue;
            }
            for topic_arn in topics {
                let mut evidence = evidence.clone();
                evidence.push(("sns_topic", topic_arn.into()));
                let Some((topic_resource, topic)) = sns_topic(ctx, topic_arn) else {
                    search.gap(
                        TOPIC_UNUSABLE,
                        format!(
                            "SNS topic `{topic_arn}` of alarm `{}` is not in the inventory",
                            alarm_resource.display_name()
                        ),
                        &evidence,
                        matched,
                    );
                    continue;
                };
                if let Some(e) = topic_resource.field_error("subscriptions") {
                    search.unreadable.get_or_insert(format!(
                        "`subscriptions` of SNS topic `{topic_arn}` could not be read ({})",
                        e.code
                    ));
                    continue;
                }
                let confirmed = topic.subscriptions.iter().filter(|s| s.confirmed).count();
                if confirmed == 0 {
                    search.gap(
                        TOPIC_UNUSABLE,
                        format!(
                            "SNS topic `{}` of alarm `{}` has no confirmed subscription",
                            topic_resource.display_name(),
                            alarm_resource.display_name()
                        ),
                        &evidence,
                        matched,
                    );
                    continue;
                }
                for i in matched {
                    search.covered[*i] = true;
                }
                search.chains.push(Chain {
                    trail,
                    group,
                    filter,
                    metric: name.clone(),
                    alarm: alarm_resource,
                    topic: topic_resource,
                    confirmed,
                    matched: matched.to_vec(),
                });
            }
        }
    }
}

/// Examines one trail's chain.
fn follow_trail<'a>(
    ctx: &Ctx<'a>,
    search: &mut Search<'a>,
    monitor: &Monitor,
    patterns: &mut Vec<(&'a str, Result<filter_pattern::Pattern, String>)>,
    trail_resource: &'a Resource,
    trail: &'a phiguard_model::kinds::Trail,
) {
    let name = trail_resource.display_name();
    let mut evidence: Evidence<'a> = vec![("trail", trail_resource.arn.as_str().into())];
    if !trail.is_multi_region {
        search.gap(
            NO_MULTI_REGION,
            format!("trail `{name}` is not multi-region"),
            &evidence,
            &[],
        );
        return;
    }
    let mut fields = SELECTOR_FIELDS.to_vec();
    fields.push("cloudwatch_logs_log_group_arn");
    if let Some(e) = unread(trail_resource, &fields) {
        search.unreadable.get_or_insert(format!(
            "`{}` of trail `{name}` could not be read ({})",
            e.field, e.code
        ));
        return;
    }
    if !trail.is_logging {
        search.gap(
            NOT_RECORDING,
            format!("multi-region trail `{name}` is not logging"),
            &evidence,
            &[],
        );
        return;
    }
    if let Some(gap) = management_gap(trail) {
        search.gap(
            NOT_RECORDING,
            format!("multi-region trail `{name}` {gap}"),
            &evidence,
            &[],
        );
        return;
    }
    let Some(group_arn) = trail
        .cloudwatch_logs_log_group_arn
        .as_deref()
        .filter(|a| !a.is_empty())
    else {
        search.gap(
            NO_LOG_GROUP,
            format!("multi-region trail `{name}` does not deliver to CloudWatch Logs"),
            &evidence,
            &[],
        );
        return;
    };
    evidence.push(("log_group", group_arn.into()));
    let Some((group_resource, group)) = log_group(ctx, group_arn) else {
        search.gap(
            LOG_GROUP_MISSING,
            format!("log group `{group_arn}` of trail `{name}` is not in the inventory"),
            &evidence,
            &[],
        );
        return;
    };
    let group_name = group_resource.display_name();
    if let Some(entry) = evidence.iter_mut().find(|(k, _)| *k == "log_group") {
        entry.1 = group_resource.arn.as_str().into();
    }
    if let Some(e) = group_resource.field_error("metric_filters") {
        search.unreadable.get_or_insert(format!(
            "`metric_filters` of log group `{group_name}` could not be read ({})",
            e.code
        ));
        return;
    }
    let mut closest: Option<Gap<'a>> = None;
    let mut consider = |gap: Gap<'a>| {
        if closest.as_ref().is_none_or(|c| gap.stage > c.stage) {
            closest = Some(gap);
        }
    };
    let mut any_matched = false;
    for filter in &group.metric_filters {
        let parsed = match patterns.iter().position(|(p, _)| *p == filter.pattern) {
            Some(i) => &patterns[i].1,
            None => {
                patterns.push((&filter.pattern, filter_pattern::parse(&filter.pattern)));
                &patterns[patterns.len() - 1].1
            }
        };
        let mut filter_evidence = evidence.clone();
        filter_evidence.push(("metric_filter", filter.name.as_str().into()));
        filter_evidence.push(("filter_pattern", filter.pattern.as_str().into()));
        let pattern = match parsed {
            Ok(p) => p,
            Err(e) => {
                consider(Gap {
                    stage: FILTER_UNPARSED,
                    reason: format!(
                        "metric filter `{}` on log group `{group_name}` could not be evaluated: {e}",
                        filter.name
                    ),
                    evidence: filter_evidence,
                    matched: Vec::new(),
                });
                continue;
            }
        };
        let matched: Vec<usize> = monitor
            .must_match
            .iter()
            .enumerate()
            .filter(|(_, (_, probe))| pattern.matches(probe))
            .map(|(i, _)| i)
            .collect();
        if matched.is_empty() {
            continue;
        }
        if pattern.matches(&monitor.must_not_match.1) {
            consider(Gap {
                stage: FILTER_NOISY,
                reason: format!(
                    "metric filter `{}` on log group `{group_name}` also matches {}, so its alarm would fire on ordinary activity",
                    filter.name, monitor.must_not_match.0
                ),
                evidence: filter_evidence,
                matched: Vec::new(),
            });
            continue;
        }
        any_matched = true;
        follow_filter(
            ctx,
            search,
            trail_resource,
            group_resource,
            filter,
            &matched,
            &evidence,
        );
    }
    if !any_matched {
        let gap = closest.unwrap_or_else(|| Gap {
            stage: NO_FILTER,
            reason: if group.metric_filters.is_empty() {
                format!("log group `{group_name}` has no metric filters")
            } else {
                format!(
                    "no metric filter on log group `{group_name}` matches {}",
                    monitor.what
                )
            },
            evidence: evidence.clone(),
            matched: Vec::new(),
        });
        search.gaps.push(gap);
    }
}

fn list<'a>(items: impl IntoIterator<Item = Cow<'a, str>>) -> String {
    let mut seen: Vec<Cow<'a, str>> = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Evaluates `monitor` for every account.
pub(crate) fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>, monitor: &Monitor) {
    let mut patterns = Vec::new();
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let mut search = Search {
            covered: vec![false; monitor.must_match.len()],
            ..Search::default()
        };
        let trails = trails_for(ctx, &account.id);
        for (resource, trail) in trails.iter().copied() {
            follow_trail(ctx, &mut search, monitor, &mut patterns, resource, trail);
        }
        let missing: Vec<&'static str> = monitor
            .must_match
            .iter()
            .zip(&search.covered)
            .filter(|(_, covered)| !**covered)
            .map(|((label, _), _)| *label)
            .collect();
        if missing.is_empty()
            && let Some(first) = search
                .chains
                .iter()
                .find(|c| c.matched.len() == monitor.must_match.len())
                .or(search.chains.first())
        {
            // One chain that covers everything says it all; otherwise list the chains.
            let chains: Vec<&Chain<'a>> = if first.matched.len() == monitor.must_match.len() {
                vec![first]
            } else {
                search.chains.iter().collect()
            };
            let evidence = if chains.len() == 1 {
                evidence![
                    "trail" => first.trail.arn.as_str(),
                    "log_group" => first.group.arn.as_str(),
                    "metric_filter" => first.filter.name.as_str(),
                    "filter_pattern" => first.filter.pattern.as_str(),
                    "metric" => first.metric.clone(),
                    "alarm" => first.alarm.display_name(),
                    "sns_topic" => first.topic.arn.as_str(),
                    "confirmed_subscriptions" => first.confirmed,
                ]
            } else {
                let each = |f: fn(&Chain<'a>) -> Value<'a>| {
                    Value::List(chains.iter().map(|c| f(c)).collect())
                };
                evidence![
                    "trail" => each(|c| c.trail.arn.as_str().into()),
                    "log_group" => each(|c| c.group.arn.as_str().into()),
                    "metric_filter" => each(|c| c.filter.name.as_str().into()),
                    "filter_pattern" => each(|c| c.filter.pattern.as_str().into()),
                    "metric" => each(|c| c.metric.clone().into()),
                    "alarm" => each(|c| c.alarm.display_name().into()),
                    "sns_topic" => each(|c| c.topic.arn.as_str().into()),
                    "confirmed_subscriptions" => each(|c| c.confirmed.into()),
                ]
            };
            let reason = if chains.len() == 1 {
                format!(
                    "alarm `{}` on metric `{}` (metric filter `{}`, log group `{}`) notifies SNS topic `{}` with {} confirmed subscription(s)",
                    first.alarm.display_name(),
                    first.metric,
                    first.filter.name,
                    first.group.display_name(),
                    first.topic.display_name(),
                    first.confirmed
                )
            } else {
                format!(
                    "alarms {} on metric filters {} notify SNS topics {} with confirmed subscriptions",
                    list(chains.iter().map(|c| Cow::Borrowed(c.alarm.display_name()))),
                    list(chains.iter().map(|c| Cow::Borrowed(c.filter.name.as_str()))),
                    list(chains.iter().map(|c| Cow::Borrowed(c.topic.display_name())))
                )
            };
            out.pass(subject, reason, evidence);
            continue;
        }
        if let Some(reason) = search.unreadable {
            out.error(subject, reason, evidence![]);
            continue;
        }
        if trails.is_empty() {
            out.fail(
                subject,
                "no CloudTrail trail records this account",
                evidence![],
            );
            continue;
        }
        // A broken chain whose filter would have matched a missing event says most.
        let uncovered = |g: &Gap<'_>| g.matched.iter().any(|i| !search.covered[*i]);
        let broken = search
            .gaps
            .iter()
            .filter(|g| g.stage >= NO_ALARM && uncovered(g))
            .rev()
            .max_by_key(|g| g.stage);
        let missing_list = missing.join(", ");
        if let Some(gap) = broken {
            out.fail(subject, gap.reason.clone(), gap.evidence.clone());
        } else if !search.chains.is_empty() {
            let alarms = list(
                search
                    .chains
                    .iter()
                    .map(|c| Cow::Borrowed(c.alarm.display_name())),
            );
            out.fail(
                subject,
                format!("alarmed metric filters ({alarms}) do not match: {missing_list}"),
                evidence!["missing" => Value::List(missing.iter().map(|m| Value::from(*m)).collect())],
            );
        } else if let Some(gap) = search.gaps.iter().rev().max_by_key(|g| g.stage) {
            out.fail(subject, gap.reason.clone(), gap.evidence.clone());
        } else {
            out.fail(
                subject,
                format!("nothing alarms on {}", monitor.what),
                evidence![],
            );
        }
    }
}
