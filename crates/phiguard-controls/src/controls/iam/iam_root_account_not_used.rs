use crate::controls::iam::{on_day, root_row};
use crate::prelude::*;

/// Root use within this many days fails.
const RECENT_DAYS: i64 = 90;

control! {
    /// # Requirement
    /// The root user is not used for everyday work: no console sign-in and no access-key use by
    /// root in the last 90 days.
    ///
    /// # Rationale
    /// Actions taken as root cannot be attributed to a person and cannot be limited by IAM
    /// policy. HIPAA requires unique user identification and that access be authorised and
    /// supervised; everyday work belongs to named, least-privilege identities, and root is kept
    /// for the handful of tasks only it can do, under a documented break-glass procedure.
    ///
    /// # Evaluation
    /// Reads the root row (`<root_account>`) of each account's IAM credential report:
    /// `password_last_used`, `access_key_1_last_used_date` and `access_key_2_last_used_date`.
    /// Fails when any of them is within the last 90 days; passes otherwise (including never
    /// used); `error` when the report has no root row.
    ///
    /// # Remediation
    /// Stop using root: create named administrators (IAM Identity Center or IAM roles), lock
    /// the root credentials away, and alarm on root use.
    ///
    /// - Console: IAM Identity Center → Users / Permission sets to give administrators their
    ///   own access; CloudWatch → Alarms on the CIS root-usage metric filter.
    /// - CLI: `aws iam generate-credential-report && aws iam get-credential-report --query Content --output text | base64 -d`
    ///   to review root use; `aws sso-admin create-permission-set ...` for named admins.
    /// - Terraform: `aws_ssoadmin_permission_set` and `aws_ssoadmin_account_assignment` for
    ///   named administrators; `aws_cloudwatch_log_metric_filter` with pattern
    ///   `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
    ///   plus an `aws_cloudwatch_metric_alarm`.
    ///
    /// # References
    /// - Prowler `iam_avoid_root_usage`; CIS AWS Foundations 1.7 "Eliminate use of the root user for administrative and daily tasks"
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html>
    id: "IAM-008",
    slug: "iam-root-account-not-used",
    title: "Root user has not been used in the last 90 days",
    severity: High,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(ii)(A)", "312(a)(2)(i)"],
    config_rules: [],
    prowler_checks: ["iam_avoid_root_usage"],
    resource_kinds: [],
    inputs: [Regional(IamCredentialReport)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let Some(root) = root_row(account) else {
            out.error(
                subject,
                "the credential report has no root row (`<root_account>`)",
                evidence![],
            );
            continue;
        };
        let key_use = |i: usize| {
            [&root.access_key_1, &root.access_key_2][i]
                .as_ref()
                .and_then(|k| k.last_used)
        };
        let uses = [
            ("signed in to the console", root.password_last_used),
            ("used access key 1", key_use(0)),
            ("used access key 2", key_use(1)),
        ];
        let evidence = evidence![
            "password_last_used" => root.password_last_used,
            "access_key_1_last_used_date" => key_use(0),
            "access_key_2_last_used_date" => key_use(1),
        ];
        let recent: Vec<String> = uses
            .iter()
            .filter_map(|(what, when)| {
                let when = (*when)?;
                let days = ctx.days_since(when);
                (days <= RECENT_DAYS).then(|| format!("{what} {}", on_day(ctx, when)))
            })
            .collect();
        if recent.is_empty() {
            out.pass(
                subject,
                format!("root user has no recorded use in the last {RECENT_DAYS} days"),
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!("root user {}", recent.join(" and ")),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().account(|a| {
            a.credential_report = vec![root(|r| {
                r.password_last_used = Some(ts("2025-11-01T00:00:00Z"));
            })];
        }),
        fail: Fixture::new().account(|a| {
            a.credential_report = vec![root(|r| {
                r.password_last_used = Some(ts("2026-05-30T08:00:00Z"));
            })];
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    fn run(edit: impl FnOnce(&mut phiguard_model::kinds::CredentialReportRow)) -> Vec<Row> {
        Fixture::new()
            .account(|a| a.credential_report = vec![root(edit), row("alice", |_| {})])
            .run(&CONTROL)
    }

    #[test]
    fn never_used_passes_and_key_use_fails() {
        assert_eq!(run(|_| {})[0].status, Status::Pass);
        let rows = run(|r| {
            r.access_key_2 = Some(key(
                true,
                "2020-01-01T00:00:00Z",
                Some("2026-03-10T00:00:00Z"),
            ));
        });
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(
            rows[0].reason,
            "root user used access key 2 on 2026-03-10 (83 days ago)"
        );
    }

    #[test]
    fn boundary_is_ninety_days() {
        let at = |t: &str| {
            let t = ts(t);
            run(move |r| r.password_last_used = Some(t))[0].status
        };
        assert_eq!(at("2026-03-03T00:00:00Z"), Status::Fail); // 90 days
        assert_eq!(at("2026-03-02T00:00:00Z"), Status::Pass); // 91 days
    }

    #[test]
    fn missing_root_row_is_an_error() {
        let rows = Fixture::new()
            .account(|a| a.credential_report = vec![row("alice", |_| {})])
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn report() {
        let rows = run(|r| {
            r.password_last_used = Some(ts("2026-05-30T08:00:00Z"));
            r.access_key_1 = Some(key(
                true,
                "2020-01-01T00:00:00Z",
                Some("2026-05-01T00:00:00Z"),
            ));
        });
        insta::assert_snapshot!(render(&rows));
    }
}
