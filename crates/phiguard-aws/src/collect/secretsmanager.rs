//! Secrets Manager secrets in one region, metadata only (`ListSecrets`; values are never
//! read): KMS key, rotation and its schedule, last rotation and access, tags.

use aws_sdk_secretsmanager::types::SecretListEntry;
use phiguard_model::kinds::Secret;
use phiguard_model::{DataSource, Resource};

use crate::call::CallError;
use crate::client;
use crate::convert::{tags, ts};
use crate::scope::Scope;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::SecretsManagerSecrets, result);
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let sm = client!(scope, aws_sdk_secretsmanager);
    let mut out = Vec::new();
    let mut pages = sm.list_secrets().into_paginator().send();
    while let Some(page) = pages.next().await {
        for s in page?.secret_list() {
            if let Some(r) = secret(scope, s) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

fn secret(scope: &Scope, s: &SecretListEntry) -> Option<Resource> {
    let arn = s.arn()?;
    let rules = s.rotation_rules();
    let d = Secret {
        kms_key_id: s.kms_key_id().filter(|k| !k.is_empty()).map(str::to_string),
        rotation_enabled: s.rotation_enabled().unwrap_or(false),
        rotation_days: rules.and_then(|r| {
            r.automatically_after_days()
                .and_then(|n| u32::try_from(n).ok())
                .or_else(|| r.schedule_expression().and_then(schedule_days))
        }),
        last_rotated: ts(s.last_rotated_date()),
        last_accessed: ts(s.last_accessed_date()),
    };
    let mut r = scope.resource(arn, d);
    r.name = s.name().map(str::to_string);
    r.tags = tags(
        s.tags()
            .iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default()))),
    );
    Some(r)
}

/// The longest time in days between two rotations of a schedule expression, where it can be
/// told: `rate(N days)`, `rate(N hours)` (rounded up), and `cron(...)` that runs at least daily
/// (day of month and day of week unrestricted: 1), weekly (some days of the week: 7) or monthly
/// (some days of the month up to the 28th, every month: 31). Anything else is `None`, which the
/// control reports as an unreadable schedule rather than guessing.
pub(crate) fn schedule_days(expr: &str) -> Option<u32> {
    let expr = expr.trim();
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|e| e.strip_suffix(')')) {
        let (n, unit) = inner.trim().split_once(' ')?;
        let n: u32 = n.parse().ok()?;
        return match unit.trim() {
            "day" | "days" => Some(n),
            "hour" | "hours" => Some(n.div_ceil(24)),
            _ => None,
        };
    }
    let inner = expr.strip_prefix("cron(")?.strip_suffix(')')?;
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let [_minutes, _hours, dom, month, dow, year] = fields.as_slice() else {
        return None;
    };
    let any = |f: &str| f == "*" || f == "?";
    if !any(month) || !any(year) {
        return None;
    }
    match (any(dom), any(dow)) {
        (true, true) => Some(1),
        (true, false) => Some(7),
        (false, true) => {
            let days: Option<Vec<u32>> = dom.split(',').map(|d| d.parse().ok()).collect();
            days.filter(|d| !d.is_empty() && d.iter().all(|d| (1..=28).contains(d)))
                .map(|_| 31)
        }
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        assert_eq!(schedule_days("rate(30 days)"), Some(30));
        assert_eq!(schedule_days("rate(1 day)"), Some(1));
        assert_eq!(schedule_days("rate(36 hours)"), Some(2));
        assert_eq!(schedule_days("rate(5 minutes)"), None);
        assert_eq!(schedule_days("cron(0 4 * * ? *)"), Some(1));
        assert_eq!(schedule_days("cron(0 4 ? * MON *)"), Some(7));
        assert_eq!(schedule_days("cron(0 4 1,15 * ? *)"), Some(31));
        // The 31st is skipped in short months: no bound is claimed.
        assert_eq!(schedule_days("cron(0 4 31 * ? *)"), None);
        // Only some months: could be a year apart.
        assert_eq!(schedule_days("cron(0 4 1 1 ? *)"), None);
        assert_eq!(schedule_days("cron(0 4 L * ? *)"), None);
        assert_eq!(schedule_days("sometimes"), None);
    }
}
