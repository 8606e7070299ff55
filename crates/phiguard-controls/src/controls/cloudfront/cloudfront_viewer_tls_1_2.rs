use crate::prelude::*;

control! {
    /// # Requirement
    /// Every enabled CloudFront distribution serves viewers over HTTPS only (HTTP requests
    /// are redirected or refused), with a minimum TLS version of 1.2, and reaches its custom
    /// origins over HTTPS.
    ///
    /// # Rationale
    /// PHI served through CloudFront (patient portals, document downloads, APIs) crosses the
    /// internet twice: viewer to edge, and edge to origin. A cache behaviour that allows HTTP,
    /// a security policy that still accepts TLS 1.0 or 1.1, or an origin reached over
    /// `http-only` each leaves one of those hops in clear or weakly encrypted. Distributions on
    /// the default `*.cloudfront.net` certificate always accept TLSv1. HIPAA requires
    /// transmission security and encryption of ePHI in transit.
    ///
    /// # Evaluation
    /// Reads `enabled`, `viewer_protocol_policies` (the default and every other cache
    /// behaviour), `minimum_protocol_version`, `default_certificate` and
    /// `origin_protocol_policies` of every distribution. Disabled distributions are not
    /// applicable. Fails, listing every problem, when any behaviour is `allow-all`, when the
    /// distribution uses the default certificate, when the minimum protocol version is not a
    /// `TLSv1.2_*` or `TLSv1.3*` policy (`TLSv1.2_2018`, `TLSv1.2_2019`, `TLSv1.2_2021`,
    /// `TLSv1.2_2025`, `TLSv1.3_2025` pass; `SSLv3`, `TLSv1`, `TLSv1_2016`, `TLSv1.1_2016`
    /// fail), or when any custom origin is `http-only`. `match-viewer` origins follow the
    /// viewer, which this control already requires to be HTTPS. A distribution whose viewer
    /// protocol policies are missing from the inventory is an error.
    ///
    /// # Remediation
    /// Set every cache behaviour to redirect HTTP to HTTPS, use your own certificate with the
    /// `TLSv1.2_2021` (or newer) security policy, and make origins HTTPS only.
    ///
    /// - Console: CloudFront → distribution → Behaviors → each behaviour → Edit → Viewer
    ///   protocol policy: Redirect HTTP to HTTPS; General → Settings → Edit → Custom SSL
    ///   certificate (ACM, us-east-1) → Security policy TLSv1.2_2021; Origins → each custom
    ///   origin → Edit → Protocol: HTTPS only.
    /// - CLI: `aws cloudfront get-distribution-config --id DIST_ID > dist.json`, edit
    ///   `ViewerProtocolPolicy`, `ViewerCertificate.MinimumProtocolVersion` and
    ///   `OriginProtocolPolicy`, then `aws cloudfront update-distribution --id DIST_ID
    ///   --if-match ETAG --distribution-config file://config.json`
    /// - Terraform: on `aws_cloudfront_distribution`, `viewer_protocol_policy =
    ///   "redirect-to-https"` in every cache behaviour, `viewer_certificate {
    ///   acm_certificate_arn = ... ssl_support_method = "sni-only" minimum_protocol_version =
    ///   "TLSv1.2_2021" }`, and `custom_origin_config { origin_protocol_policy = "https-only"
    ///   origin_ssl_protocols = ["TLSv1.2"] }`.
    ///
    /// # References
    /// - Prowler `cloudfront_distributions_https_enabled`,
    ///   `cloudfront_distributions_using_deprecated_ssl_protocols`,
    ///   `cloudfront_distributions_origin_traffic_encrypted`
    /// - <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html>
    id: "CLOUDFRONT-001",
    slug: "cloudfront-viewer-tls-1-2",
    title: "CloudFront distributions require HTTPS with TLS 1.2 or later",
    severity: High,
    seed_area: Encryption,
    shared_area: NetworkSecurity,
    citations: ["308(a)(4)(ii)(A)", "312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: [],
    prowler_checks: [
        "cloudfront_distributions_https_enabled",
        "cloudfront_distributions_using_deprecated_ssl_protocols",
        "cloudfront_distributions_origin_traffic_encrypted",
    ],
    resource_kinds: [Distribution],
    inputs: [Regional(CloudfrontDistributions)],
}

/// Whether a viewer security policy accepts nothing older than TLS 1.2.
fn is_tls_1_2_or_later(version: &str) -> bool {
    version.starts_with("TLSv1.2_") || version.starts_with("TLSv1.3")
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, dist) in ctx.distributions() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "enabled" => dist.enabled,
            "viewer_protocol_policies" => &dist.viewer_protocol_policies,
            "minimum_protocol_version" => dist.minimum_protocol_version.as_str(),
            "default_certificate" => dist.default_certificate,
            "origin_protocol_policies" => &dist.origin_protocol_policies,
        ];
        if !dist.enabled {
            out.not_applicable(subject, "distribution is disabled", evidence);
            continue;
        }
        let mut problems: Vec<String> = Vec::new();
        let allow_all = dist
            .viewer_protocol_policies
            .iter()
            .filter(|p| *p == "allow-all")
            .count();
        if allow_all > 0 {
            problems.push(format!(
                "{allow_all} cache behaviour(s) allow plain HTTP (`allow-all`)"
            ));
        }
        if dist.default_certificate {
            problems.push(
                "uses the default `*.cloudfront.net` certificate, which accepts TLSv1".into(),
            );
        } else if !is_tls_1_2_or_later(&dist.minimum_protocol_version) {
            problems.push(format!(
                "minimum viewer protocol is `{}`, older than TLS 1.2",
                dist.minimum_protocol_version
            ));
        }
        let http_origins = dist
            .origin_protocol_policies
            .iter()
            .filter(|p| *p == "http-only")
            .count();
        if http_origins > 0 {
            problems.push(format!(
                "{http_origins} origin(s) are reached over plain HTTP (`http-only`)"
            ));
        }
        if !problems.is_empty() {
            out.fail(subject, problems.join("; "), evidence);
        } else if dist.viewer_protocol_policies.is_empty() {
            out.error(
                subject,
                "viewer protocol policies are missing from the inventory",
                evidence,
            );
        } else {
            out.pass(
                subject,
                format!(
                    "viewers use HTTPS with `{}` and origins use HTTPS",
                    dist.minimum_protocol_version
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn distribution(id: &str, edit: impl FnOnce(&mut Distribution)) -> Resource {
    let mut dist = Distribution {
        enabled: true,
        viewer_protocol_policies: vec!["redirect-to-https".into(), "https-only".into()],
        minimum_protocol_version: "TLSv1.2_2021".into(),
        default_certificate: false,
        origin_protocol_policies: vec!["https-only".into()],
        ..Distribution::default()
    };
    edit(&mut dist);
    crate::testkit::resource_in(
        GLOBAL,
        &format!("arn:aws:cloudfront::111122223333:distribution/{id}"),
        dist,
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(distribution("E1PORTAL", |_| {})),
        fail: Fixture::new().with(distribution("E1PORTAL", |d| {
            d.viewer_protocol_policies = vec!["allow-all".into()];
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn viewer_certificate_and_origin_variants() {
        let rows = Fixture::new()
            .with(distribution("E1GOOD", |_| {}))
            .with(distribution("E2TLS13", |d| {
                d.minimum_protocol_version = "TLSv1.3_2025".into();
            }))
            .with(distribution("E3TLS11", |d| {
                d.minimum_protocol_version = "TLSv1.1_2016".into();
            }))
            .with(distribution("E4DEFAULT", |d| {
                d.default_certificate = true;
                d.minimum_protocol_version = "TLSv1".into();
            }))
            .with(distribution("E5ORIGIN", |d| {
                d.origin_protocol_policies = vec!["match-viewer".into(), "http-only".into()];
            }))
            .with(distribution("E6ALL", |d| {
                d.viewer_protocol_policies = vec!["allow-all".into(), "https-only".into()];
                d.minimum_protocol_version = "TLSv1_2016".into();
                d.origin_protocol_policies = vec!["http-only".into()];
            }))
            .with(distribution("E7OFF", |d| {
                d.enabled = false;
                d.viewer_protocol_policies = vec!["allow-all".into()];
            }))
            .with(distribution("E8UNKNOWN", |d| {
                d.viewer_protocol_policies.clear()
            }))
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable,
                Status::Error,
            ]
        );
        assert_eq!(rows[5].reason.matches(';').count(), 2, "{}", rows[5].reason);
        assert!(rows.iter().all(|r| r.region == GLOBAL));
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn tls_policy_names() {
        for ok in [
            "TLSv1.2_2018",
            "TLSv1.2_2019",
            "TLSv1.2_2021",
            "TLSv1.2_2025",
            "TLSv1.3_2025",
        ] {
            assert!(is_tls_1_2_or_later(ok), "{ok}");
        }
        for bad in ["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", ""] {
            assert!(!is_tls_1_2_or_later(bad), "{bad}");
        }
    }
}
