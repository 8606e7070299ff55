use crate::prelude::*;

control! {
    /// # Requirement
    /// Every HTTP, HTTPS and TLS listener of every application and network load balancer
    /// either terminates TLS with a security policy that accepts nothing older than TLS 1.2,
    /// or (plain HTTP) only redirects to HTTPS.
    ///
    /// # Rationale
    /// PHI sent to a web application or API crosses the network between the client and the
    /// load balancer. Plain HTTP sends it in clear, and TLS 1.0 and 1.1 have known weaknesses
    /// and are no longer allowed by NIST SP 800-52r2, the guideline HHS refers to for
    /// securing PHI in motion. The default policy of listeners created with the CLI, CloudFormation
    /// or the CDK (`ELBSecurityPolicy-2016-08`) still accepts TLS 1.0. HIPAA requires
    /// transmission security, integrity controls and encryption for ePHI in transit.
    ///
    /// # Evaluation
    /// Reads `listeners` (elbv2:DescribeListeners: protocol, port, `ssl_policy`, whether the
    /// default action redirects to HTTPS) of every load balancer, and reports once per load
    /// balancer with one evidence line per listener.
    ///
    /// - `HTTPS`/`TLS` listener: good when its security policy is on phiguard's bundled list
    ///   of AWS predefined policies whose oldest protocol is TLS 1.2 or 1.3
    ///   (`ELBSecurityPolicy-TLS13-1-2-2021-06`, `ELBSecurityPolicy-TLS-1-2-2017-01`,
    ///   `ELBSecurityPolicy-FS-1-2-Res-2020-10`, the `-FIPS-`, `-PQ-` and `RFC9151` variants,
    ///   ... as of the 2025-09 policy set); bad when it is a known policy accepting TLS 1.0 or
    ///   1.1; an unknown name is also bad, with a reason that names it (ELBv2 has no custom
    ///   policies, so an unknown name is either older than this list or newer than this
    ///   phiguard: check it with `aws elbv2 describe-ssl-policies --names NAME`). A listener
    ///   with no recorded policy makes the load balancer an error.
    /// - `HTTP` listener: good when its default action redirects to HTTPS; bad otherwise.
    /// - `TCP`, `UDP`, `TCP_UDP`, `GENEVE` listeners: not applicable (the load balancer does
    ///   not terminate TLS; encryption, if any, is end to end and not visible here).
    ///
    /// Fails when any listener is bad (the reason lists them); passes when at least one
    /// listener is good and none is bad; not applicable when the load balancer has no HTTP,
    /// HTTPS or TLS listener. Internal load balancers are evaluated too: PHI inside a VPC is
    /// still PHI in transit.
    ///
    /// # Remediation
    /// Move HTTPS/TLS listeners to a TLS 1.2+ policy such as
    /// `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09` (or `ELBSecurityPolicy-TLS13-1-2-2021-06`),
    /// and turn plain HTTP listeners into redirects to HTTPS.
    ///
    /// - Console: EC2 → Load Balancers → load balancer → Listeners and rules → listener →
    ///   Actions → Edit listener → Security policy → choose a TLS 1.2+ policy → Save; for an
    ///   HTTP listener set the default action to Redirect to URL, protocol HTTPS, port 443,
    ///   status code 301.
    /// - CLI: `aws elbv2 modify-listener --listener-arn LISTENER_ARN --ssl-policy
    ///   ELBSecurityPolicy-TLS13-1-2-2021-06`; for HTTP: `aws elbv2 modify-listener
    ///   --listener-arn LISTENER_ARN --default-actions
    ///   'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'`
    /// - Terraform: `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"` on `aws_lb_listener`
    ///   (always set it: the provider default accepts TLS 1.0), and for port 80
    ///   `default_action { type = "redirect" redirect { port = "443" protocol = "HTTPS"
    ///   status_code = "HTTP_301" } }`.
    ///
    /// # References
    /// - AWS Config rule `alb-http-to-https-redirection-check`; Prowler
    ///   `elbv2_insecure_ssl_ciphers`, `elbv2_ssl_listeners`
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html>
    /// - <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html>
    id: "ELB-001",
    slug: "elbv2-listener-tls-1-2",
    title: "Load balancer listeners require TLS 1.2 or later",
    severity: High,
    seed_area: Encryption,
    shared_area: NetworkSecurity,
    citations: ["312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: ["alb-http-to-https-redirection-check"],
    prowler_checks: ["elbv2_insecure_ssl_ciphers", "elbv2_ssl_listeners"],
    resource_kinds: [LoadBalancer],
    inputs: [Regional(Elbv2LoadBalancers)],
}

/// AWS's predefined ELBv2 security policies (application and network load balancers) with
/// the oldest TLS version each accepts, as tenths: 10 = TLS 1.0 ... 13 = TLS 1.3. From the
/// "Security policies" tables of the ALB and NLB guides, policy set of 2025-09.
const POLICIES: &[(&str, u8)] = &[
    ("ELBSecurityPolicy-2015-05", 10),
    ("ELBSecurityPolicy-2016-08", 10),
    ("ELBSecurityPolicy-FS-2018-06", 10),
    ("ELBSecurityPolicy-TLS-1-0-2015-04", 10),
    ("ELBSecurityPolicy-TLS13-1-0-2021-06", 10),
    ("ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", 10),
    ("ELBSecurityPolicy-TLS13-1-0-PQ-2025-09", 10),
    ("ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09", 10),
    ("ELBSecurityPolicy-TLS-1-1-2017-01", 11),
    ("ELBSecurityPolicy-FS-1-1-2019-08", 11),
    ("ELBSecurityPolicy-TLS13-1-1-2021-06", 11),
    ("ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", 11),
    ("ELBSecurityPolicy-TLS-1-2-2017-01", 12),
    ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", 12),
    ("ELBSecurityPolicy-FS-1-2-2019-08", 12),
    ("ELBSecurityPolicy-FS-1-2-Res-2019-08", 12),
    ("ELBSecurityPolicy-FS-1-2-Res-2020-10", 12),
    ("ELBSecurityPolicy-TLS13-1-2-2021-06", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", 12),
    ("ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04", 12),
    ("ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext0-RFC9151-FIPS-2023-07", 12),
    (
        "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP1-FIPS-2023-07",
        12,
    ),
    (
        "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP2-FIPS-2023-07",
        12,
    ),
    (
        "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP3-FIPS-2023-07",
        12,
    ),
    (
        "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP4-FIPS-2023-07",
        12,
    ),
    ("ELBSecurityPolicy-TLS13-1-2-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09", 12),
    ("ELBSecurityPolicy-TLS13-1-3-2021-06", 13),
    ("ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", 13),
    ("ELBSecurityPolicy-TLS13-1-3-RFC9151-FIPS-2023-07", 13),
    ("ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", 13),
    ("ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09", 13),
];

/// The oldest TLS version a predefined policy accepts (tenths), if phiguard knows it.
fn minimum_tls(policy: &str) -> Option<u8> {
    POLICIES
        .iter()
        .find(|(name, _)| *name == policy)
        .map(|(_, min)| *min)
}

/// What one listener contributes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Good,
    Bad(String),
    Unknown(String),
    Skipped,
}

fn judge(listener: &Listener) -> (String, Verdict) {
    let name = format!("{}:{}", listener.protocol, listener.port);
    match listener.protocol.as_str() {
        "HTTPS" | "TLS" => match listener.ssl_policy.as_deref() {
            None => (
                format!("{name} (no security policy recorded)"),
                Verdict::Unknown(format!("`{name}` has no security policy in the inventory")),
            ),
            Some(policy) => match minimum_tls(policy) {
                Some(min) if min >= 12 => (
                    format!("{name} {policy} (TLS 1.{}+)", min - 10),
                    Verdict::Good,
                ),
                Some(min) => (
                    format!("{name} {policy} (accepts TLS 1.{})", min - 10),
                    Verdict::Bad(format!(
                        "`{name}` uses `{policy}`, which accepts TLS 1.{}",
                        min - 10
                    )),
                ),
                None => (
                    format!("{name} {policy} (not a known TLS 1.2+ policy)"),
                    Verdict::Bad(format!(
                        "`{name}` uses `{policy}`, which is not a known TLS 1.2+ policy"
                    )),
                ),
            },
        },
        "HTTP" if listener.redirects_to_https => {
            (format!("{name} (redirects to HTTPS)"), Verdict::Good)
        }
        "HTTP" => (
            format!("{name} (plain HTTP)"),
            Verdict::Bad(format!(
                "`{name}` serves plain HTTP without redirecting to HTTPS"
            )),
        ),
        _ => (format!("{name} (not applicable)"), Verdict::Skipped),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, lb) in ctx.load_balancers() {
        let subject = ctx.subject(resource);
        let mut lines: Vec<Value<'a>> = Vec::new();
        let mut bad: Vec<String> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut good = 0;
        for listener in &lb.listeners {
            let (line, verdict) = judge(listener);
            lines.push(Value::from(line));
            match verdict {
                Verdict::Good => good += 1,
                Verdict::Bad(why) => bad.push(why),
                Verdict::Unknown(why) => unknown.push(why),
                Verdict::Skipped => {}
            }
        }
        let evidence = evidence![
            "lb_type" => lb.lb_type.as_str(),
            "scheme" => lb.scheme.as_str(),
            "listeners" => lines,
        ];
        if !bad.is_empty() {
            out.fail(subject, bad.join("; "), evidence);
        } else if !unknown.is_empty() {
            out.error(subject, unknown.join("; "), evidence);
        } else if good > 0 {
            out.pass(
                subject,
                "every HTTP, HTTPS and TLS listener requires TLS 1.2 or later",
                evidence,
            );
        } else if lb.listeners.is_empty() {
            out.not_applicable(subject, "load balancer has no listeners", evidence);
        } else {
            out.not_applicable(
                subject,
                "load balancer has no HTTP, HTTPS or TLS listener",
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn listener(protocol: &str, port: u16, policy: Option<&str>, redirect: bool) -> Listener {
    Listener {
        port,
        protocol: protocol.into(),
        ssl_policy: policy.map(Into::into),
        redirects_to_https: redirect,
    }
}

#[cfg(test)]
fn lb(name: &str, lb_type: &str, listeners: Vec<Listener>) -> Resource {
    let short = if lb_type == "network" { "net" } else { "app" };
    crate::testkit::resource(
        &format!(
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/{short}/{name}/0123456789abcdef"
        ),
        LoadBalancer {
            lb_type: lb_type.into(),
            scheme: "internet-facing".into(),
            listeners,
            access_logs_enabled: Some(true),
            deletion_protection: Some(true),
        },
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(lb(
            "portal",
            "application",
            vec![
                listener(
                    "HTTPS",
                    443,
                    Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                    false,
                ),
                listener("HTTP", 80, None, true),
            ],
        )),
        fail: Fixture::new().with(lb(
            "portal",
            "application",
            vec![listener(
                "HTTPS",
                443,
                Some("ELBSecurityPolicy-2016-08"),
                false,
            )],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn policies_redirects_and_protocols() {
        let rows = Fixture::new()
            .with(lb(
                "fips",
                "application",
                vec![listener(
                    "HTTPS",
                    443,
                    Some("ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04"),
                    false,
                )],
            ))
            .with(lb(
                "tls13-nlb",
                "network",
                vec![
                    listener(
                        "TLS",
                        443,
                        Some("ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"),
                        false,
                    ),
                    listener("TCP", 5432, None, false),
                ],
            ))
            .with(lb(
                "legacy",
                "application",
                vec![
                    listener(
                        "HTTPS",
                        443,
                        Some("ELBSecurityPolicy-TLS-1-1-2017-01"),
                        false,
                    ),
                    listener("HTTP", 80, None, false),
                ],
            ))
            .with(lb(
                "mystery",
                "application",
                vec![listener(
                    "HTTPS",
                    443,
                    Some("ELBSecurityPolicy-TLS13-1-2-2030-01"),
                    false,
                )],
            ))
            .with(lb(
                "tcp-only",
                "network",
                vec![listener("TCP", 443, None, false)],
            ))
            .with(lb("empty", "application", vec![]))
            .with(lb(
                "unrecorded",
                "application",
                vec![listener("HTTPS", 443, None, false)],
            ))
            .run(&CONTROL);
        let statuses: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Pass,
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable,
                Status::NotApplicable,
                Status::Error,
            ]
        );
        assert!(
            rows[3]
                .reason
                .contains("ELBSecurityPolicy-TLS13-1-2-2030-01"),
            "an unknown policy is named: {}",
            rows[3].reason
        );
        assert!(rows[2].reason.contains("TLS 1.1") && rows[2].reason.contains("plain HTTP"));
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn the_policy_table_is_consistent_with_policy_names() {
        for (name, min) in POLICIES {
            let named = [("-1-0-", 10), ("-1-1-", 11), ("-1-2-", 12), ("-1-3-", 13)]
                .into_iter()
                .find(|(part, _)| name.contains(part))
                .map(|(_, v)| v);
            if let Some(named) = named {
                assert_eq!(named, *min, "{name}");
            }
            assert!(name.starts_with("ELBSecurityPolicy-"), "{name}");
        }
        assert_eq!(minimum_tls("ELBSecurityPolicy-2016-08"), Some(10));
        assert_eq!(minimum_tls("elbsecuritypolicy-2016-08"), None);
    }
}
