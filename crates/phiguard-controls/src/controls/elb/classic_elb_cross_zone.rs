use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Classic Load Balancer has cross-zone load balancing enabled.
    ///
    /// # Rationale
    /// Without cross-zone load balancing each load balancer node sends traffic only to
    /// targets in its own Availability Zone; when the targets of one zone fail or are
    /// unevenly sized, requests to a clinical application fail although healthy capacity
    /// exists in other zones. HIPAA's contingency plan asks that critical services keep
    /// running in an emergency.
    ///
    /// # Evaluation
    /// Reads `cross_zone` (`CrossZoneLoadBalancing.Enabled`) of every Classic Load Balancer.
    /// Passes when it is enabled; fails otherwise. When the attributes could not be read the
    /// result is an error.
    ///
    /// # Remediation
    /// Enable cross-zone load balancing; it applies immediately.
    ///
    /// - Console: EC2 → Load Balancers → classic load balancer → Attributes → Edit →
    ///   Cross-zone load balancing → Enable → Save.
    /// - CLI: `aws elb modify-load-balancer-attributes --load-balancer-name LB
    ///   --load-balancer-attributes '{"CrossZoneLoadBalancing":{"Enabled":true}}'`
    /// - Terraform: `cross_zone_load_balancing = true` on `aws_elb`.
    ///
    /// # References
    /// - AWS Config rule `elb-cross-zone-load-balancing-enabled`
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-disable-crosszone-lb.html>
    id: "ELB-105",
    slug: "classic-elb-cross-zone",
    title: "Classic Load Balancers balance across Availability Zones",
    severity: Low,
    seed_area: BackupsDr,
    shared_area: NetworkSecurity,
    citations: ["308(a)(7)(i)", "308(a)(7)(ii)(C)"],
    config_rules: ["elb-cross-zone-load-balancing-enabled"],
    prowler_checks: [],
    resource_kinds: [ClassicLoadBalancer],
    inputs: [Regional(ElbLoadBalancers)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, lb) in ctx.classic_load_balancers() {
        out.check(
            ctx.subject(resource),
            lb.cross_zone,
            "cross-zone load balancing is enabled",
            "cross-zone load balancing is disabled",
            evidence!["cross_zone" => lb.cross_zone],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::elb::classic_with;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(classic_with("portal", |_| {})),
        fail: Fixture::new().with(classic_with("portal", |l| l.cross_zone = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::elb::classic_with;
    use crate::testkit::*;

    #[test]
    fn on_off_and_unread() {
        let mut unread = classic_with("unread", |_| {});
        unread.errors.push(phiguard_model::FieldError {
            field: "cross_zone".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(classic_with("on", |_| {}))
            .with(classic_with("off", |l| l.cross_zone = false))
            .with(unread)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
