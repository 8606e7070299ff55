use crate::prelude::*;

control! {
    /// # Requirement
    /// The root user of every account has MFA enabled.
    ///
    /// # Rationale
    /// The root user can do anything in the account, including reading every piece of PHI and
    /// closing the account. A password alone is one phishing e-mail away from total loss.
    /// HIPAA requires verifying that a person seeking access is the one claimed.
    ///
    /// # Evaluation
    /// Reads `AccountMFAEnabled` from the IAM account summary of each account. Passes when it
    /// is true; fails otherwise.
    ///
    /// # Remediation
    /// Sign in as root and assign an MFA device (preferably a hardware key).
    ///
    /// - Console: account menu → Security credentials → Multi-factor authentication → Assign MFA device.
    /// - CLI: not possible for root; use the console.
    /// - Terraform: not possible for root; use the console. In AWS Organizations, consider
    ///   centralised root access management to remove member-account root credentials.
    ///
    /// # References
    /// - AWS Config rule `root-account-mfa-enabled`; CIS AWS Foundations 1.5
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html>
    id: "IAM-001",
    slug: "iam-root-account-mfa-enabled",
    title: "Root user has MFA enabled",
    severity: Critical,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(ii)(A)", "312(d)"],
    config_rules: ["root-account-mfa-enabled"],
    prowler_checks: ["iam_root_mfa_enabled"],
    resource_kinds: [],
    inputs: [Regional(IamAccountSummary)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        match &account.settings.summary {
            Some(summary) => out.check(
                subject,
                summary.account_mfa_enabled,
                "root user has MFA enabled",
                "root user has no MFA",
                evidence!["account_mfa_enabled" => summary.account_mfa_enabled],
            ),
            None => out.error(
                subject,
                "account summary missing from the inventory",
                evidence![],
            ),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().account(|a| a.summary = Some(summary(true, false))),
        fail: Fixture::new().account(|a| a.summary = Some(summary(false, false))),
    }
}
