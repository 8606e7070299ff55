use crate::controls::iam::{KEY_COLUMNS, for_each_user, on_day};
use crate::prelude::*;
use phiguard_model::Timestamp;

control! {
    /// # Requirement
    /// No IAM user keeps a console password or an active access key that has gone unused for
    /// more than 90 days (the `unused_credentials_days` threshold).
    ///
    /// # Rationale
    /// Credentials nobody uses belong to people who left, projects that ended or systems that
    /// were retired. Nobody notices when they are stolen and used. HIPAA requires procedures to
    /// terminate access when it is no longer needed and to establish and modify access as
    /// roles change; disabling unused credentials is the automated backstop for those
    /// procedures.
    ///
    /// # Evaluation
    /// Reads every IAM user row of each account's credential report. A console password
    /// (`password_enabled`) counts as unused when `password_last_used` is older than the
    /// threshold or, if it was never used, when it was set (`password_last_changed`, else
    /// `user_creation_time`) longer ago than the threshold. An active access key counts as
    /// unused when `access_key_N_last_used_date` is older than the threshold or, if never used,
    /// when `access_key_N_last_rotated` is. Fails when any credential is unused; passes when
    /// all are in use; not applicable for users with neither a password nor an active key;
    /// `error` when a date needed is missing. The root user is IAM-008's business.
    ///
    /// # Remediation
    /// Deactivate (then delete) access keys and remove console passwords that are not used;
    /// remove users who no longer need access.
    ///
    /// - Console: IAM → Users → user → Security credentials → Console sign-in → Disable
    ///   console access; Access keys → Actions → Deactivate.
    /// - CLI: `aws iam delete-login-profile --user-name alice` and
    ///   `aws iam update-access-key --user-name alice --access-key-id AKIA... --status Inactive`.
    /// - Terraform: remove the user's `aws_iam_user_login_profile` and `aws_iam_access_key`
    ///   resources (or set `status = "Inactive"` on the key).
    ///
    /// # References
    /// - AWS Config rule `iam-user-unused-credentials-check` (maxCredentialUsageAge 90); Prowler `iam_user_accesskey_unused`, `iam_user_console_access_unused`; CIS AWS Foundations 1.12
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html>
    id: "IAM-006",
    slug: "iam-unused-credentials-disabled",
    title: "Credentials unused for 90 days are disabled",
    severity: Medium,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(ii)(B)", "308(a)(3)(ii)(C)", "308(a)(4)(ii)(C)", "308(a)(5)(ii)(D)"],
    config_rules: ["iam-user-unused-credentials-check"],
    prowler_checks: ["iam_user_accesskey_unused", "iam_user_console_access_unused"],
    resource_kinds: [],
    inputs: [Regional(IamCredentialReport)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let max = ctx.settings.thresholds.unused_credentials_days;
    for_each_user(ctx, out, |subject, row, out| {
        let mut evidence = vec![
            ("password_enabled", Value::from(row.password_enabled)),
            ("password_last_used", Value::from(row.password_last_used)),
            (
                "password_last_changed",
                Value::from(row.password_last_changed),
            ),
            ("user_creation_time", Value::from(row.user_creation_time)),
        ];
        let (mut enabled, mut unused, mut unknown) = (0, Vec::new(), Vec::new());
        let mut judge = |what: String, last_used: Option<Timestamp>, since: Option<Timestamp>| {
            enabled += 1;
            match (last_used, since) {
                (Some(used), _) => {
                    if ctx.days_since(used) > max {
                        unused.push(format!("{what} was last used {}", on_day(ctx, used)));
                    }
                }
                (None, Some(set)) => {
                    if ctx.days_since(set) > max {
                        unused.push(format!(
                            "{what} was never used since it was set {}",
                            on_day(ctx, set)
                        ));
                    }
                }
                (None, None) => unknown.push(what),
            }
        };
        if row.password_enabled {
            judge(
                "console password".into(),
                row.password_last_used,
                row.password_last_changed.or(row.user_creation_time),
            );
        }
        for (i, key) in [&row.access_key_1, &row.access_key_2]
            .into_iter()
            .enumerate()
        {
            let (active_column, rotated_column, used_column) = KEY_COLUMNS[i];
            evidence.push((active_column, Value::from(key.as_ref().map(|k| k.active))));
            evidence.push((
                used_column,
                Value::from(key.as_ref().and_then(|k| k.last_used)),
            ));
            evidence.push((
                rotated_column,
                Value::from(key.as_ref().and_then(|k| k.last_rotated)),
            ));
            if let Some(key) = key.as_ref().filter(|k| k.active) {
                judge(
                    format!("access key {}", i + 1),
                    key.last_used,
                    key.last_rotated,
                );
            }
        }
        evidence.push(("max_unused_days", Value::from(max)));
        if enabled == 0 {
            out.not_applicable(
                subject,
                "user has neither a console password nor an active access key",
                evidence,
            );
        } else if !unused.is_empty() {
            out.fail(
                subject,
                format!("{}; the limit is {max} days", unused.join("; ")),
                evidence,
            );
        } else if !unknown.is_empty() {
            out.error(
                subject,
                format!(
                    "cannot tell when the {} was last used or set",
                    unknown.join(" and ")
                ),
                evidence,
            );
        } else {
            out.pass(
                subject,
                format!("every enabled credential was used within {max} days"),
                evidence,
            );
        }
    });
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    let console = |last_used: &str| {
        let at = ts(last_used);
        row("alice", move |r| {
            r.password_enabled = true;
            r.password_last_used = Some(at);
        })
    };
    crate::control::Examples {
        pass: Fixture::new().account(|a| {
            a.credential_report = vec![root(|_| {}), console("2026-05-20T00:00:00Z")];
        }),
        fail: Fixture::new().account(|a| {
            a.credential_report = vec![root(|_| {}), console("2025-12-01T00:00:00Z")];
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    fn fixture() -> Fixture {
        Fixture::new().account(|a| {
            a.credential_report = vec![
                root(|_| {}),
                row("active", |r| {
                    r.password_enabled = true;
                    r.password_last_used = Some(ts("2026-05-31T00:00:00Z"));
                    r.access_key_1 = Some(key(
                        true,
                        "2024-01-01T00:00:00Z",
                        Some("2026-05-31T00:00:00Z"),
                    ));
                }),
                // Never signed in; password set 10 days ago: not yet unused.
                row("new-hire", |r| {
                    r.user_creation_time = Some(ts("2026-05-22T00:00:00Z"));
                    r.password_enabled = true;
                }),
                // Never signed in since the account was created in 2024.
                row("never", |r| r.password_enabled = true),
                // A key created long ago and never used.
                row("idle-key", |r| {
                    r.access_key_2 = Some(key(true, "2025-06-01T00:00:00Z", None));
                }),
                // An unused key that is inactive does not count.
                row("disabled", |r| {
                    r.access_key_1 = Some(key(false, "2020-01-01T00:00:00Z", None));
                }),
                row("no-dates", |r| {
                    r.password_enabled = true;
                    r.user_creation_time = None;
                }),
            ];
        })
    }

    #[test]
    fn usage_and_never_used_credentials() {
        let rows = fixture().run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:iam::111122223333:user/active", Status::Pass),
                ("arn:aws:iam::111122223333:user/new-hire", Status::Pass),
                ("arn:aws:iam::111122223333:user/never", Status::Fail),
                ("arn:aws:iam::111122223333:user/idle-key", Status::Fail),
                (
                    "arn:aws:iam::111122223333:user/disabled",
                    Status::NotApplicable
                ),
                ("arn:aws:iam::111122223333:user/no-dates", Status::Error),
            ]
        );
        assert_eq!(
            rows[2].reason,
            "console password was never used since it was set on 2024-01-01 (882 days ago); the limit is 90 days"
        );
    }

    #[test]
    fn threshold_comes_from_settings() {
        let rows = fixture()
            .settings(|s| s.thresholds.unused_credentials_days = 5)
            .run(&CONTROL);
        assert_eq!(rows[1].status, Status::Fail, "{rows:?}");
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&fixture().run(&CONTROL)));
    }
}
