use crate::prelude::*;

control! {
    /// # Requirement
    /// Every REST API stage presents a client certificate to its backend
    /// (`clientCertificateId` set), so the backend can verify that requests come from API
    /// Gateway.
    ///
    /// # Rationale
    /// An HTTP backend behind API Gateway is reachable by anyone who finds its address unless
    /// it can tell API Gateway's calls apart; the stage's client certificate lets the backend
    /// require mutual TLS and refuse everything else. HIPAA asks for person or entity
    /// authentication and for integrity and transmission security of ePHI between systems.
    /// Stages that only integrate with AWS services (Lambda, DynamoDB) through IAM do not need
    /// it: waive those with a reason.
    ///
    /// # Evaluation
    /// Reads `client_certificate_id` of every REST API stage. Passes when a client certificate
    /// is configured; fails otherwise.
    ///
    /// # Remediation
    /// Generate a client certificate, attach it to the stage, and configure the backend to
    /// require it (mutual TLS against the certificate's PEM).
    ///
    /// - Console: API Gateway → APIs → API → Client certificates → Generate; then Stages →
    ///   stage → Edit → Client certificate → choose it → Save.
    /// - CLI: `aws apigateway generate-client-certificate --description phi-backend`, then
    ///   `aws apigateway update-stage --rest-api-id API_ID --stage-name STAGE
    ///   --patch-operations op=replace,path=/clientCertificateId,value=CERT_ID`
    /// - Terraform: `resource "aws_api_gateway_client_certificate" "backend" {}` and
    ///   `client_certificate_id = aws_api_gateway_client_certificate.backend.id` on
    ///   `aws_api_gateway_stage`.
    ///
    /// # References
    /// - AWS Config rule `api-gw-ssl-enabled`
    /// - <https://docs.aws.amazon.com/apigateway/latest/developerguide/getting-started-client-side-ssl-authentication.html>
    id: "APIGATEWAY-002",
    slug: "apigateway-stage-client-certificate",
    title: "API Gateway stages authenticate to backends with a client certificate",
    severity: Medium,
    seed_area: Encryption,
    shared_area: NetworkSecurity,
    citations: ["312(a)(2)(iv)", "312(e)(1)", "312(e)(2)(i)", "312(e)(2)(ii)"],
    config_rules: ["api-gw-ssl-enabled"],
    prowler_checks: ["apigateway_restapi_client_certificate_enabled"],
    resource_kinds: [ApigatewayStage],
    inputs: [Regional(ApigatewayStages)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, stage) in ctx.apigateway_stages() {
        let cert = stage.client_certificate_id.as_deref();
        out.check(
            ctx.subject(resource),
            cert.is_some(),
            "the stage presents a client certificate to its backend",
            "the stage has no client certificate: the backend cannot tell API Gateway's calls from others",
            evidence!["client_certificate_id" => cert],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::apigateway::stage;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(stage("a1b2c3", "prod", |_| {})),
        fail: Fixture::new().with(stage("a1b2c3", "prod", |s| s.client_certificate_id = None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::apigateway::stage;
    use crate::testkit::*;

    #[test]
    fn with_and_without_certificate() {
        let rows = Fixture::new()
            .with(stage("a1b2c3", "prod", |_| {}).tag("PHI", "Yes"))
            .with(stage("a1b2c3", "dev", |s| s.client_certificate_id = None))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
