use crate::prelude::*;

control! {
    /// # Requirement
    /// Every API Gateway REST API stage has execution logging on at level `ERROR` or `INFO`
    /// for all methods.
    ///
    /// # Rationale
    /// An API in front of PHI is where requests are authorised and routed. Execution logs
    /// record each request's authorisation result, integration errors and latency into
    /// CloudWatch Logs; without them a failed or abusive access cannot be reconstructed.
    /// HIPAA requires audit controls that record activity in systems containing ePHI.
    ///
    /// # Evaluation
    /// Reads `logging_level` (the `*/*` method setting) of every REST API stage. Passes for
    /// `ERROR` or `INFO`; fails for `OFF` or when no level is set.
    ///
    /// # Remediation
    /// Set the account's CloudWatch Logs role for API Gateway once, then turn on execution
    /// logging for every stage.
    ///
    /// - Console: API Gateway → the API → Stages → the stage → Logs and tracing → Edit →
    ///   CloudWatch logs: Errors and info logs → Save.
    /// - CLI: `aws apigateway update-stage --rest-api-id API_ID --stage-name STAGE --patch-operations op=replace,path=/*/*/logging/loglevel,value=INFO`.
    /// - Terraform: `aws_api_gateway_method_settings` with `method_path = "*/*"` and
    ///   `settings { logging_level = "INFO" }` (plus `aws_api_gateway_account` with the
    ///   CloudWatch role).
    ///
    /// # References
    /// - AWS Config rule `api-gw-execution-logging-enabled`; Prowler
    ///   `apigateway_restapi_logging_enabled`
    /// - <https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html>
    id: "APIGATEWAY-201",
    slug: "apigateway-stage-execution-logging",
    title: "API Gateway stages log execution to CloudWatch Logs",
    severity: Medium,
    seed_area: Logging,
    shared_area: MonitoringAuditing,
    citations: ["308(a)(1)(ii)(D)", "308(a)(3)(ii)(A)", "312(b)"],
    config_rules: ["api-gw-execution-logging-enabled"],
    prowler_checks: ["apigateway_restapi_logging_enabled"],
    resource_kinds: [ApigatewayStage],
    inputs: [Regional(ApigatewayStages)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, stage) in ctx.apigateway_stages() {
        let level = stage.logging_level.as_deref();
        let evidence = evidence!["logging_level" => level];
        let subject = ctx.subject(resource);
        match level {
            Some(l) if l.eq_ignore_ascii_case("ERROR") || l.eq_ignore_ascii_case("INFO") => {
                out.pass(subject, format!("execution logging at `{l}`"), evidence);
            }
            Some(l) => out.fail(subject, format!("execution logging is `{l}`"), evidence),
            None => out.fail(subject, "execution logging is not configured", evidence),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::apigateway::stage;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(stage("a1b2c3", "prod", |_| {})),
        fail: Fixture::new().with(stage("a1b2c3", "prod", |s| {
            s.logging_level = Some("OFF".into())
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::apigateway::stage;
    use crate::testkit::*;

    #[test]
    fn levels() {
        let rows = Fixture::new()
            .with(stage("a1", "prod", |s| {
                s.logging_level = Some("ERROR".into())
            }))
            .with(stage("a2", "prod", |s| {
                s.logging_level = Some("OFF".into())
            }))
            .with(stage("a3", "prod", |s| s.logging_level = None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
