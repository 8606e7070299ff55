use crate::prelude::*;

control! {
    /// # Requirement
    /// The root user of every account has no access keys.
    ///
    /// # Rationale
    /// A root access key is a permanent, unrestricted credential: it cannot be limited by IAM
    /// policies or permission boundaries, it is not tied to a person, and a leaked one gives
    /// full control of the account and every piece of PHI in it. HIPAA requires unique user
    /// identification and access limited to what each person's role needs; root keys defeat
    /// both.
    ///
    /// # Evaluation
    /// Reads `account_access_keys_present` from the IAM account summary of each account
    /// (iam:GetAccountSummary `AccountAccessKeysPresent`, which counts active and inactive
    /// keys). Passes when it is false; fails when root has any access key.
    ///
    /// # Remediation
    /// Delete the root access keys after moving whatever uses them to an IAM role.
    ///
    /// - Console: sign in as root → account menu → Security credentials → Access keys →
    ///   Actions → Deactivate, then Delete.
    /// - CLI: root keys can only be deleted by root itself; with root credentials configured,
    ///   `aws iam list-access-keys` then `aws iam delete-access-key --access-key-id AKIA...`.
    ///   Check with `aws iam get-account-summary --query SummaryMap.AccountAccessKeysPresent`.
    /// - Terraform: not possible for root. In AWS Organizations, centralised root access
    ///   management (`aws iam enable-organizations-root-credentials-management`) removes member
    ///   accounts' root credentials.
    ///
    /// # References
    /// - AWS Config rule `iam-root-access-key-check`; Prowler `iam_no_root_access_key`; CIS AWS Foundations 1.4
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html>
    id: "IAM-003",
    slug: "iam-root-account-no-access-keys",
    title: "Root user has no access keys",
    severity: Critical,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(1)(ii)(B)", "308(a)(3)(i)", "308(a)(3)(ii)(B)", "308(a)(4)(ii)(C)", "312(a)(2)(i)"],
    config_rules: ["iam-root-access-key-check"],
    prowler_checks: ["iam_no_root_access_key"],
    resource_kinds: [],
    inputs: [Regional(IamAccountSummary)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        match &account.settings.summary {
            Some(summary) => out.check(
                subject,
                !summary.account_access_keys_present,
                "root user has no access keys",
                "root user has access keys",
                evidence!["account_access_keys_present" => summary.account_access_keys_present],
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
        fail: Fixture::new().account(|a| a.summary = Some(summary(true, true))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn keys_and_missing_summary() {
        let rows = Fixture::new()
            .account(|a| a.summary = Some(summary(false, true)))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(rows[0].evidence, ["account_access_keys_present=true"]);
        let rows = Fixture::new().run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn report() {
        let rows = Fixture::new()
            .account(|a| a.summary = Some(summary(true, true)))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
    }
}
