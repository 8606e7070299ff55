use crate::prelude::*;

control! {
    /// # Requirement
    /// Every OpenSearch Service (or legacy Elasticsearch) domain encrypts its data at rest.
    ///
    /// # Rationale
    /// Search and analytics domains index clinical notes, claims and application logs that
    /// carry PHI. Encryption at rest covers the indices, automated snapshots, logs and swap
    /// files with a KMS key, so that storage media or snapshots do not expose PHI to anyone
    /// without the key. HIPAA makes encryption at rest an addressable specification; it can
    /// only be turned on for domains on supported versions and instance types, so the gap is
    /// worth finding early.
    ///
    /// # Evaluation
    /// Reads `encryption_at_rest` and `kms_key_id` of every OpenSearch Service domain. Passes
    /// when encryption at rest is enabled; fails otherwise.
    ///
    /// # Remediation
    /// Enable encryption at rest (domains on OpenSearch or Elasticsearch 6.7+ can enable it in
    /// place; older domains need a new domain and a snapshot restore).
    ///
    /// - Console: Amazon OpenSearch Service → Domains → domain → Security configuration → Edit
    ///   → Enable encryption of data at rest → choose a KMS key → Save changes.
    /// - CLI: `aws opensearch update-domain-config --domain-name DOMAIN
    ///   --encryption-at-rest-options Enabled=true,KmsKeyId=KEY_ARN`
    /// - Terraform: `encrypt_at_rest { enabled = true kms_key_id = aws_kms_key.phi.arn }` on
    ///   `aws_opensearch_domain`.
    ///
    /// # References
    /// - AWS Config rules `opensearch-encrypted-at-rest`, `elasticsearch-encrypted-at-rest`;
    ///   Prowler `opensearch_service_domains_encryption_at_rest_enabled`
    /// - <https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html>
    id: "OPENSEARCH-001",
    slug: "opensearch-encrypted-at-rest",
    title: "OpenSearch domains encrypt data at rest",
    severity: High,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["308(a)(1)(ii)(B)", "308(a)(4)(ii)(A)", "312(a)(2)(iv)", "312(e)(2)(ii)"],
    config_rules: ["opensearch-encrypted-at-rest", "elasticsearch-encrypted-at-rest"],
    prowler_checks: ["opensearch_service_domains_encryption_at_rest_enabled"],
    resource_kinds: [OpensearchDomain],
    inputs: [Regional(OpensearchDomains)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, domain) in ctx.opensearch_domains() {
        let evidence = evidence![
            "encryption_at_rest" => domain.encryption_at_rest,
            "kms_key_id" => domain.kms_key_id.as_deref(),
        ];
        out.check(
            ctx.subject(resource),
            domain.encryption_at_rest,
            "data at rest is encrypted",
            "data at rest is not encrypted",
            evidence,
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::opensearch::domain;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(domain("notes", |_| {}).tag("PHI", "Yes")),
        fail: Fixture::new().with(
            domain("notes", |d| {
                d.encryption_at_rest = false;
                d.kms_key_id = None;
            })
            .tag("PHI", "Yes"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::opensearch::domain;
    use crate::testkit::*;

    #[test]
    fn encrypted_or_not_and_unreadable() {
        let mut unread = domain("unread", |_| {});
        unread.errors.push(phiguard_model::FieldError {
            field: "encryption_at_rest".into(),
            code: "MissingFromConfigurationItem".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(domain("notes", |_| {}).tag("PHI", "Yes"))
            .with(domain("logs", |d| d.encryption_at_rest = false))
            .with(unread)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
