use crate::prelude::*;

control! {
    /// # Requirement
    /// Every OpenSearch Service (or Elasticsearch) domain is reachable only inside a VPC.
    ///
    /// # Rationale
    /// A domain with a public endpoint is reachable from anywhere on the internet, guarded
    /// only by its access policy; one permissive policy statement exposes every indexed
    /// document. Inside a VPC, security groups and private routing limit who can even reach
    /// it. HIPAA requires access to systems holding ePHI to be limited to authorised users
    /// and software.
    ///
    /// # Evaluation
    /// Reads `vpc_id` of every domain. Passes when the domain has VPC access (a VPC id),
    /// fails when its endpoint is public.
    ///
    /// # Remediation
    /// VPC access cannot be added to an existing public domain: create a new domain with VPC
    /// access, restore a snapshot into it (or reindex), switch clients, delete the old one.
    ///
    /// - Console: OpenSearch Service → Create domain → Network: VPC access → choose private
    ///   subnets and a security group.
    /// - CLI: `aws opensearch create-domain --domain-name DOMAIN --vpc-options SubnetIds=SUBNET_ID,SecurityGroupIds=SG_ID ...`.
    /// - Terraform: `vpc_options { subnet_ids = [aws_subnet.private.id] security_group_ids = [aws_security_group.os.id] }`
    ///   on the `aws_opensearch_domain`.
    ///
    /// # References
    /// - AWS Config rules `opensearch-in-vpc-only`, `elasticsearch-in-vpc-only`
    /// - <https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html>
    id: "OPENSEARCH-202",
    slug: "opensearch-in-vpc",
    title: "OpenSearch domains are reachable only inside a VPC",
    severity: High,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(3)(i)", "308(a)(4)(ii)(C)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["opensearch-in-vpc-only", "elasticsearch-in-vpc-only"],
    prowler_checks: [],
    resource_kinds: [OpensearchDomain],
    inputs: [Regional(OpensearchDomains)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, domain) in ctx.opensearch_domains() {
        let vpc = domain.vpc_id.as_deref().filter(|v| !v.is_empty());
        out.check(
            ctx.subject(resource),
            vpc.is_some(),
            format!("VPC access in `{}`", vpc.unwrap_or_default()),
            "the domain has a public endpoint",
            evidence!["vpc_id" => vpc],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::opensearch::domain;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(domain("notes", |_| {})),
        fail: Fixture::new().with(domain("notes", |d| d.vpc_id = None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn vpc_and_public() {
        let ex = examples();
        let rows: Vec<Row> = ex
            .pass
            .run(&CONTROL)
            .into_iter()
            .chain(ex.fail.run(&CONTROL))
            .collect();
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
