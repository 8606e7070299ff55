use crate::prelude::*;

control! {
    /// # Requirement
    /// Every API Gateway REST API stage is protected by an AWS WAF web ACL.
    ///
    /// # Rationale
    /// A web ACL in front of an API filters injection attempts, known bad inputs and abusive
    /// request rates before they reach the integration that reads or writes PHI. HIPAA
    /// requires technical safeguards that guard against unauthorised access to ePHI
    /// transmitted over networks; a web application firewall is the standard one for HTTP
    /// APIs.
    ///
    /// # Evaluation
    /// Reads `web_acl_arn` of every REST API stage. Passes when a web ACL is associated,
    /// fails when none is.
    ///
    /// # Remediation
    /// Associate a regional web ACL (with at least the AWS managed core rule set) with the
    /// stage.
    ///
    /// - Console: AWS WAF → Web ACLs → the web ACL → Associated AWS resources → Add → API
    ///   Gateway REST API → the stage → Add.
    /// - CLI: `aws wafv2 associate-web-acl --web-acl-arn WEB_ACL_ARN --resource-arn arn:aws:apigateway:REGION::/restapis/API_ID/stages/STAGE`.
    /// - Terraform: `aws_wafv2_web_acl_association` with `resource_arn = aws_api_gateway_stage.this.arn`.
    ///
    /// # References
    /// - AWS Config rule `api-gw-associated-with-waf`
    /// - <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html>
    id: "APIGATEWAY-202",
    slug: "apigateway-stage-waf",
    title: "API Gateway stages are protected by AWS WAF",
    severity: Medium,
    seed_area: Rbac,
    shared_area: NetworkSecurity,
    citations: ["308(a)(1)(ii)(B)", "312(e)(1)"],
    config_rules: ["api-gw-associated-with-waf"],
    prowler_checks: [],
    resource_kinds: [ApigatewayStage],
    inputs: [Regional(ApigatewayStages)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, stage) in ctx.apigateway_stages() {
        let acl = stage.web_acl_arn.as_deref().filter(|a| !a.is_empty());
        out.check(
            ctx.subject(resource),
            acl.is_some(),
            format!("protected by web ACL `{}`", acl.unwrap_or_default()),
            "no AWS WAF web ACL is associated",
            evidence!["web_acl_arn" => acl],
        );
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::apigateway::stage;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(stage("a1b2c3", "prod", |s| {
            s.web_acl_arn =
                Some("arn:aws:wafv2:us-east-1:111122223333:regional/webacl/api/0a1b2c3d".into());
        })),
        fail: Fixture::new().with(stage("a1b2c3", "prod", |_| {})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn with_and_without_acl() {
        let ex = examples();
        let rows: Vec<Row> = ex
            .pass
            .run(&CONTROL)
            .into_iter()
            .chain(ex.fail.run(&CONTROL))
            .collect();
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Fail]
        );
        insta::assert_snapshot!(render(&rows));
    }
}
