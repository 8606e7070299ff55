use crate::prelude::*;

control! {
    /// # Requirement
    /// Every VPC has an active flow log.
    ///
    /// # Rationale
    /// Flow logs record which addresses talked to which, on which ports, and whether traffic
    /// was accepted or rejected. After an incident they show whether data left the network and
    /// where it went; GuardDuty also reads them. HIPAA requires recording and examining
    /// activity in systems that contain ePHI, and network traffic to a database holding PHI is
    /// part of that activity.
    ///
    /// # Evaluation
    /// Reads `flow_logs` of every VPC (`status`, `traffic_type`, `destination`). Passes when at
    /// least one flow log is `ACTIVE`, of any traffic type (as the AWS Config rule
    /// `vpc-flow-logs-enabled` does by default); the traffic types are in the evidence, and
    /// `ALL` is recommended since `REJECT` alone hides successful exfiltration. Fails when
    /// there is none or none is active.
    ///
    /// # Remediation
    /// Create a flow log capturing ALL traffic to CloudWatch Logs or S3 (retained six years).
    ///
    /// - Console: VPC → Your VPCs → VPC → Flow logs → Create flow log, filter All, destination
    ///   a CloudWatch Logs group or an S3 bucket.
    /// - CLI: `aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::BUCKET/vpc-flow-logs/`
    /// - Terraform: `resource "aws_flow_log" "vpc" { vpc_id = aws_vpc.main.id traffic_type =
    ///   "ALL" log_destination_type = "s3" log_destination = aws_s3_bucket.flow.arn }`
    /// - CloudFormation: `AWS::EC2::FlowLog` with `ResourceType: VPC`, `TrafficType: ALL`.
    ///
    /// # References
    /// - AWS Config rule `vpc-flow-logs-enabled`; Prowler `vpc_flow_logs_enabled`; CIS AWS
    ///   Foundations 3.9 (v1.4)
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html>
    id: "VPC-001",
    slug: "vpc-flow-logs-enabled",
    title: "VPCs have an active flow log",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "308(a)(6)(ii)", "312(b)"],
    config_rules: ["vpc-flow-logs-enabled"],
    prowler_checks: ["vpc_flow_logs_enabled"],
    resource_kinds: [Vpc],
    inputs: [Regional(Ec2Vpcs)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, vpc) in ctx.vpcs() {
        let subject = ctx.subject(resource);
        let described: Vec<Value<'a>> = vpc
            .flow_logs
            .iter()
            .map(|f| format!("{} {} {}", f.id, f.status, f.traffic_type).into())
            .collect();
        let evidence = evidence!["flow_logs" => described];
        let active = vpc.flow_logs.iter().find(|f| f.status == "ACTIVE");
        match (active, vpc.flow_logs.first()) {
            (Some(flow), _) => {
                let advice = if flow.traffic_type == "ALL" {
                    ""
                } else {
                    "; capturing ALL traffic is recommended"
                };
                out.pass(
                    subject,
                    format!(
                        "flow log `{}` is active ({} traffic){advice}",
                        flow.id, flow.traffic_type
                    ),
                    evidence,
                );
            }
            (None, Some(flow)) => out.fail(
                subject,
                format!("flow log `{}` is `{}`, not active", flow.id, flow.status),
                evidence,
            ),
            (None, None) => out.fail(subject, "the VPC has no flow log", evidence),
        }
    }
}

#[cfg(test)]
fn vpc(id: &str, flow_logs: &[(&str, &str)]) -> Resource {
    use crate::testkit::*;
    resource(
        &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{id}"),
        Vpc {
            is_default: false,
            cidr_block: "10.0.0.0/16".into(),
            flow_logs: flow_logs
                .iter()
                .enumerate()
                .map(|(i, (status, traffic))| FlowLog {
                    id: format!("fl-0{i}"),
                    status: (*status).into(),
                    traffic_type: (*traffic).into(),
                    destination: Some("arn:aws:s3:::org-flow-logs".into()),
                })
                .collect(),
        },
    )
    .named(id)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(vpc("vpc-0a1", &[("ACTIVE", "ALL")])),
        fail: Fixture::new().with(vpc("vpc-0a1", &[])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn traffic_types_and_states() {
        let rows = Fixture::new()
            .with(vpc("all", &[("ACTIVE", "ALL")]))
            .with(vpc("reject", &[("ACTIVE", "REJECT")]))
            .with(vpc("broken", &[("FAILED", "ALL")]))
            .with(vpc("none", &[]))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Pass, Status::Fail, Status::Fail]
        );
        assert_eq!(
            rows[1].reason,
            "flow log `fl-00` is active (REJECT traffic); capturing ALL traffic is recommended"
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unreadable_flow_logs_are_an_error() {
        let mut v = vpc("v", &[]);
        v.errors.push(phiguard_model::FieldError {
            field: "flow_logs".into(),
            code: "UnauthorizedOperation".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(v).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }
}
