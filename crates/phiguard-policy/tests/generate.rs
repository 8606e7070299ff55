//! Each generated policy parses as policy JSON, fits its size limit, and allows and denies
//! what it should (checked with the crate's evaluator).
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions may panic"
)]

use phiguard_model::policy::PolicyDocument;
use phiguard_policy::eval::{Decision, Request, evaluate, evaluate_with_full_access};
use phiguard_policy::{
    Generated, Limit, PolicyError, fit, force_mfa, s3_tls, scp_hipaa_eligible,
    scp_hipaa_eligible_within, scp_regions, size,
};

const PRINCIPAL: &str = "aws:PrincipalArn";
const DEV: &str = "arn:aws:iam::111122223333:role/Developer";
const BREAKGLASS: &str = "arn:aws:iam::111122223333:role/BreakGlass";

/// Parses the printed JSON back (one document or an array), checking each fits `limit`.
fn parsed(generated: &Generated, limit: Limit) -> Vec<PolicyDocument> {
    let text = generated.to_json(true);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let docs: Vec<PolicyDocument> = match value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|d| PolicyDocument::from_json(&d.to_string()).unwrap())
            .collect(),
        one => vec![PolicyDocument::from_json(&one.to_string()).unwrap()],
    };
    assert_eq!(docs, generated.documents);
    for doc in &docs {
        assert!(
            size(doc) <= limit.chars(),
            "{} > {}",
            size(doc),
            limit.chars()
        );
        assert_eq!(doc.version.as_deref(), Some("2012-10-17"));
        assert!(!doc.statements.is_empty());
    }
    docs
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn eligible_scp_denies_non_eligible_services() {
    let g = scp_hipaa_eligible(&[], false).unwrap();
    assert_eq!(g.notes.len(), 1);
    assert!(
        g.notes[0].contains(phiguard_model::eligible::AS_OF),
        "{:?}",
        g.notes
    );
    let docs = parsed(&g, Limit::Scp);
    assert_eq!(docs.len(), 1);
    let eval = |action: &str| {
        evaluate_with_full_access(&docs, &Request::new(action).with(PRINCIPAL, DEV)).unwrap()
    };
    for allowed in [
        "comprehendmedical:DetectEntitiesV2",
        "s3:GetObject",
        "healthlake:ReadResource",
        "servicecatalog:ProvisionProduct",
        "execute-api:Invoke",
        "iam:CreateRole",
        "sts:AssumeRole",
        "support:DescribeCases",
        "organizations:DescribeOrganization",
    ] {
        assert_eq!(eval(allowed), Decision::Allow, "{allowed}");
    }
    for denied in [
        "gamelift:CreateFleet",
        "lightsail:CreateInstances",
        "workmail:CreateOrganization",
        "social-messaging:SendWhatsAppMessage",
        "sdb:PutAttributes",
    ] {
        assert_eq!(eval(denied), Decision::ExplicitDeny, "{denied}");
    }
}

#[test]
fn eligible_scp_exempts_roles() {
    let g = scp_hipaa_eligible(&strings(&["arn:aws:iam::*:role/BreakGlass"]), false).unwrap();
    let docs = parsed(&g, Limit::Scp);
    let req = |who: &str| Request::new("gamelift:CreateFleet").with(PRINCIPAL, who);
    assert_eq!(
        evaluate_with_full_access(&docs, &req(BREAKGLASS)).unwrap(),
        Decision::Allow
    );
    assert_eq!(
        evaluate_with_full_access(&docs, &req(DEV)).unwrap(),
        Decision::ExplicitDeny
    );
}

#[test]
fn eligible_scp_too_large_becomes_allow_lists_with_the_same_answers() {
    let exempt = strings(&["arn:aws:iam::*:role/BreakGlass"]);
    let whole = scp_hipaa_eligible(&exempt, false).unwrap().documents;
    let split = scp_hipaa_eligible_within(&exempt, false, Limit::Chars(1_000)).unwrap();
    assert!(split.documents.len() > 1, "{}", split.documents.len());
    assert!(split.notes.iter().any(|n| n.contains("FullAWSAccess")));
    for doc in &split.documents {
        assert!(size(doc) <= 1_000);
    }
    let public = Request::new("sagemaker:CreateLabelingJob")
        .with("sagemaker:WorkteamType", "public-crowd")
        .with(PRINCIPAL, DEV);
    assert_eq!(
        evaluate(&split.documents, &public).unwrap(),
        Decision::ExplicitDeny
    );
    for action in [
        "comprehendmedical:DetectEntitiesV2",
        "xray:PutTraceSegments",
        "a4b:CreateRoom",
        "iam:CreateRole",
        "gamelift:CreateFleet",
        "lightsail:CreateInstances",
    ] {
        for who in [DEV, BREAKGLASS] {
            let req = Request::new(action).with(PRINCIPAL, who);
            assert_eq!(
                evaluate(&split.documents, &req).unwrap() == Decision::Allow,
                evaluate_with_full_access(&whole, &req).unwrap() == Decision::Allow,
                "{action} as {who}"
            );
        }
    }
}

#[test]
fn force_mfa_denies_all_but_mfa_self_service_without_mfa() {
    for max_age in [None, Some(3600)] {
        let docs = parsed(&force_mfa(max_age, "aws").unwrap(), Limit::Managed);
        let alice = |action: &str, resource: &str| {
            Request::new(action)
                .on(resource)
                .with("aws:username", "alice")
        };
        // Without MFA: only MFA self-management.
        let mfa = alice(
            "iam:CreateVirtualMFADevice",
            "arn:aws:iam::111122223333:mfa/alice",
        );
        assert_eq!(evaluate(&docs, &mfa).unwrap(), Decision::Allow);
        let enable = alice(
            "iam:EnableMFADevice",
            "arn:aws:iam::111122223333:user/alice",
        );
        assert_eq!(evaluate(&docs, &enable).unwrap(), Decision::Allow);
        let get = alice("s3:GetObject", "arn:aws:s3:::phi/scan.dcm");
        assert_eq!(evaluate(&docs, &get).unwrap(), Decision::ExplicitDeny);
        let keys = alice(
            "iam:CreateAccessKey",
            "arn:aws:iam::111122223333:user/alice",
        );
        assert_eq!(evaluate(&docs, &keys).unwrap(), Decision::ExplicitDeny);
        let explicit_false = get.clone().with("aws:MultiFactorAuthPresent", "false");
        assert_eq!(
            evaluate(&docs, &explicit_false).unwrap(),
            Decision::ExplicitDeny
        );
        // With MFA: own credentials allowed; others' not; data access left to other policies.
        let with_mfa = |r: Request| {
            r.with("aws:MultiFactorAuthPresent", "true")
                .with("aws:MultiFactorAuthAge", "60")
        };
        assert_eq!(evaluate(&docs, &with_mfa(keys)).unwrap(), Decision::Allow);
        let bobs = alice("iam:CreateAccessKey", "arn:aws:iam::111122223333:user/bob");
        assert_eq!(
            evaluate(&docs, &with_mfa(bobs)).unwrap(),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate(&docs, &with_mfa(get.clone())).unwrap(),
            Decision::ImplicitDeny
        );
        // An old MFA sign-in: denied only with --max-age.
        let old = get
            .with("aws:MultiFactorAuthPresent", "true")
            .with("aws:MultiFactorAuthAge", "7200");
        let expected = if max_age.is_some() {
            Decision::ExplicitDeny
        } else {
            Decision::ImplicitDeny
        };
        assert_eq!(evaluate(&docs, &old).unwrap(), expected, "{max_age:?}");
    }
    assert!(matches!(
        force_mfa(Some(0), "aws"),
        Err(PolicyError::Invalid { .. })
    ));
}

#[test]
fn s3_tls_denies_plain_http_and_old_tls() {
    let docs = parsed(
        &s3_tls(&strings(&["clinic-phi-records"]), "aws").unwrap(),
        Limit::BucketPolicy,
    );
    let get = Request::new("s3:GetObject").on("arn:aws:s3:::clinic-phi-records/2026/x.pdf");
    let list = Request::new("s3:ListBucket").on("arn:aws:s3:::clinic-phi-records");
    let eval = |r: Request| evaluate_with_full_access(&docs, &r).unwrap();
    for r in [&get, &list] {
        let tls = |v: &str| {
            r.clone()
                .with("aws:SecureTransport", "true")
                .with("s3:TlsVersion", v)
        };
        assert_eq!(
            eval(r.clone().with("aws:SecureTransport", "false")),
            Decision::ExplicitDeny
        );
        assert_eq!(eval(tls("1.1")), Decision::ExplicitDeny);
        assert_eq!(eval(tls("1.0")), Decision::ExplicitDeny);
        assert_eq!(eval(tls("1.2")), Decision::Allow);
        assert_eq!(eval(tls("1.3")), Decision::Allow);
    }
    // Another bucket is not this policy's business.
    let other = Request::new("s3:GetObject")
        .on("arn:aws:s3:::other/x")
        .with("aws:SecureTransport", "false");
    assert_eq!(eval(other), Decision::Allow);
}

#[test]
fn s3_tls_one_policy_per_bucket_and_validation() {
    let g = s3_tls(&strings(&["b-two", "a-one", "b-two"]), "aws").unwrap();
    let docs = parsed(&g, Limit::BucketPolicy);
    assert_eq!(docs.len(), 2);
    assert!(docs[0].statements[0].resource[0].ends_with(":::a-one"));
    assert_eq!(g.notes.len(), 1);
    for bad in ["", "ab", "Upper", "arn:aws:s3:::x", "-dash", "a..b"] {
        assert!(
            matches!(
                s3_tls(&strings(&[bad]), "aws"),
                Err(PolicyError::Invalid { .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        s3_tls(&[], "aws"),
        Err(PolicyError::Missing { .. })
    ));
}

#[test]
fn region_scp_denies_outside_allowed_regions() {
    let g = scp_regions(
        &strings(&["us-west-2,us-east-1", "us-east-1"]),
        &strings(&[BREAKGLASS]),
    )
    .unwrap();
    let docs = parsed(&g, Limit::Scp);
    let eval = |action: &str, region: &str, who: &str| {
        let r = Request::new(action)
            .with("aws:RequestedRegion", region)
            .with(PRINCIPAL, who);
        evaluate_with_full_access(&docs, &r).unwrap()
    };
    assert_eq!(
        eval("ec2:RunInstances", "eu-west-1", DEV),
        Decision::ExplicitDeny
    );
    assert_eq!(eval("ec2:RunInstances", "us-west-2", DEV), Decision::Allow);
    assert_eq!(eval("iam:CreateRole", "eu-west-1", DEV), Decision::Allow);
    assert_eq!(
        eval("ec2:DescribeRegions", "eu-west-1", DEV),
        Decision::Allow
    );
    assert_eq!(
        eval("s3:GetObject", "eu-west-1", DEV),
        Decision::ExplicitDeny
    );
    assert_eq!(
        eval("ec2:RunInstances", "eu-west-1", BREAKGLASS),
        Decision::Allow
    );
    for bad in [["useast1"], ["US-EAST-1"], ["us-east-x"]] {
        assert!(matches!(
            scp_regions(&strings(&bad), &[]),
            Err(PolicyError::Invalid { .. })
        ));
    }
    assert!(matches!(
        scp_regions(&strings(&[","]), &[]),
        Err(PolicyError::Missing { .. })
    ));
    for bad in [
        "BreakGlass",
        "arn:aws:sts::111122223333:assumed-role/BreakGlass/alice",
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws:iam::1111:role/BreakGlass",
        "arn:aws:iam::111122223333:role/",
    ] {
        assert!(
            matches!(
                scp_regions(&strings(&["us-east-1"]), &strings(&[bad])),
                Err(PolicyError::Invalid { .. })
            ),
            "{bad}"
        );
    }
    for good in [
        "arn:aws:iam::111122223333:role/BreakGlass",
        "arn:aws-us-gov:iam::*:role/platform/*",
    ] {
        assert!(
            scp_regions(
                &strings(&["us-gov-west-1", "eusc-de-east-1"]),
                &strings(&[good])
            )
            .is_ok()
        );
    }
}

#[test]
fn fit_cuts_action_and_resource_lists_but_not_not_action() {
    let doc = PolicyDocument::from_json(&format!(
        r#"{{"Statement":[
            {{"Sid":"A","Effect":"Deny","Action":{actions},"Resource":"*"}},
            {{"Sid":"R","Effect":"Deny","Action":"s3:*","Resource":{resources}}},
            {{"Sid":"Small","Effect":"Deny","Action":"ec2:*","Resource":"*"}}]}}"#,
        actions = serde_json::to_string(
            &(0..300)
                .map(|i| format!("svc{i}:Action{i}"))
                .collect::<Vec<_>>()
        )
        .unwrap(),
        resources = serde_json::to_string(
            &(0..300)
                .map(|i| format!("arn:aws:s3:::bucket-{i}/*"))
                .collect::<Vec<_>>()
        )
        .unwrap(),
    ))
    .unwrap();
    let docs = fit(doc.statements.clone(), Limit::Scp).unwrap();
    assert!(docs.len() >= 3, "{}", docs.len());
    for d in &docs {
        assert!(size(d) <= Limit::Scp.chars());
    }
    for (action, resource) in [
        ("svc0:Action0", "*"),
        ("svc299:Action299", "*"),
        ("svc299:Action298", "*"),
        ("s3:GetObject", "arn:aws:s3:::bucket-299/x"),
        ("s3:GetObject", "arn:aws:s3:::bucket-300/x"),
        ("ec2:RunInstances", "*"),
    ] {
        let r = Request::new(action).on(resource);
        assert_eq!(
            evaluate(&docs, &r).unwrap(),
            evaluate(std::slice::from_ref(&doc), &r).unwrap(),
            "{action} {resource}"
        );
    }
    let mut huge = doc.statements[0].clone();
    huge.not_action = std::mem::take(&mut huge.action);
    assert!(matches!(
        fit(vec![huge], Limit::Scp),
        Err(PolicyError::TooLarge { .. })
    ));
}

#[test]
fn output_is_deterministic() {
    let a = scp_hipaa_eligible(&strings(&[BREAKGLASS, DEV]), false).unwrap();
    let b = scp_hipaa_eligible(&strings(&[DEV, BREAKGLASS]), false).unwrap();
    assert_eq!(a.to_json(true), b.to_json(true));
    assert!(!a.to_json(false).contains(char::is_whitespace));
}

#[test]
fn snapshots() {
    let exempt = strings(&["arn:aws:iam::*:role/BreakGlass"]);
    insta::assert_snapshot!(
        "scp_hipaa_eligible_indented",
        scp_hipaa_eligible(&exempt, false).unwrap().to_json(true)
    );
    let split = scp_hipaa_eligible_within(&exempt, false, Limit::Chars(2_000)).unwrap();
    insta::assert_snapshot!(
        "scp_hipaa_eligible_split_notes",
        format!(
            "{} documents\n{}",
            split.documents.len(),
            split.notes.join("\n")
        )
    );
    insta::assert_snapshot!("force_mfa", force_mfa(None, "aws").unwrap().to_json(true));
}

#[test]
fn render_minifies_only_when_indented_is_over_the_limit() {
    // Indented, the eligible SCP with an exempt role is over 5,120 characters.
    let eligible = scp_hipaa_eligible(&strings(&[BREAKGLASS]), false).unwrap();
    let (text, note) = eligible.render(false);
    assert!(text.chars().count() <= Limit::Scp.chars(), "{}", text.len());
    assert!(!text.contains('\n'));
    assert!(note.unwrap().contains("minified"));
    let mfa = force_mfa(None, "aws").unwrap();
    let (text, note) = mfa.render(false);
    assert!(text.contains('\n') && note.is_none());
    let (text, note) = mfa.render(true);
    assert!(!text.contains('\n') && note.is_none());
}

#[test]
fn eligible_scp_feature_exclusions_and_needs_review() {
    for needs_review in [false, true] {
        let g = scp_hipaa_eligible(&strings(&[BREAKGLASS]), needs_review).unwrap();
        let docs = parsed(&g, Limit::Scp);
        let eval = |r: Request| evaluate_with_full_access(&docs, &r).unwrap();
        let job = |team: &str, who: &str| {
            Request::new("sagemaker:CreateLabelingJob")
                .with("sagemaker:WorkteamType", team)
                .with(PRINCIPAL, who)
        };
        assert_eq!(eval(job("public-crowd", DEV)), Decision::ExplicitDeny);
        assert_eq!(eval(job("vendor-crowd", DEV)), Decision::ExplicitDeny);
        assert_eq!(eval(job("private-crowd", DEV)), Decision::Allow);
        assert_eq!(eval(job("public-crowd", BREAKGLASS)), Decision::Allow);
        assert_eq!(
            eval(Request::new("sagemaker:CreateTrainingJob").with(PRINCIPAL, DEV)),
            Decision::Allow
        );
        let dsql = eval(Request::new("dsql:DbConnect").with(PRINCIPAL, DEV));
        let expected = if needs_review {
            Decision::Allow
        } else {
            Decision::ExplicitDeny
        };
        assert_eq!(dsql, expected, "needs_review={needs_review}");
    }
}

#[test]
fn partitions() {
    let g = s3_tls(&strings(&["records"]), "aws-us-gov").unwrap();
    assert_eq!(
        g.documents[0].statements[0].resource,
        strings(&[
            "arn:aws-us-gov:s3:::records",
            "arn:aws-us-gov:s3:::records/*"
        ])
    );
    let g = force_mfa(None, "aws-cn").unwrap();
    assert!(g.to_json(false).contains("arn:aws-cn:iam::*:mfa/*"));
    assert!(!g.to_json(false).contains("arn:aws:"));
    assert!(matches!(
        force_mfa(None, "gov"),
        Err(PolicyError::Invalid { .. })
    ));
    assert!(matches!(
        s3_tls(&strings(&["records"]), "AWS"),
        Err(PolicyError::Invalid { .. })
    ));
}
