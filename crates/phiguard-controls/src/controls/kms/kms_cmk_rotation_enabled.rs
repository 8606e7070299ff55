use crate::prelude::*;

control! {
    /// # Requirement
    /// Every enabled customer managed symmetric KMS key (with key material from KMS) has
    /// automatic key rotation enabled.
    ///
    /// # Rationale
    /// Rotation limits how much data one key version protects and how long a leaked or
    /// cryptanalysed key version stays useful; it is a standard expectation of key
    /// management under HIPAA's encryption specification and NIST SP 800-57. KMS rotates the
    /// key material yearly (or on a period you choose) without changing the key id, so it
    /// costs nothing operationally.
    ///
    /// # Evaluation
    /// Reads `key_manager`, `key_spec`, `origin`, `key_state` and `rotation_enabled` of every
    /// KMS key. Keys that are customer managed, `SYMMETRIC_DEFAULT` with KMS key material, and
    /// `Enabled` are evaluated: pass when rotation is on, fail when off, `error` when the
    /// rotation status was not read. Other keys are not applicable: AWS managed keys rotate
    /// automatically, asymmetric, HMAC, imported and CloudHSM keys cannot use automatic
    /// rotation, and disabled or pending-deletion keys encrypt nothing new.
    ///
    /// # Remediation
    /// Enable automatic rotation on the key.
    ///
    /// - Console: KMS → Customer managed keys → key → Key rotation → Automatically rotate this
    ///   KMS key every year (or set a rotation period).
    /// - CLI: `aws kms enable-key-rotation --key-id KEY_ID` (optionally `--rotation-period-in-days 365`)
    /// - Terraform: `resource "aws_kms_key" "phi" { enable_key_rotation = true }`
    /// - CloudFormation: `AWS::KMS::Key` with `EnableKeyRotation: true`.
    ///
    /// # References
    /// - Prowler `kms_cmk_rotation_enabled`; AWS Config rule `cmk-backing-key-rotation-enabled`;
    ///   CIS AWS Foundations 3.6 (v1.4)
    /// - <https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>
    id: "KMS-001",
    slug: "kms-cmk-rotation-enabled",
    title: "Customer managed KMS keys have automatic rotation enabled",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["312(a)(2)(iv)"],
    config_rules: ["cmk-backing-key-rotation-enabled"],
    prowler_checks: ["kms_cmk_rotation_enabled"],
    resource_kinds: [KmsKey],
    inputs: [Regional(KmsKeys)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, key) in ctx.kms_keys() {
        let subject = ctx.subject(resource);
        if key.key_manager != "CUSTOMER" {
            out.not_applicable(
                subject,
                "AWS managed keys are rotated by AWS",
                evidence!["key_manager" => key.key_manager.as_str()],
            );
            continue;
        }
        if !key.is_rotatable() {
            out.not_applicable(
                subject,
                format!(
                    "automatic rotation does not apply to `{}` keys from `{}`",
                    key.key_spec, key.origin
                ),
                evidence!["key_spec" => key.key_spec.as_str(), "origin" => key.origin.as_str()],
            );
            continue;
        }
        if key.key_state != "Enabled" {
            out.not_applicable(
                subject,
                format!("the key is `{}`", key.key_state),
                evidence!["key_state" => key.key_state.as_str()],
            );
            continue;
        }
        let evidence = evidence![
            "key_state" => key.key_state.as_str(),
            "rotation_enabled" => key.rotation_enabled,
        ];
        match key.rotation_enabled {
            Some(true) => out.pass(subject, "automatic rotation is enabled", evidence),
            Some(false) => out.fail(subject, "automatic rotation is disabled", evidence),
            None => out.error(
                subject,
                "the rotation status of the key was not collected",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::kms::fixtures::key;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(key("phi", |_| {})),
        fail: Fixture::new().with(key("phi", |k| k.rotation_enabled = Some(false))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::kms::fixtures::key;
    use crate::testkit::*;

    #[test]
    fn scope_and_states() {
        let rows = Fixture::new()
            .with(key("on", |_| {}))
            .with(key("off", |k| k.rotation_enabled = Some(false)))
            .with(key("unknown", |k| k.rotation_enabled = None))
            .with(key("aws", |k| {
                k.key_manager = "AWS".into();
                k.rotation_enabled = None;
            }))
            .with(key("rsa", |k| {
                k.key_spec = "RSA_2048".into();
                k.rotation_enabled = None;
            }))
            .with(key("imported", |k| k.origin = "EXTERNAL".into()))
            .with(key("disabled", |k| {
                k.key_state = "Disabled".into();
                k.rotation_enabled = Some(false);
            }))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [
                Status::Pass,
                Status::Fail,
                Status::Error,
                Status::NotApplicable,
                Status::NotApplicable,
                Status::NotApplicable,
                Status::NotApplicable,
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
