use crate::prelude::*;

control! {
    /// # Requirement
    /// Every account that holds PHI is governed by a service control policy that denies
    /// requests outside an approved list of AWS Regions (a `Deny` with a
    /// `StringNotEquals`/`StringNotLike` condition on `aws:RequestedRegion`).
    ///
    /// # Rationale
    /// PHI must stay where the covered entity's risk analysis, BAA and data-residency
    /// commitments say it is. Without a guardrail, anyone with broad permissions can create a
    /// database, bucket or snapshot copy in any Region, outside the logging, backup and
    /// monitoring set up for the approved ones. An SCP applies to every principal in the
    /// account, including administrators, so it is the preventive control for this. HIPAA's
    /// access control and information access management standards call for limiting access to
    /// ePHI to what is authorised. Neither the AWS Config HIPAA pack nor Prowler's HIPAA
    /// mapping checks it.
    ///
    /// # Evaluation
    /// Reads the service control policies that apply to each scanned account (attached to the
    /// account, its organizational units or the root). Accounts without PHI resources (and not
    /// declared PHI scope) are not applicable. Passes when a `Deny` statement on all resources
    /// (`Action: "*"` or a `NotAction` exempting global services) carries a
    /// `StringNotEquals`/`StringNotLike` condition on `aws:RequestedRegion`; the evidence
    /// lists the Regions it allows. Fails otherwise. When the policies could not be read (the
    /// credentials are not the management account's or a delegated administrator's, or the
    /// account is not in an organization) the result is an error.
    ///
    /// # Remediation
    /// Create a region-restriction SCP (`phiguard policy region-scp` generates one) and attach
    /// it to the OU that holds your PHI accounts; exempt global services with `NotAction`.
    ///
    /// - Console: AWS Organizations (management account) → Policies → Service control policies
    ///   → Create policy → paste the policy → Targets → Attach → the PHI OU.
    /// - CLI: `aws organizations create-policy --type SERVICE_CONTROL_POLICY --name
    ///   phi-regions --description "PHI regions" --content file://region-scp.json`, then
    ///   `aws organizations attach-policy --policy-id p-EXAMPLE --target-id ou-EXAMPLE`
    /// - Terraform: `resource "aws_organizations_policy" "regions" { type =
    ///   "SERVICE_CONTROL_POLICY" content = data.aws_iam_policy_document.regions.json }` and
    ///   `resource "aws_organizations_policy_attachment" "phi" { policy_id =
    ///   aws_organizations_policy.regions.id target_id = aws_organizations_organizational_unit.phi.id }`
    ///
    /// # References
    /// - Prowler `organizations_scp_check_deny_regions` (not in Prowler's HIPAA mapping)
    /// - <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region>
    id: "ORG-001",
    slug: "scp-restricts-phi-regions",
    title: "Accounts holding PHI are limited to approved Regions by an SCP",
    severity: Medium,
    seed_area: EligibleServices,
    shared_area: Governance,
    citations: ["308(a)(3)(i)", "308(a)(4)(i)", "312(a)(1)"],
    config_rules: [],
    prowler_checks: ["organizations_scp_check_deny_regions"],
    resource_kinds: [ServiceControlPolicy],
    inputs: [Regional(OrganizationsScps)],
}

/// The Regions a region-restricting deny statement allows, if the statement is one.
fn allowed_regions(statement: &phiguard_model::policy::Statement) -> Option<Vec<String>> {
    if statement.effect != phiguard_model::policy::Effect::Deny || !statement.on_all_resources() {
        return None;
    }
    let broad = statement.action.iter().any(|a| a == "*") || !statement.not_action.is_empty();
    if !broad {
        return None;
    }
    let mut regions: Vec<String> = statement
        .condition_values("aws:RequestedRegion")
        .into_iter()
        .filter(|(op, _)| {
            let op = op.to_ascii_lowercase();
            op.starts_with("stringnotequals") || op.starts_with("stringnotlike")
        })
        .flat_map(|(_, values)| values.iter().cloned())
        .collect();
    if regions.is_empty() {
        return None;
    }
    regions.sort();
    regions.dedup();
    Some(regions)
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for account in ctx.accounts() {
        let subject = ctx.account_subject(account);
        let policies: Vec<(&'a Resource, &'a ServiceControlPolicy)> = ctx
            .service_control_policies()
            .filter(|(r, _)| r.account == account.id)
            .collect();
        let names: Vec<&str> = policies.iter().map(|(r, _)| r.display_name()).collect();
        if !subject.phi {
            out.not_applicable(
                subject,
                "the account holds no PHI",
                evidence!["policies" => names.join(", ")],
            );
            continue;
        }
        let restricting = policies.iter().find_map(|(r, p)| {
            p.document
                .statements
                .iter()
                .find_map(allowed_regions)
                .map(|regions| (r, regions))
        });
        match restricting {
            Some((r, regions)) => out.pass(
                subject,
                format!(
                    "SCP `{}` denies requests outside {}",
                    r.display_name(),
                    regions.join(", ")
                ),
                evidence![
                    "policies" => names.join(", "),
                    "allowed_regions" => regions.join(", "),
                ],
            ),
            None => out.fail(
                subject,
                "no service control policy restricts the Regions this account may use",
                evidence!["policies" => names.join(", ")],
            ),
        }
    }
}

#[cfg(test)]
fn scp(name: &str, text: &str) -> Resource {
    crate::testkit::resource_in(
        GLOBAL,
        &format!(
            "arn:aws:organizations::999988887777:policy/o-example/service_control_policy/p-{name}"
        ),
        ServiceControlPolicy {
            document: phiguard_model::PolicyDocument::from_json(text).unwrap_or_default(),
            attached_to: vec!["r-ab12".into()],
            aws_managed: false,
        },
    )
    .named(name)
}

#[cfg(test)]
const FULL_ACCESS: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

#[cfg(test)]
const REGIONS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":["iam:*","organizations:*","sts:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}]}"#;

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let phi = || s3_bucket("phi-records", |_| {}).tag("PHI", "Yes");
    crate::control::Examples {
        pass: Fixture::new()
            .with(phi())
            .with(scp("full", FULL_ACCESS))
            .with(scp("regions", REGIONS)),
        fail: Fixture::new().with(phi()).with(scp("full", FULL_ACCESS)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn restriction_shapes() {
        let allow_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}]}"#;
        let equals = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":["ap-south-1"]}}}]}"#;
        for (text, expect) in [
            (REGIONS, Status::Pass),
            (allow_only, Status::Fail),
            (equals, Status::Fail),
            (FULL_ACCESS, Status::Fail),
        ] {
            let rows = Fixture::new()
                .with(s3_bucket("phi", |_| {}).tag("PHI", "Yes"))
                .with(scp("p", text))
                .run(&CONTROL);
            assert_eq!(rows.len(), 1, "{rows:?}");
            assert_eq!(rows[0].status, expect, "{text}");
        }
    }

    #[test]
    fn report_and_non_phi_accounts() {
        let rows = Fixture::new()
            .with(s3_bucket("phi", |_| {}).tag("PHI", "Yes"))
            .with(scp("full", FULL_ACCESS))
            .with(scp("regions", REGIONS))
            .run(&CONTROL);
        insta::assert_snapshot!(render(&rows));
        let rows = Fixture::new().with(scp("full", FULL_ACCESS)).run(&CONTROL);
        assert_eq!(rows[0].status, Status::NotApplicable);
    }
}
