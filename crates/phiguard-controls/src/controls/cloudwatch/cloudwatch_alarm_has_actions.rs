use phiguard_model::arn::Arn;

use crate::prelude::*;

control! {
    /// # Requirement
    /// Every CloudWatch alarm has its actions enabled and at least one action for the `ALARM`
    /// state.
    ///
    /// # Rationale
    /// An alarm that notifies nobody is a graph, not a control: the condition it watches (a
    /// burst of failed sign-ins, a stopped trail, a database under attack) happens and nobody
    /// hears of it. HIPAA requires security incidents to be identified and responded to; an
    /// alarm only helps if it reaches someone or something that acts.
    ///
    /// # Evaluation
    /// Reads `actions_enabled` and `alarm_actions` of every CloudWatch metric alarm. Passes
    /// when actions are enabled and the `ALARM` state has at least one action (SNS topic,
    /// Auto Scaling or EC2 action, Systems Manager OpsItem, Lambda); fails otherwise. The AWS
    /// Config rule can also require insufficient-data and OK actions; those are not required
    /// here.
    ///
    /// # Remediation
    /// Give the alarm an action (usually an SNS topic with a confirmed subscription), and
    /// enable its actions.
    ///
    /// - Console: CloudWatch → Alarms → the alarm → Actions → Edit → Notification: In alarm →
    ///   select an SNS topic → Update alarm; Actions → Enable actions if they are disabled.
    /// - CLI: `aws cloudwatch enable-alarm-actions --alarm-names ALARM`; add an action with
    ///   `aws cloudwatch put-metric-alarm` repeating the alarm's settings plus
    ///   `--alarm-actions TOPIC_ARN`.
    /// - Terraform: `alarm_actions = [aws_sns_topic.alerts.arn]` and `actions_enabled = true`
    ///   on the `aws_cloudwatch_metric_alarm`.
    ///
    /// # References
    /// - AWS Config rule `cloudwatch-alarm-action-check`
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html>
    id: "CLOUDWATCH-012",
    slug: "cloudwatch-alarm-has-actions",
    title: "CloudWatch alarms notify or act when they fire",
    severity: Low,
    seed_area: Monitoring,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(6)(ii)", "312(b)"],
    config_rules: ["cloudwatch-alarm-action-check"],
    prowler_checks: [],
    resource_kinds: [CloudwatchAlarm],
    inputs: [Regional(CloudwatchAlarms)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, alarm) in ctx.cloudwatch_alarms() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "actions_enabled" => alarm.actions_enabled,
            "alarm_actions" => &alarm.alarm_actions,
        ];
        let services: Vec<String> = alarm
            .alarm_actions
            .iter()
            .map(|a| Arn::parse(a).map_or_else(|| a.clone(), |arn| arn.service.to_string()))
            .collect();
        if !alarm.actions_enabled {
            out.fail(subject, "alarm actions are disabled", evidence);
        } else if alarm.alarm_actions.is_empty() {
            out.fail(
                subject,
                "the alarm has no action for the ALARM state",
                evidence,
            );
        } else {
            out.pass(
                subject,
                format!(
                    "fires {} action(s) ({})",
                    services.len(),
                    services.join(", ")
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn alarm(name: &str, enabled: bool, actions: &[&str]) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:cloudwatch:us-east-1:111122223333:alarm:{name}"),
        CloudwatchAlarm {
            namespace: Some("AWS/RDS".into()),
            metric_name: Some("CPUUtilization".into()),
            actions_enabled: enabled,
            alarm_actions: actions.iter().map(|a| (*a).to_string()).collect(),
            state: "OK".into(),
        },
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(alarm(
            "db-cpu",
            true,
            &["arn:aws:sns:us-east-1:111122223333:ops"],
        )),
        fail: Fixture::new().with(alarm("db-cpu", true, &[])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn actions_must_exist_and_be_enabled() {
        let rows = Fixture::new()
            .with(alarm(
                "paging",
                true,
                &["arn:aws:sns:us-east-1:111122223333:ops"],
            ))
            .with(alarm("silent", true, &[]))
            .with(alarm(
                "muted",
                false,
                &["arn:aws:sns:us-east-1:111122223333:ops"],
            ))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
