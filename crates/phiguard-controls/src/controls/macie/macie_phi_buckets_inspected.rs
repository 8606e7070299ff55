use crate::prelude::*;

control! {
    /// # Requirement
    /// Amazon Macie inspects every S3 bucket in PHI scope: Macie is enabled in the bucket's
    /// region, and automated sensitive data discovery is on or a classification job names the
    /// bucket.
    ///
    /// # Rationale
    /// Tags say where PHI is supposed to be; Macie finds where it actually is, and tells you
    /// when a PHI bucket starts receiving data it should not (or when PHI turns up in a bucket
    /// nobody tagged). Knowing where ePHI lives is the first step of the risk analysis HIPAA
    /// requires, and the shared-responsibility model leaves data classification to the
    /// customer.
    ///
    /// # Evaluation
    /// For every S3 bucket in PHI scope, reads the Macie session of the bucket's account and
    /// region: `status`, `automated_discovery` and `job_buckets` (buckets named by
    /// classification jobs that are not cancelled). Passes when Macie is `ENABLED` and either
    /// automated discovery is on or a job names the bucket; fails when Macie is not enabled
    /// (no session), paused, or covers the bucket with neither. Buckets outside PHI scope are
    /// not evaluated.
    ///
    /// # Remediation
    /// Enable Macie in the region and turn on automated sensitive data discovery (or create a
    /// scheduled classification job for the PHI buckets).
    ///
    /// - Console: Amazon Macie → Get started → Enable Macie; then Automated discovery →
    ///   Enable; or Jobs → Create job → select the PHI buckets → scheduled daily.
    /// - CLI: `aws macie2 enable-macie --region REGION`, then
    ///   `aws macie2 update-automated-discovery-configuration --status ENABLED --region REGION`.
    /// - Terraform: `resource "aws_macie2_account" "this" {}` and an
    ///   `aws_macie2_classification_job` with `s3_job_definition { bucket_definitions { account_id = ACCOUNT buckets = [BUCKET] } }`
    ///   and `job_type = "SCHEDULED"`.
    ///
    /// # References
    /// - Prowler `macie_is_enabled`, `macie_automated_sensitive_data_discovery_enabled` (not in
    ///   its HIPAA mapping)
    /// - <https://docs.aws.amazon.com/macie/latest/user/discovery-asdd.html>
    id: "MACIE-001",
    slug: "macie-phi-buckets-inspected",
    title: "Macie inspects the S3 buckets that hold PHI",
    severity: Medium,
    seed_area: RiskAssessment,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(A)", "308(a)(1)(ii)(D)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets), Regional(MacieSessions)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, _) in ctx.s3_buckets() {
        if !ctx.is_phi(resource) {
            continue;
        }
        let subject = ctx.subject(resource);
        let name = resource.display_name();
        let session = ctx
            .macie_sessions_in(&resource.account, &resource.region)
            .next();
        let Some((_, session)) = session else {
            out.fail(
                subject,
                format!("Macie is not enabled in {}", resource.region),
                evidence!["macie" => "not enabled"],
            );
            continue;
        };
        let key = format!("{}:{name}", resource.account);
        let in_job = session.job_buckets.contains(&key);
        let evidence = evidence![
            "status" => session.status.as_str(),
            "automated_discovery" => session.automated_discovery,
            "in_classification_job" => in_job,
        ];
        if session.status != "ENABLED" {
            out.fail(
                subject,
                format!("Macie is `{}` in {}", session.status, resource.region),
                evidence,
            );
        } else if session.automated_discovery {
            out.pass(
                subject,
                "covered by Macie automated sensitive data discovery",
                evidence,
            );
        } else if in_job {
            out.pass(subject, "named by a Macie classification job", evidence);
        } else {
            out.fail(
                subject,
                "Macie is enabled but neither automated discovery nor a classification job covers the bucket",
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn session(region: &str, status: &str, automated: bool, jobs: &[&str]) -> Resource {
    crate::testkit::resource_in(
        region,
        &format!("arn:aws:macie2:{region}:111122223333:session"),
        MacieSession {
            status: status.into(),
            automated_discovery: automated,
            job_buckets: jobs.iter().map(|j| (*j).to_string()).collect(),
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .with(session(REGION, "ENABLED", true, &[])),
        fail: Fixture::new()
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .with(session(REGION, "ENABLED", false, &[])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn sessions_jobs_and_regions() {
        let mut eu = s3_bucket("phi-eu", |_| {}).tag("PHI", "Yes");
        eu.region = REGION_2.into();
        let rows = Fixture::new()
            .with(s3_bucket("phi-jobbed", |_| {}).tag("PHI", "Yes"))
            .with(s3_bucket("phi-missed", |_| {}).tag("PHI", "Yes"))
            .with(s3_bucket("site", |_| {}))
            .with(eu)
            .with(session(
                REGION,
                "ENABLED",
                false,
                &["111122223333:phi-jobbed"],
            ))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::phi-jobbed", Status::Pass),
                ("arn:aws:s3:::phi-missed", Status::Fail),
                ("arn:aws:s3:::phi-eu", Status::Fail),
            ]
        );
        let paused = Fixture::new()
            .with(s3_bucket("phi", |_| {}).tag("PHI", "Yes"))
            .with(session(REGION, "PAUSED", true, &[]))
            .run(&CONTROL);
        assert_eq!(paused[0].status, Status::Fail);
        insta::assert_snapshot!(render(&rows));
    }
}
