use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Classic Load Balancer writes access logs to S3.
    ///
    /// # Rationale
    /// Like its successors, a Classic Load Balancer in front of a PHI application sees every
    /// request: client address, time, path, response. Its access logs are the only record of
    /// who reached the application through it. HIPAA requires audit controls that record
    /// activity in systems that contain or use ePHI.
    ///
    /// # Evaluation
    /// Reads `access_logs_enabled` (the `AccessLog.Enabled` attribute) of every Classic Load
    /// Balancer. Passes when on, fails when off; `error` when the attributes could not be
    /// read.
    ///
    /// # Remediation
    /// Turn on access logging to an S3 bucket whose policy lets Elastic Load Balancing write
    /// (or migrate to an Application Load Balancer).
    ///
    /// - Console: EC2 → Load balancers → the Classic Load Balancer → Attributes → Edit →
    ///   Access logs: on, S3 location → Save.
    /// - CLI: `aws elb modify-load-balancer-attributes --load-balancer-name LB --load-balancer-attributes '{"AccessLog":{"Enabled":true,"S3BucketName":"BUCKET","EmitInterval":60}}'`.
    /// - Terraform: `access_logs { bucket = aws_s3_bucket.lb_logs.id enabled = true }` on the
    ///   `aws_elb`.
    ///
    /// # References
    /// - Prowler `elb_logging_enabled`; AWS Config rule `elb-logging-enabled` (which covers
    ///   Classic and Application Load Balancers; ELB-201 covers the latter)
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-access-logs.html>
    id: "ELB-202",
    slug: "classic-elb-access-logs",
    title: "Classic Load Balancers write access logs",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "308(a)(6)(ii)", "312(b)"],
    config_rules: ["elb-logging-enabled"],
    prowler_checks: ["elb_logging_enabled"],
    resource_kinds: [ClassicLoadBalancer],
    inputs: [Regional(ElbLoadBalancers)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, lb) in ctx.classic_load_balancers() {
        out.check(
            ctx.subject(resource),
            lb.access_logs_enabled,
            "access logs are written to S3",
            "access logging is off",
            evidence!["access_logs_enabled" => lb.access_logs_enabled],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::elb::classic_with;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(classic_with("portal", |l| l.access_logs_enabled = true)),
        fail: Fixture::new().with(classic_with("portal", |l| l.access_logs_enabled = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::elb::classic_with;
    use crate::testkit::*;

    #[test]
    fn on_off_and_unread() {
        let mut unread = classic_with("unread", |l| l.access_logs_enabled = true);
        unread.errors.push(phiguard_model::FieldError {
            field: "access_logs_enabled".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(classic_with("on", |l| l.access_logs_enabled = true))
            .with(classic_with("off", |l| l.access_logs_enabled = false))
            .with(unread)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
