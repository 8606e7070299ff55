//! The shared-responsibility matrix: for each area (physical, data protection, access
//! management, monitoring & auditing, software & patching, network security, governance) what
//! AWS covers, with the third-party attestations the customer inherits, and the customer's
//! controls with their status counts, overall and per service model (infrastructure like EC2,
//! container like RDS, abstracted like S3 and DynamoDB).

use std::collections::HashMap;
use std::fmt::Write as _;

use phiguard_model::SharedArea;
use serde::{Deserialize, Serialize};

use crate::wire::{Counts, Report};

/// The matrix as reports carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    /// One row per area, physical first.
    pub areas: Vec<MatrixArea>,
    /// The service models, with what each leaves to the customer.
    pub service_models: Vec<ServiceModelInfo>,
}

/// One area of the matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixArea {
    /// `physical`, `data_protection`, ...
    pub key: String,
    /// Title.
    pub title: String,
    /// What AWS covers (inherited by the customer).
    pub aws: String,
    /// The attestations evidencing AWS's part (AWS Artifact).
    pub attestations: Vec<String>,
    /// What the customer does; empty where the area is wholly inherited.
    pub customer: String,
    /// Ids of the customer's controls in this area that ran.
    pub controls: Vec<String>,
    /// Counts of their results.
    pub counts: Counts,
    /// The same counts per service model (`infrastructure`, `container`, `abstracted`,
    /// `account`), only models with results.
    pub by_service_model: Vec<ModelCounts>,
}

/// Counts for one service model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCounts {
    /// Service model key.
    pub model: String,
    /// Counts.
    pub counts: Counts,
}

/// A service model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceModelInfo {
    /// `infrastructure`, `container`, `abstracted` or `account`.
    pub key: String,
    /// Title.
    pub title: String,
    /// Example services.
    pub examples: String,
    /// What the customer manages under it.
    pub customer: String,
}

const MODELS: [(&str, &str, &str, &str); 4] = [
    (
        "infrastructure",
        "Infrastructure (IaaS)",
        "EC2, EBS, VPC",
        "guest OS and its patches, applications, security groups and network ACLs, instance storage encryption",
    ),
    (
        "container",
        "Container (managed platform)",
        "RDS, Redshift, OpenSearch",
        "engine configuration (TLS, parameters), network exposure, backups and snapshots, access; AWS patches the OS and engine",
    ),
    (
        "abstracted",
        "Abstracted (managed service)",
        "S3, DynamoDB, Lambda, KMS",
        "data classification, encryption settings, resource policies, IAM; AWS runs everything below the API",
    ),
    (
        "account",
        "Account-wide",
        "IAM, CloudTrail, GuardDuty, Config",
        "account settings and organisation guardrails",
    ),
];

/// The service model of a resource kind (`None`: an account- or region-level result).
pub fn service_model(kind: Option<&str>) -> &'static str {
    let Some(kind) = kind else {
        return "account";
    };
    let infrastructure = [
        "ec2_",
        "ebs_",
        "security_group",
        "vpc",
        "subnet",
        "network_acl",
        "route_table",
        "ssm_managed_instance",
        "inspector_status",
    ];
    let container = [
        "rds_",
        "redshift_",
        "opensearch_",
        "elasticache",
        "emr_",
        "dms_",
        "efs_",
    ];
    if infrastructure.iter().any(|p| kind.starts_with(p)) {
        "infrastructure"
    } else if container.iter().any(|p| kind.starts_with(p)) {
        "container"
    } else {
        "abstracted"
    }
}

/// The third-party attestations of AWS's part of an area (all on AWS Artifact).
fn attestations(key: &str) -> &'static [&'static str] {
    match key {
        "physical" => &[
            "SOC 1",
            "SOC 2",
            "SOC 3",
            "ISO/IEC 27001",
            "HITRUST CSF",
            "FedRAMP High",
        ],
        "data_protection" => &["SOC 2", "ISO/IEC 27001", "ISO/IEC 27018", "HITRUST CSF"],
        "access_management" => &["SOC 1", "SOC 2", "ISO/IEC 27001", "ISO/IEC 27017"],
        "monitoring_auditing" => &["SOC 1", "SOC 2", "ISO/IEC 27001", "FedRAMP Moderate"],
        "software_patching" => &["SOC 2", "ISO/IEC 27001", "ISO/IEC 27017"],
        "network_security" => &["SOC 2", "ISO/IEC 27001", "ISO/IEC 27017", "FedRAMP High"],
        _ => &["SOC 2", "ISO/IEC 27001", "HITRUST CSF"],
    }
}

/// Builds the matrix from a report.
pub fn build(report: &Report<'_>) -> Matrix {
    let tallies = tally(report);
    let mut areas = vec![MatrixArea {
        key: "physical".into(),
        title: "Physical and environmental".into(),
        aws: "Data centres: physical access, environmental controls, media sanitisation and destruction, hardware lifecycle".into(),
        attestations: attestations("physical").iter().map(|s| (*s).to_string()).collect(),
        customer: String::new(),
        ..MatrixArea::default()
    }];
    for (area, (counts, per_model)) in SharedArea::ALL.into_iter().zip(tallies) {
        let key = area.as_str();
        areas.push(MatrixArea {
            key: key.into(),
            title: area.title().into(),
            aws: area.aws_part().into(),
            attestations: attestations(key).iter().map(|s| (*s).to_string()).collect(),
            customer: area.customer_part().into(),
            controls: report
                .controls
                .iter()
                .filter(|c| c.shared_area == area)
                .map(|c| c.id.clone())
                .collect(),
            counts,
            by_service_model: MODELS
                .iter()
                .zip(per_model)
                .filter(|(_, counts)| counts.total() > 0)
                .map(|((k, ..), counts)| ModelCounts {
                    model: (*k).into(),
                    counts,
                })
                .collect(),
        });
    }
    Matrix {
        areas,
        service_models: MODELS
            .iter()
            .map(|(key, title, examples, customer)| ServiceModelInfo {
                key: (*key).into(),
                title: (*title).into(),
                examples: (*examples).into(),
                customer: (*customer).into(),
            })
            .collect(),
    }
}

/// Per area of [`SharedArea::ALL`], the counts of the results of its controls (those of
/// `report.controls` in that area), overall and per service model of [`MODELS`]. One pass over
/// the results; the areas of a control and the model of a kind are looked up only when they
/// change from one result to the next (results come grouped by control).
fn tally(report: &Report<'_>) -> Vec<(Counts, [Counts; MODELS.len()])> {
    let mut areas_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, area) in SharedArea::ALL.into_iter().enumerate() {
        for c in report.controls.iter().filter(|c| c.shared_area == area) {
            let areas = areas_of.entry(c.id.as_str()).or_default();
            if !areas.contains(&i) {
                areas.push(i);
            }
        }
    }
    let mut out: Vec<(Counts, [Counts; MODELS.len()])> = SharedArea::ALL
        .iter()
        .map(|_| (Counts::default(), Default::default()))
        .collect();
    let same = |a: &str, b: &str| std::ptr::eq(a, b) || a == b;
    let mut control: Option<(&str, &[usize])> = None;
    let mut kind: Option<(Option<&str>, Option<usize>)> = None;
    for r in &report.results {
        let id = r.control_id.as_ref();
        let areas = match control {
            Some((last, areas)) if same(last, id) => areas,
            _ => areas_of.get(id).map_or(&[][..], Vec::as_slice),
        };
        control = Some((id, areas));
        if areas.is_empty() {
            continue;
        }
        let k = r.resource_kind.as_deref();
        let model = match kind {
            Some((last, model)) if last.zip(k).map_or(last == k, |(a, b)| same(a, b)) => model,
            _ => {
                let name = service_model(k);
                MODELS.iter().position(|(m, ..)| *m == name)
            }
        };
        kind = Some((k, model));
        for &a in areas {
            if let Some((counts, per_model)) = out.get_mut(a) {
                counts.add(r.status);
                if let Some(m) = model.and_then(|m| per_model.get_mut(m)) {
                    m.add(r.status);
                }
            }
        }
    }
    out
}

fn counts_text(c: &Counts) -> String {
    format!(
        "{} pass · {} fail · {} error · {} manual · {} waived",
        c.pass, c.fail, c.error, c.manual, c.waived
    )
}

/// The matrix for a terminal (the text report's "shared responsibility" section).
pub fn text(matrix: &Matrix) -> String {
    let mut out = String::from("shared responsibility\n");
    for area in &matrix.areas {
        let _ = writeln!(out, "  {}", area.title);
        let _ = writeln!(
            out,
            "    AWS (inherited)  {} [{}]",
            area.aws,
            area.attestations.join(", ")
        );
        if area.customer.is_empty() {
            let _ = writeln!(out, "    customer         nothing: wholly inherited");
            continue;
        }
        let _ = writeln!(out, "    customer         {}", area.customer);
        if area.controls.is_empty() {
            let _ = writeln!(out, "    your controls    none ran");
            continue;
        }
        let _ = writeln!(
            out,
            "    your controls    {} ({})",
            area.controls.len(),
            counts_text(&area.counts)
        );
        for m in &area.by_service_model {
            let title = matrix
                .service_models
                .iter()
                .find(|s| s.key == m.model)
                .map_or(m.model.as_str(), |s| s.title.as_str());
            let _ = writeln!(out, "      {title:<29} {}", counts_text(&m.counts));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_models_of_kinds() {
        assert_eq!(service_model(Some("ec2_instance")), "infrastructure");
        assert_eq!(service_model(Some("security_group")), "infrastructure");
        assert_eq!(service_model(Some("rds_instance")), "container");
        assert_eq!(service_model(Some("s3_bucket")), "abstracted");
        assert_eq!(service_model(Some("dynamodb_table")), "abstracted");
        assert_eq!(service_model(None), "account");
    }

    #[test]
    fn physical_is_wholly_inherited_and_attestations_are_named() {
        let m = Matrix {
            areas: vec![MatrixArea {
                key: "physical".into(),
                title: "Physical and environmental".into(),
                aws: "Data centres".into(),
                attestations: attestations("physical")
                    .iter()
                    .map(|s| (*s).to_string())
                    .collect(),
                ..MatrixArea::default()
            }],
            service_models: Vec::new(),
        };
        let t = text(&m);
        assert!(t.contains("SOC 1, SOC 2, SOC 3, ISO/IEC 27001, HITRUST CSF, FedRAMP High"));
        assert!(t.contains("nothing: wholly inherited"));
    }
}
