use crate::prelude::*;

control! {
    /// # Requirement
    /// No route table sends all traffic (`0.0.0.0/0` or `::/0`) to an internet gateway, except
    /// route tables deliberately left public (waive them by ARN).
    ///
    /// # Rationale
    /// A default route to an internet gateway is what makes a subnet public: anything in it
    /// with a public address is on the internet, and anything in it can send data straight
    /// out. PHI workloads belong in private subnets that reach the internet, if at all,
    /// through a NAT gateway or a proxy that can be monitored. HIPAA requires access to ePHI
    /// systems to be limited and transmissions protected.
    ///
    /// # Evaluation
    /// Reads the `routes` of every route table. Fails when a route with destination
    /// `0.0.0.0/0` or `::/0` targets an internet gateway (`igw-...`), naming it; passes
    /// otherwise. Public-facing route tables (for load balancers or NAT gateways) fail by
    /// design, as with the AWS Config rule (whose `routeTableIds` parameter exempts them):
    /// record them as waivers with the reason.
    ///
    /// # Remediation
    /// Route private subnets' default traffic through a NAT gateway (or nowhere), and keep
    /// internet-gateway routes only in the route tables of public subnets that hold load
    /// balancers and NAT gateways (then waive those).
    ///
    /// - Console: VPC → Route tables → the table → Routes → Edit routes → change the target of
    ///   `0.0.0.0/0` to a NAT gateway, or remove it → Save changes.
    /// - CLI: `aws ec2 replace-route --route-table-id RTB_ID --destination-cidr-block 0.0.0.0/0 --nat-gateway-id NAT_ID`.
    /// - Terraform: in the private `aws_route_table`, `route { cidr_block = "0.0.0.0/0" nat_gateway_id = aws_nat_gateway.this.id }`
    ///   instead of `gateway_id = aws_internet_gateway.this.id`.
    ///
    /// # References
    /// - AWS Config rule `no-unrestricted-route-to-igw`
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>
    id: "VPC-203",
    slug: "route-table-no-internet-gateway-default-route",
    title: "Route tables do not send all traffic to an internet gateway",
    severity: Medium,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(1)(ii)(B)", "312(e)(1)"],
    config_rules: ["no-unrestricted-route-to-igw"],
    prowler_checks: [],
    resource_kinds: [RouteTable],
    inputs: [Regional(Ec2RouteTables)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, table) in ctx.route_tables() {
        let open: Vec<String> = table
            .routes
            .iter()
            .filter(|r| {
                (r.destination == "0.0.0.0/0" || r.destination == "::/0")
                    && r.target.starts_with("igw-")
            })
            .map(|r| format!("{} -> {}", r.destination, r.target))
            .collect();
        out.check(
            ctx.subject(resource),
            open.is_empty(),
            "no default route to an internet gateway",
            format!(
                "routes all traffic to an internet gateway: {}",
                open.join(", ")
            ),
            evidence![
                "vpc_id" => table.vpc_id.as_str(),
                "subnets" => &table.subnets,
                "routes" => Value::List(open.iter().map(|o| Value::from(o.clone())).collect()),
            ],
        );
    }
}

#[cfg(test)]
fn table(id: &str, routes: &[(&str, &str)]) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ec2:us-east-1:111122223333:route-table/{id}"),
        RouteTable {
            vpc_id: "vpc-0a1b2c3d".into(),
            main: false,
            subnets: vec!["subnet-0a1".into()],
            routes: routes
                .iter()
                .map(|(d, t)| Route {
                    destination: (*d).into(),
                    target: (*t).into(),
                    state: "active".into(),
                })
                .collect(),
        },
    )
    .named(id)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(table(
            "rtb-private",
            &[("10.0.0.0/16", "local"), ("0.0.0.0/0", "nat-0a1b2c3d")],
        )),
        fail: Fixture::new().with(table(
            "rtb-public",
            &[("10.0.0.0/16", "local"), ("0.0.0.0/0", "igw-0a1b2c3d")],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn default_routes_to_gateways() {
        let rows = Fixture::new()
            .with(table("rtb-nat", &[("0.0.0.0/0", "nat-0a1")]))
            .with(table("rtb-v6", &[("::/0", "igw-0a1")]))
            .with(table("rtb-narrow", &[("203.0.113.0/24", "igw-0a1")]))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Pass]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
