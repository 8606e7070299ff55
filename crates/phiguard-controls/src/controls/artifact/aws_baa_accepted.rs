use crate::prelude::*;
use phiguard_model::records::AgreementRecord;
use phiguard_model::{Evidence, Records};

control! {
    /// # Requirement
    /// Every scanned account is covered by a Business Associate Addendum (BAA) with AWS:
    /// accepted in AWS Artifact for the account or for its organisation, or signed outside
    /// Artifact and recorded in the BAA register (`phiguard baa`, read with `scan --db`) or in
    /// `phiguard.toml`.
    ///
    /// # Rationale
    /// AWS is a business associate of any covered entity (or business associate) that puts
    /// PHI in AWS. HIPAA allows that only under a written contract that binds the business
    /// associate to safeguard the PHI. Without a BAA, storing or processing PHI in the account
    /// is itself a violation, whatever the technical controls. AWS's BAA covers only the
    /// accounts it is accepted for.
    ///
    /// # Evaluation
    /// Reads `artifact_agreements` of each account (artifact:ListCustomerAgreements: `name`,
    /// `state`, `scope`, `effective_start`, `effective_end`). Passes when an agreement named as
    /// a Business Associate Addendum is active, for the account or the organisation (evidence
    /// `source=aws_artifact`). Otherwise, with a records database (`phiguard scan --db`),
    /// passes when the BAA register holds a BAA with Amazon Web Services (by name, or synced
    /// from Artifact) that is in effect on the scan date and lists the account among its
    /// covered accounts (evidence `source=records` with the agreement id). Otherwise passes on
    /// an attestation in `phiguard.toml` (`[[baa]]` with the account id or `*`, `attested_by`,
    /// `reference`, `signed`). Passes from the register or the configuration rest on those
    /// records, not on collected data, and say so. Otherwise fails when a BAA exists in
    /// Artifact or in the register but is no longer in effect (terminated, expired);
    /// otherwise `manual`: someone must find the BAA and record it. A records database that
    /// cannot be read makes the account `error` unless Artifact already shows an active BAA.
    /// Every scanned account is evaluated, PHI-tagged or not, because PHI scope is only as
    /// good as its tags. Never passes without one of the three.
    ///
    /// # Remediation
    /// Accept the AWS BAA in AWS Artifact for the account (or, from the management account,
    /// for the whole organisation), or record a negotiated BAA in the BAA register (or in
    /// `phiguard.toml`).
    ///
    /// - Console: AWS Artifact → Agreements → Organization agreements (management account) or
    ///   Account agreements → AWS Business Associate Addendum → Accept.
    /// - CLI: check with `aws artifact list-customer-agreements --query "customerAgreements[].[name,state,organizationArn]"`;
    ///   acceptance itself is done in the console (`aws artifact list-agreements` shows what is
    ///   on offer). Record it in the register with
    ///   `phiguard baa sync --inventory inventory.json` (from a scan's Artifact data) or
    ///   `phiguard baa add --counterparty "Amazon Web Services" --account 111122223333 --effective 2024-03-01`,
    ///   then scan with `--db`.
    /// - Terraform: acceptance is not available as a resource; record a paper BAA in
    ///   `phiguard.toml` instead:
    ///   `[[baa]] account = "111122223333" attested_by = "Privacy Officer" reference = "contracts/aws-baa-2024.pdf" signed = 2024-03-01`.
    ///
    /// # References
    /// - 45 CFR 164.308(b)(1), 164.314(a); AWS "HIPAA compliance" and "Accepting an agreement with AWS Artifact"
    /// - <https://docs.aws.amazon.com/artifact/latest/ug/managing-agreements.html>
    /// - <https://aws.amazon.com/compliance/hipaa-compliance/>
    id: "ARTIFACT-001",
    slug: "aws-baa-accepted",
    title: "A Business Associate Addendum with AWS covers the account",
    severity: Critical,
    seed_area: Baa,
    shared_area: Governance,
    citations: ["308(b)(1)", "314(a)(1)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [],
    inputs: [Regional(ArtifactAgreements)],
}

/// Whether an agreement is a BAA (active or not): the name test of `is_active_baa`.
fn names_a_baa(agreement: &ArtifactAgreement) -> bool {
    let name = agreement.name.to_ascii_lowercase();
    name.contains("business associate") || name.contains("baa")
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let records = ctx.settings.records.snapshot();
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let agreements = &account.settings.artifact_agreements;
        if let Some(baa) = agreements.iter().find(|a| a.is_active_baa()) {
            out.pass(
                subject,
                format!(
                    "`{}` is active in AWS Artifact ({} scope)",
                    baa.name, baa.scope
                ),
                evidence![
                    "source" => "aws_artifact",
                    "name" => &baa.name,
                    "state" => &baa.state,
                    "scope" => &baa.scope,
                    "effective_start" => baa.effective_start,
                ],
            );
            continue;
        }
        let register: Vec<&'a AgreementRecord> = records
            .map(|r| {
                r.agreements
                    .iter()
                    .filter(|a| a.is_baa && a.is_aws && a.covered_accounts.contains(&account.id))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(baa) = register.iter().find(|a| a.in_effect) {
            out.attested(
                subject,
                format!(
                    "{} with {} in the BAA register covers the account ({}{})",
                    baa.id,
                    baa.counterparty,
                    baa.status,
                    baa.effective
                        .map(|d| format!(" since {d}"))
                        .unwrap_or_default()
                ),
                register_evidence(baa),
            );
            continue;
        }
        let attestation = ctx
            .settings
            .baa_attestations
            .iter()
            .find(|b| b.account == account.id)
            .or_else(|| {
                ctx.settings
                    .baa_attestations
                    .iter()
                    .find(|b| b.account == "*")
            });
        if let Some(attested) = attestation {
            out.attested(
                subject,
                format!(
                    "BAA attested in phiguard.toml by `{}` (reference `{}`); AWS Artifact shows no active BAA",
                    attested.attested_by, attested.reference
                ),
                evidence![
                    "source" => "phiguard.toml",
                    "attested_by" => &attested.attested_by,
                    "reference" => &attested.reference,
                    "signed" => attested.signed.map(|d| d.to_string()),
                    "attestation_account" => &attested.account,
                ],
            );
            continue;
        }
        if let Some(ended) = agreements.iter().find(|a| names_a_baa(a)) {
            let when = ended
                .effective_end
                .map(|t| format!(", ended {}", t.strftime("%Y-%m-%d")))
                .unwrap_or_default();
            out.fail(
                subject,
                format!(
                    "`{}` in AWS Artifact is `{}`{when}: the account has no BAA in force",
                    ended.name, ended.state
                ),
                evidence![
                    "source" => "aws_artifact",
                    "name" => &ended.name,
                    "state" => &ended.state,
                    "scope" => &ended.scope,
                    "effective_end" => ended.effective_end,
                ],
            );
            continue;
        }
        if let Some(ended) = register.first() {
            out.fail(
                subject,
                format!(
                    "{} with {} in the BAA register is not in effect ({}{}): the account has no BAA in force",
                    ended.id,
                    ended.counterparty,
                    ended.status,
                    ended
                        .terminated
                        .or(ended.expires)
                        .map(|d| format!(", ended {d}"))
                        .unwrap_or_default()
                ),
                register_evidence(ended),
            );
            continue;
        }
        match &ctx.settings.records {
            Records::Unreadable { .. } => out.error(
                subject,
                format!(
                    "not evaluated: no active BAA in AWS Artifact, and {}",
                    ctx.settings.records.missing_reason().unwrap_or_default()
                ),
                evidence![],
            ),
            Records::NotGiven => out.manual(
                subject,
                "no BAA found in AWS Artifact and no attestation in phiguard.toml (no records database given: use --db to read the BAA register)",
                evidence!["artifact_agreements" => list(agreements)],
            ),
            Records::Loaded(_) => out.manual(
                subject,
                "no BAA found in AWS Artifact, the BAA register or phiguard.toml",
                evidence!["artifact_agreements" => list(agreements)],
            ),
        }
    }
}

fn register_evidence(baa: &AgreementRecord) -> Evidence<'_> {
    evidence![
        "source" => "records",
        "agreement" => &baa.id,
        "counterparty" => &baa.counterparty,
        "status" => &baa.status,
        "in_effect" => baa.in_effect,
        "effective" => baa.effective.map(|d| d.to_string()),
        "expires" => baa.expires.map(|d| d.to_string()),
        "covered_accounts" => &baa.covered_accounts,
    ]
}

fn list<'a>(agreements: &'a [ArtifactAgreement]) -> Value<'a> {
    Value::List(
        agreements
            .iter()
            .map(|a| Value::from(format!("{} ({})", a.name, a.state)))
            .collect(),
    )
}

#[cfg(test)]
fn agreement(name: &str, state: &str, scope: &str) -> ArtifactAgreement {
    ArtifactAgreement {
        name: name.into(),
        agreement_type: "DEFAULT".into(),
        state: state.into(),
        scope: scope.into(),
        effective_start: Some(crate::testkit::ts("2024-03-01T00:00:00Z")),
        effective_end: None,
    }
}

#[cfg(test)]
const BAA: &str = "AWS Business Associate Addendum";

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .account(|a| a.artifact_agreements = vec![agreement(BAA, "ACTIVE", "organization")]),
        fail: Fixture::new().account(|a| {
            let mut ended = agreement(BAA, "INACTIVE", "account");
            ended.effective_end = Some(ts("2026-01-31T00:00:00Z"));
            a.artifact_agreements = vec![ended];
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::BaaAttestation;
    use crate::testkit::*;
    use phiguard_model::{CoverageState, DataSource};

    fn paper(account: &str) -> BaaAttestation {
        BaaAttestation {
            account: account.into(),
            attested_by: "Privacy Officer".into(),
            reference: "contracts/aws-baa.pdf".into(),
            signed: Some(jiff::civil::date(2024, 3, 1)),
        }
    }

    #[test]
    fn nothing_found_is_manual_never_pass() {
        let rows = Fixture::new()
            .account(|a| {
                a.artifact_agreements = vec![agreement(
                    "AWS Nondisclosure Agreement",
                    "ACTIVE",
                    "account",
                )];
            })
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Manual);
        assert_eq!(
            rows[0].reason,
            "no BAA found in AWS Artifact and no attestation in phiguard.toml (no records database given: use --db to read the BAA register)"
        );
    }

    #[test]
    fn attestation_passes_even_when_artifact_is_unreadable() {
        for account in [ACCOUNT, "*"] {
            let rows = Fixture::new()
                .deny(DataSource::ArtifactAgreements)
                .settings(|s| s.baa_attestations = vec![paper(account)])
                .run(&CONTROL);
            assert_eq!(rows[0].status, Status::Pass, "{rows:#?}");
            // The engine still reports the unreadable source, as an account-level gap.
            assert!(
                rows[1..]
                    .iter()
                    .all(|r| r.status == Status::Error && r.reason.contains("artifact_agreements")),
                "{rows:#?}"
            );
            assert!(
                rows[0]
                    .evidence
                    .contains(&r#"attested_by="Privacy Officer""#.to_string())
            );
        }
    }

    #[test]
    fn attestation_for_another_account_does_not_count() {
        let rows = Fixture::new()
            .settings(|s| s.baa_attestations = vec![paper(OTHER_ACCOUNT)])
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Manual);
    }

    #[test]
    fn attestation_outranks_a_terminated_baa() {
        let rows = Fixture::new()
            .account(|a| a.artifact_agreements = vec![agreement(BAA, "INACTIVE", "account")])
            .settings(|s| s.baa_attestations = vec![paper("*")])
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass);
    }

    #[test]
    fn unreadable_artifact_without_attestation_is_an_error() {
        let rows = Fixture::new()
            .coverage(
                DataSource::ArtifactAgreements,
                phiguard_model::GLOBAL,
                CoverageState::NotEnabled {
                    reason: "an AWS Config snapshot has no Artifact agreements".into(),
                },
            )
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn the_register_passes_with_its_agreement_as_evidence() {
        use crate::controls::records::testing::*;
        let mut s = snapshot();
        s.agreements = vec![aws_baa("BAA-0002", true)];
        let rows = Fixture::new()
            .deny(DataSource::ArtifactAgreements)
            .settings(|x| x.records = loaded(s.clone()))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass, "{rows:#?}");
        assert!(
            rows[0]
                .evidence
                .contains(&r#"source="records""#.to_string())
        );
        assert!(
            rows[0]
                .evidence
                .contains(&r#"agreement="BAA-0002""#.to_string())
        );
        // Another account's BAA, or an ended one, does not cover it.
        let mut other = aws_baa("BAA-0003", true);
        other.covered_accounts = vec![OTHER_ACCOUNT.into()];
        s.agreements = vec![other, aws_baa("BAA-0004", false)];
        let rows = Fixture::new()
            .settings(|x| x.records = loaded(s.clone()))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail, "{rows:#?}");
        assert!(rows[0].reason.starts_with("BAA-0004 with Amazon Web Services in the BAA register is not in effect (terminated, ended 2026-01-31)"), "{rows:#?}");
        // A vendor BAA is not a BAA with AWS.
        s.agreements = vec![vendor_baa("BAA-0005", "VEN-0001")];
        let rows = Fixture::new()
            .settings(|x| x.records = loaded(s))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Manual);
        assert_eq!(
            rows[0].reason,
            "no BAA found in AWS Artifact, the BAA register or phiguard.toml"
        );
    }

    #[test]
    fn an_unreadable_register_is_an_error_unless_artifact_shows_the_baa() {
        use crate::controls::records::testing::*;
        let rows = Fixture::new()
            .settings(|x| x.records = unreadable())
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
        assert!(rows[0].reason.contains("could not be read"), "{rows:#?}");
        let rows = examples()
            .pass
            .settings(|x| x.records = unreadable())
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass);
        assert!(
            rows[0]
                .evidence
                .contains(&r#"source="aws_artifact""#.to_string())
        );
    }

    #[test]
    fn report() {
        let mut rows = examples().fail.run(&CONTROL);
        rows.extend(examples().pass.run(&CONTROL));
        rows.extend(
            Fixture::new()
                .settings(|s| s.baa_attestations = vec![paper("*")])
                .run(&CONTROL),
        );
        rows.extend(Fixture::new().run(&CONTROL));
        let mut records = crate::controls::records::testing::snapshot();
        records.agreements = vec![crate::controls::records::testing::aws_baa("BAA-0002", true)];
        rows.extend(
            Fixture::new()
                .settings(|s| s.records = crate::controls::records::testing::loaded(records))
                .run(&CONTROL),
        );
        insta::assert_snapshot!(render(&rows));
    }
}
