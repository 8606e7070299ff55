use crate::prelude::*;

control! {
    /// # Requirement
    /// No network ACL in use lets all traffic (every protocol and port) in from the whole
    /// internet (`0.0.0.0/0` or `::/0`).
    ///
    /// # Rationale
    /// Network ACLs are the stateless subnet boundary, a second layer under security groups.
    /// An ACL that admits everything from anywhere leaves the security group as the only
    /// barrier in front of PHI systems, so one mis-edited group is an exposure. HIPAA requires
    /// access to ePHI systems to be limited and transmissions protected; defence in depth at
    /// the subnet edge is part of that.
    ///
    /// # Evaluation
    /// Reads `entries` and `subnets` of every network ACL. ACLs associated with no subnet are
    /// not applicable. Inbound entries are taken in `rule_number` order; the ACL fails when an
    /// `allow` entry for all traffic (protocol `-1`) from `0.0.0.0/0` or `::/0` is reached
    /// before any `deny` entry for all traffic from the same range, and passes otherwise. (A
    /// VPC's default ACL, which allows everything, fails until it is tightened.)
    ///
    /// # Remediation
    /// Replace the allow-all inbound rule with rules for the ports the subnet serves (and
    /// ephemeral return ports), or add a lower-numbered deny for ranges that must not reach
    /// the subnet.
    ///
    /// - Console: VPC → Network ACLs → the ACL → Inbound rules → Edit inbound rules → change
    ///   rule 100 (All traffic, 0.0.0.0/0, Allow) to the needed ports → Save changes.
    /// - CLI: `aws ec2 replace-network-acl-entry --network-acl-id ACL_ID --ingress --rule-number 100 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow`.
    /// - Terraform: `ingress` blocks of `aws_network_acl` (or `aws_default_network_acl`)
    ///   with `protocol = "tcp"` and explicit `from_port` / `to_port` instead of
    ///   `protocol = "-1"` from `0.0.0.0/0`.
    ///
    /// # References
    /// - Prowler `ec2_networkacl_allow_ingress_any_port`; CIS AWS Foundations 5.1
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>
    id: "VPC-201",
    slug: "network-acl-no-open-ingress",
    title: "Network ACLs do not let all traffic in from the internet",
    severity: Medium,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(1)(ii)(B)", "312(e)(1)"],
    config_rules: [],
    prowler_checks: ["ec2_networkacl_allow_ingress_any_port"],
    resource_kinds: [NetworkAcl],
    inputs: [Regional(Ec2NetworkAcls)],
}

/// The first inbound entry that decides all traffic from the whole internet, if any.
pub(crate) fn decides_world_ingress(acl: &NetworkAcl) -> Option<&NetworkAclEntry> {
    let mut inbound: Vec<&NetworkAclEntry> = acl
        .entries
        .iter()
        .filter(|e| !e.egress && e.whole_internet() && e.all_traffic())
        .collect();
    inbound.sort_by_key(|e| e.rule_number);
    inbound.into_iter().next()
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, acl) in ctx.network_acls() {
        let subject = ctx.subject(resource);
        let first = decides_world_ingress(acl);
        let evidence = evidence![
            "vpc_id" => acl.vpc_id.as_str(),
            "is_default" => acl.is_default,
            "subnets" => acl.subnets.len(),
            "entries" => first.map(|e| format!("rule {} {} all traffic", e.rule_number, e.rule_action)),
        ];
        if acl.subnets.is_empty() {
            out.not_applicable(
                subject,
                "the network ACL is not associated with any subnet",
                evidence,
            );
            continue;
        }
        match first {
            Some(e) if e.rule_action.eq_ignore_ascii_case("allow") && e.rule_number < 32767 => out
                .fail(
                    subject,
                    format!(
                        "inbound rule {} allows all traffic from the internet",
                        e.rule_number
                    ),
                    evidence,
                ),
            _ => out.pass(
                subject,
                "no inbound rule allows all traffic from the internet",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn entry(rule: i32, action: &str, protocol: &str, cidr: &str) -> NetworkAclEntry {
    NetworkAclEntry {
        rule_number: rule,
        egress: false,
        protocol: protocol.into(),
        rule_action: action.into(),
        cidr_block: Some(cidr.into()),
        ipv6_cidr_block: None,
        port_from: None,
        port_to: None,
    }
}

#[cfg(test)]
fn acl(id: &str, subnets: &[&str], entries: Vec<NetworkAclEntry>) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:network-acl/{id}"),
        NetworkAcl {
            vpc_id: "vpc-0a1b2c3d".into(),
            is_default: false,
            entries,
            subnets: subnets.iter().map(|s| (*s).to_string()).collect(),
        },
    )
    .named(id)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(acl(
            "acl-0a1",
            &["subnet-0a1"],
            vec![
                entry(100, "allow", "6", "0.0.0.0/0"),
                entry(32767, "deny", "-1", "0.0.0.0/0"),
            ],
        )),
        fail: Fixture::new().with(acl(
            "acl-0a1",
            &["subnet-0a1"],
            vec![
                entry(100, "allow", "-1", "0.0.0.0/0"),
                entry(32767, "deny", "-1", "0.0.0.0/0"),
            ],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn rule_order_decides() {
        let rows = Fixture::new()
            .with(acl(
                "acl-open",
                &["subnet-1"],
                vec![
                    entry(100, "allow", "-1", "0.0.0.0/0"),
                    entry(32767, "deny", "-1", "0.0.0.0/0"),
                ],
            ))
            .with(acl(
                "acl-deny-first",
                &["subnet-2"],
                vec![
                    entry(50, "deny", "-1", "0.0.0.0/0"),
                    entry(100, "allow", "-1", "0.0.0.0/0"),
                ],
            ))
            .with(acl(
                "acl-web",
                &["subnet-3"],
                vec![
                    entry(100, "allow", "6", "0.0.0.0/0"),
                    entry(32767, "deny", "-1", "0.0.0.0/0"),
                ],
            ))
            .with(acl(
                "acl-unused",
                &[],
                vec![entry(100, "allow", "-1", "0.0.0.0/0")],
            ))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Fail,
                Status::Pass,
                Status::Pass,
                Status::NotApplicable
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
