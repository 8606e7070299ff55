use crate::controls::iam::{KEY_COLUMNS, for_each_user, on_day};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every active access key of an IAM user was created or rotated within the last 90 days
    /// (the `access_key_max_age_days` threshold).
    ///
    /// # Rationale
    /// Access keys are long-lived secrets that end up in scripts, laptops, CI systems and,
    /// too often, in source control. The longer a key lives, the more places it has leaked to.
    /// HIPAA asks for procedures to create, change and safeguard passwords and for access to be
    /// modified and terminated as people and systems change; regular rotation bounds the life
    /// of a leaked key.
    ///
    /// # Evaluation
    /// Reads `access_key_1_active`, `access_key_1_last_rotated` (and the same for key 2) of
    /// every IAM user row of each account's credential report. Fails when an active key was
    /// last rotated more than the threshold (default 90) days before the scan; passes when
    /// every active key is younger; not applicable for users without an active key (inactive
    /// keys are not evaluated); `error` when an active key's rotation date is unknown. The
    /// root user's keys are IAM-003's business.
    ///
    /// # Remediation
    /// Create a new key, move every consumer to it, deactivate the old key, then delete it;
    /// better, replace long-lived keys with IAM roles (instance profiles, IAM Roles Anywhere,
    /// OIDC federation for CI).
    ///
    /// - Console: IAM → Users → user → Security credentials → Create access key; then
    ///   Actions → Deactivate and Delete on the old key.
    /// - CLI: `aws iam create-access-key --user-name alice`, then
    ///   `aws iam update-access-key --user-name alice --access-key-id AKIAOLD --status Inactive`
    ///   and `aws iam delete-access-key --user-name alice --access-key-id AKIAOLD`.
    /// - Terraform: `aws_iam_access_key` resources are replaced by changing a `keepers`-style
    ///   trigger (e.g. a `time_rotating` resource from the `time` provider feeding the key's
    ///   lifecycle `replace_triggered_by`).
    ///
    /// # References
    /// - AWS Config rule `access-keys-rotated` (maxAccessKeyAge 90); Prowler `iam_rotate_access_key_90_days`; CIS AWS Foundations 1.14
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console>
    id: "IAM-005",
    slug: "iam-access-keys-rotated-90-days",
    title: "Active access keys are rotated at least every 90 days",
    severity: Medium,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(ii)(C)", "308(a)(4)(ii)(C)", "308(a)(5)(ii)(D)"],
    config_rules: ["access-keys-rotated"],
    prowler_checks: ["iam_rotate_access_key_90_days"],
    resource_kinds: [],
    inputs: [Regional(IamCredentialReport)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let max = ctx.settings.thresholds.access_key_max_age_days;
    for_each_user(ctx, out, |subject, row, out| {
        let mut evidence = Vec::new();
        let (mut active, mut stale, mut unknown) = (0, Vec::new(), Vec::new());
        for (i, key) in [&row.access_key_1, &row.access_key_2]
            .into_iter()
            .enumerate()
        {
            let (active_column, rotated_column, _) = KEY_COLUMNS[i];
            evidence.push((active_column, Value::from(key.as_ref().map(|k| k.active))));
            evidence.push((
                rotated_column,
                Value::from(key.as_ref().and_then(|k| k.last_rotated)),
            ));
            let Some(key) = key.as_ref().filter(|k| k.active) else {
                continue;
            };
            active += 1;
            match key.last_rotated {
                None => unknown.push(format!("access key {}", i + 1)),
                Some(at) => {
                    if ctx.days_since(at) > max {
                        stale.push(format!(
                            "access key {} was last rotated {}",
                            i + 1,
                            on_day(ctx, at)
                        ));
                    }
                }
            }
        }
        evidence.push(("max_age_days", Value::from(max)));
        if active == 0 {
            out.not_applicable(subject, "user has no active access key", evidence);
        } else if !stale.is_empty() {
            out.fail(
                subject,
                format!("{}; the limit is {max} days", stale.join("; ")),
                evidence,
            );
        } else if !unknown.is_empty() {
            out.error(
                subject,
                format!(
                    "the rotation date of {} is missing from the credential report",
                    unknown.join(" and ")
                ),
                evidence,
            );
        } else {
            out.pass(
                subject,
                format!("every active access key was rotated within {max} days"),
                evidence,
            );
        }
    });
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    let with_key = |rotated: &str| {
        let k = key(true, rotated, None);
        row("deployer", move |r| r.access_key_1 = Some(k))
    };
    crate::control::Examples {
        pass: Fixture::new().account(|a| {
            a.credential_report = vec![root(|_| {}), with_key("2026-04-01T00:00:00Z")];
        }),
        fail: Fixture::new().account(|a| {
            a.credential_report = vec![root(|_| {}), with_key("2025-01-01T00:00:00Z")];
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
                root(|r| r.access_key_1 = Some(key(true, "2019-01-01T00:00:00Z", None))),
                // 90 days old exactly: still within the limit.
                row("fresh", |r| {
                    r.access_key_1 = Some(key(true, "2026-03-03T00:00:00Z", None));
                }),
                // Key 1 inactive and old: ignored; key 2 active and 91 days old.
                row("stale", |r| {
                    r.access_key_1 = Some(key(false, "2020-01-01T00:00:00Z", None));
                    r.access_key_2 = Some(key(true, "2026-03-02T00:00:00Z", None));
                }),
                row("inactive-only", |r| {
                    r.access_key_1 = Some(key(false, "2020-01-01T00:00:00Z", None));
                }),
                row("unknown", |r| {
                    let mut k = key(true, "2026-01-01T00:00:00Z", None);
                    k.last_rotated = None;
                    r.access_key_1 = Some(k);
                }),
            ];
        })
    }

    #[test]
    fn ages_and_states() {
        let rows = fixture().run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:iam::111122223333:user/fresh", Status::Pass),
                ("arn:aws:iam::111122223333:user/stale", Status::Fail),
                (
                    "arn:aws:iam::111122223333:user/inactive-only",
                    Status::NotApplicable
                ),
                ("arn:aws:iam::111122223333:user/unknown", Status::Error),
            ]
        );
        assert_eq!(
            rows[1].reason,
            "access key 2 was last rotated on 2026-03-02 (91 days ago); the limit is 90 days"
        );
    }

    #[test]
    fn threshold_comes_from_settings() {
        let rows = fixture()
            .settings(|s| s.thresholds.access_key_max_age_days = 30)
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&fixture().run(&CONTROL)));
    }
}
