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
//! * `finding_info.uid` is `phiguard:<control>:<resource>`, `metadata.uid` a hash of the
//!   same: both identical from one scan to the next, so a SIEM can follow a finding.

use std::io::{self, BufWriter, Write};

use phiguard_model::{Severity, Status};
use serde_json::{Map, Value as Json, json};

use crate::view;
use crate::wire::{ControlInfo, Report, ResultV1};

/// OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.1.0";
/// Compliance Finding.
pub const CLASS_UID: u32 = 2003;
/// Findings.
pub const CATEGORY_UID: u32 = 2;
/// Compliance Finding: Create.
pub const TYPE_UID: u32 = CLASS_UID * 100 + 1;

/// Writes the events as a JSON array, one event per line.
pub fn render(report: &Report<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let mut w = BufWriter::new(out);
    let controls: std::collections::HashMap<&str, &ControlInfo> =
        report.controls.iter().map(|c| (c.id.as_str(), c)).collect();
    let time = report.scan_time.as_millisecond();
    w.write_all(b"[")?;
    for (i, r) in report.results.iter().enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let control = controls.get(r.control_id.as_ref()).copied();
        serde_json::to_writer(&mut w, &event(report, control, r, time))?;
    }
    w.write_all(b"\n]\n")?;
    w.flush()
}

fn event(report: &Report<'_>, control: Option<&ControlInfo>, r: &ResultV1<'_>, time: i64) -> Json {
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
    let title = control.map_or(r.control_id.as_ref(), |c| c.title.as_str());
    let finding_uid = format!("phiguard:{}:{}", r.control_id, r.resource);
    let mut evidence = Map::new();
    for (k, v) in &r.evidence {
        evidence.insert(k.to_string(), serde_json::to_value(v).unwrap_or(Json::Null));
    }
    let mut unmapped = Map::new();
    unmapped.insert("control_slug".into(), json!(r.control_slug));
    unmapped.insert("phiguard_status".into(), json!(r.status.as_str()));
    unmapped.insert("phi".into(), json!(r.phi));
    unmapped.insert("evidence".into(), Json::Object(evidence));
    if let Some(w) = &r.waiver {
        unmapped.insert(
            "waiver".into(),
            json!({"reason": w.reason, "approved_by": w.approved_by, "expires": w.expires}),
        );
    }
    if let Some(c) = control {
        unmapped.insert("seed_area".into(), json!(c.seed_area));
        unmapped.insert("shared_area".into(), json!(c.shared_area));
    }
    let mut resource = Map::new();
    resource.insert("uid".into(), json!(r.resource));
    resource.insert(
        "type".into(),
        json!(r.resource_kind.as_deref().unwrap_or("account")),
    );
    resource.insert("region".into(), json!(r.region));
    resource.insert("cloud_partition".into(), json!(partition(&r.resource)));
    resource.insert(
        "owner".into(),
        json!({"account": {"uid": r.account, "type": "AWS Account", "type_id": 10}}),
    );
    if r.phi {
        resource.insert("labels".into(), json!(["phi"]));
    }
    let mut cloud = Map::new();
    cloud.insert("provider".into(), json!("AWS"));
    let mut account = Map::new();
    account.insert("uid".into(), json!(r.account));
    account.insert("type".into(), json!("AWS Account"));
    account.insert("type_id".into(), json!(10));
    if let Some(name) = report
        .accounts
        .iter()
        .find(|a| a.id == r.account)
        .and_then(|a| a.name.as_ref())
    {
        account.insert("name".into(), json!(name));
    }
    cloud.insert("account".into(), Json::Object(account));
    cloud.insert("region".into(), json!(r.region));
    let mut remediation = Map::new();
    if let Some(c) = control {
        remediation.insert("desc".into(), json!(c.remediation));
        remediation.insert("references".into(), json!([view::docs_path(&c.id)]));
    }
    json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": TYPE_UID,
        "type_name": "Compliance Finding: Create",
        "time": time,
        "severity_id": severity_id(r.severity),
        "severity": view::severity_title(r.severity),
        "status_id": status_id,
        "status": status,
        "message": format!("{}: {}", title, r.reason),
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "uid": uid(&r.control_id, &r.resource),
            "product": {
                "name": report.tool.name,
                "vendor_name": "phiguard",
                "version": report.tool.version,
            },
        },
        "finding_info": {
            "uid": finding_uid,
            "title": title,
            "desc": r.reason,
            "created_time": time,
            "types": ["Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls"],
        },
        "compliance": {
            "control": r.control_id,
            "standards": ["HIPAA Security Rule"],
            "requirements": control.map(|c| c.hipaa.iter().map(|h| format!("45 CFR {h}")).collect::<Vec<_>>()).unwrap_or_default(),
            "status_id": compliance_status_id,
            "status": compliance_status,
            "status_detail": r.reason,
        },
        "remediation": remediation,
        "resources": [resource],
        "cloud": cloud,
        "unmapped": unmapped,
    })
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
