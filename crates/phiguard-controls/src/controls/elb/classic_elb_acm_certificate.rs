use crate::prelude::*;

control! {
    /// # Requirement
    /// Every HTTPS or SSL listener of a Classic Load Balancer uses a certificate from AWS
    /// Certificate Manager (ACM).
    ///
    /// # Rationale
    /// Certificates uploaded to IAM are renewed by hand and expire silently; an expired
    /// certificate breaks TLS for every client or pushes users to click through warnings,
    /// which is how credentials and PHI end up on the wrong endpoint. ACM renews the
    /// certificates it issues automatically. HIPAA's transmission security and integrity
    /// standards depend on TLS that stays valid.
    ///
    /// # Evaluation
    /// Reads `ssl_certificate_id` of every HTTPS and SSL listener of every Classic Load
    /// Balancer. Passes when every such certificate is an ACM ARN (`arn:…:acm:`); fails when
    /// one is an IAM server certificate or missing. A load balancer without TLS listeners is
    /// not applicable.
    ///
    /// # Remediation
    /// Request (or import) the certificate in ACM and switch the listener to it.
    ///
    /// - Console: Certificate Manager → Request a public certificate → validate by DNS; then
    ///   EC2 → Load Balancers → classic load balancer → Listeners → Edit → SSL certificate →
    ///   Choose a certificate from ACM → Save.
    /// - CLI: `aws acm request-certificate --domain-name portal.example.org --validation-method DNS`,
    ///   then `aws elb set-load-balancer-listener-ssl-certificate --load-balancer-name LB
    ///   --load-balancer-port 443 --ssl-certificate-id ACM_ARN`
    /// - Terraform: `ssl_certificate_id = aws_acm_certificate.site.arn` in the `listener` of
    ///   `aws_elb`.
    ///
    /// # References
    /// - AWS Config rule `elb-acm-certificate-required`
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ssl-server-cert.html>
    id: "ELB-104",
    slug: "classic-elb-acm-certificate",
    title: "Classic Load Balancer TLS listeners use ACM certificates",
    severity: Low,
    seed_area: Encryption,
    shared_area: NetworkSecurity,
    citations: ["312(a)(2)(iv)", "312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: ["elb-acm-certificate-required"],
    prowler_checks: [],
    resource_kinds: [ClassicLoadBalancer],
    inputs: [Regional(ElbLoadBalancers)],
}

fn is_acm(arn: &str) -> bool {
    arn.split(':').nth(2) == Some("acm")
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, lb) in ctx.classic_load_balancers() {
        let subject = ctx.subject(resource);
        let tls: Vec<&ClassicListener> = lb
            .listeners
            .iter()
            .filter(|l| matches!(l.protocol.as_str(), "HTTPS" | "SSL"))
            .collect();
        let certificates: Vec<&str> = tls
            .iter()
            .map(|l| l.ssl_certificate_id.as_deref().unwrap_or("none"))
            .collect();
        let evidence = evidence!["ssl_certificate_id" => certificates.join(", ")];
        if tls.is_empty() {
            out.not_applicable(subject, "the load balancer has no TLS listeners", evidence);
            continue;
        }
        let other: Vec<String> = tls
            .iter()
            .filter(|l| !l.ssl_certificate_id.as_deref().is_some_and(is_acm))
            .map(|l| format!("{}:{}", l.protocol, l.port))
            .collect();
        if other.is_empty() {
            out.pass(
                subject,
                "every TLS listener uses an ACM certificate",
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!("listeners without an ACM certificate: {}", other.join(", ")),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::elb::classic_with;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(classic_with("portal", |_| {})),
        fail: Fixture::new().with(classic_with("portal", |l| {
            l.listeners[0].ssl_certificate_id =
                Some("arn:aws:iam::111122223333:server-certificate/portal-2019".into())
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::elb::classic_with;
    use crate::testkit::*;

    #[test]
    fn acm_iam_and_missing() {
        let rows = Fixture::new()
            .with(classic_with("acm", |_| {}))
            .with(classic_with("iam", |l| {
                l.listeners[0].ssl_certificate_id =
                    Some("arn:aws:iam::111122223333:server-certificate/portal-2019".into())
            }))
            .with(classic_with("none", |l| {
                l.listeners[0].ssl_certificate_id = None
            }))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
