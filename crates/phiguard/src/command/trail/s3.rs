//! `s3://bucket/prefix` trail inputs: the flags that reach S3 (as `phiguard scan`'s live
//! flags), the split of inputs into paths and URLs, and the glue to
//! `phiguard_aws::trail_source`, which lists (only what the filters allow) and streams the
//! objects.

use std::path::{Path, PathBuf};

use clap::Args;
use jiff::Timestamp;
use phiguard_trail::s3_layout::{S3Url, Scope};
use phiguard_trail::scan::Input;

use crate::Error;

/// How to reach S3 (and CloudTrail, for public keys) for `s3://` inputs.
#[derive(Debug, Clone, Args)]
pub struct S3Args {
    /// s3:// inputs: the AWS profile to use [default: the SDK's default credential chain].
    #[arg(long, value_name = "NAME", help_heading = "S3 input")]
    pub profile: Option<String>,

    /// s3:// inputs: send every AWS call to this endpoint (an emulator such as moto).
    #[arg(long, value_name = "URL", help_heading = "S3 input")]
    pub endpoint_url: Option<String>,

    /// s3:// inputs: objects fetched at once.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 16,
        value_parser = clap::value_parser!(u16).range(1..=256),
        help_heading = "S3 input"
    )]
    pub concurrency: u16,

    /// s3:// inputs: write every AWS operation called (and every request, with the prefix
    /// or key it named) as JSON to FILE.
    #[arg(long, value_name = "FILE", help_heading = "S3 input")]
    pub operations_log: Option<PathBuf>,
}

/// The inputs of a trail command: paths on disk and S3 locations.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Files and folders.
    pub paths: Vec<PathBuf>,
    /// `s3://` URLs.
    pub urls: Vec<S3Url>,
}

/// Splits inputs into paths and `s3://` URLs; a malformed URL is the error.
pub fn split(inputs: &[PathBuf]) -> Result<Inputs, String> {
    let mut out = Inputs::default();
    for input in inputs {
        match input.to_str().and_then(S3Url::parse) {
            Some(Ok(url)) => out.urls.push(url),
            Some(Err(reason)) => return Err(reason),
            None => out.paths.push(input.clone()),
        }
    }
    Ok(out)
}

/// The listing scope of `--account`, `--region` and the period (events in `[since, until)`;
/// an open end is the trail's first day or today).
pub fn scope(
    account: Option<&str>,
    region: Option<&str>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    now: Timestamp,
) -> Scope {
    let until = until.or(since.map(|s| now.max(s)));
    let (first_day, last_day) = Scope::period(since, until);
    Scope {
        accounts: account.map(str::to_string).into_iter().collect(),
        regions: region.map(str::to_string).into_iter().collect(),
        first_day,
        last_day,
        folders: Vec::new(),
    }
}

/// The S3 side of a command: the objects stream and, after the run, the operations log.
pub struct Session {
    #[cfg(feature = "aws")]
    source: phiguard_aws::trail_source::TrailSource,
}

/// The streams of the objects under `urls` that `scope` keeps (in listing order, fetched
/// `--concurrency` at a time), and the session to finish.
#[cfg(feature = "aws")]
pub fn objects(
    urls: &[S3Url],
    scope: Scope,
    args: &S3Args,
) -> Result<(Box<dyn Iterator<Item = Input> + Send>, Session), String> {
    let session = open(args)?;
    let objects = session
        .source
        .objects(urls.to_vec(), scope)
        .map(|(name, reader)| Input::reader(name, reader));
    Ok((Box::new(objects), session))
}

/// Without AWS support, `s3://` inputs cannot be read.
#[cfg(not(feature = "aws"))]
pub fn objects(
    urls: &[S3Url],
    scope: Scope,
    args: &S3Args,
) -> Result<(Box<dyn Iterator<Item = Input> + Send>, Session), String> {
    let _ = (urls, scope, args);
    Err(NO_AWS.to_string())
}

#[cfg(not(feature = "aws"))]
const NO_AWS: &str = "s3:// inputs need AWS support: this phiguard was built without the `aws` \
     feature (download the objects first, e.g. `aws s3 sync`, or rebuild with the default \
     features)";

/// Starts the AWS session.
#[cfg(feature = "aws")]
pub fn open(args: &S3Args) -> Result<Session, String> {
    let options = phiguard_aws::trail_source::SourceOptions {
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        concurrency: usize::from(args.concurrency),
    };
    let source =
        phiguard_aws::trail_source::TrailSource::new(&options).map_err(|e| e.to_string())?;
    Ok(Session { source })
}

/// Without AWS support there is no session.
#[cfg(not(feature = "aws"))]
pub fn open(args: &S3Args) -> Result<Session, String> {
    let _ = args;
    Err(NO_AWS.to_string())
}

impl Session {
    /// The AWS side, for validation.
    #[cfg(feature = "aws")]
    pub fn source(&self) -> &phiguard_aws::trail_source::TrailSource {
        &self.source
    }

    /// Writes the operations log when asked.
    pub fn finish(&self, path: Option<&Path>) -> Result<(), Error> {
        let Some(path) = path else {
            return Ok(());
        };
        #[cfg(feature = "aws")]
        let value = {
            let operations: Vec<_> = self
                .source
                .operations()
                .iter()
                .map(|(service, operation)| {
                    serde_json::json!({
                        "service": service,
                        "operation": operation,
                        "iam_action": phiguard_aws::permissions::action_for(service, operation),
                        "read_only": phiguard_aws::recorder::is_read_only(operation),
                    })
                })
                .collect();
            serde_json::json!({
                "operations": operations,
                "requests": self.source.requests(),
            })
        };
        #[cfg(not(feature = "aws"))]
        let value = serde_json::json!({"operations": [], "requests": []});
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        std::fs::write(path, text + "\n").map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_split_and_scopes_widen() {
        let got = split(&[
            PathBuf::from("logs"),
            PathBuf::from("s3://trail-bucket/p"),
            PathBuf::from("s3://trail-bucket"),
        ])
        .unwrap();
        assert_eq!(got.paths, [PathBuf::from("logs")]);
        assert_eq!(got.urls.len(), 2);
        assert!(split(&[PathBuf::from("s3://NO")]).is_err());
        let now: Timestamp = "2026-02-10T12:00:00Z".parse().unwrap();
        let s = scope(
            Some("111122223333"),
            None,
            Some("2026-02-01T00:00:00Z".parse().unwrap()),
            None,
            now,
        );
        assert_eq!(s.accounts, ["111122223333"]);
        assert_eq!(
            (s.first_day, s.last_day),
            (
                Some(jiff::civil::date(2026, 1, 31)),
                Some(jiff::civil::date(2026, 2, 11))
            )
        );
        let open = scope(None, None, None, None, now);
        assert_eq!((open.first_day, open.last_day), (None, None));
    }
}
