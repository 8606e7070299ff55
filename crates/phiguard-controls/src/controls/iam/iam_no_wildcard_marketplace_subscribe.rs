use phiguard_model::policy::Statement;

use crate::controls::iam::{PolicyScan, granted, scan_policies};
use crate::prelude::*;

const SUBSCRIBE: &str = "aws-marketplace:Subscribe";

control! {
    /// # Requirement
    /// No customer-managed or inline IAM policy allows `aws-marketplace:Subscribe` on every
    /// product (`Resource: "*"` without an `aws-marketplace:ProductId` condition).
    ///
    /// # Rationale
    /// A Marketplace subscription brings a third party's software, SaaS or model (including
    /// Amazon Bedrock third-party models) into the environment, possibly processing PHI.
    /// HIPAA requires that every business associate receiving PHI is under a BAA and that
    /// access be authorised; unrestricted subscription lets anyone with the permission
    /// onboard a vendor without that review.
    ///
    /// # Evaluation
    /// Reads the default-version `document` of every customer-managed policy attached to at
    /// least one principal (unattached ones are not applicable) and the `inline_policies` of
    /// every user, group and role that has some (service-linked roles excepted). Fails when an
    /// Allow statement covers `aws-marketplace:Subscribe` (by name, `aws-marketplace:*`, `*` or
    /// `NotAction`) on `Resource: "*"` and has no `aws-marketplace:ProductId` condition
    /// limiting the products; passes otherwise.
    ///
    /// # Remediation
    /// Limit subscriptions to approved products with an `aws-marketplace:ProductId` condition
    /// (or use a Private Marketplace), and route new vendors through your BAA review.
    ///
    /// - Console: IAM → Policies → policy → Edit → JSON; add
    ///   `"Condition": {"ForAnyValue:StringEquals": {"aws-marketplace:ProductId": ["prod-..."]}}`.
    /// - CLI: `aws iam create-policy-version --policy-arn ARN --policy-document file://scoped.json --set-as-default`.
    /// - Terraform: in the `aws_iam_policy_document` statement for `aws-marketplace:Subscribe`,
    ///   add `condition { test = "ForAnyValue:StringEquals" variable = "aws-marketplace:ProductId" values = [...] }`.
    ///
    /// # References
    /// - Prowler `iam_policy_no_wildcard_marketplace_subscribe`, `iam_inline_policy_no_wildcard_marketplace_subscribe`
    /// - <https://docs.aws.amazon.com/marketplace/latest/buyerguide/buyer-iam-users-groups-policies.html>
    id: "IAM-014",
    slug: "iam-no-wildcard-marketplace-subscribe",
    title: "No policy allows subscribing to any AWS Marketplace product",
    severity: Medium,
    seed_area: ThirdParties,
    shared_area: AccessManagement,
    citations: ["308(a)(4)(ii)(B)", "308(b)(1)"],
    config_rules: [],
    prowler_checks: [
        "iam_policy_no_wildcard_marketplace_subscribe",
        "iam_inline_policy_no_wildcard_marketplace_subscribe",
    ],
    resource_kinds: [IamPolicy, IamUser, IamGroup, IamRole],
    inputs: [Regional(IamPolicies), Regional(IamUsers), Regional(IamGroups), Regional(IamRoles)],
}

fn finding(statement: &Statement) -> Option<String> {
    if !statement.on_all_resources()
        || !statement
            .condition_values("aws-marketplace:ProductId")
            .is_empty()
    {
        return None;
    }
    granted(statement, SUBSCRIBE).map(|how| format!("{how} on `*`"))
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    scan_policies(
        ctx,
        out,
        &PolicyScan {
            finding,
            pass: "no statement allows subscribing to any Marketplace product",
            fail: "allows subscribing to any AWS Marketplace product",
        },
    );
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(customer_policy(
            "procurement",
            doc(r#"{"Statement":[{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*",
                "Condition":{"ForAnyValue:StringEquals":{"aws-marketplace:ProductId":["prod-approved"]}}}]}"#),
            1,
        )),
        fail: Fixture::new().with(customer_policy(
            "procurement",
            allow("aws-marketplace:Subscribe", "*"),
            1,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::iam::fixtures::*;
    use crate::testkit::*;

    fn verdict(document: phiguard_model::PolicyDocument) -> Status {
        Fixture::new()
            .with(customer_policy("p", document, 1))
            .run(&CONTROL)[0]
            .status
    }

    #[test]
    fn patterns_and_conditions() {
        assert_eq!(verdict(allow("aws-marketplace:*", "*")), Status::Fail);
        assert_eq!(verdict(allow("*", "*")), Status::Fail);
        assert_eq!(verdict(allow("aws-marketplace:Sub*", "*")), Status::Fail);
        assert_eq!(
            verdict(allow("aws-marketplace:ViewSubscriptions", "*")),
            Status::Pass
        );
        assert_eq!(
            verdict(allow(
                "aws-marketplace:Subscribe",
                "arn:aws:aws-marketplace::111122223333:product/prod-1"
            )),
            Status::Pass
        );
    }

    #[test]
    fn report() {
        let rows = Fixture::new()
            .with(group("data-science", |g| {
                g.inline_policies = vec![inline("bedrock", allow("aws-marketplace:*", "*"))];
            }))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
    }
}
