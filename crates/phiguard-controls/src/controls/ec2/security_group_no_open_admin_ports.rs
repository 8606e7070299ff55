use crate::prelude::*;

control! {
    /// # Requirement
    /// No security group allows inbound traffic from the whole internet (`0.0.0.0/0` or
    /// `::/0`) to remote administration or common database and file-transfer ports: SSH (22),
    /// RDP (3389), FTP (20, 21), MySQL (3306) and mSQL (4333).
    ///
    /// # Rationale
    /// Administration and database ports open to the internet are scanned within minutes of
    /// appearing and brute-forced continuously; a single weak password or unpatched service
    /// then gives an attacker a shell on, or a connection to, a system that processes PHI.
    /// HIPAA requires access to systems with ePHI to be limited and transmissions to be
    /// protected; administrative access belongs behind Systems Manager Session Manager, a
    /// VPN or a bastion restricted to known addresses.
    ///
    /// # Evaluation
    /// Reads `ingress` of every security group. A rule offends when it is open to
    /// `0.0.0.0/0` or `::/0` and covers TCP port 22, 3389, 20, 21, 3306 or 4333, either
    /// through its port range (protocol `tcp`/`6`) or because it allows every protocol
    /// (`-1`). Passes when no rule offends; fails otherwise, listing the offending rules in
    /// the evidence. Every group is evaluated, whether attached to anything or not: an
    /// unused open group is one attachment away from exposure. Other world-open rules (for
    /// example HTTPS on 443) are shown in the evidence but do not fail this control.
    ///
    /// # Remediation
    /// Remove the world-open rules for these ports; reach instances through Session Manager
    /// or restrict the source to known CIDRs or security groups.
    ///
    /// - Console: EC2 → Security Groups → group → Inbound rules → Edit inbound rules → delete
    ///   the `0.0.0.0/0` / `::/0` rule (or narrow its source) → Save rules.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id SG_ID --protocol tcp --port 22
    ///   --cidr 0.0.0.0/0` (and `--ip-permissions` with `Ipv6Ranges=[{CidrIpv6=::/0}]` for IPv6)
    /// - Terraform: in `aws_vpc_security_group_ingress_rule` (or `ingress` blocks), replace
    ///   `cidr_ipv4 = "0.0.0.0/0"` with the administrators' CIDR or a
    ///   `referenced_security_group_id`.
    ///
    /// # References
    /// - AWS Config rules `restricted-ssh`, `restricted-common-ports`; Prowler
    ///   `ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22`
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html>
    id: "EC2-004",
    slug: "security-group-no-open-admin-ports",
    title: "Security groups do not open administration ports to the internet",
    severity: High,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(1)(ii)(B)", "308(a)(3)(i)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["restricted-ssh", "restricted-common-ports"],
    prowler_checks: ["ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22"],
    resource_kinds: [SecurityGroup],
    inputs: [Regional(Ec2SecurityGroups)],
}

/// The ports this control protects, as the Config rules `restricted-ssh` and
/// `restricted-common-ports` (defaults) name them, plus RDP.
const ADMIN_PORTS: [i32; 6] = [20, 21, 22, 3306, 3389, 4333];

/// A rule as a user reads it: `tcp 0-65535 from 0.0.0.0/0`.
pub(crate) fn describe(rule: &SecurityGroupRule) -> String {
    let protocol = match rule.protocol.as_str() {
        "-1" => "all traffic".to_string(),
        "6" => "tcp".to_string(),
        "17" => "udp".to_string(),
        other => other.to_string(),
    };
    let ports = match (rule.protocol.as_str(), rule.from_port, rule.to_port) {
        ("-1", _, _) | (_, None, None) => String::new(),
        (_, Some(from), Some(to)) if from == to => format!(" port {from}"),
        (_, from, to) => format!(" ports {}-{}", from.unwrap_or(0), to.unwrap_or(65535)),
    };
    let sources: Vec<&str> = rule
        .ipv4_ranges
        .iter()
        .filter(|c| *c == "0.0.0.0/0")
        .chain(rule.ipv6_ranges.iter().filter(|c| *c == "::/0"))
        .map(String::as_str)
        .collect();
    format!("{protocol}{ports} from {}", sources.join(", "))
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, group) in ctx.security_groups() {
        let subject = ctx.subject(resource);
        let mut offending: Vec<Value<'a>> = Vec::new();
        let mut other_open: Vec<Value<'a>> = Vec::new();
        let mut ports_hit: Vec<i32> = Vec::new();
        for rule in group.ingress.iter().filter(|r| r.open_to_world()) {
            let hit: Vec<i32> = ADMIN_PORTS
                .into_iter()
                .filter(|p| rule.covers_tcp_port(*p))
                .collect();
            if hit.is_empty() {
                other_open.push(Value::from(describe(rule)));
            } else {
                let list: Vec<String> = hit.iter().map(i32::to_string).collect();
                offending.push(Value::from(format!(
                    "{} (exposes {})",
                    describe(rule),
                    list.join(", ")
                )));
                ports_hit.extend(hit);
            }
        }
        let evidence = evidence![
            "ingress" => offending.clone(),
            "other_open_ingress" => other_open,
        ];
        if offending.is_empty() {
            out.pass(
                subject,
                "no inbound rule opens administration or database ports to the internet",
                evidence,
            );
        } else {
            ports_hit.sort_unstable();
            ports_hit.dedup();
            let ports: Vec<String> = ports_hit.iter().map(|p| format!("`{p}`")).collect();
            out.fail(
                subject,
                format!("open to the internet on port(s) {}", ports.join(", ")),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn rule(
    protocol: &str,
    from: Option<i32>,
    to: Option<i32>,
    v4: &[&str],
    v6: &[&str],
) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: protocol.into(),
        from_port: from,
        to_port: to,
        ipv4_ranges: v4.iter().map(|c| (*c).to_string()).collect(),
        ipv6_ranges: v6.iter().map(|c| (*c).to_string()).collect(),
        groups: Vec::new(),
    }
}

#[cfg(test)]
fn group(id: &str, ingress: Vec<SecurityGroupRule>) -> Resource {
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
            vec![
                rule("tcp", Some(443), Some(443), &["0.0.0.0/0"], &["::/0"]),
                rule("tcp", Some(22), Some(22), &["10.0.0.0/8"], &[]),
            ],
        )),
        fail: Fixture::new().with(group(
            "sg-admin",
            vec![rule("tcp", Some(22), Some(22), &["0.0.0.0/0"], &[])],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn ranges_protocols_and_address_families() {
        let rows = Fixture::new()
            .with(group(
                "sg-rdp-v6",
                vec![rule("tcp", Some(3389), Some(3389), &[], &["::/0"])],
            ))
            .with(group(
                "sg-all",
                vec![rule("-1", None, None, &["0.0.0.0/0"], &[])],
            ))
            .with(group(
                "sg-range",
                vec![rule("6", Some(1), Some(1024), &["0.0.0.0/0"], &[])],
            ))
            .with(group(
                "sg-mysql",
                vec![rule("tcp", Some(3306), Some(3306), &["0.0.0.0/0"], &[])],
            ))
            .with(group(
                "sg-udp",
                vec![rule("udp", Some(0), Some(65535), &["0.0.0.0/0"], &[])],
            ))
            .with(group(
                "sg-internal",
                vec![rule("-1", None, None, &["10.0.0.0/16"], &[])],
            ))
            .with(group(
                "sg-https",
                vec![rule("tcp", Some(443), Some(443), &["0.0.0.0/0"], &[])],
            ))
            .with(group("sg-empty", vec![]))
            .run(&CONTROL);
        let got: Vec<(String, Status)> = rows
            .iter()
            .map(|r| {
                (
                    r.resource
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    r.status,
                )
            })
            .collect();
        let expected: Vec<(String, Status)> = [
            ("sg-rdp-v6", Status::Fail),
            ("sg-all", Status::Fail),
            ("sg-range", Status::Fail),
            ("sg-mysql", Status::Fail),
            ("sg-udp", Status::Pass),
            ("sg-internal", Status::Pass),
            ("sg-https", Status::Pass),
            ("sg-empty", Status::Pass),
        ]
        .into_iter()
        .map(|(id, s)| (id.to_string(), s))
        .collect();
        assert_eq!(got, expected);
        assert_eq!(
            rows[2].reason,
            "open to the internet on port(s) `20`, `21`, `22`"
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unreadable_rules_are_an_error() {
        let mut sg = group("sg-x", vec![]);
        sg.errors.push(phiguard_model::FieldError {
            field: "ingress".into(),
            code: "UnauthorizedOperation".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(sg).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }
}
