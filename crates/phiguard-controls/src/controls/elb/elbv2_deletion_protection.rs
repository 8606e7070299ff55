use crate::prelude::*;

control! {
    /// # Requirement
    /// Every application, network and gateway load balancer has deletion protection enabled.
    ///
    /// # Rationale
    /// The load balancer is the front door of a patient portal or clinical API: deleting it
    /// (by mistake, by a broken pipeline or by an attacker with the credentials) takes the
    /// service down and loses its listener and certificate configuration. Deletion protection
    /// makes the deletion a deliberate two-step change, supporting HIPAA's contingency
    /// planning (keeping critical services available) and integrity requirements.
    ///
    /// # Evaluation
    /// Reads the `deletion_protection.enabled` attribute (`deletion_protection`) of every
    /// Elastic Load Balancing v2 load balancer. Passes when it is true; fails when it is
    /// false. When the attribute could not be read the result is an error.
    ///
    /// # Remediation
    /// Turn deletion protection on; it takes effect immediately without interrupting traffic.
    ///
    /// - Console: EC2 → Load Balancers → load balancer → Attributes → Edit → Deletion
    ///   protection → Enable.
    /// - CLI: `aws elbv2 modify-load-balancer-attributes --load-balancer-arn LB_ARN
    ///   --attributes Key=deletion_protection.enabled,Value=true`
    /// - Terraform: `enable_deletion_protection = true` on `aws_lb`.
    ///
    /// # References
    /// - AWS Config rule `elb-deletion-protection-enabled`; Prowler `elbv2_deletion_protection`
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection>
    id: "ELB-101",
    slug: "elbv2-deletion-protection-enabled",
    title: "Load balancers have deletion protection enabled",
    severity: Low,
    seed_area: BackupsDr,
    shared_area: NetworkSecurity,
    citations: ["308(a)(1)(ii)(B)", "308(a)(7)(i)", "308(a)(7)(ii)(C)"],
    config_rules: ["elb-deletion-protection-enabled"],
    prowler_checks: ["elbv2_deletion_protection"],
    resource_kinds: [LoadBalancer],
    inputs: [Regional(Elbv2LoadBalancers)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, lb) in ctx.load_balancers() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "lb_type" => lb.lb_type.as_str(),
            "deletion_protection" => lb.deletion_protection,
        ];
        match lb.deletion_protection {
            Some(true) => out.pass(subject, "deletion protection is enabled", evidence),
            Some(false) => out.fail(subject, "deletion protection is disabled", evidence),
            None => out.error(
                subject,
                "the deletion_protection.enabled attribute was not read",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn lb(name: &str, protected: Option<bool>) -> Resource {
    crate::testkit::resource(
        &format!(
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/{name}/0123456789abcdef"
        ),
        LoadBalancer {
            lb_type: "application".into(),
            scheme: "internet-facing".into(),
            listeners: Vec::new(),
            access_logs_enabled: Some(true),
            deletion_protection: protected,
        },
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(lb("portal", Some(true))),
        fail: Fixture::new().with(lb("portal", Some(false))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn on_off_and_unread() {
        let rows = Fixture::new()
            .with(lb("portal", Some(true)))
            .with(lb("intake", Some(false)))
            .with(lb("unknown", None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
