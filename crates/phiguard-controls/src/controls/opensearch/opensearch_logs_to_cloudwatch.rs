use crate::prelude::*;

control! {
    /// # Requirement
    /// Every OpenSearch Service (or Elasticsearch) domain publishes its error logs
    /// (`ES_APPLICATION_LOGS`) to CloudWatch Logs, and its audit logs (`AUDIT_LOGS`) when
    /// fine-grained access control is on.
    ///
    /// # Rationale
    /// A search domain indexing clinical documents answers queries over PHI. Application logs
    /// show failed requests and cluster errors; audit logs record who searched and read
    /// which index. HIPAA requires audit controls that record activity in systems containing
    /// ePHI.
    ///
    /// # Evaluation
    /// Reads `log_publishing` (log types whose publishing is enabled) and
    /// `fine_grained_access_control` of every domain. Passes when `ES_APPLICATION_LOGS` is
    /// published and, for domains with fine-grained access control, `AUDIT_LOGS` too (audit
    /// logs need it); fails naming what is missing.
    ///
    /// # Remediation
    /// Turn on log publishing to CloudWatch Logs (with a resource policy on the log group
    /// that lets OpenSearch Service write).
    ///
    /// - Console: OpenSearch Service → the domain → Logs → Error logs → Enable; Audit logs →
    ///   Enable (fine-grained access control required).
    /// - CLI: `aws opensearch update-domain-config --domain-name DOMAIN --log-publishing-options 'ES_APPLICATION_LOGS={CloudWatchLogsLogGroupArn=LOG_GROUP_ARN,Enabled=true},AUDIT_LOGS={CloudWatchLogsLogGroupArn=LOG_GROUP_ARN,Enabled=true}'`.
    /// - Terraform: `log_publishing_options { log_type = "ES_APPLICATION_LOGS" cloudwatch_log_group_arn = aws_cloudwatch_log_group.os.arn }`
    ///   (and one for `AUDIT_LOGS`) on the `aws_opensearch_domain`.
    ///
    /// # References
    /// - AWS Config rules `opensearch-logs-to-cloudwatch`, `elasticsearch-logs-to-cloudwatch`
    /// - <https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html>
    id: "OPENSEARCH-201",
    slug: "opensearch-logs-to-cloudwatch",
    title: "OpenSearch domains publish their logs to CloudWatch Logs",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(3)(ii)(A)", "312(b)"],
    config_rules: ["opensearch-logs-to-cloudwatch", "elasticsearch-logs-to-cloudwatch"],
    prowler_checks: [],
    resource_kinds: [OpensearchDomain],
    inputs: [Regional(OpensearchDomains)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, domain) in ctx.opensearch_domains() {
        let mut required = vec!["ES_APPLICATION_LOGS"];
        if domain.fine_grained_access_control {
            required.push("AUDIT_LOGS");
        }
        let missing: Vec<&str> = required
            .into_iter()
            .filter(|t| !domain.log_publishing.iter().any(|l| l == t))
            .collect();
        out.check(
            ctx.subject(resource),
            missing.is_empty(),
            "publishes its error (and audit) logs to CloudWatch Logs",
            format!(
                "does not publish `{}` to CloudWatch Logs",
                missing.join("`, `")
            ),
            evidence![
                "log_publishing" => &domain.log_publishing,
                "fine_grained_access_control" => domain.fine_grained_access_control,
            ],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::opensearch::domain;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(domain("notes", |d| {
            d.log_publishing = vec!["ES_APPLICATION_LOGS".into(), "AUDIT_LOGS".into()];
        })),
        fail: Fixture::new().with(domain("notes", |d| d.log_publishing = Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::opensearch::domain;
    use crate::testkit::*;

    #[test]
    fn application_and_audit_logs() {
        let rows = Fixture::new()
            .with(domain("full", |d| {
                d.log_publishing = vec!["ES_APPLICATION_LOGS".into(), "AUDIT_LOGS".into()];
            }))
            .with(domain("no-audit", |d| {
                d.log_publishing = vec!["ES_APPLICATION_LOGS".into()]
            }))
            .with(domain("no-fgac", |d| {
                d.fine_grained_access_control = false;
                d.log_publishing = vec!["ES_APPLICATION_LOGS".into()];
            }))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Pass]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
