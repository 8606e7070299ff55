use crate::prelude::*;

control! {
    /// # Requirement
    /// No Systems Manager document owned by the account is shared publicly.
    ///
    /// # Rationale
    /// Command and Automation documents often embed how a PHI environment is built: bucket
    /// names, parameter paths, internal hostnames, sometimes credentials. A public document
    /// publishes all of it to every AWS account. HIPAA requires access to ePHI and to the
    /// information that protects it to be limited to authorised persons.
    ///
    /// # Evaluation
    /// Reads `public` (the share permission lists `all`) and `shared_with` of every document
    /// the account owns. Passes when not public (sharing with named accounts is listed as
    /// evidence), fails when public; `error` when the permission could not be read.
    ///
    /// # Remediation
    /// Stop sharing the document publicly (share it with named accounts if needed), and turn
    /// on the account-level block for public sharing.
    ///
    /// - Console: Systems Manager → Documents → Owned by me → the document → Details →
    ///   Permissions → Edit → Private → Save; Systems Manager → Documents → Preferences →
    ///   Block public sharing → On.
    /// - CLI: `aws ssm modify-document-permission --name DOCUMENT --permission-type Share --account-ids-to-remove all`,
    ///   then `aws ssm update-service-setting --setting-id /ssm/documents/console/public-sharing-permission --setting-value Disable`.
    /// - Terraform: remove `permissions = { type = "Share", account_ids = "All" }` from the
    ///   `aws_ssm_document`.
    ///
    /// # References
    /// - AWS Config rule `ssm-document-not-public`; Security Hub SSM.4
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html>
    id: "SSM-004",
    slug: "ssm-document-not-public",
    title: "Systems Manager documents are not shared publicly",
    severity: High,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(i)", "308(a)(4)(ii)(C)", "312(a)(1)"],
    config_rules: ["ssm-document-not-public"],
    prowler_checks: [],
    resource_kinds: [SsmDocument],
    inputs: [Regional(SsmDocuments)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, doc) in ctx.ssm_documents() {
        out.check(
            ctx.subject(resource),
            !doc.public,
            "not shared publicly",
            "shared publicly with every AWS account",
            evidence!["public" => doc.public, "shared_with" => &doc.shared_with],
        );
    }
}

#[cfg(test)]
fn document(name: &str, public: bool) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:ssm:us-east-1:111122223333:document/{name}"),
        SsmDocument {
            document_type: "Command".into(),
            public,
            shared_with: vec!["444455556666".into()],
        },
    )
    .named(name)
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(document("harden-linux", false)),
        fail: Fixture::new().with(document("harden-linux", true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn public_private_and_unread() {
        let mut unread = document("unread", false);
        unread.errors.push(phiguard_model::FieldError {
            field: "public".into(),
            code: "AccessDeniedException".into(),
            message: String::new(),
        });
        let rows = Fixture::new()
            .with(document("private", false))
            .with(document("public", true))
            .with(unread)
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Error]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
