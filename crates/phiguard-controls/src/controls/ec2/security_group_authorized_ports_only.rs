use crate::controls::ec2::security_group_no_open_admin_ports::describe;
use crate::prelude::*;

/// TCP ports a security group may open to the whole internet: HTTPS, and HTTP for redirects
/// to HTTPS.
pub(crate) const AUTHORIZED_TCP_PORTS: [i32; 2] = [80, 443];

control! {
    /// # Requirement
    /// Security groups open inbound traffic to the whole internet (`0.0.0.0/0`, `::/0`) only on
    /// TCP ports 443 and 80.
    ///
    /// # Rationale
    /// Anything reachable from the internet is attacked from the internet. A PHI system should
    /// expose at most its web front door; every other port open to the world (a database, a
    /// message broker, a management agent, a forgotten test service) is an unneeded way in.
    /// HIPAA requires access to ePHI systems to be limited to authorised persons and
    /// transmissions to be protected.
    ///
    /// # Evaluation
    /// Reads the `ingress` rules of every security group. Each rule open to `0.0.0.0/0` or
    /// `::/0` must be TCP with both ends of its port range in {80, 443} and nothing in between
    /// but those ports (so `80-443` fails); an all-traffic or UDP rule open to the world fails.
    /// Passes when every world-open rule is authorised (or there are none), fails naming the
    /// others.
    ///
    /// # Remediation
    /// Replace world-open rules on other ports with rules naming the sources that need them
    /// (a load balancer's security group, a VPN range, a prefix list), or reach hosts through
    /// SSM Session Manager instead of open ports.
    ///
    /// - Console: EC2 → Security groups → the group → Inbound rules → Edit inbound rules →
    ///   change the source of each offending rule or delete it → Save rules.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id SG_ID --protocol tcp --port 8080 --cidr 0.0.0.0/0`,
    ///   then `aws ec2 authorize-security-group-ingress --group-id SG_ID --protocol tcp --port 8080 --source-group LB_SG_ID`.
    /// - Terraform: in `aws_vpc_security_group_ingress_rule`, use `referenced_security_group_id`
    ///   or a narrow `cidr_ipv4` instead of `0.0.0.0/0` for every port but 443 (and 80).
    ///
    /// # References
    /// - AWS Config rule `vpc-sg-open-only-to-authorized-ports` (with `authorizedTcpPorts`
    ///   `80,443`)
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html>
    id: "EC2-203",
    slug: "security-group-authorized-ports-only",
    title: "Security groups open only HTTP and HTTPS to the internet",
    severity: High,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(3)(i)", "308(a)(4)(ii)(C)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["vpc-sg-open-only-to-authorized-ports"],
    prowler_checks: [],
    resource_kinds: [SecurityGroup],
    inputs: [Regional(Ec2SecurityGroups)],
}

/// Whether a world-open rule opens only authorised TCP ports.
pub(crate) fn authorized(rule: &SecurityGroupRule) -> bool {
    let tcp = rule.protocol == "tcp" || rule.protocol == "6";
    match (rule.from_port, rule.to_port) {
        (Some(from), Some(to)) if tcp && from <= to => (from..=to)
            .take(65_536)
            .all(|p| AUTHORIZED_TCP_PORTS.contains(&p)),
        _ => false,
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, group) in ctx.security_groups() {
        let subject = ctx.subject(resource);
        let open: Vec<&SecurityGroupRule> =
            group.ingress.iter().filter(|r| r.open_to_world()).collect();
        let offending: Vec<String> = open
            .iter()
            .filter(|r| !authorized(r))
            .map(|r| describe(r))
            .collect();
        let evidence = evidence![
            "ingress" => Value::List(offending.iter().map(|o| Value::from(o.clone())).collect()),
            "authorized_open_ingress" => open.len() - offending.len(),
        ];
        if offending.is_empty() {
            out.pass(
                subject,
                "opens nothing but TCP 80/443 to the internet",
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!(
                    "open to the internet beyond TCP 80/443: {}",
                    offending.join("; ")
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
pub(crate) fn rule(
    protocol: &str,
    from: Option<i32>,
    to: Option<i32>,
    cidr: &str,
) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: protocol.into(),
        from_port: from,
        to_port: to,
        ipv4_ranges: vec![cidr.into()],
        ipv6_ranges: Vec::new(),
        groups: Vec::new(),
    }
}

#[cfg(test)]
pub(crate) fn group(id: &str, ingress: Vec<SecurityGroupRule>) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:security-group/{id}"),
        SecurityGroup {
            group_name: id.into(),
            vpc_id: Some("vpc-0a1b2c3d".into()),
            ingress,
            egress: Vec::new(),
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(group(
            "sg-web",
            vec![rule("tcp", Some(443), Some(443), "0.0.0.0/0")],
        )),
        fail: Fixture::new().with(group(
            "sg-web",
            vec![rule("tcp", Some(8080), Some(8080), "0.0.0.0/0")],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn only_web_ports_may_be_world_open() {
        let rows = Fixture::new()
            .with(group(
                "sg-web",
                vec![
                    rule("tcp", Some(443), Some(443), "0.0.0.0/0"),
                    rule("tcp", Some(80), Some(80), "0.0.0.0/0"),
                    rule("tcp", Some(5432), Some(5432), "10.0.0.0/16"),
                ],
            ))
            .with(group(
                "sg-range",
                vec![rule("tcp", Some(80), Some(443), "0.0.0.0/0")],
            ))
            .with(group("sg-all", vec![rule("-1", None, None, "0.0.0.0/0")]))
            .with(group(
                "sg-udp",
                vec![rule("udp", Some(443), Some(443), "0.0.0.0/0")],
            ))
            .with(group("sg-none", vec![]))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::Fail,
                Status::Pass
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
