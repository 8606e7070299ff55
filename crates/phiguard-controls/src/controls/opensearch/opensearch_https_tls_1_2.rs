use crate::prelude::*;

control! {
    /// # Requirement
    /// Every OpenSearch Service (or legacy Elasticsearch) domain requires HTTPS on its endpoint
    /// with a TLS security policy whose minimum is TLS 1.2.
    ///
    /// # Rationale
    /// Clients and dashboards send queries and receive documents containing PHI over the
    /// domain endpoint. Without `EnforceHTTPS` the endpoint also answers plain HTTP; with the
    /// `Policy-Min-TLS-1-0-2019-07` policy it accepts TLS 1.0 and 1.1, which have known
    /// weaknesses and are outside current NIST guidance (SP 800-52r2). HIPAA's transmission
    /// security standard requires guarding ePHI in transit. The AWS Config HIPAA pack checks
    /// HTTPS only; the TLS floor is a gap neither anchor covers.
    ///
    /// # Evaluation
    /// Reads `enforce_https` and `tls_security_policy` of every OpenSearch Service domain.
    /// Passes when HTTPS is enforced and the policy's minimum is TLS 1.2 or later (a policy
    /// named `Policy-Min-TLS-1-2-*` or `Policy-Min-TLS-1-3-*`). Fails when HTTPS is not
    /// enforced or the policy allows TLS 1.0/1.1. When the domain reports no TLS policy the
    /// result is an error.
    ///
    /// # Remediation
    /// Require HTTPS and select a TLS 1.2 (or 1.3) policy; update clients that still use TLS
    /// 1.0/1.1 first.
    ///
    /// - Console: Amazon OpenSearch Service → Domains → domain → Actions → Edit security
    ///   configuration → Require HTTPS for all traffic → TLS security policy
    ///   `Policy-Min-TLS-1-2-PFS-2023-10` → Save changes.
    /// - CLI: `aws opensearch update-domain-config --domain-name DOMAIN
    ///   --domain-endpoint-options EnforceHTTPS=true,TLSSecurityPolicy=Policy-Min-TLS-1-2-PFS-2023-10`
    /// - Terraform: `domain_endpoint_options { enforce_https = true tls_security_policy =
    ///   "Policy-Min-TLS-1-2-PFS-2023-10" }` on `aws_opensearch_domain`.
    ///
    /// # References
    /// - AWS Config rule `opensearch-https-required`; Prowler
    ///   `opensearch_service_domains_https_communications_enforced` (not in Prowler's HIPAA
    ///   mapping)
    /// - <https://docs.aws.amazon.com/opensearch-service/latest/developerguide/infrastructure-security.html>
    id: "OPENSEARCH-003",
    slug: "opensearch-https-tls-1-2",
    title: "OpenSearch domains require HTTPS with TLS 1.2 or later",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["312(c)(1)", "312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: ["opensearch-https-required"],
    prowler_checks: ["opensearch_service_domains_https_communications_enforced"],
    resource_kinds: [OpensearchDomain],
    inputs: [Regional(OpensearchDomains)],
}

/// Whether a TLS security policy's minimum is TLS 1.2 or later.
fn minimum_is_1_2(policy: &str) -> bool {
    policy.starts_with("Policy-Min-TLS-1-2") || policy.starts_with("Policy-Min-TLS-1-3")
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, domain) in ctx.opensearch_domains() {
        let subject = ctx.subject(resource);
        let policy = domain.tls_security_policy.as_deref();
        let evidence = evidence![
            "enforce_https" => domain.enforce_https,
            "tls_security_policy" => policy,
        ];
        match (domain.enforce_https, policy) {
            (false, _) => out.fail(subject, "the endpoint accepts plain HTTP", evidence),
            (true, None) => out.error(
                subject,
                "the domain reports no TLS security policy",
                evidence,
            ),
            (true, Some(p)) if minimum_is_1_2(p) => {
                out.pass(subject, format!("HTTPS is required with `{p}`"), evidence)
            }
            (true, Some(p)) => out.fail(
                subject,
                format!("HTTPS is required but `{p}` accepts TLS older than 1.2"),
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::opensearch::domain;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(domain("notes", |_| {})),
        fail: Fixture::new().with(domain("notes", |d| {
            d.tls_security_policy = Some("Policy-Min-TLS-1-0-2019-07".into())
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::opensearch::domain;
    use crate::testkit::*;

    #[test]
    fn https_and_policies() {
        let rows = Fixture::new()
            .with(domain("a-pfs", |d| {
                d.tls_security_policy = Some("Policy-Min-TLS-1-2-PFS-2023-10".into())
            }))
            .with(domain("b-old", |d| {
                d.tls_security_policy = Some("Policy-Min-TLS-1-0-2019-07".into())
            }))
            .with(domain("c-http", |d| d.enforce_https = false))
            .with(domain("d-none", |d| d.tls_security_policy = None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
