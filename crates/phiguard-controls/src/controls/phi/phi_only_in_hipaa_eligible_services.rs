use phiguard_model::Details;
use phiguard_model::arn::Arn;
use phiguard_model::eligible::{self, Eligibility};

use crate::ctx::{FastMap, FastSet};
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every resource that holds PHI belongs to a service on AWS's HIPAA Eligible Services
    /// Reference, and uses no feature the list excludes.
    ///
    /// # Rationale
    /// The AWS BAA covers only the services on the HIPAA Eligible Services Reference. PHI
    /// created, stored or sent through any other service is outside the BAA, so outside the
    /// contract HIPAA requires with a business associate, however well that service is
    /// configured.
    ///
    /// # Evaluation
    /// Takes every resource in PHI scope (PHI tags from `phiguard.toml`, or a PHI account),
    /// typed or known only by ARN and tags (tag:GetResources), once per ARN. Reads the ARN's
    /// service `namespace` and looks it up in the bundled list (dated in the evidence). Passes
    /// for an eligible service; fails for a service the list does not include or a feature
    /// it excludes (e.g. End User Messaging Social, IoT Device Defender, SageMaker public
    /// workforces); `manual` for a namespace arguably covered by a listed service (e.g. Aurora
    /// DSQL, OpenSearch Serverless) and for support services such as IAM or tagging that were
    /// tagged as PHI (they should not hold PHI; in a PHI account they are not applicable).
    /// `error` when a resource's id is not an ARN and its kind does not tell the service. An
    /// account with no PHI resource gets one `not_applicable`: check the PHI tags.
    ///
    /// # Remediation
    /// Move the PHI to an eligible service (or stop using the excluded feature), or, if the
    /// resource holds no PHI, correct its tags.
    ///
    /// - Console: migrate the data (e.g. Lightsail → EC2/RDS, WorkMail → an eligible mail
    ///   service under a BAA); Resource Groups & Tag Editor to fix wrong PHI tags.
    /// - CLI: find PHI resources with `aws resourcegroupstaggingapi get-resources --tag-filters Key=PHI,Values=Yes,true`;
    ///   fix a wrong tag with `aws resourcegroupstaggingapi untag-resources --resource-arn-list ARN --tag-keys PHI`.
    /// - Terraform: deploy PHI workloads only on eligible services; enforce with an AWS
    ///   Organizations SCP (`aws_organizations_policy`) that denies non-eligible services in PHI
    ///   accounts.
    ///
    /// # References
    /// - AWS HIPAA Eligible Services Reference: <https://aws.amazon.com/compliance/hipaa-eligible-services-reference/>
    /// - <https://docs.aws.amazon.com/whitepapers/latest/architecting-hipaa-security-and-compliance-on-aws/welcome.html>
    id: "PHI-001",
    slug: "phi-only-in-hipaa-eligible-services",
    title: "PHI is only in HIPAA-eligible services",
    severity: High,
    seed_area: EligibleServices,
    shared_area: Governance,
    citations: ["308(b)(1)", "314(a)(1)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [Tagged],
    inputs: [Regional(TaggedResources)],
}

/// The service namespace of a resource: from its ARN, else from its kind's data source (a
/// typed resource's service is known even when its id is not an ARN).
fn namespace(resource: &Resource) -> Option<(&str, &str)> {
    if let Some(arn) = Arn::parse(&resource.arn) {
        return Some((arn.service, arn.resource));
    }
    match resource.kind() {
        ResourceKind::Tagged => None,
        kind => Some((kind.source().service(), "")),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    // PHI resources once per ARN, preferring the typed one, in inventory order.
    let mut order: Vec<&'a str> = Vec::new();
    let mut by_arn: FastMap<&'a str, &'a Resource> = FastMap::default();
    for (resource, phi) in ctx.all_resources() {
        if !phi {
            continue;
        }
        match by_arn.get(resource.arn.as_str()) {
            None => {
                order.push(&resource.arn);
                by_arn.insert(&resource.arn, resource);
            }
            Some(seen) if seen.kind() == ResourceKind::Tagged => {
                by_arn.insert(&resource.arn, resource);
            }
            Some(_) => {}
        }
    }
    // Lookup-only (never iterated): foldhash.
    let mut accounts_with_phi: FastSet<&str> = FastSet::default();
    for arn in order {
        let Some(resource) = by_arn.get(arn).copied() else {
            continue;
        };
        accounts_with_phi.insert(&resource.account);
        let subject = Subject::resource(resource, true);
        let Some((namespace, rest)) = namespace(resource) else {
            let resource_type = match &resource.details {
                Details::Tagged(t) => t.resource_type.as_deref(),
                _ => None,
            };
            out.error(
                subject,
                format!("cannot tell the service: `{}` is not an ARN", resource.arn),
                evidence!["resource_type" => resource_type, "list_as_of" => eligible::AS_OF],
            );
            continue;
        };
        let tagged_phi = ctx.settings.phi_tags.matches(&resource.tags);
        if let Some(excluded) = eligible::feature_exclusion(namespace, rest) {
            out.fail(
                subject,
                format!(
                    "{excluded}: the HIPAA eligible services list dated {} does not cover it",
                    eligible::AS_OF
                ),
                evidence!["namespace" => namespace, "list_as_of" => eligible::AS_OF],
            );
            continue;
        }
        match eligible::eligibility(namespace) {
            Eligibility::Eligible(service) => out.pass(
                subject,
                format!("`{namespace}` is HIPAA-eligible ({service})"),
                evidence![
                    "namespace" => namespace,
                    "service" => service,
                    "list_as_of" => eligible::AS_OF,
                ],
            ),
            Eligibility::NotEligible => out.fail(
                subject,
                format!(
                    "PHI in `{namespace}`, which the HIPAA eligible services list dated {} does not include: it is outside the AWS BAA",
                    eligible::AS_OF
                ),
                evidence!["namespace" => namespace, "list_as_of" => eligible::AS_OF],
            ),
            Eligibility::NeedsReview(why) => out.manual(
                subject,
                format!("{why}: review whether the BAA covers it, then waive or move the PHI"),
                evidence!["namespace" => namespace, "list_as_of" => eligible::AS_OF],
            ),
            Eligibility::SupportOnly if tagged_phi => out.manual(
                subject,
                format!(
                    "`{namespace}` is a support service that should not hold PHI; check why the resource is tagged as PHI"
                ),
                evidence!["namespace" => namespace, "list_as_of" => eligible::AS_OF],
            ),
            Eligibility::SupportOnly => out.not_applicable(
                subject,
                format!("`{namespace}` is a support service: it holds no PHI itself"),
                evidence!["namespace" => namespace, "list_as_of" => eligible::AS_OF],
            ),
        }
    }
    for account in ctx.accounts() {
        if !accounts_with_phi.contains(account.id.as_str()) {
            out.not_applicable(
                ctx.account_subject(account),
                "no resource is tagged as PHI; check the PHI tags in phiguard.toml",
                evidence![],
            );
        }
    }
}

#[cfg(test)]
fn tagged(arn: &str) -> Resource {
    crate::testkit::resource(arn, phiguard_model::resource::Tagged::default())
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new().with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes")),
        fail: Fixture::new().with(
            tagged("arn:aws:lightsail:us-east-1:111122223333:Instance/3f0c6a4e-clinic-web")
                .tag("PHI", "Yes"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn fixture() -> Fixture {
        Fixture::new()
            // The same bucket twice: typed and from the tagging API.
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .with(tagged("arn:aws:s3:::phi-records").tag("PHI", "Yes"))
            .with(s3_bucket("public-site", |_| {}))
            .with(
                tagged("arn:aws:workmail:us-east-1:111122223333:organization/m-1")
                    .tag("PHI", "true"),
            )
            .with(tagged("arn:aws:dsql:us-east-1:111122223333:cluster/abc").tag("PHI", "Yes"))
            .with(
                tagged("arn:aws:social-messaging:us-east-1:111122223333:phone-number-id/x")
                    .tag("DataSensitivity", "PHI"),
            )
            .with(tagged("arn:aws:iam::111122223333:role/patient-portal").tag("PHI", "Yes"))
            .with(tagged("legacy-id-123").tag("PHI", "Yes"))
    }

    #[test]
    fn statuses_by_service() {
        let rows = fixture().run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::phi-records", Status::Pass),
                (
                    "arn:aws:workmail:us-east-1:111122223333:organization/m-1",
                    Status::Fail
                ),
                (
                    "arn:aws:dsql:us-east-1:111122223333:cluster/abc",
                    Status::Manual
                ),
                (
                    "arn:aws:social-messaging:us-east-1:111122223333:phone-number-id/x",
                    Status::Fail
                ),
                (
                    "arn:aws:iam::111122223333:role/patient-portal",
                    Status::Manual
                ),
                ("legacy-id-123", Status::Error),
            ]
        );
        assert!(rows.iter().all(|r| r.phi));
    }

    #[test]
    fn no_phi_is_not_applicable_per_account() {
        let rows = Fixture::new().with(s3_bucket("site", |_| {})).run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [("AWS::::Account:111122223333", Status::NotApplicable)]
        );
        assert!(rows[0].reason.contains("check the PHI tags"));
    }

    #[test]
    fn phi_account_support_services_are_not_applicable() {
        let rows = Fixture::new()
            .with(tagged("arn:aws:iam::111122223333:role/app"))
            .with(tagged(
                "arn:aws:lightsail:us-east-1:111122223333:Instance/x",
            ))
            .settings(|s| s.phi_accounts = vec![ACCOUNT.into()])
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:iam::111122223333:role/app", Status::NotApplicable),
                (
                    "arn:aws:lightsail:us-east-1:111122223333:Instance/x",
                    Status::Fail
                ),
            ]
        );
    }

    #[test]
    fn typed_resources_without_an_arn_use_their_kind() {
        let recorder = resource("default", ConfigRecorder::default()).tag("PHI", "Yes");
        let rows = Fixture::new().with(recorder).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass, "{rows:?}");
        assert!(
            rows[0]
                .evidence
                .contains(&r#"namespace="config""#.to_string())
        );
    }

    #[test]
    fn tagging_api_denied_in_a_region_is_an_error_there() {
        use phiguard_model::{CoverageState, DataSource};
        let rows = Fixture::new()
            .with(s3_bucket("phi-records", |_| {}).tag("PHI", "Yes"))
            .coverage(
                DataSource::TaggedResources,
                REGION,
                CoverageState::Denied {
                    code: "AccessDenied".into(),
                    message: String::new(),
                },
            )
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn report() {
        insta::assert_snapshot!(render(&fixture().run(&CONTROL)));
    }
}
