//! Amazon Macie in one region: whether Macie is enabled (GetMacieSession), whether automated
//! sensitive data discovery is on, and which buckets classification jobs name. A region
//! where Macie is not enabled is collected data (no session: the control fails), told apart
//! from a caller who may not ask by the error message.

use phiguard_model::kinds::MacieSession;
use phiguard_model::{DataSource, Resource};

use crate::call::{CallError, field};
use crate::client;
use crate::scope::Scope;

type Macie = aws_sdk_macie2::Client;

pub(crate) async fn run(scope: &Scope) {
    let result = collect(scope).await;
    scope.record(DataSource::MacieSessions, result);
}

/// Whether an error says Macie is not enabled for the account (Macie answers
/// `AccessDeniedException` "Macie is not enabled", unlike a permissions denial, which says
/// the caller is not authorized).
pub(crate) fn is_not_enabled(e: &CallError) -> bool {
    let message = e.message.to_ascii_lowercase();
    (e.code == "AccessDeniedException" || e.code == "ResourceNotFoundException")
        && message.contains("not enabled")
        && !message.contains("not authorized")
}

async fn collect(scope: &Scope) -> Result<Vec<Resource>, CallError> {
    let macie = client!(scope, aws_sdk_macie2);
    let session = match macie.get_macie_session().send().await {
        Ok(s) => s,
        Err(e) => {
            let e = CallError::from(e);
            return if is_not_enabled(&e) {
                Ok(Vec::new())
            } else {
                Err(e)
            };
        }
    };
    let mut r = scope.resource(scope.arn("macie2", "session"), MacieSession::default());
    r.name = Some("macie".to_string());
    let (automated, jobs) = futures::join!(automated_discovery(&macie), job_buckets(&macie));
    let d = MacieSession {
        status: session
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        automated_discovery: field(&mut r, "automated_discovery", automated).unwrap_or(false),
        job_buckets: field(&mut r, "job_buckets", jobs).unwrap_or_default(),
    };
    r.details = d.into();
    Ok(vec![r])
}

async fn automated_discovery(macie: &Macie) -> Result<bool, CallError> {
    let out = macie
        .get_automated_discovery_configuration()
        .send()
        .await
        .map_err(CallError::from)?;
    Ok(out.status().is_some_and(|s| s.as_str() == "ENABLED"))
}

/// Whether a job still inspects buckets (scheduled and idle between runs, or running).
pub(crate) fn job_is_live(status: Option<&str>) -> bool {
    matches!(status, Some("RUNNING" | "IDLE" | "PAUSED"))
}

async fn job_buckets(macie: &Macie) -> Result<Vec<String>, CallError> {
    let mut out = Vec::new();
    let mut pages = macie.list_classification_jobs().into_paginator().send();
    while let Some(page) = pages.next().await {
        for job in page.map_err(CallError::from)?.items() {
            if !job_is_live(job.job_status().map(|s| s.as_str())) {
                continue;
            }
            for def in job.bucket_definitions() {
                let account = def.account_id().unwrap_or_default();
                out.extend(def.buckets().iter().map(|b| format!("{account}:{b}")));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_enabled_is_told_from_denied() {
        let e = |code: &str, message: &str| CallError::new(code, message);
        assert!(is_not_enabled(&e(
            "AccessDeniedException",
            "Macie is not enabled."
        )));
        assert!(!is_not_enabled(&e(
            "AccessDeniedException",
            "User: arn:aws:iam::111122223333:user/x is not authorized to perform: macie2:GetMacieSession"
        )));
        assert!(!is_not_enabled(&e("ThrottlingException", "Rate exceeded")));
        assert!(job_is_live(Some("IDLE")) && !job_is_live(Some("COMPLETE")));
        assert!(!job_is_live(Some("CANCELLED")) && !job_is_live(None));
    }
}
