use phiguard_model::policy::{Statement, resource_matches};

use crate::prelude::*;

control! {
    /// # Requirement
    /// Every S3 bucket has a bucket policy that denies requests made without TLS (or with a
    /// TLS version older than 1.2), for every principal and every object.
    ///
    /// # Rationale
    /// S3 accepts plain HTTP as well as HTTPS. An application, script or partner tool that is
    /// misconfigured to use an `http://` endpoint would send PHI across the network in clear,
    /// open to interception and tampering. HIPAA requires transmission security and integrity
    /// controls for ePHI in transit; a Deny in the bucket policy is the one setting that makes
    /// the bucket itself refuse unencrypted traffic, whoever the caller is.
    ///
    /// # Evaluation
    /// Reads `policy` of every S3 bucket. Passes when a `Deny` statement for every principal
    /// (`"Principal": "*"` or `{"AWS": "*"}`) covers `s3:GetObject` (e.g. `s3:*`, `s3:Get*`,
    /// `*`) on every object of the bucket (`arn:aws:s3:::BUCKET/*` or a wider pattern), with a
    /// single condition that is either `Bool`/`BoolIfExists` `aws:SecureTransport` = `false`,
    /// or `NumericLessThan` `s3:TlsVersion` with a value of 1.2 or more. Both forms count; the
    /// evidence (`tls_condition`) says which one was found. A statement with further
    /// conditions narrows the deny and does not count. Fails when the bucket has no policy or
    /// no statement qualifies. Every bucket is evaluated, PHI or not.
    ///
    /// # Remediation
    /// Add a statement to the bucket policy that denies every request made without TLS.
    ///
    /// - Console: S3 → bucket → Permissions → Bucket policy → Edit → add the statement
    ///   `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
    ///   "Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],
    ///   "Condition":{"Bool":{"aws:SecureTransport":"false"}}}` → Save changes.
    /// - CLI: merge the statement into the current policy
    ///   (`aws s3api get-bucket-policy --bucket BUCKET`), then
    ///   `aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json`
    /// - Terraform: a `statement { effect = "Deny" principals { type = "*" identifiers = ["*"] }
    ///   actions = ["s3:*"] resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
    ///   condition { test = "Bool" variable = "aws:SecureTransport" values = ["false"] } }` in
    ///   the `aws_iam_policy_document` used by `aws_s3_bucket_policy`.
    /// - CloudFormation: the same statement in the `PolicyDocument` of an
    ///   `AWS::S3::BucketPolicy`.
    ///
    /// # References
    /// - AWS Config rule `s3-bucket-ssl-requests-only`; Prowler `s3_bucket_secure_transport_policy`;
    ///   CIS AWS Foundations Benchmark ("S3 bucket policy is set to deny HTTP requests")
    /// - <https://repost.aws/knowledge-center/s3-enforce-modern-tls>
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html>
    id: "S3-003",
    slug: "s3-bucket-tls-only",
    title: "S3 bucket policies deny requests without TLS",
    severity: Medium,
    seed_area: Encryption,
    shared_area: NetworkSecurity,
    citations: [
        "308(a)(1)(ii)(B)",
        "312(a)(2)(iv)",
        "312(c)(1)",
        "312(c)(2)",
        "312(e)(1)",
        "312(e)(2)(i)",
        "312(e)(2)(ii)",
    ],
    config_rules: ["s3-bucket-ssl-requests-only"],
    prowler_checks: ["s3_bucket_secure_transport_policy"],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets)],
}

/// How a statement enforces TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    /// `aws:SecureTransport` = false is denied.
    SecureTransport,
    /// `s3:TlsVersion` below 1.2 (or more) is denied.
    MinimumVersion,
}

impl Tls {
    fn describe(self) -> &'static str {
        match self {
            Tls::SecureTransport => "aws:SecureTransport = false",
            Tls::MinimumVersion => "s3:TlsVersion < 1.2",
        }
    }
}

/// The TLS condition of a statement, if its only condition is one.
fn tls_condition(statement: &Statement) -> Option<Tls> {
    let mut conditions = statement
        .condition
        .iter()
        .flat_map(|(op, keys)| keys.iter().map(move |(key, values)| (op, key, &values.0)));
    let (op, key, values) = conditions.next()?;
    if conditions.next().is_some() || values.is_empty() {
        return None;
    }
    let op = op.to_ascii_lowercase();
    if key.eq_ignore_ascii_case("aws:SecureTransport")
        && (op == "bool" || op == "boolifexists")
        && values.iter().all(|v| v.eq_ignore_ascii_case("false"))
    {
        return Some(Tls::SecureTransport);
    }
    if key.eq_ignore_ascii_case("s3:TlsVersion")
        && (op == "numericlessthan" || op == "numericlessthanifexists")
        && values
            .iter()
            .all(|v| v.trim().parse::<f64>().is_ok_and(|n| n >= 1.2))
    {
        return Some(Tls::MinimumVersion);
    }
    None
}

/// Whether a Deny statement reaches every principal and every object of the bucket.
fn covers_everyone_and_every_object(statement: &Statement, objects: &str) -> bool {
    statement.not_principal.is_none()
        && statement
            .principal
            .as_ref()
            .is_some_and(|p| p.is_wildcard())
        && statement.covers_action("s3:GetObject")
        && statement.not_resource.is_empty()
        && statement
            .resource
            .iter()
            .any(|pattern| resource_matches(pattern, objects))
}

fn label(statement: &Statement, index: usize) -> String {
    statement
        .sid
        .clone()
        .unwrap_or_else(|| format!("#{}", index + 1))
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        let Some(policy) = &bucket.policy else {
            out.fail(
                subject,
                "bucket has no policy, so requests over plain HTTP are allowed",
                evidence!["policy" => None::<&str>],
            );
            continue;
        };
        let objects = format!("{}/*", resource.arn);
        let mut found: Vec<(Tls, String)> = Vec::new();
        let mut partial: Option<String> = None;
        for (i, statement) in policy.statements.iter().enumerate() {
            if statement.effect != phiguard_model::policy::Effect::Deny {
                continue;
            }
            let Some(tls) = tls_condition(statement) else {
                continue;
            };
            if covers_everyone_and_every_object(statement, &objects) {
                found.push((tls, label(statement, i)));
            } else if partial.is_none() {
                partial = Some(label(statement, i));
            }
        }
        found.sort_by_key(|(tls, _)| *tls == Tls::MinimumVersion);
        let statements = match policy.statements.len() {
            1 => "1 statement".to_string(),
            n => format!("{n} statements"),
        };
        match found.first() {
            Some((tls, sid)) => {
                let conditions: Vec<Value<'a>> = found
                    .iter()
                    .map(|(t, _)| Value::from(t.describe()))
                    .collect();
                let what = match tls {
                    Tls::SecureTransport => "requests without TLS",
                    Tls::MinimumVersion => "requests below TLS 1.2",
                };
                out.pass(
                    subject,
                    format!(
                        "statement `{sid}` denies {what} (`{}`) to everyone",
                        tls.describe()
                    ),
                    evidence!["policy" => statements, "tls_condition" => conditions],
                );
            }
            None => {
                let reason = match &partial {
                    Some(sid) => format!(
                        "statement `{sid}` denies insecure transport, but not for every principal, action or object"
                    ),
                    None => "no policy statement denies requests without TLS or below TLS 1.2"
                        .to_string(),
                };
                out.fail(
                    subject,
                    reason,
                    evidence!["policy" => statements, "tls_condition" => None::<&str>],
                );
            }
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let policy = phiguard_model::PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny",
            "Principal":"*","Action":"s3:*",
            "Resource":["arn:aws:s3:::phi-records","arn:aws:s3:::phi-records/*"],
            "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
    )
    .ok();
    crate::control::Examples {
        pass: Fixture::new().with(s3_bucket("phi-records", |b| b.policy = policy)),
        fail: Fixture::new().with(s3_bucket("phi-records", |_| {})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn bucket_with(name: &str, statements: &str) -> Resource {
        let json = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        let policy = phiguard_model::PolicyDocument::from_json(&json).ok();
        assert!(policy.is_some(), "bad test policy {json}");
        s3_bucket(name, |b| b.policy = policy)
    }

    #[test]
    fn both_forms_count_and_evidence_says_which() {
        let rows = Fixture::new()
            .with(bucket_with(
                "secure-transport",
                r#"{"Sid":"TLS","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*",
                    "Resource":"arn:aws:s3:::secure-transport/*",
                    "Condition":{"Bool":{"aws:SecureTransport":false}}}"#,
            ))
            .with(bucket_with(
                "tls-version",
                r#"{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:PutObject"],
                    "Resource":"arn:aws:s3:::tls-version/*",
                    "Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}"#,
            ))
            .with(bucket_with(
                "both",
                r#"{"Sid":"Floor","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                    "Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}},
                   {"Sid":"Https","Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:s3:::both*",
                    "Condition":{"BoolIfExists":{"aws:SecureTransport":"False"}}}"#,
            ))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::secure-transport", Status::Pass),
                ("arn:aws:s3:::tls-version", Status::Pass),
                ("arn:aws:s3:::both", Status::Pass),
            ]
        );
        assert!(
            rows[0]
                .evidence
                .iter()
                .any(|e| e.contains("aws:SecureTransport"))
        );
        assert!(
            rows[1].reason.contains("below TLS 1.2"),
            "{}",
            rows[1].reason
        );
        assert!(rows[2].reason.contains("`Https`"), "{}", rows[2].reason);
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn near_misses_fail() {
        let rows = Fixture::new()
            .with(s3_bucket("no-policy", |_| {}))
            .with(bucket_with(
                "one-principal",
                r#"{"Sid":"Partial","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
                    "Action":"s3:*","Resource":"arn:aws:s3:::one-principal/*",
                    "Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
            ))
            .with(bucket_with(
                "prefix-only",
                r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::prefix-only/reports/*",
                    "Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
            ))
            .with(bucket_with(
                "writes-only",
                r#"{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::writes-only/*",
                    "Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
            ))
            .with(bucket_with(
                "old-floor",
                r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::old-floor/*",
                    "Condition":{"NumericLessThan":{"s3:TlsVersion":"1.1"}}}"#,
            ))
            .with(bucket_with(
                "narrowed",
                r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::narrowed/*",
                    "Condition":{"Bool":{"aws:SecureTransport":"false"},
                                 "StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}"#,
            ))
            .with(bucket_with(
                "allow-https",
                r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::allow-https/*",
                    "Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#,
            ))
            .run(&CONTROL);
        assert!(rows.iter().all(|r| r.status == Status::Fail), "{rows:#?}");
        assert_eq!(rows.len(), 7);
        assert!(rows[1].reason.contains("`Partial`"), "{}", rows[1].reason);
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unreadable_policy_is_an_error() {
        let mut bucket = s3_bucket("phi", |_| {}).tag("PHI", "Yes");
        bucket.errors.push(phiguard_model::FieldError {
            field: "policy".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(bucket).run(&CONTROL);
        assert_eq!(statuses(&rows), [("arn:aws:s3:::phi", Status::Error)]);
    }
}
