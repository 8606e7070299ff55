use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Secrets Manager secret has automatic rotation turned on, at an interval of at
    /// most 90 days (the `secret_rotation_days` threshold).
    ///
    /// # Rationale
    /// Secrets Manager holds the database passwords and API keys that open PHI stores. A secret
    /// that never changes stays valid wherever it leaked to: old laptops, logs, former staff.
    /// HIPAA requires procedures to establish, modify and safeguard access credentials;
    /// automatic rotation makes those procedures happen without relying on memory.
    ///
    /// # Evaluation
    /// Reads `rotation_enabled`, `rotation_days` (RotationRules) and `last_rotated` of every
    /// secret, PHI or not. Passes when rotation is on and the interval is at most the
    /// threshold; fails when rotation is off or the interval is longer; `error` when rotation
    /// is on but its interval could not be read (e.g. a schedule expression the collector
    /// could not turn into days).
    ///
    /// # Remediation
    /// Turn on automatic rotation with a rotation function (AWS provides them for RDS,
    /// Redshift and DocumentDB credentials) and a schedule of 90 days or less.
    ///
    /// - Console: Secrets Manager → secret → Rotation → Edit rotation → Automatic rotation on,
    ///   schedule every 30 days, choose or create the rotation function.
    /// - CLI: `aws secretsmanager rotate-secret --secret-id SECRET --rotation-lambda-arn arn:aws:lambda:REGION:ACCOUNT:function:ROTATOR --rotation-rules AutomaticallyAfterDays=30`
    /// - Terraform: `resource "aws_secretsmanager_secret_rotation" "db" { secret_id = aws_secretsmanager_secret.db.id
    ///   rotation_lambda_arn = aws_lambda_function.rotator.arn rotation_rules { automatically_after_days = 30 } }`
    ///   (for RDS, `manage_master_user_password = true` lets RDS rotate it).
    ///
    /// # References
    /// - AWS Config rule `secretsmanager-rotation-enabled-check`; Prowler `secretsmanager_automatic_rotation_enabled`
    /// - <https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html>
    id: "SECRETSMANAGER-001",
    slug: "secretsmanager-rotation-enabled",
    title: "Secrets rotate automatically at least every 90 days",
    severity: Medium,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(4)(ii)(B)", "308(a)(4)(ii)(C)"],
    config_rules: ["secretsmanager-rotation-enabled-check"],
    prowler_checks: ["secretsmanager_automatic_rotation_enabled"],
    resource_kinds: [Secret],
    inputs: [Regional(SecretsManagerSecrets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let max = ctx.settings.thresholds.secret_rotation_days;
    for (resource, secret) in ctx.secrets() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "rotation_enabled" => secret.rotation_enabled,
            "rotation_days" => secret.rotation_days,
            "last_rotated" => secret.last_rotated,
            "max_rotation_days" => max,
        ];
        match (secret.rotation_enabled, secret.rotation_days) {
            (false, _) => out.fail(subject, "automatic rotation is off", evidence),
            (true, Some(days)) if days <= max => out.pass(
                subject,
                format!("the secret rotates every {days} days"),
                evidence,
            ),
            (true, Some(days)) => out.fail(
                subject,
                format!("the secret rotates every `{days}` days; the limit is {max}"),
                evidence,
            ),
            (true, None) => out.error(
                subject,
                "rotation is on but its schedule could not be read",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn secret(name: &str, edit: impl FnOnce(&mut Secret)) -> Resource {
    let mut secret = Secret::default();
    edit(&mut secret);
    crate::testkit::resource(
        &format!("arn:aws:secretsmanager:us-east-1:111122223333:secret:{name}-AbCdEf"),
        secret,
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let rotating = |days: u32| {
        secret("prod/ehr/db", move |s| {
            s.rotation_enabled = true;
            s.rotation_days = Some(days);
        })
    };
    crate::control::Examples {
        pass: Fixture::new().with(rotating(30)),
        fail: Fixture::new().with(secret("prod/ehr/db", |_| {})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn fixture() -> Fixture {
        let on = |days: Option<u32>| {
            move |s: &mut Secret| {
                s.rotation_enabled = true;
                s.rotation_days = days;
                s.last_rotated = Some(ts("2026-05-01T00:00:00Z"));
            }
        };
        Fixture::new()
            .with(secret("at-limit", on(Some(90))).tag("PHI", "Yes"))
            .with(secret("yearly", on(Some(365))))
            .with(secret("off", |_| {}))
            .with(secret("cron", on(None)))
    }

    #[test]
    fn rotation_states() {
        let rows = fixture().run(&CONTROL);
        let got: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            got,
            [Status::Pass, Status::Fail, Status::Fail, Status::Error]
        );
        assert!(rows[0].phi);
    }

    #[test]
    fn threshold_comes_from_settings() {
        let rows = fixture()
            .settings(|s| s.thresholds.secret_rotation_days = 30)
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&fixture().run(&CONTROL)));
    }
}
