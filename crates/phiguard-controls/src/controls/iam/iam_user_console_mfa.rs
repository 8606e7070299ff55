use crate::controls::iam::for_each_user;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every IAM user with a console password has an active MFA device.
    ///
    /// # Rationale
    /// A console password alone falls to phishing, reuse and guessing; with it, an attacker
    /// gets the user's access to PHI. HIPAA requires verifying that a person seeking access to
    /// ePHI is the one claimed (person or entity authentication) and access controls on the
    /// systems that hold it. MFA is the baseline for that verification.
    ///
    /// # Evaluation
    /// Reads `password_enabled` and `mfa_active` of every IAM user row of each account's
    /// credential report (the root row is IAM-001's). Passes when a user with a password has
    /// MFA; fails when a user with a password has none; not applicable for users without a
    /// console password (access-key-only users). Evaluations are marked PHI when the account
    /// holds PHI.
    ///
    /// # Remediation
    /// Have each console user assign an MFA device (preferably a FIDO security key), and
    /// enforce it with a policy that denies everything but MFA self-service until MFA is
    /// present; better, move people to IAM Identity Center with MFA required.
    ///
    /// - Console: IAM → Users → user → Security credentials → Multi-factor authentication →
    ///   Assign MFA device.
    /// - CLI: `aws iam create-virtual-mfa-device --virtual-mfa-device-name alice --outfile qr.png --bootstrap-method QRCodePNG`
    ///   then `aws iam enable-mfa-device --user-name alice --serial-number arn:aws:iam::111122223333:mfa/alice --authentication-code1 CODE1 --authentication-code2 CODE2`;
    ///   or remove an unneeded password with `aws iam delete-login-profile --user-name alice`.
    /// - Terraform: `aws_iam_virtual_mfa_device` for the device, and an `aws_iam_group_policy`
    ///   that denies `NotAction` (MFA self-service actions) when `aws:MultiFactorAuthPresent`
    ///   is false.
    ///
    /// # References
    /// - AWS Config rule `mfa-enabled-for-iam-console-access`; Prowler `iam_user_mfa_enabled_console_access`; CIS AWS Foundations 1.10
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html>
    id: "IAM-004",
    slug: "iam-user-console-mfa",
    title: "IAM users with a console password have MFA",
    severity: High,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(3)(ii)(A)", "312(a)(1)", "312(d)"],
    config_rules: ["mfa-enabled-for-iam-console-access", "iam-user-mfa-enabled"],
    prowler_checks: ["iam_user_mfa_enabled_console_access"],
    resource_kinds: [],
    inputs: [Regional(IamCredentialReport)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for_each_user(ctx, out, |subject, row, out| {
        let evidence = evidence![
            "password_enabled" => row.password_enabled,
            "mfa_active" => row.mfa_active,
        ];
        if !row.password_enabled {
            out.not_applicable(subject, "user has no console password", evidence);
        } else if row.mfa_active {
            out.pass(subject, "console user has MFA", evidence);
        } else {
            out.fail(
                subject,
                format!("user `{}` signs in to the console without MFA", row.user),
                evidence,
            );
        }
    });
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    let console = |mfa: bool| {
        row("alice", move |r| {
            r.password_enabled = true;
            r.mfa_active = mfa;
        })
    };
    crate::control::Examples {
        pass: Fixture::new().account(|a| a.credential_report = vec![root(|_| {}), console(true)]),
        fail: Fixture::new().account(|a| a.credential_report = vec![root(|_| {}), console(false)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    fn fixture() -> Fixture {
        Fixture::new().account(|a| {
            a.credential_report = vec![
                // Root without MFA is IAM-001's business, not this control's.
                root(|r| r.mfa_active = false),
                row("alice", |r| {
                    r.password_enabled = true;
                    r.mfa_active = true;
                }),
                row("bob", |r| r.password_enabled = true),
                row("ci-deployer", |_| {}),
            ];
        })
    }

    #[test]
    fn users_by_password_and_mfa() {
        let rows = fixture().run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:iam::111122223333:user/alice", Status::Pass),
                ("arn:aws:iam::111122223333:user/bob", Status::Fail),
                (
                    "arn:aws:iam::111122223333:user/ci-deployer",
                    Status::NotApplicable
                ),
            ]
        );
    }

    #[test]
    fn empty_report_is_an_error_and_no_users_is_not_applicable() {
        let rows = Fixture::new().run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
        let rows = Fixture::new()
            .account(|a| a.credential_report = vec![root(|_| {})])
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [("AWS::::Account:111122223333", Status::NotApplicable)]
        );
    }

    #[test]
    fn phi_account_marks_users_phi() {
        let rows = fixture()
            .settings(|s| s.phi_accounts = vec![ACCOUNT.into()])
            .run(&CONTROL);
        assert!(rows.iter().all(|r| r.phi), "{rows:?}");
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&fixture().run(&CONTROL)));
    }
}
