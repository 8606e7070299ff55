//! Integrity validation: build a digest chain exactly as CloudTrail lays it out, signed with a
//! TEST-ONLY key (`tests/data/digest/README.md`), then tamper with it in each way.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test fixture helpers fail the test by panicking"
)]

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use flate2::Compression;
use flate2::write::GzEncoder;
use phiguard_trail::digest::{
    ChainEnd, DigestFile, FileKind, LogFileEntry, Problem, PublicKeys, Verdict, validate,
};
use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest as _, Sha256};

const ACCOUNT: &str = "111122223333";
const BUCKET: &str = "example-trail-bucket";
const REGION: &str = "us-east-1";
const HOURS: usize = 4;

fn key(name: &str) -> RsaPrivateKey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/data/digest/{name}"));
    let pem = fs::read_to_string(path).unwrap();
    RsaPrivateKey::from_pkcs8_pem(&pem).unwrap()
}

fn key_a() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| key("test-only-key-a.pem"))
}

fn key_b() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| key("test-only-key-b.pem"))
}

/// A stable id for a key (CloudTrail's fingerprint algorithm is not documented; the key file
/// carries the same value, which is all validation relies on).
fn fingerprint(key: &RsaPublicKey) -> String {
    let der = key.to_public_key_der().unwrap();
    hex::encode(&Sha256::digest(der.as_bytes())[..16])
}

/// `list-public-keys` JSON with `key` under `fingerprint` (PKCS#1 or SPKI DER).
fn key_file(key: &RsaPublicKey, fingerprint: &str, spki: bool) -> Vec<u8> {
    let der = if spki {
        key.to_public_key_der().unwrap().as_bytes().to_vec()
    } else {
        key.to_pkcs1_der().unwrap().as_bytes().to_vec()
    };
    serde_json::to_vec(&serde_json::json!({"PublicKeyList": [{
        "Value": base64::engine::general_purpose::STANDARD.encode(der),
        "ValidityStartTime": "2025-12-01T00:00:00+00:00",
        "ValidityEndTime": "2026-02-01T00:00:00+00:00",
        "Fingerprint": fingerprint,
    }]}))
    .unwrap()
}

fn keys_a() -> PublicKeys {
    let public = key_a().to_public_key();
    PublicKeys::from_json(&key_file(&public, &fingerprint(&public), false)).unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn sign(key: &RsaPrivateKey, message: &str) -> String {
    hex::encode(
        key.sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(message.as_bytes()),
        )
        .unwrap(),
    )
}

/// A temporary folder standing for a copy of the trail bucket; removed on drop.
struct Tree {
    root: PathBuf,
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

impl Tree {
    fn new(name: &str) -> Tree {
        let root =
            std::env::temp_dir().join(format!("phiguard-digest-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        Tree { root }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    fn write(&self, key: &str, bytes: &[u8]) {
        let path = self.path(key);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

fn log_key(hour: usize, n: usize) -> String {
    format!(
        "AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/2026/01/01/{ACCOUNT}_CloudTrail_{REGION}_20260101T{hour:02}{:02}Z_TESTLOG{hour:02}{n:02}ABCDEFG.json.gz",
        5 + n * 10
    )
}

fn digest_key(hour: usize) -> String {
    format!(
        "AWSLogs/{ACCOUNT}/CloudTrail-Digest/{REGION}/2026/01/01/{ACCOUNT}_CloudTrail-Digest_{REGION}_example-trail_{REGION}_20260101T{:02}0000Z.json.gz",
        hour + 1
    )
}

fn log_body(hour: usize, n: usize) -> String {
    format!(
        r#"{{"Records":[{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::{ACCOUNT}:user/example-user","accountId":"{ACCOUNT}"}},"eventTime":"2026-01-01T{hour:02}:{:02}:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"{REGION}","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2","requestParameters":null,"responseElements":null,"eventID":"00000000-0000-0000-0000-0000000{hour:02}{n:03}","eventType":"AwsApiCall","recipientAccountId":"{ACCOUNT}"}}]}}"#,
        5 + n * 10
    )
}

/// What was built: each digest's key and JSON, newest last (in time order).
struct Chain {
    tree: Tree,
    digests: Vec<(String, DigestFile)>,
}

/// Builds `HOURS` hourly digests, two log files each, signed with `signer`. `links[i]` is the
/// index of digest i's previous digest in time order (None: starting digest); CloudTrail's
/// own order is `[None, Some(0), Some(1), ...]`. Digests are signed oldest link first.
fn build_with(name: &str, signer: &RsaPrivateKey, links: &[Option<usize>]) -> Chain {
    let tree = Tree::new(name);
    let public = signer.to_public_key();
    let fp = fingerprint(&public);
    let mut digests: Vec<Option<(String, DigestFile, String, String)>> = vec![None; HOURS];
    // Sign in link order: a digest needs its previous digest's hash and signature.
    let mut done = 0;
    while done < HOURS {
        for hour in 0..HOURS {
            if digests[hour].is_some() {
                continue;
            }
            let previous = match links[hour] {
                None => None,
                Some(p) => match &digests[p] {
                    Some(d) => Some(d.clone()),
                    None => continue,
                },
            };
            let mut log_files = Vec::new();
            for n in 0..2 {
                let body = log_body(hour, n);
                tree.write(&log_key(hour, n), &gzip(body.as_bytes()));
                log_files.push(LogFileEntry {
                    s3_bucket: BUCKET.into(),
                    s3_object: log_key(hour, n),
                    hash_value: sha_hex(body.as_bytes()),
                    hash_algorithm: Some("SHA-256".into()),
                    newest_event_time: Some(format!("2026-01-01T{hour:02}:{:02}:00Z", 5 + n * 10)),
                    oldest_event_time: Some(format!("2026-01-01T{hour:02}:{:02}:00Z", 5 + n * 10)),
                });
            }
            let key = digest_key(hour);
            let file = DigestFile {
                aws_account_id: ACCOUNT.into(),
                digest_start_time: format!("2026-01-01T{hour:02}:00:00Z"),
                digest_end_time: format!("2026-01-01T{:02}:00:00Z", hour + 1),
                digest_s3_bucket: BUCKET.into(),
                digest_s3_object: key.clone(),
                digest_public_key_fingerprint: Some(fp.clone()),
                digest_signature_algorithm: Some("SHA256withRSA".into()),
                newest_event_time: Some(format!("2026-01-01T{hour:02}:15:00Z")),
                oldest_event_time: Some(format!("2026-01-01T{hour:02}:05:00Z")),
                previous_digest_s3_bucket: previous.as_ref().map(|_| BUCKET.into()),
                previous_digest_s3_object: previous.as_ref().map(|p| p.0.clone()),
                previous_digest_hash_value: previous.as_ref().map(|p| p.2.clone()),
                previous_digest_hash_algorithm: previous.as_ref().map(|_| "SHA-256".into()),
                previous_digest_signature: previous.as_ref().map(|p| p.3.clone()),
                log_files,
            };
            let (hash, signature) = write_digest(&tree, &key, &file, signer);
            digests[hour] = Some((key, file, hash, signature));
            done += 1;
        }
    }
    let digests: Vec<(String, DigestFile, String, String)> =
        digests.into_iter().map(Option::unwrap).collect();
    // The newest digests (no successor) get their S3-metadata signature as a sidecar.
    for (i, (key, _, _, signature)) in digests.iter().enumerate() {
        if !links.contains(&Some(i)) {
            fs::write(tree.path(&format!("{key}.sig")), signature).unwrap();
        }
    }
    Chain {
        tree,
        digests: digests.into_iter().map(|(k, f, _, _)| (k, f)).collect(),
    }
}

/// Writes a digest gzipped; returns (hex sha256 of the JSON, hex signature).
fn write_digest(
    tree: &Tree,
    key: &str,
    file: &DigestFile,
    signer: &RsaPrivateKey,
) -> (String, String) {
    let json = serde_json::to_vec(file).unwrap();
    let hash = sha_hex(&json);
    let signature = sign(signer, &file.signing_string(&hash));
    tree.write(key, &gzip(&json));
    (hash, signature)
}

fn build(name: &str) -> Chain {
    build_with(name, key_a(), &[None, Some(0), Some(1), Some(2)])
}

fn problems_of(
    report: &phiguard_trail::digest::ValidationReport,
    kind: FileKind,
    key: &str,
) -> Vec<Problem> {
    report
        .file(kind, key)
        .unwrap_or_else(|| panic!("no report for {key}"))
        .problems
        .clone()
}

/// Every file not named in `except` is valid.
fn others_valid(report: &phiguard_trail::digest::ValidationReport, except: &[&str]) {
    for file in report.digests.iter().chain(&report.logs) {
        if !except.contains(&file.object.as_str()) {
            assert_eq!(
                file.verdict,
                Verdict::Valid,
                "{} {:?}",
                file.object,
                file.problems
            );
        }
    }
}

#[test]
fn an_untouched_chain_is_valid() {
    let chain = build("untouched");
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    assert_eq!(report.summary.verdict, Some(Verdict::Valid));
    assert_eq!(report.summary.digests, HOURS);
    assert_eq!(report.summary.digests_valid, HOURS);
    assert_eq!(report.summary.logs, HOURS * 2);
    assert_eq!(report.summary.logs_valid, HOURS * 2);
    assert_eq!(report.chains.len(), 1);
    assert_eq!(report.chains[0].length, HOURS);
    assert_eq!(report.chains[0].end, ChainEnd::Start);
    insta::assert_json_snapshot!("untouched_chain_report", report);
}

#[test]
fn the_newest_digest_without_its_signature_is_unsigned_not_valid() {
    let chain = build("unsigned");
    let newest = &chain.digests[HOURS - 1].0;
    fs::remove_file(chain.tree.path(&format!("{newest}.sig"))).unwrap();
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    assert_eq!(
        problems_of(&report, FileKind::Digest, newest),
        vec![Problem::Unsigned]
    );
    for n in 0..2 {
        assert_eq!(
            problems_of(&report, FileKind::Log, &log_key(HOURS - 1, n)),
            vec![Problem::UnverifiedDigest {
                digest: newest.clone()
            }]
        );
    }
    assert_eq!(report.summary.verdict, Some(Verdict::Unverified));
    others_valid(
        &report,
        &[
            newest.as_str(),
            log_key(HOURS - 1, 0).as_str(),
            log_key(HOURS - 1, 1).as_str(),
        ],
    );
}

#[test]
fn a_modified_log_is_detected_and_named() {
    let chain = build("modified-log");
    let key = log_key(1, 0);
    let tampered = log_body(1, 0).replace("192.0.2.10", "192.0.2.99");
    chain.tree.write(&key, &gzip(tampered.as_bytes()));
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    assert_eq!(
        problems_of(&report, FileKind::Log, &key),
        vec![Problem::Modified {
            expected: sha_hex(log_body(1, 0).as_bytes()),
            actual: sha_hex(tampered.as_bytes()),
        }]
    );
    assert_eq!(report.summary.verdict, Some(Verdict::Invalid));
    assert_eq!(report.summary.problems.get("log.modified"), Some(&1));
    others_valid(&report, &[key.as_str()]);
}

#[test]
fn a_deleted_log_is_detected_and_named() {
    let chain = build("deleted-log");
    let key = log_key(2, 1);
    fs::remove_file(chain.tree.path(&key)).unwrap();
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    let file = report.file(FileKind::Log, &key).unwrap();
    assert_eq!(file.path, None);
    assert_eq!(
        file.problems,
        vec![Problem::Missing {
            referenced_by: chain.digests[2].0.clone()
        }]
    );
    others_valid(&report, &[key.as_str()]);
}

#[test]
fn a_deleted_digest_is_detected_and_named() {
    let chain = build("deleted-digest");
    let deleted = &chain.digests[1].0;
    fs::remove_file(chain.tree.path(deleted)).unwrap();
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    // The absent digest itself, and the gap where the chain breaks.
    assert_eq!(
        problems_of(&report, FileKind::Digest, deleted),
        vec![Problem::Missing {
            referenced_by: chain.digests[2].0.clone()
        }]
    );
    assert_eq!(
        problems_of(&report, FileKind::Digest, &chain.digests[2].0),
        vec![Problem::ChainGap {
            missing: deleted.clone()
        }]
    );
    // The older part lost the signature the deleted digest carried.
    assert_eq!(
        problems_of(&report, FileKind::Digest, &chain.digests[0].0),
        vec![Problem::Unsigned]
    );
    // The deleted digest's log files are now listed nowhere.
    for n in 0..2 {
        assert_eq!(
            problems_of(&report, FileKind::Log, &log_key(1, n)),
            vec![Problem::Unlisted]
        );
    }
    assert_eq!(report.chains.len(), 2);
    assert!(report.chains.iter().any(|c| c.end
        == ChainEnd::Gap {
            missing: deleted.clone()
        }));
    assert_eq!(report.summary.verdict, Some(Verdict::Invalid));
}

#[test]
fn a_reordered_chain_is_detected_and_named() {
    // Correctly signed, but linked 0 <- 2 <- 1 <- 3: digest 1 claims digest 2 (later) came first.
    let chain = build_with("reordered", key_a(), &[None, Some(2), Some(0), Some(1)]);
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    assert_eq!(
        problems_of(&report, FileKind::Digest, &chain.digests[1].0),
        vec![Problem::Reordered {
            previous: chain.digests[2].0.clone(),
            previous_end_time: "2026-01-01T03:00:00Z".into(),
            start_time: "2026-01-01T01:00:00Z".into(),
        }]
    );
    // Its log files are listed only by a digest that did not verify.
    for n in 0..2 {
        assert_eq!(
            problems_of(&report, FileKind::Log, &log_key(1, n)),
            vec![Problem::UnverifiedDigest {
                digest: chain.digests[1].0.clone()
            }]
        );
    }
    others_valid(
        &report,
        &[
            chain.digests[1].0.as_str(),
            log_key(1, 0).as_str(),
            log_key(1, 1).as_str(),
        ],
    );
}

#[test]
fn swapped_digest_files_are_detected_as_moved() {
    let chain = build("swapped");
    let (a, b) = (&chain.digests[1].0, &chain.digests[2].0);
    let bytes_a = fs::read(chain.tree.path(a)).unwrap();
    let bytes_b = fs::read(chain.tree.path(b)).unwrap();
    chain.tree.write(a, &bytes_b);
    chain.tree.write(b, &bytes_a);
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    let moved: Vec<(&str, Vec<Problem>)> = report
        .digests
        .iter()
        .filter(|f| !f.problems.is_empty())
        .map(|f| (f.path.as_deref().unwrap_or_default(), f.problems.clone()))
        .collect();
    assert_eq!(
        moved,
        vec![
            (b.as_str(), vec![Problem::Moved { claimed: a.clone() }]),
            (a.as_str(), vec![Problem::Moved { claimed: b.clone() }]),
        ]
    );
}

#[test]
fn a_bad_signature_is_detected_and_named() {
    let chain = build("bad-signature");
    let newest = &chain.digests[HOURS - 1].0;
    let sidecar = format!("{newest}.sig");
    let mut signature = fs::read_to_string(chain.tree.path(&sidecar)).unwrap();
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    signature.replace_range(0..1, flipped);
    fs::write(chain.tree.path(&sidecar), signature).unwrap();
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    assert_eq!(
        problems_of(&report, FileKind::Digest, newest),
        vec![Problem::BadSignature {
            signature_from: sidecar
        }]
    );
    assert_eq!(report.summary.verdict, Some(Verdict::Invalid));
}

#[test]
fn a_rewritten_digest_hiding_a_log_is_detected_and_named() {
    // Drop a log file from digest 1 and re-gzip it: its signature (carried by digest 2) and
    // the hash digest 2 recorded no longer match, and the hidden log is unlisted.
    let chain = build("rewritten-digest");
    let (key, mut file) = chain.digests[1].clone();
    let hidden = file.log_files.remove(0);
    let json = serde_json::to_vec(&file).unwrap();
    chain.tree.write(&key, &gzip(&json));
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    let expected_hash = chain.digests[2]
        .1
        .previous_digest_hash_value
        .clone()
        .unwrap();
    assert_eq!(
        problems_of(&report, FileKind::Digest, &key),
        vec![
            Problem::BadSignature {
                signature_from: format!("previousDigestSignature of {}", chain.digests[2].0)
            },
            Problem::Modified {
                expected: expected_hash,
                actual: sha_hex(&json)
            },
        ]
    );
    assert_eq!(
        problems_of(&report, FileKind::Log, &hidden.s3_object),
        vec![Problem::Unlisted]
    );
    assert_eq!(
        problems_of(&report, FileKind::Log, &log_key(1, 1)),
        vec![Problem::UnverifiedDigest {
            digest: key.clone()
        }]
    );
}

#[test]
fn an_unlisted_extra_log_is_detected_and_named() {
    let chain = build("unlisted");
    let extra = format!(
        "AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/2026/01/01/{ACCOUNT}_CloudTrail_{REGION}_20260101T0150Z_EXTRAEXTRAEXTRA1.json.gz"
    );
    chain.tree.write(&extra, &gzip(log_body(1, 7).as_bytes()));
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    assert_eq!(
        problems_of(&report, FileKind::Log, &extra),
        vec![Problem::Unlisted]
    );
    others_valid(&report, &[extra.as_str()]);
}

#[test]
fn a_wrong_key_fails_every_signature_and_an_absent_key_is_unknown() {
    let chain = build("wrong-key");
    // Key B published under key A's fingerprint: every signature is bad.
    let fp = fingerprint(&key_a().to_public_key());
    let wrong = PublicKeys::from_json(&key_file(&key_b().to_public_key(), &fp, true)).unwrap();
    let report = validate(&chain.tree.root, &wrong, None).unwrap();
    for (key, _) in &chain.digests {
        assert_eq!(
            problems_of(&report, FileKind::Digest, key)
                .iter()
                .map(Problem::name)
                .collect::<Vec<_>>(),
            vec!["bad_signature"],
            "{key}"
        );
    }
    assert_eq!(
        report.summary.problems.get("digest.bad_signature"),
        Some(&HOURS)
    );
    // Key B under its own fingerprint: the digests' key is unknown.
    let public_b = key_b().to_public_key();
    let other =
        PublicKeys::from_json(&key_file(&public_b, &fingerprint(&public_b), false)).unwrap();
    let report = validate(&chain.tree.root, &other, None).unwrap();
    assert_eq!(
        problems_of(&report, FileKind::Digest, &chain.digests[0].0),
        vec![Problem::UnknownKey { fingerprint: fp }]
    );
    assert_eq!(report.summary.verdict, Some(Verdict::Unverified));
}

#[test]
fn spki_keys_verify_too_and_key_validity_is_checked() {
    let chain = build("spki");
    let public = key_a().to_public_key();
    let fp = fingerprint(&public);
    let keys = PublicKeys::from_json(&key_file(&public, &fp, true)).unwrap();
    let report = validate(&chain.tree.root, &keys, None).unwrap();
    assert_eq!(report.summary.verdict, Some(Verdict::Valid));
    // A key valid only before the digests were written.
    let mut expired = PublicKeys::new();
    let der = public.to_pkcs1_der().unwrap();
    expired
        .insert_der(
            &fp,
            der.as_bytes(),
            None,
            Some("2025-12-31T00:00:00Z".parse().unwrap()),
        )
        .unwrap();
    let report = validate(&chain.tree.root, &expired, None).unwrap();
    assert_eq!(
        problems_of(&report, FileKind::Digest, &chain.digests[0].0),
        vec![Problem::KeyNotValidAt {
            time: "2026-01-01T01:00:00Z".into()
        }]
    );
}

#[test]
fn bad_key_files_are_errors() {
    assert!(PublicKeys::from_json(b"{}").is_err());
    let garbage = br#"{"PublicKeyList":[{"Value":"AAAA","Fingerprint":"ab"}]}"#;
    assert_eq!(
        PublicKeys::from_json(garbage).unwrap_err().to_string(),
        "public key `ab`: not an RSA public key (PKCS#1 or SubjectPublicKeyInfo DER)"
    );
    let not_base64 = br#"{"PublicKeyList":[{"Value":"%%%","Fingerprint":"ab"}]}"#;
    assert!(PublicKeys::from_json(not_base64).is_err());
}

#[test]
fn a_truncated_digest_is_unreadable_and_the_run_continues() {
    let chain = build("truncated");
    let key = &chain.digests[0].0;
    let bytes = fs::read(chain.tree.path(key)).unwrap();
    chain.tree.write(key, &bytes[..bytes.len() / 2]);
    let report = validate(&chain.tree.root, &keys_a(), None).unwrap();
    let names: Vec<&str> = report.file(FileKind::Digest, key).unwrap().problem_names();
    assert_eq!(names, vec!["unreadable"]);
    // Digest 1 now points at a digest that cannot be read: a gap, not a pass.
    assert!(
        problems_of(&report, FileKind::Digest, &chain.digests[1].0).contains(&Problem::ChainGap {
            missing: key.clone()
        })
    );
}

#[test]
fn the_window_limits_the_report() {
    let chain = build("window");
    let window = Some((
        "2026-01-01T02:30:00Z".parse().unwrap(),
        "2026-01-01T04:00:00Z".parse().unwrap(),
    ));
    let report = validate(&chain.tree.root, &keys_a(), window).unwrap();
    let digests: Vec<&str> = report.digests.iter().map(|f| f.object.as_str()).collect();
    assert_eq!(
        digests,
        vec![chain.digests[2].0.as_str(), chain.digests[3].0.as_str()]
    );
    assert_eq!(report.logs.len(), 4);
    assert_eq!(report.summary.verdict, Some(Verdict::Valid));
    assert_eq!(report.chains[0].end, ChainEnd::Window);
}

#[test]
fn a_missing_folder_is_an_error() {
    let missing = std::env::temp_dir().join("phiguard-digest-no-such-folder");
    assert!(validate(&missing, &keys_a(), None).is_err());
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Writes the signed chains the CLI tests tamper with (`crates/phiguard/tests/fixtures/
/// trail-digest`): `cargo test -p phiguard-trail --test digest_chain -- --ignored`. The
/// output is deterministic (PKCS#1 v1.5 signatures, gzip without timestamps).
#[test]
#[ignore = "writes the CLI test fixtures"]
fn write_cli_fixtures() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../phiguard/tests/fixtures/trail-digest");
    let _ = fs::remove_dir_all(&out);
    let chain = build("cli-fixture");
    copy_tree(&chain.tree.root, &out.join("chain"));
    let reordered = build_with("cli-reordered", key_a(), &[None, Some(2), Some(0), Some(1)]);
    copy_tree(&reordered.tree.root, &out.join("reordered"));
    let public = key_a().to_public_key();
    fs::write(
        out.join("public-keys.json"),
        key_file(&public, &fingerprint(&public), false),
    )
    .unwrap();
    // The fixtures validate as built.
    let keys = keys_a();
    let report = validate(&out.join("chain"), &keys, None).unwrap();
    assert_eq!(report.summary.verdict, Some(Verdict::Valid));
}
