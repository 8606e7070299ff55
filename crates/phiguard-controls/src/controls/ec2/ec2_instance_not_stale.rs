use crate::controls::ec2::ec2_imdsv2_required::is_gone;
use crate::controls::iam::on_day;
use crate::prelude::*;

/// Longest a stopped instance may stay stopped (the AWS Config rule's default).
pub(crate) const MAX_STOPPED_DAYS: i64 = 30;
/// Oldest a running instance may be since its last launch (Prowler's default).
pub(crate) const MAX_RUNNING_DAYS: i64 = 180;

control! {
    /// # Requirement
    /// No EC2 instance has been stopped for more than 30 days, and no running instance was
    /// launched more than 180 days ago.
    ///
    /// # Rationale
    /// A long-stopped instance is an unpatched copy of a system, often with PHI on its volumes,
    /// that can be started again with every vulnerability it had the day it stopped; an
    /// instance that has run for half a year without relaunch has usually missed image-level
    /// patching and drifted from its baseline. Both are assets the risk analysis HIPAA requires
    /// tends to forget. Rebuilding from a current image, or terminating, keeps the estate known
    /// and patched.
    ///
    /// # Evaluation
    /// Reads `state`, `stopped_since` (the time in `StateTransitionReason`) and `launch_time` of
    /// every EC2 instance. Terminated and shutting-down instances are not applicable. A stopped
    /// instance fails when stopped more than 30 days ago and passes otherwise; when the stop
    /// time is unknown it is `error`. A running instance fails when launched more than 180
    /// days ago; `error` when the launch time is unknown. Other states (pending, stopping)
    /// pass.
    ///
    /// # Remediation
    /// Terminate instances that are no longer needed (snapshot their volumes first if the data
    /// must be kept), and rebuild long-running ones from a current, patched image.
    ///
    /// - Console: EC2 → Instances → filter `Instance state = stopped` → select → Instance state
    ///   → Terminate.
    /// - CLI: `aws ec2 describe-instances --filters Name=instance-state-name,Values=stopped --query 'Reservations[].Instances[].[InstanceId,StateTransitionReason]'`,
    ///   then `aws ec2 terminate-instances --instance-ids INSTANCE_ID`.
    /// - Terraform: remove the `aws_instance`, or use an `aws_autoscaling_group` with
    ///   `max_instance_lifetime = 15552000` (180 days) so instances are replaced.
    ///
    /// # References
    /// - AWS Config rule `ec2-stopped-instance`; Prowler `ec2_instance_older_than_specific_days`
    /// - <https://docs.aws.amazon.com/config/latest/developerguide/ec2-stopped-instance.html>
    id: "EC2-202",
    slug: "ec2-instance-not-stale",
    title: "EC2 instances are not left stopped or running unrefreshed for long",
    severity: Low,
    seed_area: RiskAssessment,
    shared_area: SoftwarePatching,
    citations: ["308(a)(1)(ii)(B)"],
    config_rules: ["ec2-stopped-instance"],
    prowler_checks: ["ec2_instance_older_than_specific_days"],
    resource_kinds: [Ec2Instance],
    inputs: [Regional(Ec2Instances)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.ec2_instances() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "state" => instance.state.as_str(),
            "stopped_since" => instance.stopped_since,
            "launch_time" => instance.launch_time,
        ];
        if is_gone(instance) {
            out.not_applicable(
                subject,
                format!("instance is `{}`", instance.state),
                evidence,
            );
            continue;
        }
        match instance.state.as_str() {
            "stopped" => match instance.stopped_since {
                Some(at) => out.check(
                    subject,
                    ctx.days_since(at) <= MAX_STOPPED_DAYS,
                    format!("stopped {}", on_day(ctx, at)),
                    format!(
                        "stopped {}, more than {MAX_STOPPED_DAYS} days ago",
                        on_day(ctx, at)
                    ),
                    evidence,
                ),
                None => out.error(
                    subject,
                    "not evaluated: when the instance was stopped is not known",
                    evidence,
                ),
            },
            "running" => match instance.launch_time {
                Some(at) => out.check(
                    subject,
                    ctx.days_since(at) <= MAX_RUNNING_DAYS,
                    format!("launched {}", on_day(ctx, at)),
                    format!(
                        "running since {}, more than {MAX_RUNNING_DAYS} days",
                        on_day(ctx, at)
                    ),
                    evidence,
                ),
                None => out.error(
                    subject,
                    "not evaluated: the launch time is not known",
                    evidence,
                ),
            },
            other => out.pass(subject, format!("instance is `{other}`"), evidence),
        }
    }
}

#[cfg(test)]
fn instance(id: &str, state: &str, launched: Option<&str>, stopped: Option<&str>) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
        Ec2Instance {
            state: state.into(),
            launch_time: launched.map(crate::testkit::ts),
            stopped_since: stopped.map(crate::testkit::ts),
            ..Ec2Instance::default()
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(instance(
            "i-0a1",
            "running",
            Some("2026-05-01T00:00:00Z"),
            None,
        )),
        fail: Fixture::new().with(instance(
            "i-0a1",
            "stopped",
            Some("2025-01-01T00:00:00Z"),
            Some("2026-01-01T00:00:00Z"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn stopped_and_running_ages() {
        let rows = Fixture::new()
            .with(instance(
                "i-fresh",
                "running",
                Some("2026-05-01T00:00:00Z"),
                None,
            ))
            .with(instance(
                "i-old",
                "running",
                Some("2025-06-01T00:00:00Z"),
                None,
            ))
            .with(instance(
                "i-paused",
                "stopped",
                Some("2026-04-01T00:00:00Z"),
                Some("2026-05-20T00:00:00Z"),
            ))
            .with(instance(
                "i-forgotten",
                "stopped",
                Some("2025-01-01T00:00:00Z"),
                Some("2026-03-01T00:00:00Z"),
            ))
            .with(instance("i-unknown", "stopped", None, None))
            .with(instance("i-gone", "terminated", None, None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Pass,
                Status::Fail,
                Status::Pass,
                Status::Fail,
                Status::Error,
                Status::NotApplicable
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
