use crate::prelude::*;

control! {
    /// # Requirement
    /// Every account has an IAM password policy that requires at least 14 characters, upper-
    /// and lower-case letters, numbers and symbols, prevents reuse of the last 24 passwords and
    /// expires passwords within 90 days (each figure is a threshold in `phiguard.toml`).
    ///
    /// # Rationale
    /// IAM users' console passwords guard access to PHI. HIPAA requires procedures for
    /// creating, changing and safeguarding passwords and for authenticating people before they
    /// reach ePHI. Without a policy, IAM accepts any eight-character password forever.
    ///
    /// # Evaluation
    /// Reads the account password policy (iam:GetAccountPasswordPolicy) of each account and
    /// compares `minimum_password_length`, `require_uppercase_characters`,
    /// `require_lowercase_characters`, `require_numbers`, `require_symbols`,
    /// `password_reuse_prevention` and `max_password_age` with the thresholds
    /// `password_min_length` (14), `password_reuse_prevention` (24) and
    /// `password_max_age_days` (90). Passes when every requirement is met; fails listing each
    /// one that is not, or when the account has no password policy at all.
    ///
    /// # Remediation
    /// Set a password policy that meets every requirement (and prefer IAM Identity Center,
    /// where people sign in through your identity provider, over IAM user passwords).
    ///
    /// - Console: IAM → Account settings → Password policy → Edit → Custom.
    /// - CLI: `aws iam update-account-password-policy --minimum-password-length 14 --require-uppercase-characters --require-lowercase-characters --require-numbers --require-symbols --password-reuse-prevention 24 --max-password-age 90 --allow-users-to-change-password`
    /// - Terraform: `resource "aws_iam_account_password_policy" "strict" { minimum_password_length = 14
    ///   require_uppercase_characters = true require_lowercase_characters = true
    ///   require_numbers = true require_symbols = true password_reuse_prevention = 24
    ///   max_password_age = 90 allow_users_to_change_password = true }`
    ///
    /// # References
    /// - AWS Config rule `iam-password-policy`; Prowler `iam_password_policy_minimum_length_14`, `iam_password_policy_uppercase`, `iam_password_policy_lowercase`, `iam_password_policy_number`, `iam_password_policy_symbol`, `iam_password_policy_reuse_24`; CIS AWS Foundations 1.8, 1.9
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html>
    id: "IAM-007",
    slug: "iam-password-policy-strong",
    title: "Account password policy meets the length, complexity, reuse and age requirements",
    severity: Medium,
    seed_area: MfaIam,
    shared_area: AccessManagement,
    citations: ["308(a)(4)(ii)(C)", "308(a)(5)(ii)(D)", "312(d)"],
    config_rules: ["iam-password-policy"],
    prowler_checks: [
        "iam_password_policy_minimum_length_14",
        "iam_password_policy_uppercase",
        "iam_password_policy_lowercase",
        "iam_password_policy_number",
        "iam_password_policy_symbol",
        "iam_password_policy_reuse_24",
    ],
    resource_kinds: [],
    inputs: [Regional(IamPasswordPolicy)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let t = &ctx.settings.thresholds;
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let Some(p) = &account.settings.password_policy else {
            out.fail(
                subject,
                "the account has no password policy: IAM accepts any password of 8 characters or more, forever",
                evidence!["password_policy" => Value::Null],
            );
            continue;
        };
        let mut weak = Vec::new();
        if p.minimum_password_length < t.password_min_length {
            weak.push(format!(
                "minimum length `{}` is below {}",
                p.minimum_password_length, t.password_min_length
            ));
        }
        for (required, what) in [
            (p.require_uppercase_characters, "upper-case letters"),
            (p.require_lowercase_characters, "lower-case letters"),
            (p.require_numbers, "numbers"),
            (p.require_symbols, "symbols"),
        ] {
            if !required {
                weak.push(format!("{what} are not required"));
            }
        }
        match p.password_reuse_prevention {
            Some(n) if n >= t.password_reuse_prevention => {}
            Some(n) => weak.push(format!(
                "reuse prevention remembers `{n}` passwords, fewer than {}",
                t.password_reuse_prevention
            )),
            None => weak.push("password reuse is not prevented".into()),
        }
        match p.max_password_age {
            Some(days) if days <= t.password_max_age_days => {}
            Some(days) => weak.push(format!(
                "passwords expire after `{days}` days, more than {}",
                t.password_max_age_days
            )),
            None => weak.push("passwords never expire".into()),
        }
        let evidence = evidence![
            "minimum_password_length" => p.minimum_password_length,
            "require_uppercase_characters" => p.require_uppercase_characters,
            "require_lowercase_characters" => p.require_lowercase_characters,
            "require_numbers" => p.require_numbers,
            "require_symbols" => p.require_symbols,
            "password_reuse_prevention" => p.password_reuse_prevention,
            "max_password_age" => p.max_password_age,
        ];
        if weak.is_empty() {
            out.pass(subject, "password policy meets every requirement", evidence);
        } else {
            out.fail(
                subject,
                format!("password policy is weak: {}", weak.join("; ")),
                evidence,
            );
        }
    }
}

/// A policy meeting the default thresholds.
#[cfg(test)]
fn strong() -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: 14,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        max_password_age: Some(90),
        password_reuse_prevention: Some(24),
        allow_users_to_change_password: true,
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().account(|a| a.password_policy = Some(strong())),
        fail: Fixture::new().account(|a| {
            a.password_policy = Some(PasswordPolicy {
                minimum_password_length: 8,
                ..strong()
            });
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn run(policy: Option<PasswordPolicy>) -> Vec<Row> {
        Fixture::new()
            .account(|a| a.password_policy = policy)
            .run(&CONTROL)
    }

    #[test]
    fn no_policy_fails() {
        let rows = run(None);
        assert_eq!(rows[0].status, Status::Fail);
        assert!(rows[0].reason.contains("no password policy"));
    }

    #[test]
    fn each_requirement_is_checked() {
        let weaken: [fn(&mut PasswordPolicy); 8] = [
            |p| p.minimum_password_length = 13,
            |p| p.require_symbols = false,
            |p| p.require_numbers = false,
            |p| p.require_uppercase_characters = false,
            |p| p.require_lowercase_characters = false,
            |p| p.password_reuse_prevention = Some(23),
            |p| p.password_reuse_prevention = None,
            |p| p.max_password_age = None,
        ];
        for edit in weaken {
            let mut policy = strong();
            edit(&mut policy);
            assert_eq!(
                run(Some(policy.clone()))[0].status,
                Status::Fail,
                "{policy:?}"
            );
        }
        let stricter = PasswordPolicy {
            minimum_password_length: 20,
            max_password_age: Some(60),
            ..strong()
        };
        assert_eq!(run(Some(stricter))[0].status, Status::Pass);
    }

    #[test]
    fn thresholds_come_from_settings() {
        let rows = Fixture::new()
            .account(|a| a.password_policy = Some(strong()))
            .settings(|s| s.thresholds.password_min_length = 16)
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
    }

    #[test]
    fn report() {
        let weak = PasswordPolicy {
            minimum_password_length: 8,
            require_symbols: false,
            max_password_age: Some(365),
            password_reuse_prevention: None,
            ..strong()
        };
        insta::assert_snapshot!(render(&run(Some(weak))));
    }
}
