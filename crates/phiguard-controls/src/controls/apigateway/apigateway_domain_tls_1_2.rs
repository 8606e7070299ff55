use crate::prelude::*;

control! {
    /// # Requirement
    /// Every API Gateway custom domain name uses a security policy whose minimum is TLS 1.2.
    ///
    /// # Rationale
    /// Custom domains front the APIs that patient apps, partners and EHR integrations call
    /// with PHI in requests and responses. A domain on the `TLS_1_0` policy still negotiates
    /// TLS 1.0 and 1.1, which have known weaknesses and fall outside NIST SP 800-52r2. HIPAA's
    /// transmission security standard requires guarding ePHI in transit. Neither the AWS
    /// Config HIPAA pack nor Prowler's HIPAA mapping checks this TLS floor.
    ///
    /// # Evaluation
    /// Reads `security_policy` of every custom domain name (API Gateway `GetDomainNames`, which
    /// also serves HTTP and WebSocket APIs). Passes for `TLS_1_2` and for the newer
    /// `SecurityPolicy_TLS13_*` / `SecurityPolicy_TLS12_*` policies; fails for `TLS_1_0`. A
    /// domain that reports no policy is an error.
    ///
    /// # Remediation
    /// Switch the domain to the TLS 1.2 policy (no downtime; clients limited to TLS 1.0/1.1
    /// stop connecting).
    ///
    /// - Console: API Gateway → Custom domain names → domain → Configurations → Edit → Minimum
    ///   TLS version TLS 1.2 → Save.
    /// - CLI: `aws apigateway update-domain-name --domain-name api.example.org
    ///   --patch-operations op=replace,path=/securityPolicy,value=TLS_1_2`
    /// - Terraform: `security_policy = "TLS_1_2"` on `aws_api_gateway_domain_name`
    ///   (`aws_apigatewayv2_domain_name`: `domain_name_configuration { security_policy =
    ///   "TLS_1_2" }`).
    ///
    /// # References
    /// - <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html>
    id: "APIGATEWAY-001",
    slug: "apigateway-domain-tls-1-2",
    title: "API Gateway custom domains require TLS 1.2 or later",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [ApigatewayDomain],
    inputs: [Regional(ApigatewayDomains)],
}

/// Whether a security policy's minimum is TLS 1.2 or later.
fn minimum_is_1_2(policy: &str) -> bool {
    policy == "TLS_1_2"
        || policy.starts_with("SecurityPolicy_TLS13")
        || policy.starts_with("SecurityPolicy_TLS12")
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, domain) in ctx.apigateway_domains() {
        let subject = ctx.subject(resource);
        let policy = domain.security_policy.as_deref();
        let evidence = evidence!["security_policy" => policy];
        match policy {
            Some(p) if minimum_is_1_2(p) => out.pass(
                subject,
                format!("`{p}` requires TLS 1.2 or later"),
                evidence,
            ),
            Some(p) => out.fail(
                subject,
                format!("`{p}` accepts TLS older than 1.2"),
                evidence,
            ),
            None => out.error(subject, "the domain reports no security policy", evidence),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::apigateway::domain;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(domain("api.example.org", Some("TLS_1_2"))),
        fail: Fixture::new().with(domain("api.example.org", Some("TLS_1_0"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::apigateway::domain;
    use crate::testkit::*;

    #[test]
    fn policies() {
        let rows = Fixture::new()
            .with(domain("a.example.org", Some("TLS_1_2")))
            .with(domain(
                "b.example.org",
                Some("SecurityPolicy_TLS13_1_2_2021_06"),
            ))
            .with(domain("c.example.org", Some("TLS_1_0")))
            .with(domain("d.example.org", None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
