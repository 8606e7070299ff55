use super::*;

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn errors(text: &str) -> Vec<ConfigError> {
    match Config::parse(text, "phiguard.toml") {
        Ok((config, _)) => panic!("expected errors, got {config:?}"),
        Err(e) => e.errors,
    }
}

fn one_error(text: &str) -> ConfigError {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

fn parse_ok(text: &str) -> (Config, Vec<ConfigWarning>) {
    match Config::parse(text, "phiguard.toml") {
        Ok(ok) => ok,
        Err(e) => panic!("unexpected errors: {:#?}", e.errors),
    }
}

fn date(text: &str) -> Date {
    text.parse().unwrap()
}

#[test]
fn the_template_parses_back_to_the_defaults() {
    let (config, warnings) = parse_ok(TEMPLATE);
    assert_eq!(config, Config::default());
    assert!(warnings.is_empty(), "{warnings:?}");

    let from_template = config.to_settings(now());
    let defaults = Settings::at(now());
    assert_eq!(from_template.now, defaults.now);
    assert_eq!(from_template.phi_tags, defaults.phi_tags);
    assert_eq!(from_template.phi_accounts, defaults.phi_accounts);
    assert_eq!(from_template.phi_only, defaults.phi_only);
    assert_eq!(from_template.thresholds, defaults.thresholds);
    assert_eq!(from_template.baa_attestations, defaults.baa_attestations);
    assert_eq!(from_template.risk_assessments, defaults.risk_assessments);
    assert_eq!(
        from_template.risk_assessment_max_age_days,
        defaults.risk_assessment_max_age_days
    );
    assert_eq!(from_template.trusted_accounts, defaults.trusted_accounts);
    assert_eq!(
        from_template.severity_overrides,
        defaults.severity_overrides
    );
    assert_eq!(from_template.selection, defaults.selection);
    assert_eq!(from_template.waivers, defaults.waivers);
}

#[test]
fn the_template_documents_every_option() {
    for key in TOP_KEYS
        .iter()
        .chain(PHI_KEYS)
        .chain(SCAN_KEYS)
        .chain(CONTROLS_KEYS)
        .chain(THRESHOLD_KEYS)
        .chain(BAA_KEYS)
        .chain(RISK_ASSESSMENT_KEYS)
        .chain(RISK_KEYS)
        .chain(TRUST_KEYS)
        .chain(WAIVER_KEYS)
        .chain(CUSTOM_CONTROLS_KEYS)
    {
        assert!(TEMPLATE.contains(key), "template does not mention `{key}`");
    }
    // The commented examples are valid once uncommented.
    let uncommented: String = TEMPLATE
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.starts_with("[[") || rest.contains(" = ") => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (config, _) = parse_ok(&uncommented);
    assert_eq!(config.baa.len(), 1);
    assert_eq!(config.risk_assessments.len(), 1);
    assert_eq!(config.waivers.len(), 1);
    assert_eq!(config.severity.get("S3-006"), Some(&Severity::Low));
}

#[test]
fn an_empty_file_is_the_defaults() {
    assert_eq!(parse_ok("").0, Config::default());
    assert_eq!(parse_ok("# nothing\n\n").0, Config::default());
}

#[test]
fn every_section_is_read() {
    let text = r#"
[phi]
tags = [{ key = "Classification", values = ["ePHI"] }, { key = "Patient" }]
accounts = ["111122223333"]

[scan]
regions = ["us-east-1", "us-west-2"]
fail_on = "medium"
phi_only = true
strict = true

[controls]
enabled = ["IAM-001", "s3-bucket-versioning-enabled"]
disabled = ["S3-001"]

[controls.severity]
"iam-root-account-mfa-enabled" = "high"
"S3-007" = "LOW"

[thresholds]
access_key_max_age_days = 60
unused_credentials_days = 45
log_retention_days = 3000
rds_backup_retention_days = 14
password_min_length = 16
password_reuse_prevention = 12
password_max_age_days = 60
secret_rotation_days = 30

[risk]
max_age_days = 90

[trust]
accounts = ["444455556666"]

[[baa]]
account = "*"
attested_by = "Privacy Officer"
reference = "contracts/baa.pdf"

[[risk_assessment]]
account = "111122223333"
completed = "2026-03-01"
performed_by = "Security Officer"
reference = "risk/2026.pdf"

[[waiver]]
control = "s3-bucket-versioning-enabled"
resource = "arn:aws:s3:::logs-*"
reason = "log buckets are rebuilt from CloudTrail"
approved_by = "CISO"
expires = 2026-12-31
"#;
    let (config, warnings) = parse_ok(text);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        config.phi_tags,
        vec![
            PhiTagRule {
                key: "classification".into(),
                values: vec!["ephi".into()]
            },
            PhiTagRule {
                key: "patient".into(),
                values: vec![]
            },
        ]
    );
    assert_eq!(config.phi_accounts, vec!["111122223333"]);
    assert_eq!(config.regions, vec!["us-east-1", "us-west-2"]);
    assert_eq!(config.fail_on, FailOn::At(Severity::Medium));
    assert!(config.phi_only && config.strict);
    assert_eq!(
        config.enabled,
        vec!["IAM-001", "s3-bucket-versioning-enabled"]
    );
    assert_eq!(config.disabled, vec!["S3-001"]);
    // Overrides are keyed by id, whatever the file used.
    assert_eq!(
        config.severity,
        BTreeMap::from([
            ("IAM-001".to_string(), Severity::High),
            ("S3-007".to_string(), Severity::Low)
        ])
    );
    assert_eq!(
        config.thresholds,
        Thresholds {
            access_key_max_age_days: 60,
            unused_credentials_days: 45,
            log_retention_days: 3000,
            rds_backup_retention_days: 14,
            password_min_length: 16,
            password_reuse_prevention: 12,
            password_max_age_days: 60,
            secret_rotation_days: 30,
        }
    );
    assert_eq!(config.risk_max_age_days, 90);
    assert_eq!(config.trusted_accounts, vec!["444455556666"]);
    assert_eq!(
        config.baa,
        vec![BaaAttestation {
            account: "*".into(),
            attested_by: "Privacy Officer".into(),
            reference: "contracts/baa.pdf".into(),
            signed: None,
        }]
    );
    assert_eq!(config.risk_assessments[0].completed, date("2026-03-01"));
    let waiver = &config.waivers[0];
    assert_eq!(waiver.control, "S3-007");
    assert_eq!(waiver.expires, date("2026-12-31"));
    assert_eq!(
        waiver.line,
        Some(text[..text.find("[[waiver]]").unwrap()].lines().count() + 1)
    );

    let settings = config.to_settings(now());
    assert!(settings.phi_only);
    assert_eq!(settings.phi_accounts, vec!["111122223333"]);
    assert_eq!(settings.waivers.len(), 1);
    assert_eq!(settings.selection.disabled, vec!["S3-001"]);
    assert_eq!(settings.risk_assessment_max_age_days, 90);
    assert_eq!(settings.thresholds.log_retention_days, 3000);
}

#[test]
fn waivers_may_be_inline_tables_and_dates_strings() {
    let (config, _) = parse_ok(
        r#"waiver = [{ control = "IAM-001", resource = "*", reason = "r", approved_by = "a", expires = "2027-01-31" }]"#,
    );
    assert_eq!(config.waivers[0].expires, date("2027-01-31"));
    assert_eq!(config.waivers[0].line, Some(1));
}

#[test]
fn syntax_errors_point_at_the_problem() {
    let e = one_error("[scan]\nfail_on = \"high\n");
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!(e.line, 2);
    assert!(e.message.starts_with("invalid TOML"), "{}", e.message);
    // TOML itself rejects impossible dates.
    let e = one_error("[[waiver]]\nexpires = 2026-02-30\n");
    assert_eq!((e.kind, e.line, e.column), (ErrorKind::Syntax, 2, 11));
}

#[test]
fn unknown_keys_suggest_the_closest() {
    let e = one_error("[scan]\nfail_onn = \"high\"\n");
    assert_eq!(e.kind, ErrorKind::UnknownKey);
    assert_eq!((e.line, e.column), (2, 1));
    assert_eq!(e.message, "unknown key `fail_onn` in `[scan]`");
    assert_eq!(e.help.as_deref(), Some("did you mean `fail_on`?"));

    let e = one_error("[[waivers]]\ncontrol = \"IAM-001\"\n");
    assert_eq!(e.message, "unknown key `waivers` at the top level");
    assert_eq!(e.help.as_deref(), Some("did you mean `waiver`?"));

    let e = one_error("[thresholds]\nzzz = 1\n");
    assert!(
        e.help
            .unwrap()
            .starts_with("expected one of `access_key_max_age_days`")
    );

    let e = one_error(
        "[[waiver]]\ncontrol = \"IAM-001\"\nresource = \"*\"\nreason = \"r\"\napproved_by = \"a\"\nexpires = 2027-01-01\napprover = \"b\"\n",
    );
    assert_eq!(e.message, "unknown key `approver` in `[[waiver]]`");
    assert_eq!(e.line, 7);
}

#[test]
fn wrong_types_say_what_was_expected() {
    let e = one_error("[scan]\nregions = \"us-east-1\"\n");
    assert_eq!(e.kind, ErrorKind::WrongType);
    assert_eq!(
        e.message,
        "`scan.regions` must be an array of strings, found string"
    );
    assert_eq!((e.line, e.column), (2, 11));

    let e = one_error("[thresholds]\naccess_key_max_age_days = \"ninety\"\n");
    assert_eq!(
        e.message,
        "`thresholds.access_key_max_age_days` must be an integer, found string"
    );

    let e = one_error("[scan]\nstrict = \"yes\"\n");
    assert!(e.message.contains("must be a boolean"), "{}", e.message);

    let e = one_error("scan = 3\n");
    assert_eq!(e.message, "`scan` must be a table, found integer");

    let e = one_error("[baa]\naccount = \"*\"\n");
    assert_eq!(e.message, "`baa` must be an array of tables, found table");
    assert!(e.help.unwrap().contains("[[baa]]"));

    let e = one_error("[phi]\naccounts = [111122223333]\n");
    assert_eq!(e.kind, ErrorKind::WrongType);
    assert_eq!(
        e.message,
        "`phi.accounts[0]` must be a quoted account id, found integer"
    );
    assert!(e.help.unwrap().contains("quote"));

    let e = one_error("[controls]\nenabled = [\"IAM-001\", 7]\n");
    assert_eq!(
        e.message,
        "`controls.enabled[1]` must be a string, found integer"
    );
    assert_eq!(e.column, 23);
}

#[test]
fn missing_fields_point_at_the_entry() {
    let all = errors(
        "[[waiver]]\ncontrol = \"IAM-001\"\nresource = \"*\"\n\n[[baa]]\nattested_by = \"x\"\nreference = \"y\"\n",
    );
    let summary: Vec<(ErrorKind, usize, &str)> = all
        .iter()
        .map(|e| (e.kind, e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                ErrorKind::MissingField,
                1,
                "`waiver` entry is missing `reason`"
            ),
            (
                ErrorKind::MissingField,
                1,
                "`waiver` entry is missing `approved_by`"
            ),
            (
                ErrorKind::MissingField,
                1,
                "`waiver` entry is missing `expires`"
            ),
            (
                ErrorKind::MissingField,
                5,
                "`baa` entry is missing `account`"
            ),
        ]
    );
    assert_eq!(
        all[0].help.as_deref(),
        Some(
            "every `waiver` entry needs `control`, `resource`, `reason`, `approved_by`, `expires`"
        )
    );
}

#[test]
fn invalid_values_are_errors() {
    let e = one_error(
        "[[waiver]]\ncontrol = \"IAM-001\"\nresource = \"*\"\nreason = \"  \"\napproved_by = \"a\"\nexpires = 2027-01-01\n",
    );
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert_eq!(e.message, "`waiver.reason` must not be empty");
    assert_eq!(e.line, 4);

    let e = one_error("[thresholds]\nlog_retention_days = -5\n");
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert!(e.message.contains("outside 1..="), "{}", e.message);

    let e = one_error("[scan]\nregions = [\"\"]\n");
    assert_eq!(e.kind, ErrorKind::InvalidValue);
}

#[test]
fn unknown_controls_suggest_the_closest() {
    let e = one_error("[controls]\ndisabled = [\"IAM-01\"]\n");
    assert_eq!(e.kind, ErrorKind::UnknownControl);
    assert_eq!(
        e.message,
        "`controls.disabled` names unknown control `IAM-01`"
    );
    assert!(
        e.help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `IAM-001`?"),
        "{:?}",
        e.help
    );
    assert_eq!((e.line, e.column), (2, 13));

    let e = one_error("[controls.severity]\n\"s3-bucket-versioning-enable\" = \"low\"\n");
    assert_eq!(e.kind, ErrorKind::UnknownControl);
    assert!(e.help.unwrap().contains("`s3-bucket-versioning-enabled`"));
    assert_eq!(e.line, 2);

    let e = one_error(
        "[[waiver]]\ncontrol = \"nothing-like-any-control-at-all\"\nresource = \"*\"\nreason = \"r\"\napproved_by = \"a\"\nexpires = 2027-01-01\n",
    );
    assert_eq!(e.kind, ErrorKind::UnknownControl);
    assert!(e.help.unwrap().starts_with("`phiguard controls list`"));
}

#[test]
fn dates_and_severities_and_accounts_are_validated() {
    let waiver = |expires: &str| {
        format!(
            "[[waiver]]\ncontrol = \"IAM-001\"\nresource = \"*\"\nreason = \"r\"\napproved_by = \"a\"\nexpires = {expires}\n"
        )
    };
    let e = one_error(&waiver("\"2026-13-01\""));
    assert_eq!(e.kind, ErrorKind::InvalidDate);
    assert_eq!(e.line, 6);
    let e = one_error(&waiver("2026-12-31T10:00:00Z"));
    assert_eq!(e.kind, ErrorKind::InvalidDate);
    let e = one_error(&waiver("20261231"));
    assert_eq!(e.kind, ErrorKind::WrongType);
    assert!(e.message.contains("a date (YYYY-MM-DD)"), "{}", e.message);

    let e = one_error("[scan]\nfail_on = \"hgh\"\n");
    assert_eq!(e.kind, ErrorKind::InvalidSeverity);
    assert!(e.help.unwrap().starts_with("did you mean `high`?"));
    assert_eq!(
        parse_ok("[scan]\nfail_on = \"none\"\n").0.fail_on,
        FailOn::Never
    );

    let e = one_error("[controls.severity]\n\"IAM-001\" = \"urgent\"\n");
    assert_eq!(e.kind, ErrorKind::InvalidSeverity);

    let e = one_error("[trust]\naccounts = [\"1234\"]\n");
    assert_eq!(e.kind, ErrorKind::InvalidAccount);
    assert_eq!(
        e.message,
        "`trust.accounts[0]` is `1234`, not a 12-digit AWS account id"
    );
    // `*` is only for attestations.
    let e = one_error("[trust]\naccounts = [\"*\"]\n");
    assert_eq!(e.kind, ErrorKind::InvalidAccount);
}

#[test]
fn all_errors_are_reported_at_once_in_file_order() {
    let text = "\
[scan]
fail_onn = \"high\"
regions = \"us-east-1\"

[controls]
disabled = [\"IAM-999\"]

[controls.severity]
\"S3-007\" = \"severe\"

[[waiver]]
control = \"S3-007\"
resource = \"arn:aws:s3:::logs-*\"
reason = \"\"
expires = 2026-02-28

[phi]
accounts = [111122223333]
";
    let err = Config::parse(text, "bad.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid configuration `bad.toml`: 7 errors"
    );
    let got: Vec<(usize, ErrorKind)> = err.errors.iter().map(|e| (e.line, e.kind)).collect();
    assert_eq!(
        got,
        vec![
            (2, ErrorKind::UnknownKey),
            (3, ErrorKind::WrongType),
            (6, ErrorKind::UnknownControl),
            (9, ErrorKind::InvalidSeverity),
            (11, ErrorKind::MissingField),
            (14, ErrorKind::InvalidValue),
            (18, ErrorKind::WrongType),
        ]
    );
    // Every error has a span inside the file and its line matches the span.
    for e in &err.errors {
        assert!(e.span.offset() + e.span.len() <= text.len());
        assert_eq!(line_column(text, e.span.offset()), (e.line, e.column));
    }
    // And the diagnostic carries the source, for miette to draw.
    assert!(err.source_code().is_some());
    assert_eq!(err.related().unwrap().count(), 7);
}

#[test]
fn warnings_do_not_fail_the_load() {
    let (config, warnings) = parse_ok(
        "[controls]\nenabled = [\"IAM-001\"]\ndisabled = [\"iam-root-account-mfa-enabled\"]\n[phi]\ntags = []\n",
    );
    assert!(config.phi_tags.is_empty());
    let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
    assert_eq!(
        codes,
        vec!["phi-tags-empty", "control-enabled-and-disabled"]
    );
    assert_eq!(warnings[1].line, Some(3));
}

#[test]
fn expired_waivers_are_warnings_at_load_time() {
    let text = "\n[[waiver]]\ncontrol = \"IAM-001\"\nresource = \"*\"\nreason = \"r\"\napproved_by = \"CISO\"\nexpires = 2026-05-31\n\n[[waiver]]\ncontrol = \"IAM-001\"\nresource = \"x\"\nreason = \"r\"\napproved_by = \"CISO\"\nexpires = 2026-06-01\n";
    let (config, warnings) = parse_ok(text);
    assert!(warnings.is_empty());
    // The second applies through its expiry day.
    let expired = config.expired_waivers(now());
    assert_eq!(expired.len(), 1, "{expired:?}");
    assert_eq!(expired[0].code, "waiver-expired");
    assert_eq!(expired[0].line, Some(2));
    assert!(expired[0].message.contains("expired on 2026-05-31"));
    let located = expired[0].clone().locate(text);
    let span = located.span.unwrap();
    assert_eq!(
        &text[span.offset()..span.offset() + span.len()],
        "[[waiver]]"
    );
}

#[test]
fn positions_count_characters_not_bytes() {
    let text = "# é\nkey = 1\n";
    assert_eq!(line_column(text, 0), (1, 1));
    assert_eq!(line_column(text, text.find("key").unwrap()), (2, 1));
    assert_eq!(line_column(text, 2), (1, 3));
    assert_eq!(line_column(text, 4), (1, 4));
    assert_eq!(line_column(text, 3), (1, 3));
    assert_eq!(line_column(text, 1_000), (3, 1));
    let e = one_error("# é è\n[scan]\nfail_onn = 1 # ü\n");
    assert_eq!((e.line, e.column), (3, 1));
    let e = one_error("[scan] # é\nregions = \"é\"\n");
    assert_eq!((e.line, e.column), (2, 11));
}

#[test]
fn no_prefix_of_a_config_panics() {
    let text = format!(
        "{TEMPLATE}\n[[waiver]]\ncontrol = \"IAM-001\"\nresource = \"*\"\nreason = \"r\"\napproved_by = \"a\"\nexpires = 2027-01-01\n"
    );
    let mut ends: Vec<usize> = (0..text.len())
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    ends.push(text.len());
    for end in ends {
        let prefix = &text[..end];
        match Config::parse(prefix, "p.toml") {
            Ok(_) => {}
            Err(e) => {
                assert!(!e.errors.is_empty());
                for error in &e.errors {
                    assert!(error.span.offset() + error.span.len() <= prefix.len());
                }
            }
        }
    }
}

#[test]
fn closest_finds_typos_only() {
    assert_eq!(closest("fail_onn", SCAN_KEYS), Some("fail_on"));
    assert_eq!(closest("REGION", SCAN_KEYS), Some("regions"));
    assert_eq!(closest("zzzzzzzz", SCAN_KEYS), None);
}
