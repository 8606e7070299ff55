use crate::prelude::*;

control! {
    /// # Requirement
    /// The root user of every account is protected by a hardware MFA device (a FIDO security
    /// key or a hardware TOTP token), not a virtual authenticator app.
    ///
    /// # Rationale
    /// The root user can read every piece of PHI, change every control and close the account.
    /// A virtual MFA lives on a phone or laptop that is lost, backed up to the cloud, or shared;
    /// a hardware device is a separate object that can be locked in a safe and accounted for.
    /// HIPAA requires verifying that a person seeking access is the one claimed, with a
    /// strength matching the risk, and root is the highest risk identity there is.
    ///
    /// # Evaluation
    /// Reads `account_mfa_enabled` and `root_mfa_is_virtual` from the IAM account summary of
    /// each account (`root_mfa_is_virtual` is true when a virtual MFA device is assigned to
    /// root, from iam:ListVirtualMFADevices). Passes when root has MFA and it is not virtual;
    /// fails when root has no MFA or a virtual one; `error` when the MFA type could not be
    /// determined.
    ///
    /// # Remediation
    /// Sign in as root, register a FIDO security key or hardware TOTP token, then remove the
    /// virtual MFA device.
    ///
    /// - Console: account menu → Security credentials → Multi-factor authentication → Assign
    ///   MFA device → Security key (or Hardware TOTP token); then remove the virtual device.
    /// - CLI: root MFA cannot be managed with the CLI; check the result with
    ///   `aws iam list-virtual-mfa-devices --assignment-status Assigned` (no `root-account-mfa-device`
    ///   serial should remain).
    /// - Terraform: not possible for root. In AWS Organizations, consider centralised root
    ///   access management (`aws organizations enable-aws-service-access --service-principal iam.amazonaws.com`
    ///   then `aws iam enable-organizations-root-credentials-management`) to remove member
    ///   accounts' root credentials altogether.
    ///
    /// # References
    /// - AWS Config rule `root-account-hardware-mfa-enabled`; Prowler `iam_root_hardware_mfa_enabled`; CIS AWS Foundations 1.6
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html>
    id: "IAM-002",
    slug: "iam-root-account-hardware-mfa",
    title: "Root user has a hardware MFA device",
    severity: High,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(ii)(A)", "312(d)"],
    config_rules: ["root-account-hardware-mfa-enabled"],
    prowler_checks: ["iam_root_hardware_mfa_enabled"],
    resource_kinds: [],
    inputs: [Regional(IamAccountSummary)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let Some(summary) = &account.settings.summary else {
            out.error(
                subject,
                "account summary missing from the inventory",
                evidence![],
            );
            continue;
        };
        let evidence = evidence![
            "account_mfa_enabled" => summary.account_mfa_enabled,
            "root_mfa_is_virtual" => summary.root_mfa_is_virtual,
        ];
        match (summary.account_mfa_enabled, summary.root_mfa_is_virtual) {
            (false, _) => out.fail(subject, "root user has no MFA at all", evidence),
            (true, Some(true)) => out.fail(
                subject,
                "root user's MFA is a virtual device, not hardware",
                evidence,
            ),
            (true, Some(false)) => out.pass(subject, "root user has a hardware MFA device", evidence),
            (true, None) => out.error(
                subject,
                "cannot tell whether root's MFA device is virtual or hardware (virtual MFA devices were not listed)",
                evidence,
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().account(|a| a.summary = Some(summary(true, false))),
        fail: Fixture::new().account(|a| {
            let mut s = summary(true, false);
            s.root_mfa_is_virtual = Some(true);
            a.summary = Some(s);
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(mfa: bool, is_virtual: Option<bool>) -> Vec<Row> {
        Fixture::new()
            .account(|a| {
                let mut s = summary(mfa, false);
                s.root_mfa_is_virtual = is_virtual;
                a.summary = Some(s);
            })
            .run(&CONTROL)
    }

    #[test]
    fn mfa_kinds() {
        assert_eq!(run(true, Some(false))[0].status, Status::Pass);
        assert_eq!(run(true, Some(true))[0].status, Status::Fail);
        assert_eq!(run(false, None)[0].status, Status::Fail);
        let unknown = run(true, None);
        assert_eq!(unknown[0].status, Status::Error);
        assert!(unknown[0].reason.contains("cannot tell"), "{unknown:?}");
    }

    #[test]
    fn missing_summary_is_an_error() {
        let rows = Fixture::new().run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [("AWS::::Account:111122223333", Status::Error)]
        );
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&run(true, Some(true))));
    }
}
