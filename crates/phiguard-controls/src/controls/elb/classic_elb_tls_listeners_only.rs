use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Classic Load Balancer listens only with HTTPS or SSL (TLS) listeners.
    ///
    /// # Rationale
    /// An HTTP or TCP listener on a Classic Load Balancer carries requests and responses,
    /// including PHI and session tokens, in clear text between clients and AWS. HIPAA's
    /// transmission security standard requires guarding ePHI in transit. Classic Load Balancers
    /// also cannot redirect HTTP to HTTPS, so a plaintext listener serves content rather than a
    /// redirect.
    ///
    /// # Evaluation
    /// Reads `listeners` (front-end `protocol` and port) of every Classic Load Balancer.
    /// Passes when every listener is `HTTPS` or `SSL`; fails when any is `HTTP` or `TCP`
    /// (listed in the reason). A load balancer without listeners is not applicable.
    ///
    /// # Remediation
    /// Replace plaintext listeners with HTTPS/SSL listeners using an ACM certificate, or better,
    /// migrate to an Application Load Balancer, which can redirect HTTP to HTTPS.
    ///
    /// - Console: EC2 → Load Balancers → classic load balancer → Listeners → Edit → change
    ///   HTTP to HTTPS (port 443) → choose an ACM certificate → Save; delete the HTTP listener.
    /// - CLI: `aws elb create-load-balancer-listeners --load-balancer-name LB --listeners
    ///   Protocol=HTTPS,LoadBalancerPort=443,InstanceProtocol=HTTPS,InstancePort=443,SSLCertificateId=ACM_ARN`
    ///   and `aws elb delete-load-balancer-listeners --load-balancer-name LB --load-balancer-ports 80`
    /// - Terraform: `listener { lb_protocol = "https" lb_port = 443 instance_protocol = "https"
    ///   instance_port = 443 ssl_certificate_id = aws_acm_certificate.site.arn }` on `aws_elb`,
    ///   with no `http` listener.
    ///
    /// # References
    /// - AWS Config rule `elb-tls-https-listeners-only`; Prowler `elb_ssl_listeners`
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-listener-config.html>
    id: "ELB-102",
    slug: "classic-elb-tls-listeners-only",
    title: "Classic Load Balancers use only HTTPS or SSL listeners",
    severity: High,
    seed_area: Encryption,
    shared_area: NetworkSecurity,
    citations: ["308(a)(1)(ii)(B)", "308(a)(4)(ii)(A)", "312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: ["elb-tls-https-listeners-only"],
    prowler_checks: ["elb_ssl_listeners"],
    resource_kinds: [ClassicLoadBalancer],
    inputs: [Regional(ElbLoadBalancers)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, lb) in ctx.classic_load_balancers() {
        let subject = ctx.subject(resource);
        let all: Vec<String> = lb
            .listeners
            .iter()
            .map(|l| format!("{}:{}", l.protocol, l.port))
            .collect();
        let evidence = evidence!["listeners" => all.join(", ")];
        if lb.listeners.is_empty() {
            out.not_applicable(subject, "the load balancer has no listeners", evidence);
            continue;
        }
        let plain: Vec<String> = lb
            .listeners
            .iter()
            .filter(|l| !matches!(l.protocol.as_str(), "HTTPS" | "SSL"))
            .map(|l| format!("{}:{}", l.protocol, l.port))
            .collect();
        if plain.is_empty() {
            out.pass(subject, "every listener uses TLS", evidence);
        } else {
            out.fail(
                subject,
                format!("plaintext listeners: {}", plain.join(", ")),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::elb::classic;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(classic("portal", &[("HTTPS", 443)])),
        fail: Fixture::new().with(classic("portal", &[("HTTPS", 443), ("HTTP", 80)])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::elb::classic;
    use crate::testkit::*;

    #[test]
    fn protocols() {
        let rows = Fixture::new()
            .with(classic("tls", &[("HTTPS", 443), ("SSL", 8443)]))
            .with(classic(
                "mixed",
                &[("HTTPS", 443), ("HTTP", 80), ("TCP", 5432)],
            ))
            .with(classic("empty", &[]))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::NotApplicable]
        );
        assert_eq!(rows[1].reason, "plaintext listeners: HTTP:80, TCP:5432");
        insta::assert_snapshot!(render(&rows));
    }
}
