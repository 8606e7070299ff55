use crate::prelude::*;

control! {
    /// # Requirement
    /// No GuardDuty detector has unarchived findings of high or critical severity (7.0 and
    /// above).
    ///
    /// # Rationale
    /// A high-severity GuardDuty finding is a likely compromise: credentials used from an
    /// attacker's infrastructure, an instance talking to a command-and-control server, data
    /// exfiltration from S3. Left open, it means a possible security incident nobody has
    /// responded to. HIPAA requires security incidents to be identified, responded to,
    /// mitigated and documented; archiving a finding after investigation is the record that
    /// this happened.
    ///
    /// # Evaluation
    /// Reads `status` and `high_severity_findings` (findings with severity ≥ 7 that are not
    /// archived) of every GuardDuty detector. Passes when there are none, fails with the
    /// count; disabled detectors are not applicable (GUARDDUTY-001 reports them). `error` when
    /// the findings could not be listed (AWS Config snapshots do not record findings).
    ///
    /// # Remediation
    /// Investigate each finding, contain and remediate (rotate credentials, isolate the
    /// instance, block the address), then archive it with a note of what was done.
    ///
    /// - Console: GuardDuty → Findings → filter Severity: High, Critical → each finding →
    ///   investigate → Actions → Archive.
    /// - CLI: `aws guardduty list-findings --detector-id DETECTOR_ID --finding-criteria '{"Criterion":{"severity":{"Gte":7},"service.archived":{"Eq":["false"]}}}'`,
    ///   then `aws guardduty archive-findings --detector-id DETECTOR_ID --finding-ids FINDING_ID`.
    /// - Terraform: not a configuration matter; `aws_guardduty_filter` with `action = "ARCHIVE"`
    ///   only for findings reviewed as expected (e.g. a known scanner).
    ///
    /// # References
    /// - Prowler `guardduty_no_high_severity_findings`
    /// - <https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html>
    id: "GUARDDUTY-002",
    slug: "guardduty-no-high-severity-findings",
    title: "No open high-severity GuardDuty findings",
    severity: High,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(6)(ii)", "308(a)(1)(ii)(D)"],
    config_rules: [],
    prowler_checks: ["guardduty_no_high_severity_findings"],
    resource_kinds: [GuarddutyDetector],
    inputs: [Regional(GuarddutyDetectors)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, detector) in ctx.guardduty_detectors() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "status" => detector.status.as_str(),
            "high_severity_findings" => detector.high_severity_findings,
        ];
        if detector.status != "ENABLED" {
            out.not_applicable(
                subject,
                format!("the detector is `{}`", detector.status),
                evidence,
            );
            continue;
        }
        out.check(
            subject,
            detector.high_severity_findings == 0,
            "no open high-severity findings",
            format!(
                "{} open finding(s) of high or critical severity",
                detector.high_severity_findings
            ),
            evidence,
        );
    }
}

#[cfg(test)]
fn detector(findings: u32) -> Resource {
    let mut r = crate::controls::guardduty::guardduty_enabled_all_regions::detector(
        crate::testkit::REGION,
        "ENABLED",
    );
    if let phiguard_model::Details::GuarddutyDetector(d) = &mut r.details {
        d.high_severity_findings = findings;
    }
    r
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(detector(0)),
        fail: Fixture::new().with(detector(3)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;
    use phiguard_model::FieldError;

    #[test]
    fn open_findings_fail_and_unread_ones_are_errors() {
        let rows = Fixture::new().with(detector(3)).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(
            rows[0].reason,
            "3 open finding(s) of high or critical severity"
        );
        let mut unread = detector(0);
        unread.errors.push(FieldError {
            field: "high_severity_findings".into(),
            code: "NotRecordedByAwsConfig".into(),
            message: String::new(),
        });
        let error = Fixture::new().with(unread).run(&CONTROL);
        assert_eq!(error[0].status, Status::Error);
        let off = Fixture::new()
            .with(
                crate::controls::guardduty::guardduty_enabled_all_regions::detector(
                    REGION, "DISABLED",
                ),
            )
            .run(&CONTROL);
        assert_eq!(off[0].status, Status::NotApplicable);
        insta::assert_snapshot!(render(&rows));
    }
}
