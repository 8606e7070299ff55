//! `phiguard iam-policy`: the minimal read-only IAM policy a scan needs, generated from the
//! table of operations the collector calls (checked against the real calls by the emulator
//! test).

use clap::Args;

use crate::{Error, Exit, Term};

/// `phiguard iam-policy`.
#[derive(Debug, Args)]
pub struct IamPolicyArgs {
    /// Include what `scan --org` needs in the account it runs from
    /// (organizations:ListAccounts, sts:AssumeRole).
    #[arg(long)]
    pub org: bool,

    /// Also allow reading CloudTrail logs from S3 (`trail scan|access|validate s3://...`,
    /// `scan --trail s3://...`): s3:GetBucketLocation, s3:ListBucket, s3:GetObject,
    /// cloudtrail:ListPublicKeys.
    #[arg(long)]
    pub trail: bool,
}

/// Prints the policy: one JSON document, or a JSON array of documents when the actions do
/// not fit in one managed policy (6,144 characters).
#[cfg(feature = "aws")]
pub fn run(args: &IamPolicyArgs, term: &mut Term<'_>) -> Result<Exit, Error> {
    let mut docs = phiguard_aws::permissions::iam_policies(args.org);
    if args.trail {
        phiguard_aws::permissions::add_trail(&mut docs);
    }
    let value = match docs.as_slice() {
        [one] => one.clone(),
        _ => serde_json::Value::Array(docs),
    };
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    writeln!(term.out, "{text}")?;
    Ok(Exit::Clean)
}

/// Without AWS support there is no collector to describe.
#[cfg(not(feature = "aws"))]
pub fn run(args: &IamPolicyArgs, term: &mut Term<'_>) -> Result<Exit, Error> {
    let _ = (args, term);
    Err(Error::Collect {
        message: "this phiguard was built without AWS support (the `aws` feature)".into(),
        help: "rebuild with the default features".into(),
    })
}
