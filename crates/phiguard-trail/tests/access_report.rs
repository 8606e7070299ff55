//! PHI access report over synthetic S3, DynamoDB and KMS events (fictional accounts, roles
//! and object keys) and over real management events from the invictus-ir dataset.
#![expect(
    clippy::unwrap_used,
    clippy::too_many_arguments,
    reason = "test fixture helpers fail the test by panicking; one helper builds an S3 event from its fields"
)]

use std::io::Read as _;
use std::path::Path;

use phiguard_model::kinds::{DynamodbTable, KmsKey, S3Bucket};
use phiguard_model::{
    Account, Inventory, PhiTags, Resource, ResourceKind, SCHEMA_VERSION, Source, SourceKind,
};
use phiguard_trail::Event;
use phiguard_trail::access::{
    AccessKind, AccessOptions, AccessReport, KeyRedaction, PhiScope, access_report,
    principals_to_csv, resources_to_csv, to_csv, to_html, to_json,
};

const ACCOUNT: &str = "111122223333";

fn inventory(resources: Vec<Resource>) -> Inventory {
    Inventory {
        schema_version: SCHEMA_VERSION,
        generated_at: "2026-01-06T00:00:00Z".parse().unwrap(),
        source: Source {
            kind: SourceKind::Synthetic,
            description: String::new(),
        },
        accounts: vec![Account {
            id: ACCOUNT.into(),
            name: None,
            regions: vec!["us-east-1".into()],
            settings: Default::default(),
        }],
        coverage: vec![],
        resources,
    }
}

fn healthcare_inventory() -> Inventory {
    inventory(vec![
        Resource::new(
            "arn:aws:s3:::example-phi-records",
            ACCOUNT,
            "us-east-1",
            S3Bucket::default(),
        )
        .named("example-phi-records")
        .tag("PHI", "Yes"),
        Resource::new(
            "arn:aws:s3:::example-public-assets",
            ACCOUNT,
            "us-east-1",
            S3Bucket::default(),
        )
        .named("example-public-assets")
        .tag("PHI", "No"),
        Resource::new(
            format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/example-patients"),
            ACCOUNT,
            "us-east-1",
            DynamodbTable::default(),
        )
        .named("example-patients")
        .tag("DataSensitivity", "PHI"),
        Resource::new(
            format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/00000000-1111-2222-3333-444444444444"),
            ACCOUNT,
            "us-east-1",
            KmsKey {
                key_manager: "CUSTOMER".into(),
                key_state: "Enabled".into(),
                key_spec: "SYMMETRIC_DEFAULT".into(),
                key_usage: "ENCRYPT_DECRYPT".into(),
                origin: "AWS_KMS".into(),
                rotation_enabled: Some(true),
                deletion_date: None,
                aliases: vec!["alias/example-phi".into()],
            },
        )
        .tag("PHI", "true"),
    ])
}

const ROLE: &str = r#"{"type":"AssumedRole","principalId":"AROAEXAMPLEROLE:clinician-session-1","arn":"arn:aws:sts::111122223333:assumed-role/example-clinician-role/clinician-session-1","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEKEY","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEROLE","arn":"arn:aws:iam::111122223333:role/example-clinician-role","accountId":"111122223333","userName":"example-clinician-role"},"attributes":{"creationDate":"2026-01-05T08:55:00Z","mfaAuthenticated":"false"}}}"#;
const INGEST: &str = r#"{"type":"IAMUser","principalId":"AIDAEXAMPLEINGEST","arn":"arn:aws:iam::111122223333:user/example-ingest","accountId":"111122223333","accessKeyId":"AKIAEXAMPLEINGEST","userName":"example-ingest"}"#;
const OUTSIDER: &str = r#"{"type":"IAMUser","principalId":"AIDAEXAMPLEOUTSIDER","arn":"arn:aws:iam::444455556666:user/example-outsider","accountId":"444455556666","accessKeyId":"AKIAEXAMPLEOUTSIDER","userName":"example-outsider"}"#;

fn s3_event(
    id: &str,
    time: &str,
    name: &str,
    identity: &str,
    ip: &str,
    agent: &str,
    bucket: &str,
    key: Option<&str>,
    extra: &str,
) -> String {
    let key_param = key
        .map(|k| format!(r#","key":{}"#, serde_json::json!(k)))
        .unwrap_or_default();
    let object = key
        .map(|k| {
            format!(
                r#"{{"type":"AWS::S3::Object","ARN":{}}},"#,
                serde_json::json!(format!("arn:aws:s3:::{bucket}/{k}"))
            )
        })
        .unwrap_or_default();
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{identity},"eventTime":"{time}","eventSource":"s3.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userAgent":{},"requestParameters":{{"bucketName":"{bucket}","Host":"{bucket}.s3.us-east-1.amazonaws.com"{key_param}{extra}}},"responseElements":null,"additionalEventData":{{"bytesTransferredOut":1024}},"requestID":"REQ{id}","eventID":"{id}","readOnly":true,"resources":[{object}{{"accountId":"{ACCOUNT}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::{bucket}"}}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"{ACCOUNT}","eventCategory":"Data"}}"#,
        serde_json::json!(agent)
    )
}

fn synthetic_events() -> String {
    let mut events = vec![
        s3_event(
            "e01",
            "2026-01-05T09:00:00Z",
            "GetObject",
            ROLE,
            "198.51.100.7",
            "[aws-sdk-java/2.20.0]",
            "example-phi-records",
            Some("patients/record-0001.json"),
            "",
        ),
        s3_event(
            "e02",
            "2026-01-05T09:05:00Z",
            "PutObject",
            INGEST,
            "192.0.2.20",
            "aws-cli/2.15.0",
            "example-phi-records",
            Some("patients/record-0002.json"),
            "",
        ),
        s3_event(
            "e03",
            "2026-01-05T10:00:00Z",
            "DeleteObject",
            ROLE,
            "198.51.100.7",
            "[aws-sdk-java/2.20.0]",
            "example-phi-records",
            Some("patients/record-0001.json"),
            "",
        ),
        s3_event(
            "e04",
            "2026-01-05T10:30:00Z",
            "GetObject",
            OUTSIDER,
            "203.0.113.9",
            "=HYPERLINK(\"http://example.invalid\",\"x\")",
            "example-phi-records",
            Some("patients/<script>alert(1)</script>.json"),
            "",
        )
        .replace(
            r#""responseElements":null"#,
            r#""errorCode":"AccessDenied","errorMessage":"Access Denied","responseElements":null"#,
        ),
        s3_event(
            "e05",
            "2026-01-05T11:00:00Z",
            "GetObject",
            ROLE,
            "198.51.100.7",
            "[aws-sdk-java/2.20.0]",
            "example-public-assets",
            Some("logo.png"),
            "",
        ),
        s3_event(
            "e06",
            "2026-01-05T11:30:00Z",
            "CopyObject",
            INGEST,
            "192.0.2.20",
            "aws-cli/2.15.0",
            "example-public-assets",
            Some("exports/copy.json"),
            r#","x-amz-copy-source":"example-phi-records/patients/record-0002.json""#,
        ),
        s3_event(
            "e07",
            "2026-01-05T12:00:00Z",
            "ListObjectsV2",
            ROLE,
            "198.51.100.8",
            "[aws-sdk-java/2.20.0]",
            "example-phi-records",
            None,
            r#","prefix":"patients/""#,
        ),
        // The same event delivered twice (organisation and account trails).
        s3_event(
            "e01",
            "2026-01-05T09:00:00Z",
            "GetObject",
            ROLE,
            "198.51.100.7",
            "[aws-sdk-java/2.20.0]",
            "example-phi-records",
            Some("patients/record-0001.json"),
            "",
        ),
    ];
    events.push(format!(
        r#"{{"eventVersion":"1.08","userIdentity":{ROLE},"eventTime":"2026-01-05T12:10:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"GetItem","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-sdk-java/2.20.0","requestParameters":{{"tableName":"example-patients","key":{{"id":{{"S":"fictional-0001"}}}}}},"responseElements":null,"eventID":"e08","readOnly":true,"resources":[{{"accountId":"{ACCOUNT}","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/example-patients"}}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"{ACCOUNT}","eventCategory":"Data"}}"#
    ));
    events.push(format!(
        r#"{{"eventVersion":"1.08","userIdentity":{INGEST},"eventTime":"2026-01-05T12:20:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"BatchWriteItem","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.20","userAgent":"aws-cli/2.15.0","requestParameters":{{"requestItems":{{"example-patients":[{{"putRequest":{{}}}}]}}}},"responseElements":null,"eventID":"e09","readOnly":false,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"{ACCOUNT}","eventCategory":"Data"}}"#
    ));
    events.push(format!(
        r#"{{"eventVersion":"1.08","userIdentity":{ROLE},"eventTime":"2026-01-05T09:00:00Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt","awsRegion":"us-east-1","sourceIPAddress":"s3.amazonaws.com","userAgent":"s3.amazonaws.com","requestParameters":{{"encryptionAlgorithm":"SYMMETRIC_DEFAULT"}},"responseElements":null,"eventID":"e10","readOnly":true,"resources":[{{"accountId":"{ACCOUNT}","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-east-1:{ACCOUNT}:key/00000000-1111-2222-3333-444444444444"}}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{ACCOUNT}","eventCategory":"Management"}}"#
    ));
    events.push(format!(
        r#"{{"eventVersion":"1.08","userIdentity":{INGEST},"eventTime":"2026-01-05T13:00:00Z","eventSource":"kms.amazonaws.com","eventName":"GenerateDataKey","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.20","userAgent":"aws-cli/2.15.0","requestParameters":{{"keyId":"alias/example-phi","keySpec":"AES_256"}},"responseElements":null,"eventID":"e11","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{ACCOUNT}","eventCategory":"Management"}}"#
    ));
    events.push(format!(
        r#"{{"eventVersion":"1.08","userIdentity":{INGEST},"eventTime":"2026-01-05T14:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.20","userAgent":"aws-cli/2.15.0","requestParameters":{{"bucketName":"example-phi-records","bucketPolicy":{{}}}},"responseElements":null,"eventID":"e12","readOnly":false,"resources":[{{"accountId":"{ACCOUNT}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::example-phi-records"}}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{ACCOUNT}","eventCategory":"Management"}}"#
    ));
    format!("[{}]", events.join(",\n"))
}

fn report(text: &str, options: AccessOptions) -> AccessReport {
    let events: Vec<Event<'_>> = serde_json::from_str(text).unwrap();
    let scope = PhiScope::from_inventory(&healthcare_inventory(), &PhiTags::default());
    access_report(
        &scope,
        options,
        events.into_iter().map(|e| (e, "synthetic/events.json")),
    )
}

#[test]
fn lists_every_access_to_phi_and_nothing_else() {
    let text = synthetic_events();
    let report = report(&text, AccessOptions::default());
    let rows: Vec<(&str, &str, AccessKind, &str, Option<&str>)> = report
        .accesses
        .iter()
        .map(|a| {
            (
                a.event_id.as_deref().unwrap(),
                a.operation.as_str(),
                a.kind,
                a.resource_name.as_str(),
                a.object_key.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "e01",
                "GetObject",
                AccessKind::Read,
                "example-phi-records",
                Some("patients/record-0001.json")
            ),
            (
                "e10",
                "Decrypt",
                AccessKind::Read,
                "00000000-1111-2222-3333-444444444444",
                None
            ),
            (
                "e02",
                "PutObject",
                AccessKind::Write,
                "example-phi-records",
                Some("patients/record-0002.json")
            ),
            (
                "e03",
                "DeleteObject",
                AccessKind::Delete,
                "example-phi-records",
                Some("patients/record-0001.json")
            ),
            (
                "e04",
                "GetObject",
                AccessKind::Read,
                "example-phi-records",
                Some("patients/<script>alert(1)</script>.json")
            ),
            (
                "e06",
                "CopyObject",
                AccessKind::Read,
                "example-phi-records",
                Some("patients/record-0002.json")
            ),
            (
                "e07",
                "ListObjectsV2",
                AccessKind::List,
                "example-phi-records",
                None
            ),
            ("e08", "GetItem", AccessKind::Read, "example-patients", None),
            (
                "e09",
                "BatchWriteItem",
                AccessKind::Write,
                "example-patients",
                None
            ),
            (
                "e11",
                "GenerateDataKey",
                AccessKind::Write,
                "00000000-1111-2222-3333-444444444444",
                None
            ),
            (
                "e12",
                "PutBucketPolicy",
                AccessKind::Manage,
                "example-phi-records",
                None
            ),
        ]
    );
    let role = &report.accesses[0];
    assert_eq!(
        role.session_issuer.as_deref(),
        Some("arn:aws:iam::111122223333:role/example-clinician-role")
    );
    assert_eq!(role.session_name.as_deref(), Some("clinician-session-1"));
    assert_eq!(
        report.accesses[4].error_code.as_deref(),
        Some("AccessDenied")
    );
    assert_eq!(report.events_seen, 13);
    assert_eq!(report.data_events_seen, 10);
    assert!(report.notes.is_empty(), "{:?}", report.notes);

    let bucket = report
        .by_resource
        .iter()
        .find(|r| r.resource == "arn:aws:s3:::example-phi-records")
        .unwrap();
    assert_eq!(bucket.resource_kind, ResourceKind::S3Bucket);
    assert_eq!(
        (
            bucket.counts.total,
            bucket.counts.read,
            bucket.counts.write,
            bucket.counts.delete
        ),
        (7, 3, 1, 1)
    );
    assert_eq!((bucket.counts.failed, bucket.counts.denied), (1, 1));
    assert_eq!(bucket.principals, 3);
    assert_eq!(bucket.first_seen, "2026-01-05T09:00:00Z");
    assert_eq!(bucket.last_seen, "2026-01-05T14:00:00Z");
    assert_eq!(
        bucket.source_ips,
        vec!["192.0.2.20", "198.51.100.7", "198.51.100.8", "203.0.113.9"]
    );
    let role = report
        .by_principal
        .iter()
        .find(|p| {
            p.principal
                == "arn:aws:sts::111122223333:assumed-role/example-clinician-role/clinician-session-1"
        })
        .unwrap();
    // `sourceIPAddress` values: an AWS service calling on the role's behalf shows as its name.
    assert_eq!(
        role.source_ips,
        vec!["198.51.100.7", "198.51.100.8", "s3.amazonaws.com"]
    );
    assert_eq!((role.counts.total, role.resources), (5, 3));
}

#[test]
fn renderers_are_snapshot_tested() {
    let text = synthetic_events();
    let report = report(&text, AccessOptions::default());
    insta::assert_snapshot!("access_json", to_json(&report));
    insta::assert_snapshot!("access_csv", to_csv(&report));
    insta::assert_snapshot!("access_principals_csv", principals_to_csv(&report));
    insta::assert_snapshot!("access_resources_csv", resources_to_csv(&report));
    insta::assert_snapshot!("access_html", to_html(&report));
}

#[test]
fn csv_is_formula_safe_and_html_is_escaped() {
    let text = synthetic_events();
    let report = report(&text, AccessOptions::default());
    let csv = to_csv(&report);
    assert!(
        csv.contains(r#""'=HYPERLINK(""http://example.invalid"",""x"")""#),
        "{csv}"
    );
    assert!(!csv.contains(",=HYPERLINK"));
    let html = to_html(&report);
    assert!(!html.contains("<script"), "unescaped script tag");
    assert!(html.contains("patients/&lt;script&gt;alert(1)&lt;/script&gt;.json"));
    assert!(!html.contains("http-equiv=\"refresh\""));
}

#[test]
fn object_keys_can_be_hashed_or_removed() {
    let text = synthetic_events();
    let hashed = report(
        &text,
        AccessOptions {
            redact_keys: KeyRedaction::Hash {
                salt: "test-salt".into(),
            },
        },
    );
    let removed = report(
        &text,
        AccessOptions {
            redact_keys: KeyRedaction::Remove,
        },
    );
    for report in [&hashed, &removed] {
        let outputs = [to_json(report), to_csv(report), to_html(report)];
        for output in &outputs {
            assert!(!output.contains("record-0001"), "key leaked");
            assert!(!output.contains("record-0002"), "key leaked");
            assert!(!output.contains("alert(1)"), "key leaked");
        }
    }
    assert_eq!(hashed.key_redaction, "hashed");
    // Stable: both accesses to record-0001 (e01 read, e03 delete) share one hash.
    let key = |id: &str, r: &AccessReport| {
        r.accesses
            .iter()
            .find(|a| a.event_id.as_deref() == Some(id))
            .and_then(|a| a.object_key.clone())
            .unwrap()
    };
    assert_eq!(key("e01", &hashed), key("e03", &hashed));
    assert_ne!(key("e01", &hashed), key("e02", &hashed));
    assert!(key("e01", &hashed).starts_with("sha256:"));
    assert_eq!(key("e01", &removed), "[redacted]");
}

#[test]
fn an_empty_scope_and_no_data_events_are_said_not_hidden() {
    let text = r#"[{"eventTime":"2026-01-05T09:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetBucketAcl","requestParameters":{"bucketName":"example-phi-records"},"eventID":"x1","eventCategory":"Management"}]"#;
    let events: Vec<Event<'_>> = serde_json::from_str(text).unwrap();
    let untagged = inventory(vec![Resource::new(
        "arn:aws:s3:::example-phi-records",
        ACCOUNT,
        "us-east-1",
        S3Bucket::default(),
    )]);
    let scope = PhiScope::from_inventory(&untagged, &PhiTags::default());
    let report = access_report(
        &scope,
        AccessOptions::default(),
        events.into_iter().map(|e| (e, "f")),
    );
    assert!(report.accesses.is_empty());
    assert_eq!(report.notes.len(), 2);
    assert!(report.notes[0].starts_with("no PHI resources"));
    assert!(report.notes[1].starts_with("no data events"));
}

/// Real management events (invictus-ir dataset, MIT, `tests/data/invictus-ir/`) on S3
/// buckets from a Stratus Red Team run. The shared data holds no S3 *data* events (no
/// GetObject), so this covers bucket-level access; the bucket is marked PHI for the test.
#[test]
fn real_bucket_events_from_the_invictus_dataset() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "tests/data/invictus-ir/218007301253_CloudTrail_us-east-1_20230710T1205Z_UljXNp9xLp8nsAGc.json.gz",
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow, rename = "Records")]
        records: Vec<Event<'a>>,
    }
    let envelope: Envelope<'_> = serde_json::from_str(&text).unwrap();
    let bucket = "stratus-red-team-ctes-bucket-qyxyekjbtk";
    let inv = inventory(vec![
        Resource::new(
            format!("arn:aws:s3:::{bucket}"),
            "218007301253",
            "us-east-1",
            S3Bucket::default(),
        )
        .tag("PHI", "Yes"),
    ]);
    let scope = PhiScope::from_inventory(&inv, &PhiTags::default());
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let report = access_report(
        &scope,
        AccessOptions::default(),
        envelope.records.into_iter().map(|e| (e, file.as_str())),
    );
    assert_eq!(report.events_seen, 55);
    assert_eq!(report.accesses.len(), 10);
    assert!(report.accesses.iter().all(|a| a.kind == AccessKind::Manage));
    assert_eq!(report.by_resource.len(), 1);
    assert_eq!(report.by_principal.len(), 1);
    // NoSuchCORSConfiguration and friends are failures, not denials.
    assert_eq!(
        (
            report.by_resource[0].counts.failed,
            report.by_resource[0].counts.denied
        ),
        (3, 0)
    );
    insta::assert_snapshot!("access_real_resources_csv", resources_to_csv(&report));
    insta::assert_snapshot!("access_real_csv", to_csv(&report));
}
