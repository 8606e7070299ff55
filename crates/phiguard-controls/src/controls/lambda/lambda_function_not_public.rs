use phiguard_model::policy::Statement;

use crate::prelude::*;

control! {
    /// # Requirement
    /// No Lambda function can be invoked by anyone: its resource-based policy grants nothing
    /// to `*` without a condition that pins the caller, and its function URL (if any) requires
    /// IAM authentication.
    ///
    /// # Rationale
    /// Lambda functions in a PHI workload read and write PHI with their execution role's
    /// permissions. A function anyone can invoke is an unauthenticated door to that data and
    /// that role. HIPAA requires access to ePHI to be limited to authorised persons and
    /// software, and protection of ePHI in transit from unauthorised access.
    ///
    /// # Evaluation
    /// Reads `policy` (the function's resource-based policy) and `url_auth_type` of every
    /// function, PHI or not. Fails when an Allow statement applies to everyone (`Principal:
    /// "*"`, `{"AWS": "*"}` or `NotPrincipal`) and no condition limits it to fixed accounts,
    /// organisations or sources (`aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`,
    /// `aws:PrincipalAccount` and the other keys IAM Access Analyzer accepts, with fixed values);
    /// `lambda:FunctionUrlAuthType` does not limit who calls. Fails when the function URL's
    /// auth type is `NONE`. Passes otherwise, including functions without a policy or URL.
    ///
    /// # Remediation
    /// Remove public statements from the function policy (grant to specific accounts or
    /// services with `aws:SourceArn` / `aws:SourceAccount`), and set the function URL's auth
    /// type to `AWS_IAM` or delete the URL (put API Gateway with authorisation in front).
    ///
    /// - Console: Lambda → function → Configuration → Permissions → Resource-based policy
    ///   statements → Delete; Configuration → Function URL → Edit → Auth type `AWS_IAM`.
    /// - CLI: `aws lambda remove-permission --function-name FN --statement-id SID` and
    ///   `aws lambda update-function-url-config --function-name FN --auth-type AWS_IAM`.
    /// - Terraform: give `aws_lambda_permission` a specific `principal` plus `source_arn` /
    ///   `source_account`; set `authorization_type = "AWS_IAM"` on `aws_lambda_function_url`.
    ///
    /// # References
    /// - AWS Config rule `lambda-function-public-access-prohibited`; Prowler `awslambda_function_not_publicly_accessible`, `awslambda_function_url_public`
    /// - <https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>
    /// - <https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html>
    id: "LAMBDA-001",
    slug: "lambda-function-not-public",
    title: "Lambda functions cannot be invoked by anyone",
    severity: High,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(1)(ii)(B)", "308(a)(3)(i)", "312(a)(1)", "312(e)(1)"],
    config_rules: ["lambda-function-public-access-prohibited"],
    prowler_checks: ["awslambda_function_not_publicly_accessible", "awslambda_function_url_public"],
    resource_kinds: [LambdaFunction],
    inputs: [Regional(LambdaFunctions)],
}

fn describe(statement: &Statement) -> String {
    let actions = if statement.not_action.is_empty() {
        statement.action.join(", ")
    } else {
        format!("NotAction {}", statement.not_action.join(", "))
    };
    match &statement.sid {
        Some(sid) => format!("`{actions}` to anyone (Sid `{sid}`)"),
        None => format!("`{actions}` to anyone"),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, function) in ctx.lambda_functions() {
        let subject = ctx.subject(resource);
        let public: Vec<String> = function
            .policy
            .iter()
            .flat_map(|p| p.public_allows())
            .map(describe)
            .collect();
        let open_url = function
            .url_auth_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("NONE"));
        let mut problems = Vec::new();
        if open_url {
            problems.push(
                "its function URL has auth type `NONE` (anyone on the internet can call it)"
                    .to_string(),
            );
        }
        if !public.is_empty() {
            problems.push(format!("its policy grants {}", public.join("; ")));
        }
        let evidence = evidence![
            "url_auth_type" => function.url_auth_type.as_deref(),
            "policy" => Value::List(public.iter().map(|p| Value::from(p.replace('`', ""))).collect()),
        ];
        if problems.is_empty() {
            out.pass(
                subject,
                "only authorised callers can invoke the function",
                evidence,
            );
        } else {
            out.fail(
                subject,
                format!("the function is public: {}", problems.join("; ")),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn function(name: &str, edit: impl FnOnce(&mut LambdaFunction)) -> Resource {
    let mut f = LambdaFunction {
        runtime: Some("python3.12".into()),
        role: "arn:aws:iam::111122223333:role/fn".into(),
        ..LambdaFunction::default()
    };
    edit(&mut f);
    crate::testkit::resource(
        &format!("arn:aws:lambda:us-east-1:111122223333:function:{name}"),
        f,
    )
    .named(name)
}

#[cfg(test)]
fn policy(statement: &str) -> Option<phiguard_model::PolicyDocument> {
    phiguard_model::PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#
    ))
    .ok()
}

#[cfg(test)]
const S3_TRIGGER: &str = r#"{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
    "Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:f",
    "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::intake"},"StringEquals":{"AWS:SourceAccount":"111122223333"}}}"#;

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(function("intake", |f| {
            f.policy = policy(S3_TRIGGER);
            f.url_auth_type = Some("AWS_IAM".into());
        })),
        fail: Fixture::new().with(function("intake", |f| {
            f.url_auth_type = Some("NONE".into())
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn verdict(statement: &str) -> Status {
        Fixture::new()
            .with(function("f", |f| f.policy = policy(statement)))
            .run(&CONTROL)[0]
            .status
    }

    #[test]
    fn policy_statements() {
        assert_eq!(verdict(S3_TRIGGER), Status::Pass);
        let star = r#"{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}"#;
        assert_eq!(verdict(star), Status::Fail);
        let aws_star = r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:InvokeFunction",
            "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}"#;
        assert_eq!(verdict(aws_star), Status::Pass);
        let by_source = r#"{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction",
            "Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:111122223333:rule/nightly"}}}"#;
        assert_eq!(verdict(by_source), Status::Pass);
        let url_any_account = r#"{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl",
            "Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}"#;
        assert_eq!(verdict(url_any_account), Status::Fail);
        let denied = r#"{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction"}"#;
        assert_eq!(verdict(denied), Status::Pass);
        let partner = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"lambda:InvokeFunction"}"#;
        assert_eq!(verdict(partner), Status::Pass);
    }

    #[test]
    fn function_urls() {
        let rows = Fixture::new()
            .with(function("none", |f| f.url_auth_type = Some("NONE".into())))
            .with(function("iam", |f| {
                f.url_auth_type = Some("AWS_IAM".into())
            }))
            .with(function("no-url", |_| {}))
            .run(&CONTROL);
        let got: Vec<Status> = rows.iter().map(|r| r.status).collect();
        assert_eq!(got, [Status::Fail, Status::Pass, Status::Pass]);
    }

    #[test]
    fn unreadable_policy_is_an_error() {
        let mut f = function("f", |_| {});
        f.errors.push(phiguard_model::FieldError {
            field: "policy".into(),
            code: "AccessDeniedException".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(f).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn report() {
        let rows = Fixture::new()
            .with(
                function("public-url", |f| {
                    f.url_auth_type = Some("NONE".into());
                    f.policy = policy(
                        r#"{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl",
                        "Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}"#,
                    );
                })
                .tag("PHI", "Yes"),
            )
            .with(function("s3-trigger", |f| f.policy = policy(S3_TRIGGER)))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
    }
}
