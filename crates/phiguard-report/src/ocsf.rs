//! OCSF Compliance Finding events (class 2003, category Findings), one per result, as a JSON
//! array with one event per line, streamed. Field names follow OCSF 1.1 with the `cloud`
//! profile, which is what Amazon Security Lake ingests as a custom source.
//!
//! Mapping:
//! * `compliance.status_id`: pass → 1 Pass; error and manual → 2 Warning (OCSF: "did not
//!   yield a result due to missing information"); fail and waived → 3 Fail; not applicable →
//!   99 Other (`Not Applicable`).
//! * finding `status_id`: fail, error, manual → 1 New; waived → 3 Suppressed; pass and not
//!   applicable → 4 Resolved (as Security Hub resolves passed control findings).
//! * `severity_id`: info 1, low 2, medium 3, high 4, critical 5.
//! * `remediation.desc` is the remediation's first paragraph, `remediation.references` the
//!   control's documentation page (the full text would repeat on every event).
//! * `finding_info.uid` is `phiguard:<control>:<resource>`, `metadata.uid` a hash of the
//!   same: both identical from one scan to the next, so a SIEM can follow a finding.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use phiguard_model::{SeedArea, Severity, SharedArea, Status};
use serde::Serialize;

use crate::view;
use crate::wire::{ControlInfo, EvidenceV1, Report, ResultV1, WaiverV1};

/// OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.1.0";
/// Compliance Finding.
pub const CLASS_UID: u32 = 2003;
/// Findings.
pub const CATEGORY_UID: u32 = 2;
/// Compliance Finding: Create.
pub const TYPE_UID: u32 = CLASS_UID * 100 + 1;
/// `finding_info.types`, as Security Hub names compliance checks.
const FINDING_TYPE: &str =
    "Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls";
/// OCSF account type `AWS Account`.
const AWS_ACCOUNT_TYPE_ID: u8 = 10;

/// Writes the events as a JSON array, one event per line.
pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let mut w = BufWriter::new(out);
    // Per control, computed once: its metadata, requirements and references.
    let controls: HashMap<&str, PerControl<'_>> = report
        .controls
        .iter()
        .map(|c| {
            let per = PerControl {
                info: c,
                requirements: c.hipaa.iter().map(|h| format!("45 CFR {h}")).collect(),
                remediation: view::first_paragraph(&c.remediation),
                references: [view::docs_path(&c.id)],
            };
            (c.id.as_str(), per)
        })
        .collect();
    let names: HashMap<&str, &str> = report
        .accounts
        .iter()
        .filter_map(|a| a.name.as_deref().map(|n| (a.id.as_str(), n)))
        .collect();
    let time = report.scan_time.as_millisecond();
    let product = Product {
        name: &report.tool.name,
        vendor_name: "phiguard",
        version: &report.tool.version,
    };
    w.write_all(b"[")?;
    for (i, r) in report.results.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let control = controls.get(r.control_id.as_ref());
        let event = event(
            r,
            control,
            names.get(r.account.as_ref()).copied(),
            &product,
            time,
        );
        serde_json::to_writer(&mut w, &event)?;
    }
    w.write_all(b"\n]\n")?;
    w.flush()
}

struct PerControl<'r> {
    info: &'r ControlInfo,
    requirements: Vec<String>,
    /// The remediation's first paragraph; the full text is on the docs page referenced.
    remediation: String,
    references: [String; 1],
}

#[derive(Serialize)]
struct Event<'e> {
    activity_id: u8,
    activity_name: &'static str,
    category_uid: u32,
    category_name: &'static str,
    class_uid: u32,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    time: i64,
    severity_id: u8,
    severity: &'static str,
    status_id: u8,
    status: &'static str,
    message: String,
    metadata: Metadata<'e>,
    finding_info: FindingInfo<'e>,
    compliance: Compliance<'e>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<Remediation<'e>>,
    resources: [ResourceDetails<'e>; 1],
    cloud: Cloud<'e>,
    unmapped: Unmapped<'e>,
}

#[derive(Serialize)]
struct Metadata<'e> {
    version: &'static str,
    profiles: [&'static str; 1],
    uid: String,
    product: &'e Product<'e>,
}

#[derive(Serialize)]
struct Product<'e> {
    name: &'e str,
    vendor_name: &'static str,
    version: &'e str,
}

#[derive(Serialize)]
struct FindingInfo<'e> {
    uid: String,
    title: &'e str,
    desc: &'e str,
    created_time: i64,
    types: [&'static str; 1],
}

#[derive(Serialize)]
struct Compliance<'e> {
    control: &'e str,
    standards: [&'static str; 1],
    requirements: &'e [String],
    status_id: u8,
    status: &'static str,
    status_detail: &'e str,
}

#[derive(Serialize)]
struct Remediation<'e> {
    desc: &'e str,
    references: &'e [String],
}

#[derive(Serialize)]
struct ResourceDetails<'e> {
    uid: &'e str,
    #[serde(rename = "type")]
    kind: &'e str,
    region: &'e str,
    cloud_partition: &'e str,
    owner: Owner<'e>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<[&'static str; 1]>,
}

#[derive(Serialize)]
struct Owner<'e> {
    account: AccountRef<'e>,
}

#[derive(Serialize)]
struct AccountRef<'e> {
    uid: &'e str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'e str>,
    #[serde(rename = "type")]
    kind: &'static str,
    type_id: u8,
}

#[derive(Serialize)]
struct Cloud<'e> {
    provider: &'static str,
    account: AccountRef<'e>,
    region: &'e str,
}

#[derive(Serialize)]
struct Unmapped<'e> {
    control_slug: &'e str,
    phiguard_status: &'static str,
    phi: bool,
    evidence: &'e EvidenceV1<'e>,
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<&'e WaiverV1>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed_area: Option<SeedArea>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_area: Option<SharedArea>,
}

fn event<'e>(
    r: &'e ResultV1<'e>,
    control: Option<&'e PerControl<'e>>,
    account_name: Option<&'e str>,
    product: &'e Product<'e>,
    time: i64,
) -> Event<'e> {
    let (compliance_status_id, compliance_status) = match r.status {
        Status::Pass => (1, "Pass"),
        Status::Error | Status::Manual => (2, "Warning"),
        Status::Fail | Status::Waived => (3, "Fail"),
        Status::NotApplicable => (99, "Not Applicable"),
    };
    let (status_id, status) = match r.status {
        Status::Fail | Status::Error | Status::Manual => (1, "New"),
        Status::Waived => (3, "Suppressed"),
        Status::Pass | Status::NotApplicable => (4, "Resolved"),
    };
    let info = control.map(|c| c.info);
    let title = info.map_or(r.control_id.as_ref(), |c| c.title.as_str());
    let account = || AccountRef {
        uid: &r.account,
        name: account_name,
        kind: "AWS Account",
        type_id: AWS_ACCOUNT_TYPE_ID,
    };
    Event {
        activity_id: 1,
        activity_name: "Create",
        category_uid: CATEGORY_UID,
        category_name: "Findings",
        class_uid: CLASS_UID,
        class_name: "Compliance Finding",
        type_uid: TYPE_UID,
        type_name: "Compliance Finding: Create",
        time,
        severity_id: severity_id(r.severity),
        severity: view::severity_title(r.severity),
        status_id,
        status,
        message: format!("{title}: {}", r.reason),
        metadata: Metadata {
            version: OCSF_VERSION,
            profiles: ["cloud"],
            uid: uid(&r.control_id, &r.resource),
            product,
        },
        finding_info: FindingInfo {
            uid: format!("phiguard:{}:{}", r.control_id, r.resource),
            title,
            desc: &r.reason,
            created_time: time,
            types: [FINDING_TYPE],
        },
        compliance: Compliance {
            control: &r.control_id,
            standards: ["HIPAA Security Rule"],
            requirements: control.map_or(&[][..], |c| c.requirements.as_slice()),
            status_id: compliance_status_id,
            status: compliance_status,
            status_detail: &r.reason,
        },
        remediation: control.map(|c| Remediation {
            desc: &c.remediation,
            references: &c.references,
        }),
        resources: [ResourceDetails {
            uid: &r.resource,
            kind: r.resource_kind.as_deref().unwrap_or("account"),
            region: &r.region,
            cloud_partition: partition(&r.resource),
            owner: Owner {
                account: AccountRef {
                    name: None,
                    ..account()
                },
            },
            labels: r.phi.then_some(["phi"]),
        }],
        cloud: Cloud {
            provider: "AWS",
            account: account(),
            region: &r.region,
        },
        unmapped: Unmapped {
            control_slug: &r.control_slug,
            phiguard_status: r.status.as_str(),
            phi: r.phi,
            evidence: &r.evidence,
            waiver: r.waiver.as_ref(),
            seed_area: info.map(|c| c.seed_area),
            shared_area: info.map(|c| c.shared_area),
        },
    }
}

/// OCSF severity ids.
pub fn severity_id(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

/// The partition of an ARN (`aws`, `aws-us-gov`, `aws-cn`); `aws` for other ids.
fn partition(resource: &str) -> &str {
    resource
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

/// A deterministic event id for a control and a resource: 128 bits of FNV-1a over both, as
/// a UUID-shaped string.
fn uid(control: &str, resource: &str) -> String {
    let hash = |seed: u64| {
        let mut h = seed;
        for b in control
            .bytes()
            .chain(std::iter::once(0))
            .chain(resource.bytes())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    let a = hash(0xcbf2_9ce4_8422_2325);
    let b = hash(0x84222325_cbf29ce4);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_is_deterministic_and_distinct() {
        assert_eq!(
            uid("S3-007", "arn:aws:s3:::a"),
            uid("S3-007", "arn:aws:s3:::a")
        );
        assert_ne!(
            uid("S3-007", "arn:aws:s3:::a"),
            uid("S3-007", "arn:aws:s3:::b")
        );
        // The separator keeps ("S3-0", "07...") apart from ("S3-007", "...").
        assert_ne!(uid("S3-0", "07x"), uid("S3-007", "x"));
        assert_eq!(uid("a", "b").len(), 36);
    }

    #[test]
    fn partitions() {
        assert_eq!(partition("arn:aws-us-gov:s3:::b"), "aws-us-gov");
        assert_eq!(partition("AWS::::Account:111122223333"), "aws");
    }
}
