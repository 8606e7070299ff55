use crate::prelude::*;

control! {
    /// # Requirement
    /// No S3 bucket is readable or writable by the public: neither its bucket policy nor its
    /// ACL grants access to everyone, unless Block Public Access neutralises the grant.
    ///
    /// # Rationale
    /// A public bucket is readable by anyone on the internet who guesses or finds its name;
    /// automated scanners look for them constantly. For a bucket holding PHI this is a
    /// reportable breach. HIPAA requires access to ePHI to be limited to authorised persons
    /// and software; an anonymous grant is the opposite of that.
    ///
    /// # Evaluation
    /// For every S3 bucket, reads `policy_is_public` (GetBucketPolicyStatus), and when S3 did
    /// not say (`None`), reads the `policy` and evaluates it itself: an `Allow` to
    /// `"*"` (or `{"AWS": "*"}`, or a `NotPrincipal`) without a condition that pins the
    /// caller to fixed accounts, organisations, VPC endpoints, source ARNs or CIDRs counts as
    /// public (Deny statements are not weighed, so this errs towards public). Reads
    /// `acl_grants_public` (AllUsers or AuthenticatedUsers grants) and `object_ownership`.
    /// A public policy is neutralised by `RestrictPublicBuckets` and a public ACL by
    /// `IgnorePublicAcls` (or by `BucketOwnerEnforced` ownership), from the bucket's
    /// `public_access_block` or the account's `s3_public_access_block`. Passes when nothing
    /// public remains; fails otherwise, naming the grant. Every bucket is evaluated.
    ///
    /// # Remediation
    /// Remove the public grant, and turn on Block Public Access for the bucket and the account.
    ///
    /// - Console: S3 → bucket → Permissions → Block public access (bucket settings) → Edit →
    ///   Block all public access; then remove the `"Principal": "*"` statement from the
    ///   bucket policy and the Everyone / Authenticated users grants from the ACL (or set
    ///   Object Ownership to Bucket owner enforced).
    /// - CLI: `aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration
    ///   BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`
    ///   and `aws s3api put-bucket-ownership-controls --bucket BUCKET --ownership-controls
    ///   'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'`
    /// - Terraform: `resource "aws_s3_bucket_public_access_block" "this" { bucket =
    ///   aws_s3_bucket.this.id block_public_acls = true ignore_public_acls = true
    ///   block_public_policy = true restrict_public_buckets = true }` plus
    ///   `aws_s3_bucket_ownership_controls` with `object_ownership = "BucketOwnerEnforced"`.
    ///
    /// To publish content, serve it through CloudFront with origin access control instead of
    /// a public bucket.
    ///
    /// # References
    /// - AWS Config rules `s3-bucket-public-read-prohibited`, `s3-bucket-public-write-prohibited`;
    ///   Prowler `s3_bucket_public_access`, `s3_bucket_policy_public_write_access`
    /// - <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
    id: "S3-005",
    slug: "s3-bucket-not-public",
    title: "S3 buckets are not publicly accessible",
    severity: High,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: [
        "308(a)(1)(ii)(B)",
        "308(a)(3)(i)",
        "308(a)(4)(ii)(C)",
        "312(a)(1)",
        "312(e)(1)",
    ],
    config_rules: ["s3-bucket-public-read-prohibited", "s3-bucket-public-write-prohibited"],
    prowler_checks: ["s3_bucket_public_access", "s3_bucket_policy_public_write_access"],
    resource_kinds: [S3Bucket],
    inputs: [Regional(S3Buckets), Regional(S3AccountPublicAccessBlock)],
}

/// The settings that are on, as evidence; `null` when there is no configuration.
fn on_settings<'a>(pab: Option<&PublicAccessBlock>) -> Value<'a> {
    match pab {
        None => Value::Null,
        Some(pab) => Value::List(
            [
                ("BlockPublicAcls", pab.block_public_acls),
                ("IgnorePublicAcls", pab.ignore_public_acls),
                ("BlockPublicPolicy", pab.block_public_policy),
                ("RestrictPublicBuckets", pab.restrict_public_buckets),
            ]
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| Value::from(name))
            .collect(),
        ),
    }
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, bucket) in ctx.s3_buckets() {
        let subject = ctx.subject(resource);
        let account_pab = ctx
            .inventory
            .account(&resource.account)
            .and_then(|a| a.settings.s3_public_access_block.as_ref());
        let bucket_pab = bucket.public_access_block.as_ref();
        // Where a neutralising setting comes from, if any.
        let blocked_by = |on: fn(&PublicAccessBlock) -> bool| {
            if bucket_pab.is_some_and(on) {
                Some("bucket")
            } else if account_pab.is_some_and(on) {
                Some("account")
            } else {
                None
            }
        };

        // Whether the policy is public, and how we know: S3's own verdict when collected
        // (then only `policy_is_public` is evidence), else our reading of the policy (then
        // `policy` is evidence, so an unreadable policy makes the result an error).
        let (policy_public, policy_evidence): (Option<String>, (&'static str, Value<'a>)) =
            match (bucket.policy_is_public, &bucket.policy) {
                (Some(public), _) => (
                    public.then(|| "S3 reports the bucket policy as public".to_string()),
                    ("policy_is_public", Value::from(public)),
                ),
                (None, None) => (None, ("policy", Value::from("no policy"))),
                (None, Some(policy)) => {
                    let label = policy
                        .statements
                        .iter()
                        .enumerate()
                        .find(|(_, s)| s.is_public_allow())
                        .map(|(i, s)| match &s.sid {
                            Some(sid) => format!("statement `{sid}`"),
                            None => format!("statement #{}", i + 1),
                        });
                    let shown = match &label {
                        Some(l) => format!("{l} allows `*` without a limiting condition"),
                        None => "no statement allows `*` without a limiting condition".into(),
                    };
                    (
                        label.map(|l| {
                            format!("bucket policy {l} allows anyone without a limiting condition")
                        }),
                        ("policy", Value::from(shown)),
                    )
                }
            };
        let mut evidence = vec![policy_evidence];
        let acls_disabled = bucket.object_ownership.as_deref() == Some("BucketOwnerEnforced");
        evidence.extend(evidence![
            "acl_grants_public" => bucket.acl_grants_public,
            "object_ownership" => bucket.object_ownership.as_deref(),
            "public_access_block" => on_settings(bucket_pab),
            "s3_public_access_block" => on_settings(account_pab),
        ]);

        let mut exposed: Vec<String> = Vec::new();
        let mut neutralised: Vec<String> = Vec::new();
        if let Some(why) = policy_public {
            match blocked_by(|p| p.restrict_public_buckets) {
                Some(level) => neutralised.push(format!(
                    "the public policy is neutralised by `RestrictPublicBuckets` ({level} level)"
                )),
                None => exposed.push(why),
            }
        }
        if bucket.acl_grants_public {
            if acls_disabled {
                neutralised.push("ACLs are disabled (`BucketOwnerEnforced`)".into());
            } else {
                match blocked_by(|p| p.ignore_public_acls) {
                    Some(level) => neutralised.push(format!(
                        "the public ACL is neutralised by `IgnorePublicAcls` ({level} level)"
                    )),
                    None => exposed.push(
                        "the bucket ACL grants access to AllUsers or AuthenticatedUsers".into(),
                    ),
                }
            }
        }
        if !exposed.is_empty() {
            out.fail(subject, exposed.join("; "), evidence);
        } else if neutralised.is_empty() {
            out.pass(
                subject,
                "neither the bucket policy nor the ACL grants public access",
                evidence,
            );
        } else {
            out.pass(subject, neutralised.join("; "), evidence);
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples {
        pass: Fixture::new()
            .with(s3_bucket("phi-records", |b| b.policy_is_public = Some(false)).tag("PHI", "Yes")),
        fail: Fixture::new()
            .with(s3_bucket("phi-records", |b| b.policy_is_public = Some(true)).tag("PHI", "Yes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn pab(ignore_acls: bool, restrict: bool) -> Option<PublicAccessBlock> {
        Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: ignore_acls,
            block_public_policy: true,
            restrict_public_buckets: restrict,
        })
    }

    fn policy(json: &str) -> Option<phiguard_model::PolicyDocument> {
        let doc = phiguard_model::PolicyDocument::from_json(json).ok();
        assert!(doc.is_some(), "bad test policy {json}");
        doc
    }

    #[test]
    fn policy_status_acl_and_block_public_access() {
        let rows = Fixture::new()
            .with(s3_bucket("private", |b| b.policy_is_public = Some(false)))
            .with(s3_bucket("public-policy", |b| {
                b.policy_is_public = Some(true)
            }))
            .with(s3_bucket("public-acl", |b| b.acl_grants_public = true))
            .with(s3_bucket("restricted", |b| {
                b.policy_is_public = Some(true);
                b.public_access_block = pab(false, true);
            }))
            .with(s3_bucket("acl-ignored", |b| {
                b.acl_grants_public = true;
                b.public_access_block = pab(true, false);
            }))
            .with(s3_bucket("acl-disabled", |b| {
                b.acl_grants_public = true;
                b.object_ownership = Some("BucketOwnerEnforced".into());
            }))
            .with(s3_bucket("half-blocked", |b| {
                b.policy_is_public = Some(true);
                b.acl_grants_public = true;
                b.public_access_block = pab(false, true);
            }))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::private", Status::Pass),
                ("arn:aws:s3:::public-policy", Status::Fail),
                ("arn:aws:s3:::public-acl", Status::Fail),
                ("arn:aws:s3:::restricted", Status::Pass),
                ("arn:aws:s3:::acl-ignored", Status::Pass),
                ("arn:aws:s3:::acl-disabled", Status::Pass),
                ("arn:aws:s3:::half-blocked", Status::Fail),
            ]
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn account_level_block_neutralises_every_bucket() {
        let rows = Fixture::new()
            .account(|a| a.s3_public_access_block = pab(true, true))
            .with(s3_bucket("public-policy", |b| {
                b.policy_is_public = Some(true)
            }))
            .with(s3_bucket("public-acl", |b| b.acl_grants_public = true))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::public-policy", Status::Pass),
                ("arn:aws:s3:::public-acl", Status::Pass),
            ]
        );
        assert!(
            rows[0].reason.contains("account level"),
            "{}",
            rows[0].reason
        );
    }

    #[test]
    fn unknown_policy_status_evaluates_the_policy() {
        let rows = Fixture::new()
            .with(s3_bucket("open", |b| {
                b.policy = policy(
                    r#"{"Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*",
                        "Action":"s3:GetObject","Resource":"arn:aws:s3:::open/*"}]}"#,
                );
            }))
            .with(s3_bucket("vpce-only", |b| {
                b.policy = policy(
                    r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                        "Resource":"arn:aws:s3:::vpce-only/*",
                        "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}"#,
                );
            }))
            .with(s3_bucket("tls-only-open", |b| {
                b.policy = policy(
                    r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*",
                        "Resource":"arn:aws:s3:::tls-only-open/*",
                        "Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#,
                );
            }))
            .with(s3_bucket("account-only", |b| {
                b.policy = policy(
                    r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
                        "Action":"s3:*","Resource":"arn:aws:s3:::account-only/*"}]}"#,
                );
            }))
            .with(s3_bucket("no-policy", |_| {}))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                ("arn:aws:s3:::open", Status::Fail),
                ("arn:aws:s3:::vpce-only", Status::Pass),
                ("arn:aws:s3:::tls-only-open", Status::Fail),
                ("arn:aws:s3:::account-only", Status::Pass),
                ("arn:aws:s3:::no-policy", Status::Pass),
            ]
        );
        assert!(
            rows[0].reason.contains("`PublicRead`"),
            "{}",
            rows[0].reason
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unreadable_acl_or_block_settings_are_errors() {
        let error = |field: &str| phiguard_model::FieldError {
            field: field.into(),
            code: "AccessDenied".into(),
            message: String::new(),
        };
        let mut acl = s3_bucket("acl", |b| b.policy_is_public = Some(false));
        acl.errors.push(error("acl_grants_public"));
        let mut pab = s3_bucket("pab", |b| b.policy_is_public = Some(false));
        pab.errors.push(error("public_access_block"));
        // The policy could not be read, so the inventory has none: never "no policy".
        let mut policy = s3_bucket("policy", |_| {});
        policy.errors.push(error("policy"));
        let rows = Fixture::new()
            .with(acl)
            .with(pab)
            .with(policy)
            .run(&CONTROL);
        assert!(rows.iter().all(|r| r.status == Status::Error), "{rows:#?}");
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn unreadable_policy_status_falls_back_to_the_policy() {
        let mut bucket = s3_bucket("status-denied", |b| {
            b.policy = policy(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
                    "Action":"s3:*","Resource":"arn:aws:s3:::status-denied/*"}]}"#,
            );
        });
        bucket.errors.push(phiguard_model::FieldError {
            field: "policy_is_public".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(bucket).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Pass, "{rows:#?}");
    }
}
