use crate::controls::ec2::ec2_imdsv2_required::is_gone;
use crate::controls::ec2::security_group_no_open_admin_ports::describe;
use crate::prelude::*;

/// The port the Nitro Enclaves `vsock-proxy` listens on by default.
pub(crate) const VSOCK_PROXY_PORT: i32 = 8000;

control! {
    /// # Requirement
    /// EC2 instances with Nitro Enclaves enabled (confidential-workload hosts) accept no inbound
    /// traffic from the whole internet, on any port (in particular not the `vsock-proxy` port
    /// 8000).
    ///
    /// # Rationale
    /// Enclave hosts are where the most sensitive processing happens: decrypting PHI under a
    /// KMS key that only the attested enclave may use. The parent instance brokers every byte
    /// in and out of the enclave through the vsock proxy; an internet-reachable parent, or an
    /// exposed proxy, turns the enclave's isolation into a network service anyone can probe.
    /// HIPAA requires access to ePHI systems to be limited and transmissions protected.
    ///
    /// # Evaluation
    /// Reads `enclave_enabled`, `state` and `security_groups` of every EC2 instance, and the
    /// `ingress` rules of those security groups. Instances without enclaves, and terminated
    /// ones, are not evaluated (not reported). An enclave host fails when any of its groups has
    /// an inbound rule open to `0.0.0.0/0` or `::/0` (the reason says when the rule covers port
    /// 8000); `error` when one of its groups is not in the inventory; passes otherwise.
    ///
    /// # Remediation
    /// Put enclave hosts in private subnets behind a load balancer or a VPN, and restrict
    /// their security groups to named sources; never expose the vsock proxy.
    ///
    /// - Console: EC2 → Instances → the host → Security → the group → Edit inbound rules →
    ///   replace `0.0.0.0/0` sources with the load balancer's security group → Save rules.
    /// - CLI: `aws ec2 revoke-security-group-ingress --group-id SG_ID --protocol tcp --port 8000 --cidr 0.0.0.0/0`.
    /// - Terraform: `aws_vpc_security_group_ingress_rule` with `referenced_security_group_id`
    ///   instead of `cidr_ipv4 = "0.0.0.0/0"` for the host's group.
    ///
    /// # References
    /// - Prowler `ec2_confidential_workload_host_unrestricted_ingress`,
    ///   `ec2_confidential_workload_host_vsock_proxy_exposed`
    /// - <https://docs.aws.amazon.com/enclaves/latest/user/nitro-enclave.html>
    id: "EC2-204",
    slug: "ec2-enclave-host-not-exposed",
    title: "Nitro Enclave hosts accept no traffic from the internet",
    severity: High,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["312(a)(1)", "312(e)(1)"],
    config_rules: [],
    prowler_checks: [
        "ec2_confidential_workload_host_unrestricted_ingress",
        "ec2_confidential_workload_host_vsock_proxy_exposed",
    ],
    resource_kinds: [Ec2Instance],
    inputs: [Regional(Ec2Instances), Regional(Ec2SecurityGroups)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, instance) in ctx.ec2_instances() {
        if !instance.enclave_enabled || is_gone(instance) {
            continue;
        }
        let subject = ctx.subject(resource);
        let mut open: Vec<String> = Vec::new();
        let mut missing: Vec<&str> = Vec::new();
        let mut proxy = false;
        for id in &instance.security_groups {
            let suffix = format!("/{id}");
            let group = ctx
                .security_groups_in(&resource.account, &resource.region)
                .find(|(r, g)| r.arn.ends_with(&suffix) || g.group_name == *id);
            let Some((group_resource, group)) = group else {
                missing.push(id);
                continue;
            };
            if group_resource.field_error("ingress").is_some() {
                missing.push(id);
                continue;
            }
            for rule in group.ingress.iter().filter(|r| r.open_to_world()) {
                proxy |= rule.covers_tcp_port(VSOCK_PROXY_PORT);
                open.push(format!("{id}: {}", describe(rule)));
            }
        }
        let evidence = evidence![
            "enclave_enabled" => instance.enclave_enabled,
            "security_groups" => &instance.security_groups,
            "open_ingress" => Value::List(open.iter().map(|o| Value::from(o.clone())).collect()),
        ];
        if !open.is_empty() {
            let proxy = if proxy {
                " (including the vsock-proxy port 8000)"
            } else {
                ""
            };
            out.fail(
                subject,
                format!(
                    "enclave host is open to the internet{proxy}: {}",
                    open.join("; ")
                ),
                evidence,
            );
        } else if !missing.is_empty() {
            out.error(
                subject,
                format!(
                    "not evaluated: security group(s) `{}` of the enclave host are not in the inventory or unreadable",
                    missing.join("`, `")
                ),
                evidence,
            );
        } else {
            out.pass(
                subject,
                "enclave host accepts no traffic from the internet",
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn host(id: &str, enclave: bool, groups: &[&str]) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
        Ec2Instance {
            state: "running".into(),
            enclave_enabled: enclave,
            security_groups: groups.iter().map(|g| (*g).to_string()).collect(),
            ..Ec2Instance::default()
        },
    )
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::ec2::security_group_authorized_ports_only::{group, rule};
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(host("i-enclave", true, &["sg-private"]))
            .with(group(
                "sg-private",
                vec![rule("tcp", Some(443), Some(443), "10.0.0.0/16")],
            )),
        fail: Fixture::new()
            .with(host("i-enclave", true, &["sg-open"]))
            .with(group(
                "sg-open",
                vec![rule("tcp", Some(8000), Some(8000), "0.0.0.0/0")],
            )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::security_group_authorized_ports_only::{group, rule};
    use crate::testkit::*;

    #[test]
    fn only_enclave_hosts_are_judged() {
        let rows = Fixture::new()
            .with(host("i-plain", false, &["sg-open"]))
            .with(host("i-private", true, &["sg-private"]))
            .with(host("i-proxy", true, &["sg-open"]).tag("PHI", "Yes"))
            .with(host("i-lost", true, &["sg-missing"]))
            .with(group(
                "sg-private",
                vec![rule("tcp", Some(443), Some(443), "10.0.0.0/16")],
            ))
            .with(group(
                "sg-open",
                vec![rule("tcp", Some(7000), Some(9000), "0.0.0.0/0")],
            ))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        assert!(rows[1].reason.contains("vsock-proxy"), "{}", rows[1].reason);
        insta::assert_snapshot!(render(&rows));
    }
}
