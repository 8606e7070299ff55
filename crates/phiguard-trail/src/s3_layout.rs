//! The CloudTrail S3 key layout, as pure code: `s3://bucket/prefix` URLs, the keys CloudTrail
//! writes (`[prefix/]AWSLogs/[o-org/]<account>/CloudTrail[-Digest]/<region>/YYYY/MM/DD/<file>`),
//! and the plan of which prefixes to list so that a bucket is listed only where the
//! `--account`, `--region` and date filters allow (a day asked for is one listing, not the
//! whole bucket).
//!
//! The planner knows the layout but not the bucket: account and region folders it cannot
//! name from the filters are discovered with delimiter listings ([`Listing::Folders`], the
//! answer goes to [`expand`]); the day folders are named from the dates. Every key listed is
//! checked again with [`Scope::keeps`], so a plan that lists more than needed (a prefix given
//! deep in the layout, a long period listed by month) never reads more than asked.

use jiff::ToSpan;
use jiff::civil::Date;

/// The scheme of S3 inputs.
pub const S3_SCHEME: &str = "s3://";

/// Whether an input names an S3 location (`s3://bucket[/prefix]`).
pub fn is_s3_url(text: &str) -> bool {
    text.get(..S3_SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(S3_SCHEME))
}

/// An `s3://bucket/prefix` input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct S3Url {
    /// The bucket.
    pub bucket: String,
    /// The key prefix, as given (may be empty; a trailing `/` is kept).
    pub prefix: String,
}

impl S3Url {
    /// Parses `s3://bucket[/prefix]`: `None` when it is not an `s3://` URL, the reason when
    /// it is one but malformed.
    pub fn parse(text: &str) -> Option<Result<S3Url, String>> {
        if !is_s3_url(text) {
            return None;
        }
        let rest = &text[S3_SCHEME.len()..];
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b))
            && !bucket.starts_with(['-', '.'])
            && !bucket.ends_with(['-', '.']);
        if !valid {
            return Some(Err(format!(
                "`{text}`: `{bucket}` is not an S3 bucket name (3 to 63 lowercase letters, \
                 digits, `-`, `.`); expected s3://bucket[/prefix]"
            )));
        }
        Some(Ok(S3Url {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        }))
    }

    /// The prefix as a folder: no leading `/`, a trailing `/` unless empty.
    pub fn folder(&self) -> String {
        folder(&self.prefix)
    }

    /// `s3://bucket/key`, the name an object is reported under.
    pub fn object(&self, key: &str) -> String {
        format!("{S3_SCHEME}{}/{key}", self.bucket)
    }
}

impl std::fmt::Display for S3Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{S3_SCHEME}{}/{}", self.bucket, self.prefix)
    }
}

fn folder(prefix: &str) -> String {
    let p = prefix.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        p.to_string()
    } else {
        format!("{p}/")
    }
}

/// The two folders of a trail's account: event logs and digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrailFolder {
    /// `CloudTrail/`: the event log files.
    Logs,
    /// `CloudTrail-Digest/`: the digest files.
    Digests,
}

impl TrailFolder {
    /// The folder name in the layout.
    pub fn name(self) -> &'static str {
        match self {
            TrailFolder::Logs => "CloudTrail",
            TrailFolder::Digests => "CloudTrail-Digest",
        }
    }

    fn from_name(name: &str) -> Option<TrailFolder> {
        match name {
            "CloudTrail" => Some(TrailFolder::Logs),
            "CloudTrail-Digest" => Some(TrailFolder::Digests),
            _ => None,
        }
    }
}

/// A key in the layout, borrowed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailKey<'k> {
    /// What comes before `AWSLogs/` (the trail's prefix, with its trailing `/`; may be empty).
    pub prefix: &'k str,
    /// The organisation id of an organisation trail (`o-...`).
    pub org: Option<&'k str>,
    /// The account id (12 digits).
    pub account: &'k str,
    /// Logs or digests.
    pub folder: TrailFolder,
    /// The region folder.
    pub region: &'k str,
    /// The delivery day.
    pub date: Date,
    /// The file name (not empty).
    pub file: &'k str,
}

/// A 12-digit account id.
pub fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// An organisation id (`o-` and 10 to 32 lowercase letters or digits).
pub fn is_org(text: &str) -> bool {
    text.strip_prefix("o-").is_some_and(|rest| {
        (10..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

fn is_region(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 32
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn number(text: &str, len: usize) -> Option<i16> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

impl<'k> TrailKey<'k> {
    /// Reads a key; `None` for anything outside the layout (folder markers, CloudTrail
    /// Insights, extra or missing levels, a date that does not exist).
    pub fn parse(key: &'k str) -> Option<TrailKey<'k>> {
        let mut start = 0;
        while let Some(at) = key[start..].find("AWSLogs/") {
            let at = start + at;
            start = at + 1;
            if at > 0 && key.as_bytes()[at - 1] != b'/' {
                continue;
            }
            if let Some(parsed) = Self::after(key, at) {
                return Some(parsed);
            }
        }
        None
    }

    fn after(key: &'k str, at: usize) -> Option<TrailKey<'k>> {
        let prefix = &key[..at];
        let parts: Vec<&str> = key[at + "AWSLogs/".len()..].split('/').collect();
        let (org, rest) = match parts.first() {
            Some(first) if is_org(first) => (Some(*first), &parts[1..]),
            _ => (None, &parts[..]),
        };
        let [account, folder, region, year, month, day, file] = rest else {
            return None;
        };
        if !is_account(account) || !is_region(region) || file.is_empty() {
            return None;
        }
        let folder = TrailFolder::from_name(folder)?;
        let date = Date::new(
            number(year, 4)?,
            i8::try_from(number(month, 2)?).ok()?,
            i8::try_from(number(day, 2)?).ok()?,
        )
        .ok()?;
        Some(TrailKey {
            prefix,
            org,
            account,
            folder,
            region,
            date,
            file,
        })
    }
}

/// What to list: accounts, regions, days (both ends inclusive; the caller widens a period
/// by the delivery margin, see [`Scope::period`]) and folders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only these accounts (`[]`: every one).
    pub accounts: Vec<String>,
    /// Only these regions (`[]`: every one).
    pub regions: Vec<String>,
    /// First day listed.
    pub first_day: Option<Date>,
    /// Last day listed.
    pub last_day: Option<Date>,
    /// The folders listed (`[]`: none).
    pub folders: Vec<TrailFolder>,
}

/// Above this many days a period is listed month by month.
pub const MAX_DAY_LISTINGS: i32 = 62;
/// Above this many months a period is listed whole (region folder by region folder).
pub const MAX_MONTH_LISTINGS: i32 = 60;

impl Scope {
    /// The days to list for events in `[since, until)`: CloudTrail delivers a file up to
    /// minutes after its events and names it for the delivery time, so a day is added on
    /// each side (as [`crate::scan::Filter::keeps_file`] does).
    pub fn period(
        since: Option<jiff::Timestamp>,
        until: Option<jiff::Timestamp>,
    ) -> (Option<Date>, Option<Date>) {
        let day = |t: jiff::Timestamp| t.to_zoned(jiff::tz::TimeZone::UTC).date();
        (
            since.map(|s| day(s).checked_sub(1.day()).unwrap_or(day(s))),
            until.map(|u| day(u).checked_add(1.day()).unwrap_or(day(u))),
        )
    }

    /// Whether a key is in scope.
    pub fn keeps(&self, key: &TrailKey<'_>) -> bool {
        self.folders.contains(&key.folder)
            && self.wants_account(key.account)
            && self.wants_region(key.region)
            && self.first_day.is_none_or(|d| key.date >= d)
            && self.last_day.is_none_or(|d| key.date <= d)
    }

    fn wants_account(&self, account: &str) -> bool {
        self.accounts.is_empty() || self.accounts.iter().any(|a| a == account)
    }

    fn wants_region(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.iter().any(|r| r == region)
    }
}

/// A level of the layout whose folders are discovered by listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Under `AWSLogs/`: accounts, or organisation ids.
    AwsLogs,
    /// Under `AWSLogs/o-.../`: accounts.
    Org,
    /// Under `<account>/CloudTrail[-Digest]/`: regions.
    Region,
}

/// One listing to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// List the folders directly under `prefix` (delimiter `/`) and pass their names to
    /// [`expand`] with `level`.
    Folders {
        /// The prefix, ending in `/`.
        prefix: String,
        /// What the folders are.
        level: Level,
    },
    /// List every key under `prefix`; keep those [`Scope::keeps`].
    Keys {
        /// The prefix (may be empty: the whole bucket).
        prefix: String,
    },
}

/// The first listings for a prefix given by the user: the bucket root or the trail's prefix
/// (then `AWSLogs/` is looked for under it), or any folder below `AWSLogs/`.
pub fn plan(prefix: &str, scope: &Scope) -> Vec<Listing> {
    let base = folder(prefix);
    let parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    let Some(at) = parts.iter().position(|p| *p == "AWSLogs") else {
        return vec![Listing::Folders {
            prefix: format!("{base}AWSLogs/"),
            level: Level::AwsLogs,
        }];
    };
    let rest = &parts[at + 1..];
    let (org, rest) = match rest.first() {
        Some(first) if is_org(first) => (true, &rest[1..]),
        _ => (false, rest),
    };
    match rest {
        [] => vec![Listing::Folders {
            prefix: base,
            level: if org { Level::Org } else { Level::AwsLogs },
        }],
        [account] if is_account(account) => {
            if scope.wants_account(account) {
                account_level(&base, scope)
            } else {
                Vec::new()
            }
        }
        [account, name, deeper @ ..]
            if is_account(account) && TrailFolder::from_name(name).is_some() =>
        {
            if !scope.wants_account(account) {
                return Vec::new();
            }
            // Up to the account, then each folder asked for, then what the user gave below.
            let upto: String = parts[..parts.len() - 1 - deeper.len()]
                .iter()
                .map(|p| format!("{p}/"))
                .collect();
            let below: String = deeper.iter().map(|p| format!("{p}/")).collect();
            let mut folders = scope.folders.clone();
            folders.sort();
            folders.dedup();
            folders
                .iter()
                .flat_map(|f| {
                    let here = format!("{upto}{}/", f.name());
                    match deeper.first() {
                        None => region_level(&here, scope),
                        Some(region) if !scope.wants_region(region) => Vec::new(),
                        Some(_) if deeper.len() == 1 => {
                            date_level(&format!("{here}{below}"), scope)
                        }
                        Some(_) => vec![Listing::Keys {
                            prefix: format!("{here}{below}"),
                        }],
                    }
                })
                .collect()
        }
        _ => vec![Listing::Keys { prefix: base }],
    }
}

/// The listings that follow a [`Listing::Folders`]: `names` are the folder names found
/// directly under `prefix` (without `/`).
pub fn expand(level: Level, prefix: &str, names: &[String], scope: &Scope) -> Vec<Listing> {
    let mut names: Vec<&String> = names.iter().collect();
    names.sort();
    names.dedup();
    let mut out = Vec::new();
    for name in names {
        let child = format!("{prefix}{name}/");
        match level {
            Level::AwsLogs | Level::Org if is_account(name) && scope.wants_account(name) => {
                out.extend(account_level(&child, scope));
            }
            // An account the scope leaves out: nothing to list.
            Level::AwsLogs | Level::Org if is_account(name) => {}
            Level::AwsLogs if is_org(name) => out.push(Listing::Folders {
                prefix: child,
                level: Level::Org,
            }),
            Level::Region if is_region(name) && scope.wants_region(name) => {
                out.extend(date_level(&child, scope));
            }
            _ => {}
        }
    }
    out
}

fn account_level(account: &str, scope: &Scope) -> Vec<Listing> {
    let mut folders = scope.folders.clone();
    folders.sort();
    folders.dedup();
    folders
        .iter()
        .flat_map(|f| region_level(&format!("{account}{}/", f.name()), scope))
        .collect()
}

fn region_level(folder: &str, scope: &Scope) -> Vec<Listing> {
    if scope.regions.is_empty() {
        return vec![Listing::Folders {
            prefix: folder.to_string(),
            level: Level::Region,
        }];
    }
    let mut regions = scope.regions.clone();
    regions.sort();
    regions.dedup();
    regions
        .iter()
        .filter(|r| is_region(r))
        .flat_map(|r| date_level(&format!("{folder}{r}/"), scope))
        .collect()
}

fn date_level(region: &str, scope: &Scope) -> Vec<Listing> {
    let whole = || {
        vec![Listing::Keys {
            prefix: region.to_string(),
        }]
    };
    let (Some(first), Some(last)) = (scope.first_day, scope.last_day) else {
        return whole();
    };
    if first > last {
        return Vec::new();
    }
    let Ok(days) = first.until(last).map(|s| s.get_days()) else {
        return whole();
    };
    if days < MAX_DAY_LISTINGS {
        return first
            .series(1.day())
            .take_while(|d| *d <= last)
            .map(|d| Listing::Keys {
                prefix: format!("{region}{:04}/{:02}/{:02}/", d.year(), d.month(), d.day()),
            })
            .collect();
    }
    let months = (i32::from(last.year()) - i32::from(first.year())) * 12 + i32::from(last.month())
        - i32::from(first.month());
    if months >= MAX_MONTH_LISTINGS {
        return whole();
    }
    first
        .first_of_month()
        .series(1.month())
        .take_while(|d| *d <= last)
        .map(|d| Listing::Keys {
            prefix: format!("{region}{:04}/{:02}/", d.year(), d.month()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn keys(listings: &[Listing]) -> Vec<String> {
        listings
            .iter()
            .map(|l| match l {
                Listing::Folders { prefix, level } => format!("folders {prefix} {level:?}"),
                Listing::Keys { prefix } => format!("keys {prefix}"),
            })
            .collect()
    }

    fn scope() -> Scope {
        Scope {
            folders: vec![TrailFolder::Logs],
            ..Scope::default()
        }
    }

    #[test]
    fn urls_parse() {
        assert_eq!(S3Url::parse("/tmp/x"), None);
        let u = S3Url::parse("s3://trail-bucket/some/prefix")
            .unwrap()
            .unwrap();
        assert_eq!(u.bucket, "trail-bucket");
        assert_eq!(u.folder(), "some/prefix/");
        assert_eq!(u.object("a/b"), "s3://trail-bucket/a/b");
        let root = S3Url::parse("S3://trail-bucket").unwrap().unwrap();
        assert_eq!((root.prefix.as_str(), root.folder()), ("", String::new()));
        assert!(
            S3Url::parse("s3://b/")
                .unwrap()
                .unwrap_err()
                .contains("`b`")
        );
        assert!(S3Url::parse("s3://Upper/x").unwrap().is_err());
        assert!(S3Url::parse("s3://").unwrap().is_err());
        assert!(is_s3_url("s3://x") && !is_s3_url("s3:/x") && !is_s3_url("s"));
    }

    #[test]
    fn keys_parse_plain_org_and_prefixed() {
        let k = TrailKey::parse(
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/15/111122223333_CloudTrail_us-east-1_20260115T0000Z_a.json.gz",
        )
        .unwrap();
        assert_eq!(
            (k.prefix, k.org, k.account, k.folder, k.region, k.date),
            (
                "",
                None,
                "111122223333",
                TrailFolder::Logs,
                "us-east-1",
                date(2026, 1, 15)
            )
        );
        let k = TrailKey::parse(
            "p/q/AWSLogs/o-abcdef1234/444455556666/CloudTrail-Digest/eu-west-1/2025/12/31/d.json.gz",
        )
        .unwrap();
        assert_eq!(
            (k.prefix, k.org, k.account, k.folder, k.region, k.file),
            (
                "p/q/",
                Some("o-abcdef1234"),
                "444455556666",
                TrailFolder::Digests,
                "eu-west-1",
                "d.json.gz"
            )
        );
        // A prefix that itself mentions AWSLogs.
        let k =
            TrailKey::parse("xAWSLogs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/15/f.json")
                .unwrap();
        assert_eq!(k.prefix, "xAWSLogs/");
    }

    #[test]
    fn odd_keys_are_outside_the_layout() {
        for key in [
            "",
            "AWSLogs/",
            // Folder marker objects.
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/15/",
            // Insights, Config, other services.
            "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2026/01/15/f.json.gz",
            "AWSLogs/111122223333/Config/us-east-1/2026/01/15/f.json.gz",
            // Bad account, org, date, depth.
            "AWSLogs/11112222333/CloudTrail/us-east-1/2026/01/15/f.json.gz",
            "AWSLogs/o-x/111122223333/CloudTrail/us-east-1/2026/01/15/f.json.gz",
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/02/30/f.json.gz",
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/1/15/f.json.gz",
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/15/extra/f.json.gz",
            "AWSLogs/111122223333/CloudTrail/US-EAST-1/2026/01/15/f.json.gz",
            "AWSLogs/111122223333/CloudTrail/2026/01/15/f.json.gz",
            "myAWSLogs/111122223333/CloudTrail/us-east-1/2026/01/15/f.json.gz",
        ] {
            assert_eq!(TrailKey::parse(key), None, "{key}");
        }
    }

    #[test]
    fn a_bucket_root_discovers_accounts_then_regions() {
        assert_eq!(keys(&plan("", &scope())), ["folders AWSLogs/ AwsLogs"]);
        assert_eq!(
            keys(&plan("/trails", &scope())),
            ["folders trails/AWSLogs/ AwsLogs"]
        );
        let found = [
            "111122223333".to_string(),
            "o-abcdef1234".to_string(),
            "not-an-account".to_string(),
        ];
        assert_eq!(
            keys(&expand(Level::AwsLogs, "AWSLogs/", &found, &scope())),
            [
                "folders AWSLogs/111122223333/CloudTrail/ Region",
                "folders AWSLogs/o-abcdef1234/ Org"
            ]
        );
        let regions = ["us-east-1".to_string(), "eu-west-1".to_string()];
        assert_eq!(
            keys(&expand(
                Level::Region,
                "AWSLogs/111122223333/CloudTrail/",
                &regions,
                &scope()
            )),
            [
                "keys AWSLogs/111122223333/CloudTrail/eu-west-1/",
                "keys AWSLogs/111122223333/CloudTrail/us-east-1/"
            ]
        );
    }

    #[test]
    fn filters_name_the_prefixes() {
        let s = Scope {
            accounts: vec!["111122223333".into()],
            regions: vec!["us-east-1".into()],
            first_day: Some(date(2026, 1, 31)),
            last_day: Some(date(2026, 2, 1)),
            folders: vec![TrailFolder::Digests, TrailFolder::Logs],
        };
        let found = ["111122223333".to_string(), "444455556666".to_string()];
        assert_eq!(
            keys(&expand(Level::AwsLogs, "t/AWSLogs/", &found, &s)),
            [
                "keys t/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/31/",
                "keys t/AWSLogs/111122223333/CloudTrail/us-east-1/2026/02/01/",
                "keys t/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/31/",
                "keys t/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/02/01/",
            ]
        );
        // Organisation trails: the accounts are one level down.
        assert_eq!(
            keys(&expand(Level::Org, "AWSLogs/o-abcdef1234/", &found, &s)).len(),
            4
        );
        // A long period goes month by month, a very long one whole.
        let long = Scope {
            first_day: Some(date(2025, 11, 20)),
            last_day: Some(date(2026, 2, 3)),
            ..s.clone()
        };
        assert_eq!(
            keys(&plan("AWSLogs/111122223333/CloudTrail/us-east-1", &long)),
            [
                "keys AWSLogs/111122223333/CloudTrail/us-east-1/2025/11/",
                "keys AWSLogs/111122223333/CloudTrail/us-east-1/2025/12/",
                "keys AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/",
                "keys AWSLogs/111122223333/CloudTrail/us-east-1/2026/02/",
                "keys AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/11/",
                "keys AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/12/",
                "keys AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/",
                "keys AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/02/",
            ]
        );
        let very_long = Scope {
            first_day: Some(date(2010, 1, 1)),
            folders: vec![TrailFolder::Logs],
            ..s.clone()
        };
        assert_eq!(
            keys(&plan("AWSLogs/111122223333", &very_long)),
            ["keys AWSLogs/111122223333/CloudTrail/us-east-1/"]
        );
        // Another account or region than the filter: nothing to list.
        assert!(plan("AWSLogs/444455556666/", &s).is_empty());
        assert!(plan("AWSLogs/111122223333/CloudTrail/eu-west-1/", &s).is_empty());
        // Deeper than the region: listed as given (keys filtered after).
        assert_eq!(
            keys(&plan(
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01",
                &very_long
            )),
            ["keys AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/"]
        );
        // An unknown folder below AWSLogs: listed whole.
        assert_eq!(
            keys(&plan("AWSLogs/111122223333/Config", &s)),
            ["keys AWSLogs/111122223333/Config/"]
        );
        assert!(
            plan(
                "x",
                &Scope {
                    first_day: Some(date(2026, 2, 2)),
                    last_day: Some(date(2026, 2, 1)),
                    ..s.clone()
                }
            )
            .len()
                == 1
        );
    }

    #[test]
    fn scope_keeps_keys_and_widens_periods() {
        let (first, last) = Scope::period(
            Some("2026-01-15T10:00:00Z".parse().unwrap()),
            Some("2026-01-16T00:00:00Z".parse().unwrap()),
        );
        assert_eq!(
            (first, last),
            (Some(date(2026, 1, 14)), Some(date(2026, 1, 17)))
        );
        let s = Scope {
            regions: vec!["us-east-1".into()],
            first_day: first,
            last_day: last,
            folders: vec![TrailFolder::Logs],
            ..Scope::default()
        };
        fn key(k: &str) -> TrailKey<'_> {
            TrailKey::parse(k).unwrap()
        }
        assert!(s.keeps(&key(
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/14/f.json.gz"
        )));
        assert!(!s.keeps(&key(
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/13/f.json.gz"
        )));
        assert!(!s.keeps(&key(
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/18/f.json.gz"
        )));
        assert!(!s.keeps(&key(
            "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/15/f.json.gz"
        )));
        assert!(!s.keeps(&key(
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/15/f.json.gz"
        )));
    }
}
