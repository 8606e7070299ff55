use crate::prelude::*;

control! {
    /// # Requirement
    /// Every Secrets Manager secret is encrypted with a customer-managed KMS key, not the
    /// AWS-managed `aws/secretsmanager` key.
    ///
    /// # Rationale
    /// The secrets that unlock PHI stores deserve the same control over decryption as the PHI
    /// itself. With a customer-managed key the organisation writes the key policy (who may
    /// decrypt), can disable the key in an incident, and sees every use in CloudTrail under its
    /// own key; the AWS-managed key lets any principal in the account with Secrets Manager
    /// access decrypt. HIPAA requires a mechanism to encrypt and decrypt ePHI under the
    /// covered entity's control.
    ///
    /// # Evaluation
    /// Reads `kms_key_id` of every secret, PHI or not (as the AWS Config rule does). Fails when
    /// it is absent (Secrets Manager then uses `aws/secretsmanager`) or names the
    /// `aws/secretsmanager` alias; passes for any other key.
    ///
    /// # Remediation
    /// Create a customer-managed key with a key policy limited to the secret's readers, and
    /// switch the secret to it (the next version is encrypted with the new key).
    ///
    /// - Console: Secrets Manager → secret → Overview → Encryption key → Edit → choose the key.
    /// - CLI: `aws secretsmanager update-secret --secret-id SECRET --kms-key-id arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`
    ///   then `aws secretsmanager rotate-secret --secret-id SECRET` to re-encrypt the current value.
    /// - Terraform: `resource "aws_secretsmanager_secret" "db" { name = "prod/ehr/db" kms_key_id = aws_kms_key.secrets.arn }`
    ///
    /// # References
    /// - AWS Config rule `secretsmanager-using-cmk`
    /// - <https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html>
    id: "SECRETSMANAGER-002",
    slug: "secretsmanager-uses-customer-managed-key",
    title: "Secrets are encrypted with a customer-managed KMS key",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["312(a)(2)(iv)"],
    config_rules: ["secretsmanager-using-cmk"],
    prowler_checks: [],
    resource_kinds: [Secret],
    inputs: [Regional(SecretsManagerSecrets)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, secret) in ctx.secrets() {
        let subject = ctx.subject(resource);
        let evidence = evidence!["kms_key_id" => secret.kms_key_id.as_deref()];
        match secret.kms_key_id.as_deref() {
            None => out.fail(
                subject,
                "the secret is encrypted with the AWS-managed key `aws/secretsmanager`",
                evidence,
            ),
            Some(key) if key.ends_with("alias/aws/secretsmanager") => out.fail(
                subject,
                format!("the secret is encrypted with the AWS-managed key `{key}`"),
                evidence,
            ),
            Some(key) => out.pass(
                subject,
                format!("the secret is encrypted with customer-managed key `{key}`"),
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn secret(name: &str, kms_key_id: Option<&str>) -> Resource {
    crate::testkit::resource(
        &format!("arn:aws:secretsmanager:us-east-1:111122223333:secret:{name}-AbCdEf"),
        Secret {
            kms_key_id: kms_key_id.map(Into::into),
            ..Secret::default()
        },
    )
    .named(name)
}

#[cfg(test)]
const CMK: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(secret("prod/ehr/db", Some(CMK))),
        fail: Fixture::new().with(secret("prod/ehr/db", None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn fixture() -> Fixture {
        Fixture::new()
            .with(secret("cmk", Some(CMK)))
            .with(secret("default", None).tag("PHI", "Yes"))
            .with(secret("explicit-aws-key", Some("alias/aws/secretsmanager")))
    }

    #[test]
    fn keys() {
        let rows = fixture().run(&CONTROL);
        let got: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(got, [Status::Pass, Status::Fail, Status::Fail]);
    }

    #[test]
    fn unreadable_key_is_an_error() {
        let mut s = secret("x", None);
        s.errors.push(phiguard_model::FieldError {
            field: "kms_key_id".into(),
            code: "AccessDeniedException".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(s).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&fixture().run(&CONTROL)));
    }
}
