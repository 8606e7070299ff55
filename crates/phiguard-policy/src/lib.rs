//! Policy generators: the guard-rail policies a HIPAA workload on AWS needs, as JSON the
//! user attaches themselves (phiguard never writes to AWS).
//!
//! - [`scp_hipaa_eligible`]: an SCP for PHI OUs denying every service not on the bundled
//!   HIPAA-eligible list ([`phiguard_model::eligible`]).
//! - [`force_mfa`]: AWS's documented IAM policy letting users manage their own MFA and
//!   credentials, and denying everything else without MFA.
//! - [`s3_tls`]: bucket policies denying plain HTTP and TLS older than 1.2.
//! - [`scp_regions`]: an SCP denying requests outside the allowed Regions.
//!
//! Every generator is deterministic and keeps each document under its AWS size limit
//! ([`Limit`]), splitting into several documents when needed ([`Generated::notes`] says so).
//! [`eval`] is a small IAM evaluator the tests use to show what each policy allows and denies.

pub mod eval;
pub mod prefixes;

use std::collections::{BTreeMap, BTreeSet};

use miette::Diagnostic;
use phiguard_model::policy::{ConditionValues, Effect, PolicyDocument, Principal, Statement};

/// The policy language version every document uses.
pub const VERSION: &str = "2012-10-17";

/// AWS size limits, in characters. Documents are fitted so that their minified JSON is
/// within the limit: the console strips whitespace before counting, but uploads through the
/// AWS CLI or an SDK count it, so [`Generated::render`] prints minified JSON whenever the
/// indented text would be over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A service control policy: 5,120 characters.
    Scp,
    /// A customer managed IAM policy: 6,144 characters.
    Managed,
    /// An S3 bucket policy: 20 KB.
    BucketPolicy,
    /// Another limit, in characters (tests use a small one to force splits).
    Chars(usize),
}

impl Limit {
    /// The limit in characters.
    pub fn chars(self) -> usize {
        match self {
            Limit::Scp => 5_120,
            Limit::Managed => 6_144,
            Limit::BucketPolicy => 20_480,
            Limit::Chars(n) => n,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Limit::Scp => "service control policy",
            Limit::Managed => "managed policy",
            Limit::BucketPolicy => "bucket policy",
            Limit::Chars(_) => "policy",
        }
    }
}

/// Why a policy could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Diagnostic)]
pub enum PolicyError {
    /// A value given by the user is not valid.
    #[error("invalid {what} `{value}`: {why}")]
    #[diagnostic(code(policy::invalid), help("{help}"))]
    Invalid {
        /// What it should be (`region`, `bucket name`, `role ARN`).
        what: &'static str,
        /// As given.
        value: String,
        /// Why not.
        why: String,
        /// An example of a valid value.
        help: String,
    },

    /// A required list is empty.
    #[error("no {what} given")]
    #[diagnostic(code(policy::missing), help("{help}"))]
    Missing {
        /// What is missing.
        what: &'static str,
        /// How to give it.
        help: &'static str,
    },

    /// One statement cannot be split and does not fit the limit.
    #[error(
        "statement `{sid}` is {size} characters, over the {limit}-character {kind} limit, and cannot be split"
    )]
    #[diagnostic(
        code(policy::too_large),
        help(
            "shorten the lists given on the command line (e.g. fewer exempt roles, or role ARNs with wildcards)"
        )
    )]
    TooLarge {
        /// The statement.
        sid: String,
        /// Its size alone in a document.
        size: usize,
        /// The limit.
        limit: usize,
        /// The kind of policy.
        kind: &'static str,
    },
}

/// The generated documents, and what the user should know about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// One document, or several when the policy was split (attach all of them).
    pub documents: Vec<PolicyDocument>,
    /// Notes for standard error: why and how the policy was split.
    pub notes: Vec<String>,
    /// The limit each document was fitted to.
    pub limit: Limit,
}

impl Generated {
    /// The JSON to print: the document itself, or an array when there are several.
    /// `pretty`: indented; else minified (what the size limits count).
    pub fn to_json(&self, pretty: bool) -> String {
        match self.documents.as_slice() {
            [one] => text(one, pretty),
            many => text(many, pretty),
        }
    }

    /// The text to print and a note about it: indented JSON, unless `compact` or an
    /// indented document would be over its limit (AWS counts whitespace when a policy is
    /// uploaded through the CLI or an SDK; only the console strips it), then minified.
    pub fn render(&self, compact: bool) -> (String, Option<String>) {
        let over = self
            .documents
            .iter()
            .any(|d| text(d, true).chars().count() > self.limit.chars());
        if compact || !over {
            return (self.to_json(!compact), None);
        }
        let note = format!(
            "printed minified: indented, it would be over the {}-character {} limit, which counts whitespace when the policy is uploaded with the AWS CLI or an SDK",
            self.limit.chars(),
            self.limit.name()
        );
        (self.to_json(false), Some(note))
    }
}

fn text<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    // Policy documents are strings, lists and maps: serialising them cannot fail.
    text.unwrap_or_default()
}

/// The size AWS counts: characters of the minified JSON.
pub fn size(doc: &PolicyDocument) -> usize {
    serde_json::to_string(doc).map_or(usize::MAX, |s| s.chars().count())
}

fn statement(sid: &str, effect: Effect) -> Statement {
    Statement {
        sid: Some(sid.to_string()),
        effect,
        resource: vec!["*".to_string()],
        ..Statement::default()
    }
}

fn values<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> ConditionValues {
    ConditionValues(items.into_iter().map(Into::into).collect())
}

fn document(statements: Vec<Statement>) -> PolicyDocument {
    PolicyDocument {
        version: Some(VERSION.to_string()),
        statements,
    }
}

fn exempt_condition(statement: &mut Statement, exempt_roles: &[String]) {
    if !exempt_roles.is_empty() {
        statement
            .condition
            .entry("ArnNotLike".into())
            .or_default()
            .insert(
                "aws:PrincipalArn".into(),
                values(exempt_roles.iter().cloned()),
            );
    }
}

// ---------------------------------------------------------------------------------------------
// Splitting

/// Fits `statements` into as few documents of at most `limit` characters as it can, in
/// order. A statement too large alone has its `Action` list (if it has two or more, else its
/// `Resource` list) cut into parts, each a statement of its own (`SidPart1`, ...): exact for
/// Allow and Deny alike, since a statement over a list means the same as statements over its
/// parts. `NotAction` and `NotResource` lists cannot be cut that way: a statement that still
/// does not fit is an error.
pub fn fit(statements: Vec<Statement>, limit: Limit) -> Result<Vec<PolicyDocument>, PolicyError> {
    let max = limit.chars();
    let alone = |s: &Statement| size(&document(vec![s.clone()]));
    let mut parts = Vec::new();
    for s in statements {
        if alone(&s) <= max {
            parts.push(s);
            continue;
        }
        let too_large = || PolicyError::TooLarge {
            sid: s.sid.clone().unwrap_or_default(),
            size: alone(&s),
            limit: max,
            kind: limit.name(),
        };
        let cut_actions = s.action.len() >= 2;
        let items = if cut_actions { &s.action } else { &s.resource };
        if items.len() < 2 {
            return Err(too_large());
        }
        let with = |chunk: &[String], n: usize| {
            let mut part = s.clone();
            if cut_actions {
                part.action = chunk.to_vec();
            } else {
                part.resource = chunk.to_vec();
            }
            part.sid = s.sid.as_ref().map(|sid| format!("{sid}Part{n}"));
            part
        };
        let mut chunk: Vec<String> = Vec::new();
        let mut n = 1;
        for item in items {
            chunk.push(item.clone());
            if alone(&with(&chunk, n)) > max {
                chunk.pop();
                if chunk.is_empty() {
                    return Err(too_large());
                }
                parts.push(with(&chunk, n));
                n += 1;
                chunk = vec![item.clone()];
            }
        }
        if alone(&with(&chunk, n)) > max {
            return Err(too_large());
        }
        parts.push(with(&chunk, n));
    }
    let mut docs: Vec<PolicyDocument> = Vec::new();
    for s in parts {
        if let Some(last) = docs.last_mut() {
            last.statements.push(s);
            if size(last) <= max {
                continue;
            }
            if let Some(s) = last.statements.pop() {
                docs.push(document(vec![s]));
            }
        } else {
            docs.push(document(vec![s]));
        }
    }
    Ok(docs)
}

fn split_note(docs: &[PolicyDocument], limit: Limit, how: &str) -> Vec<String> {
    if docs.len() < 2 {
        return Vec::new();
    }
    vec![format!(
        "the policy does not fit one {} ({} characters): split into {} documents, printed as a JSON array; {how}",
        limit.name(),
        limit.chars(),
        docs.len()
    )]
}

// ---------------------------------------------------------------------------------------------
// Validation

fn check_roles(roles: &[String]) -> Result<Vec<String>, PolicyError> {
    for role in roles {
        let parts: Vec<&str> = role.splitn(6, ':').collect();
        let ok = parts.len() == 6
            && parts[0] == "arn"
            && !parts[1].is_empty()
            && parts[2] == "iam"
            && parts[3].is_empty()
            && (parts[4].contains(['*', '?'])
                || (parts[4].len() == 12 && parts[4].bytes().all(|b| b.is_ascii_digit())))
            && parts[5].len() > "role/".len()
            && parts[5].starts_with("role/")
            && !role.chars().any(char::is_whitespace);
        if !ok {
            return Err(PolicyError::Invalid {
                what: "role ARN",
                value: role.clone(),
                why: "expected an IAM role ARN, `arn:PARTITION:iam::ACCOUNT:role/NAME` (`aws:PrincipalArn` is the role's ARN even in an assumed-role session)".into(),
                help: "for example `arn:aws:iam::111122223333:role/BreakGlass` (wildcards allowed: `arn:aws:iam::*:role/BreakGlass`)".into(),
            });
        }
    }
    Ok(roles
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect())
}

fn check_regions(regions: &[String]) -> Result<Vec<String>, PolicyError> {
    let regions: BTreeSet<String> = regions
        .iter()
        .flat_map(|r| r.split(','))
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    if regions.is_empty() {
        return Err(PolicyError::Missing {
            what: "region",
            help: "pass `--allow` with one or more Regions, e.g. `--allow us-east-1,us-west-2`",
        });
    }
    for region in &regions {
        let parts: Vec<&str> = region.split('-').collect();
        let ok = parts.len() >= 3
            && (2..=4).contains(&parts[0].len())
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
            && parts
                .last()
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err(PolicyError::Invalid {
                what: "region",
                value: region.clone(),
                why: "expected an AWS Region code".into(),
                help: "for example `us-east-1`, `eu-central-1` or `us-gov-west-1`".into(),
            });
        }
    }
    Ok(regions.into_iter().collect())
}

/// The ARN partitions: commercial, GovCloud (US), China, and the isolated ones.
pub const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-eusc",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-us-gov",
];

fn check_partition(partition: &str) -> Result<(), PolicyError> {
    if PARTITIONS.contains(&partition) {
        return Ok(());
    }
    Err(PolicyError::Invalid {
        what: "partition",
        value: partition.to_string(),
        why: "not an AWS partition".into(),
        help: format!("one of {}", PARTITIONS.join(", ")),
    })
}

fn check_bucket(bucket: &str) -> Result<(), PolicyError> {
    let bytes = bucket.as_bytes();
    let ok = (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && !bucket.contains("..");
    if ok {
        Ok(())
    } else {
        Err(PolicyError::Invalid {
            what: "bucket name",
            value: bucket.to_string(),
            why: "S3 bucket names are 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit".into(),
            help: "give the bucket's name, not its ARN or URL, e.g. `clinic-phi-records`".into(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Generators

/// Sid of the eligible-services deny statement.
pub const ELIGIBLE_SID: &str = "DenyServicesNotHipaaEligible";

/// Sid of the statement denying the SageMaker workforces the eligible list excludes.
pub const SAGEMAKER_WORKFORCE_SID: &str = "DenyExcludedSageMakerWorkforces";

/// The HIPAA-eligible-services SCP for PHI OUs: Deny with `NotAction` listing the IAM prefixes
/// of every eligible service ([`prefixes::eligible_prefixes`]) and the services needed to
/// operate an account ([`prefixes::operations_prefixes`]), so anything else is denied; and a
/// Deny of SageMaker labeling jobs and human-review flows on the public (Mechanical Turk) or
/// vendor workforces, which the list excludes (`sagemaker:WorkteamType`). `needs_review`: also
/// allow the namespaces the list does not name but that are arguably part of a listed service
/// ([`phiguard_model::eligible::NEEDS_REVIEW`], e.g. `aoss`, `dsql`). `exempt_roles` are
/// exempted with `ArnNotLike aws:PrincipalArn`.
///
/// A `NotAction` list cannot be cut into several Deny SCPs (each would deny the others'
/// services), so if the list outgrows one SCP the policy becomes allow-list SCPs (`Allow` of
/// parts of the list) to attach together in place of `FullAWSAccess`.
pub fn scp_hipaa_eligible(
    exempt_roles: &[String],
    needs_review: bool,
) -> Result<Generated, PolicyError> {
    scp_hipaa_eligible_within(exempt_roles, needs_review, Limit::Scp)
}

/// [`scp_hipaa_eligible`] with a given limit (tests use a small one to force a split).
pub fn scp_hipaa_eligible_within(
    exempt_roles: &[String],
    needs_review: bool,
    limit: Limit,
) -> Result<Generated, PolicyError> {
    let exempt_roles = check_roles(exempt_roles)?;
    let review = phiguard_model::eligible::NEEDS_REVIEW
        .iter()
        .filter(|_| needs_review)
        .map(|(ns, _)| *ns);
    let allowed: Vec<String> = prefixes::eligible_prefixes()
        .into_iter()
        .chain(prefixes::operations_prefixes())
        .chain(review)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|p| format!("{p}:*"))
        .collect();
    let mut workforces = statement(SAGEMAKER_WORKFORCE_SID, Effect::Deny);
    workforces.action = vec![
        "sagemaker:CreateFlowDefinition".into(),
        "sagemaker:CreateLabelingJob".into(),
    ];
    workforces.condition.insert(
        "StringEquals".into(),
        BTreeMap::from([(
            "sagemaker:WorkteamType".to_string(),
            values(["public-crowd", "vendor-crowd"]),
        )]),
    );
    exempt_condition(&mut workforces, &exempt_roles);
    let mut deny = statement(ELIGIBLE_SID, Effect::Deny);
    deny.not_action = allowed.clone();
    exempt_condition(&mut deny, &exempt_roles);
    let as_of = format!(
        "services allowed per the {}; generate the SCP again when AWS updates the list",
        phiguard_model::eligible::SOURCE
    );
    let single = document(vec![deny, workforces.clone()]);
    if size(&single) <= limit.chars() {
        return Ok(Generated {
            documents: vec![single],
            notes: vec![as_of],
            limit,
        });
    }
    let mut allow = statement("AllowHipaaEligibleServices", Effect::Allow);
    allow.action = allowed;
    let mut statements = vec![allow];
    if !exempt_roles.is_empty() {
        let mut exempt = statement("AllowExemptRoles", Effect::Allow);
        exempt.action = vec!["*".into()];
        exempt.condition.insert(
            "ArnLike".into(),
            BTreeMap::from([("aws:PrincipalArn".to_string(), values(exempt_roles))]),
        );
        statements.push(exempt);
    }
    statements.push(workforces);
    let documents = fit(statements, limit)?;
    let mut notes = vec![format!(
        "the deny list does not fit one service control policy ({} characters) and a NotAction list cannot be split: written as {} allow-list SCPs instead",
        limit.chars(),
        documents.len()
    )];
    notes.push(
        "attach all of them to the PHI OU and detach FullAWSAccess from it: an action is then allowed only if one of them allows it".into(),
    );
    notes.push(as_of);
    Ok(Generated {
        documents,
        notes,
        limit,
    })
}

/// Actions the force-MFA policy allows without MFA (AWS's documented list).
pub const MFA_SELF_SERVICE: &[&str] = &[
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetUser",
    "iam:GetMFADevice",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
];

/// AWS's documented policy "Allows MFA-authenticated IAM users to manage their own
/// credentials on the Security credentials page": users manage their own password, access
/// keys, signing certificates, SSH keys, Git credentials and MFA device, and every action but
/// MFA self-management is denied unless they signed in with MFA
/// (`BoolIfExists aws:MultiFactorAuthPresent false`). With `max_age_seconds`, a second
/// statement also denies them when the MFA sign-in is older
/// (`NumericGreaterThan aws:MultiFactorAuthAge`). `partition`: the ARN partition (`aws`,
/// `aws-us-gov`, `aws-cn`).
pub fn force_mfa(max_age_seconds: Option<u64>, partition: &str) -> Result<Generated, PolicyError> {
    if max_age_seconds == Some(0) {
        return Err(PolicyError::Invalid {
            what: "maximum MFA age",
            value: "0".into(),
            why: "it must be at least one second".into(),
            help: "for example `--max-age 43200` (12 hours)".into(),
        });
    }
    check_partition(partition)?;
    let user = format!("arn:{partition}:iam::*:user/${{aws:username}}");
    let user = user.as_str();
    let mfa_devices = format!("arn:{partition}:iam::*:mfa/*");
    let allow = |sid: &str, actions: &[&str], resource: &str| {
        let mut s = statement(sid, Effect::Allow);
        s.action = actions.iter().map(|a| (*a).to_string()).collect();
        s.resource = vec![resource.to_string()];
        s
    };
    let mut statements = vec![
        allow(
            "AllowViewAccountInfo",
            &["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
            "*",
        ),
        allow(
            "AllowManageOwnPasswords",
            &["iam:ChangePassword", "iam:GetUser"],
            user,
        ),
        allow(
            "AllowManageOwnAccessKeys",
            &[
                "iam:CreateAccessKey",
                "iam:DeleteAccessKey",
                "iam:ListAccessKeys",
                "iam:UpdateAccessKey",
                "iam:GetAccessKeyLastUsed",
            ],
            user,
        ),
        allow(
            "AllowManageOwnSigningCertificates",
            &[
                "iam:DeleteSigningCertificate",
                "iam:ListSigningCertificates",
                "iam:UpdateSigningCertificate",
                "iam:UploadSigningCertificate",
            ],
            user,
        ),
        allow(
            "AllowManageOwnSSHPublicKeys",
            &[
                "iam:DeleteSSHPublicKey",
                "iam:GetSSHPublicKey",
                "iam:ListSSHPublicKeys",
                "iam:UpdateSSHPublicKey",
                "iam:UploadSSHPublicKey",
            ],
            user,
        ),
        allow(
            "AllowManageOwnGitCredentials",
            &[
                "iam:CreateServiceSpecificCredential",
                "iam:DeleteServiceSpecificCredential",
                "iam:ListServiceSpecificCredentials",
                "iam:ResetServiceSpecificCredential",
                "iam:UpdateServiceSpecificCredential",
            ],
            user,
        ),
        allow(
            "AllowManageOwnVirtualMFADevice",
            &["iam:CreateVirtualMFADevice"],
            &mfa_devices,
        ),
        allow(
            "AllowManageOwnUserMFA",
            &[
                "iam:DeactivateMFADevice",
                "iam:EnableMFADevice",
                "iam:ListMFADevices",
                "iam:ResyncMFADevice",
            ],
            user,
        ),
    ];
    let deny = |sid: &str, operator: &str, key: &str, value: String| {
        let mut s = statement(sid, Effect::Deny);
        s.not_action = MFA_SELF_SERVICE.iter().map(|a| (*a).to_string()).collect();
        s.condition.insert(
            operator.into(),
            BTreeMap::from([(key.to_string(), values([value]))]),
        );
        s
    };
    statements.push(deny(
        "DenyAllExceptListedIfNoMFA",
        "BoolIfExists",
        "aws:MultiFactorAuthPresent",
        "false".into(),
    ));
    if let Some(age) = max_age_seconds {
        statements.push(deny(
            "DenyAllExceptListedIfMFATooOld",
            "NumericGreaterThan",
            "aws:MultiFactorAuthAge",
            age.to_string(),
        ));
    }
    let documents = fit(statements, Limit::Managed)?;
    let notes = split_note(
        &documents,
        Limit::Managed,
        "attach all of them to the users or group",
    );
    Ok(Generated {
        documents,
        notes,
        limit: Limit::Managed,
    })
}

/// Bucket policies (one per bucket, in sorted order: a bucket policy may only name its own
/// bucket) denying every S3 action on the bucket and its objects over plain HTTP
/// (`Bool aws:SecureTransport false`) or with TLS older than 1.2
/// (`NumericLessThan s3:TlsVersion 1.2`). `partition`: the ARN partition.
pub fn s3_tls(buckets: &[String], partition: &str) -> Result<Generated, PolicyError> {
    check_partition(partition)?;
    let buckets: BTreeSet<&String> = buckets.iter().collect();
    if buckets.is_empty() {
        return Err(PolicyError::Missing {
            what: "bucket",
            help: "pass `--bucket NAME` once per bucket",
        });
    }
    let mut documents = Vec::new();
    for bucket in &buckets {
        check_bucket(bucket)?;
        let resources = vec![
            format!("arn:{partition}:s3:::{bucket}"),
            format!("arn:{partition}:s3:::{bucket}/*"),
        ];
        let deny = |sid: &str, operator: &str, key: &str, value: &str| {
            let mut s = statement(sid, Effect::Deny);
            s.principal = Some(Principal::Wildcard("*".into()));
            s.action = vec!["s3:*".into()];
            s.resource = resources.clone();
            s.condition.insert(
                operator.into(),
                BTreeMap::from([(key.to_string(), values([value]))]),
            );
            s
        };
        let statements = vec![
            deny(
                "DenyInsecureTransport",
                "Bool",
                "aws:SecureTransport",
                "false",
            ),
            deny(
                "DenyTlsOlderThan12",
                "NumericLessThan",
                "s3:TlsVersion",
                "1.2",
            ),
        ];
        documents.extend(fit(statements, Limit::BucketPolicy)?);
    }
    let notes = if documents.len() > 1 {
        vec![format!(
            "{} bucket policies, one per bucket in name order, printed as a JSON array: put each on its own bucket (merge with any statements the bucket already has)",
            documents.len()
        )]
    } else {
        Vec::new()
    };
    Ok(Generated {
        documents,
        notes,
        limit: Limit::BucketPolicy,
    })
}

/// Sid of the Region deny statement.
pub const REGIONS_SID: &str = "DenyOutsideAllowedRegions";

/// The Region-restriction SCP: Deny, when `aws:RequestedRegion` is none of `regions`
/// (`StringNotEquals`), every action except those of global services
/// ([`prefixes::GLOBAL_ACTIONS`]); `exempt_roles` are exempted with
/// `ArnNotLike aws:PrincipalArn`. Regions may be given comma-separated.
pub fn scp_regions(regions: &[String], exempt_roles: &[String]) -> Result<Generated, PolicyError> {
    let regions = check_regions(regions)?;
    let exempt_roles = check_roles(exempt_roles)?;
    let mut deny = statement(REGIONS_SID, Effect::Deny);
    deny.not_action = prefixes::GLOBAL_ACTIONS
        .iter()
        .map(|(a, _)| (*a).to_string())
        .collect();
    deny.condition.insert(
        "StringNotEquals".into(),
        BTreeMap::from([("aws:RequestedRegion".to_string(), values(regions))]),
    );
    exempt_condition(&mut deny, &exempt_roles);
    let documents = fit(vec![deny], Limit::Scp)?;
    let notes = split_note(&documents, Limit::Scp, "attach all of them to the same OUs");
    Ok(Generated {
        documents,
        notes,
        limit: Limit::Scp,
    })
}
