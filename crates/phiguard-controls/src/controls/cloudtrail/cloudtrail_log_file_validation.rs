use crate::prelude::*;

control! {
    /// # Requirement
    /// Every CloudTrail trail has log file integrity validation enabled.
    ///
    /// # Rationale
    /// An audit log is only evidence if it can be shown not to have been altered. With
    /// validation on, CloudTrail delivers an hourly digest file that chains SHA-256 hashes of
    /// every log file and is signed with an AWS key, so deletion or modification of a log file
    /// (for example by someone covering their tracks after reading PHI) is detectable. HIPAA
    /// requires protecting ePHI-related records from improper alteration and being able to
    /// corroborate that they were not altered.
    ///
    /// # Evaluation
    /// Reads `log_file_validation_enabled` of every trail in the inventory (one evaluation per
    /// trail, in its home region). Passes when it is true; fails otherwise.
    ///
    /// # Remediation
    /// Turn on log file validation for the trail, then validate logs periodically.
    ///
    /// - Console: CloudTrail → Trails → trail → General details → Edit → Additional settings →
    ///   Log file validation: Enabled.
    /// - CLI: `aws cloudtrail update-trail --name TRAIL --enable-log-file-validation`; check with
    ///   `aws cloudtrail validate-logs --trail-arn TRAIL_ARN --start-time 2026-01-01T00:00:00Z`.
    /// - Terraform: `resource "aws_cloudtrail" "org" { ... enable_log_file_validation = true }`
    /// - CloudFormation: `AWS::CloudTrail::Trail` with `EnableLogFileValidation: true`.
    ///
    /// # References
    /// - AWS Config rule `cloud-trail-log-file-validation-enabled`; Prowler
    ///   `cloudtrail_log_file_validation_enabled`; CIS AWS Foundations 3.2
    /// - <https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html>
    id: "CLOUDTRAIL-002",
    slug: "cloudtrail-log-file-validation",
    title: "CloudTrail trails have log file validation enabled",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(B)", "308(a)(1)(ii)(D)", "312(b)", "312(c)(1)", "312(c)(2)"],
    config_rules: ["cloud-trail-log-file-validation-enabled"],
    prowler_checks: ["cloudtrail_log_file_validation_enabled"],
    resource_kinds: [Trail],
    inputs: [Regional(CloudtrailTrails)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, trail) in ctx.trails() {
        out.check(
            ctx.subject(resource),
            trail.log_file_validation_enabled,
            "log file validation is enabled",
            "log file validation is disabled",
            evidence!["log_file_validation_enabled" => trail.log_file_validation_enabled],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(trail("org", |_| {})),
        fail: Fixture::new().with(trail("org", |t| t.log_file_validation_enabled = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::cloudtrail::fixtures::*;
    use crate::testkit::*;

    #[test]
    fn every_trail_is_evaluated() {
        let rows = Fixture::new()
            .with(trail("on", |_| {}))
            .with(trail("off", |t| t.log_file_validation_enabled = false))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:cloudtrail:us-east-1:111122223333:trail/on",
                    Status::Pass
                ),
                (
                    "arn:aws:cloudtrail:us-east-1:111122223333:trail/off",
                    Status::Fail
                ),
            ]
        );
        assert_eq!(rows[1].reason, "log file validation is disabled");
    }

    #[test]
    fn no_trails_no_evaluations() {
        assert!(Fixture::new().run(&CONTROL).is_empty());
    }
}
