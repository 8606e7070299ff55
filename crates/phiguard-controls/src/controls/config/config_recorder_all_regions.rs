use phiguard_model::CoverageState;

use crate::prelude::*;

control! {
    /// # Requirement
    /// AWS Config records every supported resource type in every region enabled for the
    /// account, and global resource types (IAM users, roles, groups, policies) are recorded
    /// in at least one region.
    ///
    /// # Rationale
    /// A configuration history answers "was this bucket public last March, and who changed
    /// it?", which a risk analysis, an incident investigation and an audit all ask. Recording
    /// only some resource types or some regions leaves exactly the resources nobody planned for
    /// unrecorded. HIPAA requires an accurate and thorough risk analysis and periodic
    /// evaluation; AWS Config (and the conformance packs built on it) supplies the inventory
    /// and history behind both.
    ///
    /// # Evaluation
    /// For each account and region in the account's region list, reads that region's
    /// configuration recorders (`recording`, `all_supported`, `last_status`). Passes when one
    /// is recording all supported resource types and its last status is not `FAILURE`; fails
    /// otherwise. Global resource types are evaluated once per account (an extra account-level
    /// result): passes when some region's recorder that is recording all supported types has
    /// `include_global_resource_types` (recording them in every region only duplicates
    /// configuration items). Regions where AWS Config is not offered are not applicable.
    ///
    /// # Remediation
    /// Turn on a recorder for all resource types in every region (AWS Config console quick
    /// setup, or organisation-wide with CloudFormation StackSets or AWS Control Tower), with
    /// global types in one region.
    ///
    /// - Console: AWS Config → Settings → Recording strategy "All resource types with
    ///   customizable overrides", include globally recorded types in the home region; repeat
    ///   per region.
    /// - CLI: `aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=ROLE_ARN --recording-group allSupported=true,includeGlobalResourceTypes=true`,
    ///   `aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=BUCKET`,
    ///   then `aws configservice start-configuration-recorder --configuration-recorder-name default`.
    /// - Terraform: `aws_config_configuration_recorder` with `recording_group { all_supported =
    ///   true include_global_resource_types = true }`, `aws_config_delivery_channel`,
    ///   `aws_config_configuration_recorder_status { is_enabled = true }`, one set per region.
    ///
    /// # References
    /// - Prowler `config_recorder_all_regions_enabled`; CIS AWS Foundations 3.3 (v3.0)
    /// - <https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html>
    id: "CONFIG-001",
    slug: "config-recorder-all-regions",
    title: "AWS Config records all resource types in every enabled region",
    severity: Medium,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(A)", "308(a)(1)(ii)(D)", "308(a)(8)", "312(b)"],
    config_rules: [],
    prowler_checks: ["config_recorder_all_regions_enabled"],
    resource_kinds: [],
    inputs: [Regional(ConfigRecorders)],
}

fn healthy(recorder: &ConfigRecorder) -> bool {
    recorder.recording
        && recorder.all_supported
        && !recorder
            .last_status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("FAILURE"))
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        let mut global_in: Option<&'a str> = None;
        let mut offered = false;
        for region in &account.regions {
            let subject = ctx.region_subject(account, region);
            if let Some(CoverageState::Unsupported { .. }) =
                ctx.coverage(&account.id, region, ConfigRecorders)
            {
                out.not_applicable(
                    subject,
                    "AWS Config is not offered in this region",
                    evidence![],
                );
                continue;
            }
            offered = true;
            let recorders: Vec<_> = ctx.config_recorders_in(&account.id, region).collect();
            if let Some((r, _)) = recorders
                .iter()
                .find(|(_, c)| healthy(c) && c.include_global_resource_types)
            {
                global_in.get_or_insert(r.region.as_str());
            }
            let Some((resource, recorder)) = recorders
                .iter()
                .find(|(_, c)| healthy(c))
                .or(recorders.first())
            else {
                out.fail(
                    subject,
                    "no configuration recorder in this region",
                    evidence![],
                );
                continue;
            };
            let evidence = evidence![
                "recording" => recorder.recording,
                "all_supported" => recorder.all_supported,
                "include_global_resource_types" => recorder.include_global_resource_types,
                "last_status" => recorder.last_status.as_deref(),
            ];
            let name = resource.display_name();
            if healthy(recorder) {
                out.pass(
                    subject,
                    format!("recorder `{name}` records all supported resource types"),
                    evidence,
                );
            } else if !recorder.recording {
                out.fail(
                    subject,
                    format!("recorder `{name}` is not recording"),
                    evidence,
                );
            } else if !recorder.all_supported {
                out.fail(
                    subject,
                    format!("recorder `{name}` records only selected resource types"),
                    evidence,
                );
            } else {
                out.fail(
                    subject,
                    format!("recorder `{name}` last failed to deliver (`FAILURE`)"),
                    evidence,
                );
            }
        }
        if !offered {
            continue;
        }
        let subject = ctx.account_subject(account);
        match global_in {
            Some(region) => out.pass(
                subject,
                format!("global resource types (IAM) are recorded in `{region}`"),
                evidence!["include_global_resource_types" => region],
            ),
            None => out.fail(
                subject,
                "no recording recorder includes global resource types (IAM) in any region",
                evidence!["include_global_resource_types" => Value::Null],
            ),
        }
    }
}

#[cfg(test)]
fn recorder(region: &str, edit: impl FnOnce(&mut ConfigRecorder)) -> Resource {
    use crate::testkit::*;
    let mut recorder = ConfigRecorder {
        all_supported: true,
        include_global_resource_types: region == REGION,
        recording: true,
        last_status: Some("SUCCESS".into()),
    };
    edit(&mut recorder);
    resource_in(
        region,
        &format!("arn:aws:config:{region}:{ACCOUNT}:config-recorder/default"),
        recorder,
    )
    .named("default")
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(recorder(REGION, |_| {}))
            .with(recorder(REGION_2, |_| {})),
        fail: Fixture::new()
            .with(recorder(REGION, |_| {}))
            .with(recorder(REGION_2, |r| r.recording = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(r1: impl FnOnce(&mut ConfigRecorder), r2: impl FnOnce(&mut ConfigRecorder)) -> Vec<Row> {
        Fixture::new()
            .with(recorder(REGION, r1))
            .with(recorder(REGION_2, r2))
            .run(&CONTROL)
    }

    #[test]
    fn per_region_and_global_results() {
        let rows = run(|_| {}, |_| {});
        assert_eq!(
            statuses(&rows),
            [
                ("AWS::::Account:111122223333/us-east-1", Status::Pass),
                ("AWS::::Account:111122223333/eu-west-1", Status::Pass),
                ("AWS::::Account:111122223333", Status::Pass),
            ]
        );
        assert_eq!(
            rows[2].reason,
            "global resource types (IAM) are recorded in `us-east-1`"
        );
    }

    #[test]
    fn each_failure_is_named() {
        let rows = run(
            |r| r.all_supported = false,
            |r| r.last_status = Some("FAILURE".into()),
        );
        assert_eq!(
            rows[0].reason,
            "recorder `default` records only selected resource types"
        );
        assert_eq!(
            rows[1].reason,
            "recorder `default` last failed to deliver (`FAILURE`)"
        );
        assert_eq!(
            rows[2].status,
            Status::Fail,
            "the global recorder is not healthy"
        );
        let rows = Fixture::new().with(recorder(REGION, |_| {})).run(&CONTROL);
        assert_eq!(rows[1].reason, "no configuration recorder in this region");
    }

    #[test]
    fn global_types_in_a_non_recording_region_do_not_count() {
        let rows = run(
            |r| r.include_global_resource_types = false,
            |r| {
                r.include_global_resource_types = true;
                r.recording = false;
            },
        );
        assert_eq!(rows[2].status, Status::Fail);
        let rows = run(
            |r| r.include_global_resource_types = false,
            |r| r.include_global_resource_types = true,
        );
        assert_eq!(rows[2].status, Status::Pass);
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&run(|_| {}, |r| r.recording = false)));
    }
}
