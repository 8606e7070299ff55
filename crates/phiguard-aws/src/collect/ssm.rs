//! AWS Systems Manager in one region: managed nodes (DescribeInstanceInformation) with their
//! patch and association compliance summaries (ListResourceComplianceSummaries), and the
//! documents the account owns with their share permissions. A failed compliance or permission
//! call becomes a field error on the resource, so the controls report `error` rather than
//! guess.

use std::collections::HashMap;

use futures::StreamExt;
use phiguard_model::kinds::{SsmDocument, SsmManagedInstance};
use phiguard_model::{DataSource, FieldError, Resource};

use crate::call::CallError;
use crate::client;
use crate::scope::Scope;

type Ssm = aws_sdk_ssm::Client;

pub(crate) async fn run(scope: &Scope) {
    let ssm = client!(scope, aws_sdk_ssm);
    let (nodes, docs) = futures::join!(collect(scope, &ssm), documents(scope, &ssm));
    scope.record(DataSource::SsmManagedInstances, nodes);
    scope.record(DataSource::SsmDocuments, docs);
}

/// Whether a document's share permission makes it public, and the accounts it is shared
/// with.
pub(crate) fn shares(accounts: &[String]) -> (bool, Vec<String>) {
    let public = accounts.iter().any(|a| a.eq_ignore_ascii_case("all"));
    let mut shared: Vec<String> = accounts
        .iter()
        .filter(|a| !a.eq_ignore_ascii_case("all"))
        .cloned()
        .collect();
    shared.sort();
    shared.dedup();
    (public, shared)
}

async fn documents(scope: &Scope, ssm: &Ssm) -> Result<Vec<Resource>, CallError> {
    use aws_sdk_ssm::types::{DocumentKeyValuesFilter, DocumentPermissionType};
    let mut pages = ssm
        .list_documents()
        .filters(
            DocumentKeyValuesFilter::builder()
                .key("Owner")
                .values("Self")
                .build(),
        )
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        for d in page.map_err(CallError::from)?.document_identifiers() {
            let Some(name) = d.name() else { continue };
            let doc = SsmDocument {
                document_type: d
                    .document_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                public: false,
                shared_with: Vec::new(),
            };
            let mut r = scope.resource(scope.arn("ssm", &format!("document/{name}")), doc);
            r.name = Some(name.to_string());
            listed.push((name.to_string(), r));
        }
    }
    Ok(futures::stream::iter(listed)
        .map(|(name, mut r)| async move {
            let permission = ssm
                .describe_document_permission()
                .name(&name)
                .permission_type(DocumentPermissionType::Share)
                .send()
                .await
                .map_err(CallError::from)
                .map(|o| shares(o.account_ids()));
            match permission {
                Ok((public, shared)) => {
                    if let phiguard_model::Details::SsmDocument(d) = &mut r.details {
                        d.public = public;
                        d.shared_with = shared;
                    }
                }
                Err(e) => {
                    for field in ["public", "shared_with"] {
                        r.errors.push(FieldError {
                            field: field.to_string(),
                            code: e.code.clone(),
                            message: e.message.clone(),
                        });
                    }
                }
            }
            r
        })
        .buffer_unordered(4)
        .collect()
        .await)
}

/// A compliance summary: status, and non-compliant counts by severity.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Summary {
    status: String,
    non_compliant: Vec<String>,
}

/// The summary of one compliance item.
pub(crate) fn summary(item: &aws_sdk_ssm::types::ResourceComplianceSummaryItem) -> Summary {
    let mut non_compliant = Vec::new();
    if let Some(s) = item
        .non_compliant_summary()
        .and_then(|n| n.severity_summary())
    {
        for (name, count) in [
            ("CRITICAL", s.critical_count()),
            ("HIGH", s.high_count()),
            ("MEDIUM", s.medium_count()),
            ("LOW", s.low_count()),
            ("INFORMATIONAL", s.informational_count()),
            ("UNSPECIFIED", s.unspecified_count()),
        ] {
            if count > 0 {
                non_compliant.push(format!("{name}={count}"));
            }
        }
    }
    Summary {
        status: item
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        non_compliant,
    }
}

async fn compliance(ssm: &Ssm) -> Result<HashMap<(String, String), Summary>, CallError> {
    let mut out = HashMap::new();
    let mut pages = ssm
        .list_resource_compliance_summaries()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for item in page
            .map_err(CallError::from)?
            .resource_compliance_summary_items()
        {
            if item.resource_type() != Some("ManagedInstance") {
                continue;
            }
            if let (Some(id), Some(kind)) = (item.resource_id(), item.compliance_type()) {
                out.insert((id.to_string(), kind.to_string()), summary(item));
            }
        }
    }
    Ok(out)
}

async fn collect(scope: &Scope, ssm: &Ssm) -> Result<Vec<Resource>, CallError> {
    let mut nodes = Vec::new();
    let mut pages = ssm.describe_instance_information().into_paginator().send();
    while let Some(page) = pages.next().await {
        for i in page.map_err(CallError::from)?.instance_information_list() {
            let Some(id) = i.instance_id() else { continue };
            nodes.push(SsmManagedInstance {
                instance_id: id.to_string(),
                ping_status: i
                    .ping_status()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                platform_type: i
                    .platform_type()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                patch_compliance: None,
                association_compliance: None,
                non_compliant: Vec::new(),
            });
        }
    }
    let found = if nodes.is_empty() {
        Ok(HashMap::new())
    } else {
        compliance(ssm).await
    };
    Ok(nodes
        .into_iter()
        .map(|mut node| {
            let mut errors = Vec::new();
            match &found {
                Ok(map) => {
                    let get = |kind: &str| map.get(&(node.instance_id.clone(), kind.to_string()));
                    if let Some(patch) = get("Patch") {
                        node.patch_compliance = Some(patch.status.clone());
                        node.non_compliant = patch.non_compliant.clone();
                    }
                    node.association_compliance = get("Association").map(|a| a.status.clone());
                }
                Err(e) => {
                    for field in [
                        "patch_compliance",
                        "association_compliance",
                        "non_compliant",
                    ] {
                        errors.push(FieldError {
                            field: field.to_string(),
                            code: e.code.clone(),
                            message: e.message.clone(),
                        });
                    }
                }
            }
            let id = node.instance_id.clone();
            let mut r = scope.resource(scope.arn("ssm", &format!("managed-instance/{id}")), node);
            r.name = Some(id);
            r.errors = errors;
            r
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use aws_sdk_ssm::types::{
        ComplianceStatus, NonCompliantSummary, ResourceComplianceSummaryItem, SeveritySummary,
    };

    use super::*;

    #[test]
    fn document_shares() {
        assert_eq!(
            shares(&["all".into(), "444455556666".into()]),
            (true, vec!["444455556666".to_string()])
        );
        assert_eq!(shares(&[]), (false, Vec::new()));
    }

    #[test]
    fn severity_counts() {
        let item = ResourceComplianceSummaryItem::builder()
            .compliance_type("Patch")
            .resource_type("ManagedInstance")
            .resource_id("i-0a1")
            .status(ComplianceStatus::NonCompliant)
            .non_compliant_summary(
                NonCompliantSummary::builder()
                    .non_compliant_count(3)
                    .severity_summary(
                        SeveritySummary::builder()
                            .critical_count(2)
                            .high_count(1)
                            .build(),
                    )
                    .build(),
            )
            .build();
        assert_eq!(
            summary(&item),
            Summary {
                status: "NON_COMPLIANT".into(),
                non_compliant: vec!["CRITICAL=2".into(), "HIGH=1".into()],
            }
        );
    }
}
