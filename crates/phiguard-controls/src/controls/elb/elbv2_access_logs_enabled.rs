use crate::prelude::*;

control! {
    /// # Requirement
    /// Every application and network load balancer writes access logs to S3.
    ///
    /// # Rationale
    /// A load balancer in front of a PHI application is where every request arrives: client
    /// address, time, path, response code and TLS parameters. Without its access logs there is
    /// no record of who reached the application, and an investigation cannot tell a scan from
    /// an exfiltration. HIPAA requires audit controls that record activity in systems that
    /// contain or use ePHI.
    ///
    /// # Evaluation
    /// Reads `lb_type` and `access_logs_enabled` (the `access_logs.s3.enabled` attribute) of
    /// every Elastic Load Balancing v2 load balancer. Gateway load balancers have no access
    /// logs and are not applicable. Passes when the attribute is `true`, fails when `false`;
    /// `error` when the attributes could not be read.
    ///
    /// # Remediation
    /// Turn on access logging to an S3 bucket whose policy lets Elastic Load Balancing write
    /// (the bucket itself should be encrypted and retained as audit data).
    ///
    /// - Console: EC2 → Load balancers → the load balancer → Attributes → Edit → Access logs:
    ///   on, choose the S3 location → Save.
    /// - CLI: `aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=BUCKET`.
    /// - Terraform: `access_logs { bucket = aws_s3_bucket.lb_logs.id enabled = true }` on the
    ///   `aws_lb`.
    ///
    /// # References
    /// - AWS Config rule `elb-logging-enabled`; Prowler `elbv2_logging_enabled`
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html>
    id: "ELB-201",
    slug: "elbv2-access-logs-enabled",
    title: "Load balancers write access logs",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "308(a)(6)(ii)", "312(b)"],
    config_rules: ["elb-logging-enabled"],
    prowler_checks: ["elbv2_logging_enabled"],
    resource_kinds: [LoadBalancer],
    inputs: [Regional(Elbv2LoadBalancers)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, lb) in ctx.load_balancers() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "lb_type" => lb.lb_type.as_str(),
            "access_logs_enabled" => lb.access_logs_enabled,
        ];
        if lb.lb_type == "gateway" {
            out.not_applicable(
                subject,
                "gateway load balancers have no access logs",
                evidence,
            );
            continue;
        }
        match lb.access_logs_enabled {
            Some(true) => out.pass(subject, "access logs are written to S3", evidence),
            Some(false) => out.fail(subject, "access logging is off", evidence),
            None => out.error(
                subject,
                "not evaluated: the `access_logs.s3.enabled` attribute is not in the inventory",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn lb(name: &str, lb_type: &str, logs: Option<bool>) -> Resource {
    crate::testkit::resource(
        &format!(
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/{name}/0123456789abcdef"
        ),
        LoadBalancer {
            lb_type: lb_type.into(),
            scheme: "internet-facing".into(),
            listeners: Vec::new(),
            access_logs_enabled: logs,
            deletion_protection: Some(true),
        },
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(lb("portal", "application", Some(true))),
        fail: Fixture::new().with(lb("portal", "application", Some(false))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn logging_per_load_balancer() {
        let rows = Fixture::new()
            .with(lb("on", "application", Some(true)))
            .with(lb("off", "network", Some(false)))
            .with(lb("gwlb", "gateway", None))
            .with(lb("unknown", "application", None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Pass,
                Status::Fail,
                Status::NotApplicable,
                Status::Error
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
