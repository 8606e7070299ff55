//! JSON v1: the wire model as is, streamed to the writer (never built as one string).
//!
//! The output is exactly `serde_json::to_writer_pretty` of the [`Report`] and a newline, but
//! the results array (nearly all of a large report) is rendered in parallel: chunks of results
//! are written on the rayon pool into their own buffers, by a writer specialised for
//! [`ResultV1`] (same bytes as serde's pretty printer at the array's nesting depth, strings
//! escaped eight bytes at a time), and written out in order. A batch of chunks at a time, so memory
//! stays bounded whatever the number of results. Everything else (the report without its
//! results, a few kB) is serialized as usual and the results spliced in where its empty
//! `"results": []` stands.

use std::io::{self, BufWriter, Write};

use phiguard_model::Value;
use rayon::prelude::*;

use crate::wire::{Report, ResultV1, WaiverV1};

/// Results per rendering task.
const CHUNK: usize = 4096;
/// Chunks rendered before they are written (bounds memory: about 64 × 4096 results).
const CHUNKS_PER_BATCH: usize = 64;
/// The empty results array of the report's shell, as the pretty printer writes it: a
/// top-level key (two spaces of indent; nested keys have more, and strings never hold a raw
/// newline, so it cannot occur anywhere else).
const RESULTS_MARK: &[u8] = b"\n  \"results\": []";

/// Writes the report as pretty JSON followed by a newline.
pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    render_chunked(report, out, CHUNK, CHUNKS_PER_BATCH)
}

/// [`render`] with `chunk` results per task and `per_batch` tasks per batch (tests use small
/// ones).
fn render_chunked(
    report: &Report<'_>,
    out: &mut dyn io::Write,
    chunk: usize,
    per_batch: usize,
) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let head = serde_json::to_vec_pretty(&shell(report))?;
    let mark = head
        .windows(RESULTS_MARK.len())
        .position(|window| window == RESULTS_MARK);
    match mark {
        Some(at) if !report.results.is_empty() => {
            // Up to and including `[`.
            let open = at + RESULTS_MARK.len() - 1;
            w.write_all(&head[..open])?;
            write_results(&report.results, &mut w, chunk.max(1), per_batch.max(1))?;
            // The pretty printer closes a non-empty array on its own line, at its key's indent.
            w.write_all(b"\n  ]")?;
            w.write_all(&head[open + 1..])?;
        }
        _ => serde_json::to_writer_pretty(&mut w, report)?,
    }
    w.write_all(b"\n")?;
    w.flush()
}

/// The report without its results (everything else borrowed or cloned: a few kB). The
/// destructuring names every field, so a new field of [`Report`] cannot be forgotten here.
fn shell<'a>(report: &Report<'a>) -> Report<'a> {
    let Report {
        report_version,
        tool,
        scan_time,
        inventory,
        accounts,
        regions,
        summary,
        by_hipaa_section,
        by_seed_area,
        by_shared_area,
        controls,
        results: _,
        diagnostics,
        log_review,
        records,
        shared_responsibility,
    } = report;
    Report {
        report_version: *report_version,
        tool: tool.clone(),
        scan_time: *scan_time,
        inventory: inventory.clone(),
        accounts: accounts.clone(),
        regions: regions.clone(),
        summary: summary.clone(),
        by_hipaa_section: by_hipaa_section.clone(),
        by_seed_area: by_seed_area.clone(),
        by_shared_area: by_shared_area.clone(),
        controls: controls.clone(),
        results: Vec::new(),
        diagnostics: diagnostics.clone(),
        log_review: log_review.clone(),
        records: records.clone(),
        shared_responsibility: shared_responsibility.clone(),
    }
}

/// The elements of the results array, as the pretty printer writes them inside it: each
/// preceded by `\n` (the first) or `,\n` and the indent of depth 2.
fn write_results(
    results: &[ResultV1<'_>],
    w: &mut impl Write,
    chunk: usize,
    per_batch: usize,
) -> io::Result<()> {
    // One buffer per chunk of a batch, reused from batch to batch (allocating and freeing
    // megabytes each time costs more than the copy).
    let mut bufs: Vec<Vec<u8>> = Vec::new();
    for (b, batch) in results.chunks(chunk * per_batch).enumerate() {
        let chunks: Vec<&[ResultV1<'_>]> = batch.chunks(chunk).collect();
        if bufs.len() < chunks.len() {
            bufs.resize_with(chunks.len(), Vec::new);
        }
        bufs.par_iter_mut()
            .zip(chunks.par_iter())
            .enumerate()
            .for_each(|(c, (buf, chunk))| {
                buf.clear();
                for (i, result) in chunk.iter().enumerate() {
                    let first = b == 0 && c == 0 && i == 0;
                    buf.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    write_result(buf, result);
                }
            });
        for buf in bufs.iter().take(chunks.len()) {
            w.write_all(buf)?;
        }
    }
    Ok(())
}

/// One result as the pretty printer writes it two levels deep (in the report's `results`
/// array), written by hand: the fields in declaration order, optional ones skipped when
/// absent, exactly as `#[derive(Serialize)]` on [`ResultV1`] and serde_json's pretty
/// formatter do (the test below compares the two on every kind of value). Naming every field
/// makes a new one a compile error here, not a silent difference.
fn write_result(buf: &mut Vec<u8>, r: &ResultV1<'_>) {
    let ResultV1 {
        control_id,
        control_slug,
        status,
        severity,
        resource,
        resource_kind,
        account,
        region,
        phi,
        evidence,
        reason,
        waiver,
    } = r;
    const DEPTH: usize = 2;
    let mut o = Object::open(buf, DEPTH);
    o.key(b"control_id");
    string(o.buf, control_id);
    o.key(b"control_slug");
    string(o.buf, control_slug);
    o.key(b"status");
    string(o.buf, status.as_str());
    o.key(b"severity");
    string(o.buf, severity.as_str());
    o.key(b"resource");
    string(o.buf, resource);
    if let Some(kind) = resource_kind {
        o.key(b"resource_kind");
        string(o.buf, kind);
    }
    o.key(b"account");
    string(o.buf, account);
    o.key(b"region");
    string(o.buf, region);
    o.key(b"phi");
    o.buf
        .extend_from_slice(if *phi { b"true" } else { b"false" });
    o.key(b"evidence");
    {
        let mut e = Object::open(o.buf, DEPTH + 1);
        for (k, v) in evidence {
            e.string_key(k);
            value(e.buf, v, DEPTH + 2);
        }
        e.close();
    }
    o.key(b"reason");
    string(o.buf, reason);
    if let Some(w) = waiver {
        let WaiverV1 {
            reason,
            approved_by,
            expires,
        } = w;
        o.key(b"waiver");
        let mut w = Object::open(o.buf, DEPTH + 1);
        w.key(b"reason");
        string(w.buf, reason);
        w.key(b"approved_by");
        string(w.buf, approved_by);
        w.key(b"expires");
        string(w.buf, expires);
        w.close();
    }
    o.close();
}

/// A pretty object being written `depth` containers deep.
struct Object<'b> {
    buf: &'b mut Vec<u8>,
    depth: usize,
    empty: bool,
}

impl<'b> Object<'b> {
    fn open(buf: &'b mut Vec<u8>, depth: usize) -> Object<'b> {
        buf.push(b'{');
        Object {
            buf,
            depth,
            empty: true,
        }
    }

    fn next_entry(&mut self) {
        self.buf
            .extend_from_slice(if self.empty { b"\n" } else { b",\n" });
        self.empty = false;
        indent(self.buf, self.depth + 1);
    }

    /// A key that needs no escaping (a field name).
    fn key(&mut self, key: &[u8]) {
        self.next_entry();
        self.buf.push(b'"');
        self.buf.extend_from_slice(key);
        self.buf.extend_from_slice(b"\": ");
    }

    fn string_key(&mut self, key: &str) {
        self.next_entry();
        string(self.buf, key);
        self.buf.extend_from_slice(b": ");
    }

    fn close(self) {
        if !self.empty {
            self.buf.push(b'\n');
            indent(self.buf, self.depth);
        }
        self.buf.push(b'}');
    }
}

/// An evidence value `depth` containers deep (`Value` is untagged: the value itself).
fn value(buf: &mut Vec<u8>, v: &Value<'_>, depth: usize) {
    match v {
        Value::Null => buf.extend_from_slice(b"null"),
        Value::Bool(b) => buf.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => {
            // Writing to a Vec cannot fail.
            let _ = write!(buf, "{i}");
        }
        Value::Str(s) => string(buf, s),
        Value::List(items) if items.is_empty() => buf.extend_from_slice(b"[]"),
        Value::List(items) => {
            buf.push(b'[');
            for (i, item) in items.iter().enumerate() {
                buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
                indent(buf, depth + 1);
                value(buf, item, depth + 1);
            }
            buf.push(b'\n');
            indent(buf, depth);
            buf.push(b']');
        }
    }
}

fn indent(buf: &mut Vec<u8>, depth: usize) {
    const SPACES: &[u8] = b"                                ";
    let mut n = depth * 2;
    while n > 0 {
        let k = n.min(SPACES.len());
        buf.extend_from_slice(&SPACES[..k]);
        n -= k;
    }
}

/// A JSON string as serde_json writes it: `"` and `\` escaped with a backslash, control
/// characters as `\b \t \n \f \r` or `\u00XX` (lowercase hex), everything else as is.
/// Most texts need no escape: they are checked in one branch-free (vectorised) pass and
/// copied whole.
fn string(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let special = bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    if special {
        escaped(buf, bytes);
    } else {
        buf.extend_from_slice(bytes);
    }
    buf.push(b'"');
}

/// The escaping part of [`string`].
fn escaped(buf: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut run = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            0..0x20 => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ],
            _ => continue,
        };
        buf.extend_from_slice(&bytes[run..i]);
        buf.extend_from_slice(escape);
        run = i + 1;
    }
    buf.extend_from_slice(&bytes[run..]);
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::wire::EvidenceV1;

    /// Evidence as a scan's evaluation holds it (`&'static str` keys).
    static SCAN_EVIDENCE: &[(&str, Value<'static>)] = &[
        ("versioning", Value::Str(Cow::Borrowed("Suspended"))),
        ("mfa_delete", Value::Null),
        ("rules", Value::Int(0)),
    ];

    /// Strings are escaped as serde_json escapes them: every ASCII byte at every position of
    /// the eight-byte words, and non-ASCII text.
    #[test]
    fn strings_escape_as_serde_json() {
        let mut texts: Vec<String> = vec![
            String::new(),
            "plain".into(),
            "exactly8".into(),
            "arn:aws:s3:::a-much-longer-bucket-name-with-no-escapes".into(),
            "é ü 日本 \u{1f600} \u{7f}".into(),
        ];
        for byte in 0u8..0x80 {
            let c = char::from(byte);
            for at in 0..18 {
                let mut text: String = "abcdefghijklmnopq".chars().take(at).collect();
                text.push(c);
                text.push_str("xyz0123456789");
                texts.push(text);
            }
        }
        for text in &texts {
            let mut got = Vec::new();
            string(&mut got, text);
            let expected = serde_json::to_vec(text).expect("serializes");
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&expected),
                "{text:?}"
            );
        }
    }

    /// The parallel renderer writes what `serde_json::to_writer_pretty` writes, byte for byte,
    /// with results spread over several chunks and batches, nested evidence lists and maps,
    /// empty ones, and strings that hold newlines and quotes.
    #[test]
    fn same_bytes_as_serde_json_pretty() {
        use std::borrow::Cow;

        use phiguard_controls::{ScanResult, Settings};
        use phiguard_model::inventory::{Source, SourceKind};
        use phiguard_model::kinds::AccountSettings;
        use phiguard_model::{
            Account, Inventory, SCHEMA_VERSION, Severity, Status, Timestamp, Value,
        };

        use crate::wire::WaiverV1;

        let result = |i: usize| ResultV1 {
            control_id: Cow::Borrowed("S3-001"),
            control_slug: Cow::Borrowed("s3-bucket-x"),
            status: if i.is_multiple_of(3) {
                Status::Fail
            } else {
                Status::Pass
            },
            severity: Severity::High,
            resource: Cow::Owned(format!("arn:aws:s3:::bucket-{i}")),
            resource_kind: i.is_multiple_of(2).then_some(Cow::Borrowed("s3_bucket")),
            account: Cow::Borrowed("111122223333"),
            region: Cow::Borrowed("us-east-1"),
            phi: i.is_multiple_of(5),
            evidence: match i % 4 {
                0 if i.is_multiple_of(8) => EvidenceV1::default(),
                // Borrowed from a scan, as `build` makes it.
                0 => EvidenceV1::Scan(SCAN_EVIDENCE),
                1 => vec![(Cow::Borrowed("a"), Value::Bool(true))].into(),
                2 => vec![
                    (Cow::Borrowed("list"), Value::List(vec![])),
                    (
                        Cow::Borrowed("nested"),
                        Value::List(vec![
                            Value::Int(-3),
                            Value::Null,
                            Value::List(vec![Value::Str(Cow::Borrowed("x\ny\"z"))]),
                        ]),
                    ),
                ]
                .into(),
                _ => vec![
                    (Cow::Borrowed("s"), Value::Str(Cow::Borrowed("é\t"))),
                    (Cow::Borrowed("k\"\\ey"), Value::Int(i64::MIN)),
                    (Cow::Borrowed(""), Value::Str(Cow::Borrowed(""))),
                ]
                .into(),
            },
            reason: Cow::Owned(format!("reason {i}\nsecond line")),
            waiver: i.is_multiple_of(7).then(|| WaiverV1 {
                reason: "r".into(),
                approved_by: "a".into(),
                expires: "2027-01-01".into(),
            }),
        };
        let inventory = Inventory {
            schema_version: SCHEMA_VERSION,
            generated_at: Timestamp::UNIX_EPOCH,
            source: Source {
                kind: SourceKind::Synthetic,
                description: "test \"results\": []\n".into(),
            },
            accounts: vec![Account {
                id: "111122223333".into(),
                name: Some("  \"results\": []".into()),
                regions: vec!["us-east-1".into()],
                settings: AccountSettings::default(),
            }],
            coverage: Vec::new(),
            resources: Vec::new(),
        };
        let scan = ScanResult {
            controls: phiguard_controls::CATALOGUE
                .iter()
                .take(3)
                .copied()
                .collect(),
            outcomes: phiguard_controls::Outcomes::default(),
            diagnostics: Vec::new(),
        };
        let settings = Settings::at(Timestamp::UNIX_EPOCH);
        let mut report = crate::build(&scan, &inventory, &settings, "test");
        for n in [0, 1, 2, 3, 4, 7, 8, 9, 40] {
            report.results = (0..n).map(result).collect();
            let mut expected = serde_json::to_vec_pretty(&report).expect("serializes");
            expected.push(b'\n');
            for (chunk, per_batch) in [(1, 1), (2, 2), (3, 1), (4096, 64)] {
                let mut got = Vec::new();
                render_chunked(&report, &mut got, chunk, per_batch).expect("renders");
                assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&expected),
                    "{n} results, chunks of {chunk}, {per_batch} per batch"
                );
            }
            let mut got = Vec::new();
            render(&report, &mut got).expect("renders");
            assert!(got == expected, "{n} results");
        }
    }
}
