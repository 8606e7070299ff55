use crate::prelude::*;

control! {
    /// # Requirement
    /// Every OpenSearch Service (or legacy Elasticsearch) domain encrypts traffic between its
    /// nodes.
    ///
    /// # Rationale
    /// Documents and search results travel between the data nodes of a domain inside the VPC;
    /// without node-to-node encryption that traffic is plaintext, and anyone able to observe
    /// the network between nodes reads PHI. Node-to-node encryption wraps it in TLS. HIPAA's
    /// transmission security standard asks that ePHI be guarded while it moves over a network,
    /// internal ones included.
    ///
    /// # Evaluation
    /// Reads `node_to_node_encryption` of every OpenSearch Service domain. Passes when it is
    /// enabled; fails otherwise.
    ///
    /// # Remediation
    /// Enable node-to-node encryption (in place for OpenSearch and Elasticsearch 6.7+; older
    /// domains need a new domain).
    ///
    /// - Console: Amazon OpenSearch Service → Domains → domain → Security configuration → Edit
    ///   → Node-to-node encryption → Enable → Save changes.
    /// - CLI: `aws opensearch update-domain-config --domain-name DOMAIN
    ///   --node-to-node-encryption-options Enabled=true`
    /// - Terraform: `node_to_node_encryption { enabled = true }` on `aws_opensearch_domain`.
    ///
    /// # References
    /// - AWS Config rules `opensearch-node-to-node-encryption-check`,
    ///   `elasticsearch-node-to-node-encryption-check`; Prowler
    ///   `opensearch_service_domains_node_to_node_encryption_enabled`
    /// - <https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html>
    id: "OPENSEARCH-002",
    slug: "opensearch-node-to-node-encryption",
    title: "OpenSearch domains encrypt node-to-node traffic",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: ["opensearch-node-to-node-encryption-check", "elasticsearch-node-to-node-encryption-check"],
    prowler_checks: ["opensearch_service_domains_node_to_node_encryption_enabled"],
    resource_kinds: [OpensearchDomain],
    inputs: [Regional(OpensearchDomains)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, domain) in ctx.opensearch_domains() {
        out.check(
            ctx.subject(resource),
            domain.node_to_node_encryption,
            "node-to-node traffic is encrypted",
            "node-to-node traffic is not encrypted",
            evidence!["node_to_node_encryption" => domain.node_to_node_encryption],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::opensearch::domain;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(domain("notes", |_| {})),
        fail: Fixture::new().with(domain("notes", |d| d.node_to_node_encryption = false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::opensearch::domain;
    use crate::testkit::*;

    #[test]
    fn on_and_off() {
        let rows = Fixture::new()
            .with(domain("notes", |_| {}))
            .with(domain("legacy", |d| d.node_to_node_encryption = false).tag("PHI", "Yes"))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        assert!(rows[1].phi);
        insta::assert_snapshot!(render(&rows));
    }
}
