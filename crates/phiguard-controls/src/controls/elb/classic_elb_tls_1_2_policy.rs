use crate::prelude::*;

control! {
    /// # Requirement
    /// Every HTTPS or SSL listener of a Classic Load Balancer uses the predefined security
    /// policy `ELBSecurityPolicy-TLS-1-2-2017-01`, which accepts only TLS 1.2.
    ///
    /// # Rationale
    /// A Classic Load Balancer's default policies still negotiate TLS 1.0 and 1.1 and weak
    /// ciphers, so an HTTPS listener alone does not guarantee strong transport encryption.
    /// HIPAA's transmission security standard requires guarding ePHI in transit; the AWS Config
    /// HIPAA pack sets this rule's parameter to the TLS 1.2 policy.
    ///
    /// # Evaluation
    /// Reads `security_policy` (the `Reference-Security-Policy` of the listener's SSL
    /// negotiation policy) of every HTTPS and SSL listener of every Classic Load Balancer.
    /// Passes when every such listener references `ELBSecurityPolicy-TLS-1-2-2017-01`; fails
    /// when one references another predefined policy or uses a custom policy. A load balancer
    /// without TLS listeners is not applicable. When the policies could not be read (denied,
    /// or an AWS Config import, which does not record them) the result is an error.
    ///
    /// # Remediation
    /// Create an SSL negotiation policy that references the TLS 1.2 predefined policy and set
    /// it on each TLS listener.
    ///
    /// - Console: EC2 → Load Balancers → classic load balancer → Listeners → Edit → Cipher →
    ///   Predefined security policy `ELBSecurityPolicy-TLS-1-2-2017-01` → Save.
    /// - CLI: `aws elb create-load-balancer-policy --load-balancer-name LB --policy-name tls12
    ///   --policy-type-name SSLNegotiationPolicyType
    ///   --policy-attributes AttributeName=Reference-Security-Policy,AttributeValue=ELBSecurityPolicy-TLS-1-2-2017-01`,
    ///   then `aws elb set-load-balancer-policies-of-listener --load-balancer-name LB
    ///   --load-balancer-port 443 --policy-names tls12`
    /// - Terraform: `resource "aws_load_balancer_policy" "tls12" { load_balancer_name =
    ///   aws_elb.site.name policy_name = "tls12" policy_type_name = "SSLNegotiationPolicyType"
    ///   policy_attribute { name = "Reference-Security-Policy" value =
    ///   "ELBSecurityPolicy-TLS-1-2-2017-01" } }` with `aws_load_balancer_listener_policy`.
    ///
    /// # References
    /// - AWS Config rule `elb-predefined-security-policy-ssl-check` (parameter
    ///   `ELBSecurityPolicy-TLS-1-2-2017-01` in the HIPAA pack); Prowler
    ///   `elb_insecure_ssl_ciphers` (not HIPAA-mapped)
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html>
    id: "ELB-103",
    slug: "classic-elb-tls-1-2-policy",
    title: "Classic Load Balancer TLS listeners use the TLS 1.2 security policy",
    severity: High,
    seed_area: Encryption,
    shared_area: NetworkSecurity,
    citations: ["312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: ["elb-predefined-security-policy-ssl-check"],
    prowler_checks: ["elb_insecure_ssl_ciphers"],
    resource_kinds: [ClassicLoadBalancer],
    inputs: [Regional(ElbLoadBalancers)],
}

/// The only predefined Classic Load Balancer policy limited to TLS 1.2.
const TLS_1_2_POLICY: &str = "ELBSecurityPolicy-TLS-1-2-2017-01";

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, lb) in ctx.classic_load_balancers() {
        let subject = ctx.subject(resource);
        let tls: Vec<&ClassicListener> = lb
            .listeners
            .iter()
            .filter(|l| matches!(l.protocol.as_str(), "HTTPS" | "SSL"))
            .collect();
        let policies: Vec<String> = tls
            .iter()
            .map(|l| {
                format!(
                    "{}:{} {}",
                    l.protocol,
                    l.port,
                    l.security_policy.as_deref().unwrap_or("custom")
                )
            })
            .collect();
        let evidence = evidence!["security_policy" => policies.join(", ")];
        if tls.is_empty() {
            out.not_applicable(subject, "the load balancer has no TLS listeners", evidence);
            continue;
        }
        let weak: Vec<String> = tls
            .iter()
            .filter(|l| l.security_policy.as_deref() != Some(TLS_1_2_POLICY))
            .map(|l| format!("{}:{}", l.protocol, l.port))
            .collect();
        if weak.is_empty() {
            out.pass(
                subject,
                format!("every TLS listener uses `{TLS_1_2_POLICY}`"),
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!("listeners not limited to TLS 1.2: {}", weak.join(", ")),
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
        pass: Fixture::new().with(classic_with("portal", |l| {
            l.listeners[0].security_policy = Some(TLS_1_2_POLICY.into())
        })),
        fail: Fixture::new().with(classic_with("portal", |l| {
            l.listeners[0].security_policy = Some("ELBSecurityPolicy-2016-08".into())
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::elb::{classic, classic_with};
    use crate::testkit::*;

    #[test]
    fn policies_custom_and_unreadable() {
        let mut unread = classic_with("unread", |_| {});
        unread.errors.push(phiguard_model::FieldError {
            field: "security_policy".into(),
            code: "NotRecordedByAwsConfig".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(classic_with("good", |l| {
                l.listeners[0].security_policy = Some(TLS_1_2_POLICY.into())
            }))
            .with(classic_with("custom", |_| {}))
            .with(classic("plain", &[("HTTP", 80)]))
            .with(unread)
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
