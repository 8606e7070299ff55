//! CloudTrail logs read straight from their S3 bucket (`s3://bucket/prefix`): listings planned
//! from the key layout and the filters ([`phiguard_trail::s3_layout`]: only the accounts,
//! regions and days asked for are listed), GETs in parallel with a bound, bodies streamed
//! into the trail scanner ([`TrailSource::objects`]) or the digest validator
//! ([`BucketSource`], an [`ObjectSource`]), and CloudTrail public keys from `ListPublicKeys`.
//!
//! Read-only: `GetBucketLocation`, `ListObjectsV2`, `GetObject`, `HeadObject` and
//! `ListPublicKeys`, all recorded ([`TrailSource::operations`]) and listed in
//! [`crate::permissions::TRAIL_PERMISSIONS`]. Every request is also logged with its target
//! ([`TrailSource::requests`]) so tests can prove that filters narrow the listing.
//!
//! Failures never pass silently: a bucket or prefix that cannot be listed and an object that
//! cannot be read (denied, missing, truncated) become inputs whose read fails with the
//! reason, so the scan reports them per object and its exit code says so.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Read};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use aws_types::SdkConfig;
use aws_types::region::Region;
use futures::StreamExt as _;
use phiguard_model::Timestamp;
use phiguard_trail::digest::{FileKind, ObjectSource, PublicKeys, ValidateError, kind_of};
use phiguard_trail::s3_layout::{self, Listing, S3Url, Scope, TrailFolder, TrailKey};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::call::CallError;
use crate::recorder::{Operation, Recorder};

/// How to reach S3 and CloudTrail.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// The AWS profile (`None`: the SDK's default chain).
    pub profile: Option<String>,
    /// Send every call to this endpoint (an emulator).
    pub endpoint_url: Option<String>,
    /// GETs in flight at once (at least 1).
    pub concurrency: usize,
}

/// One request made, with what it was for (a prefix, a key, a region).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Request {
    /// The SDK operation (`ListObjectsV2`).
    pub operation: &'static str,
    /// What it named: `s3://bucket/prefix` (with ` (folders)` for a delimiter listing),
    /// `s3://bucket/key`, or a region.
    pub target: String,
}

/// A named input stream, as the trail scanner reads them.
pub type NamedReader = (String, Box<dyn Read + Send>);

struct Inner {
    handle: tokio::runtime::Handle,
    config: SdkConfig,
    emulator: bool,
    recorder: Recorder,
    requests: Mutex<Vec<Request>>,
    concurrency: usize,
    /// S3 clients by bucket (each in the bucket's region).
    clients: Mutex<HashMap<String, aws_sdk_s3::Client>>,
}

/// S3 and CloudTrail access for trail inputs; cheap to clone.
///
/// The runtime is held apart from what its tasks share, so that a task never drops it.
#[derive(Clone)]
pub struct TrailSource {
    runtime: Arc<tokio::runtime::Runtime>,
    inner: Arc<Inner>,
}

/// What the runtime's tasks share.
#[derive(Clone)]
struct Shared {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TrailSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrailSource")
            .field("emulator", &self.inner.emulator)
            .finish()
    }
}

/// Why the source could not start.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(io::Error),
}

impl TrailSource {
    /// Loads the SDK configuration (credentials, retries, timeouts, endpoint) as `phiguard
    /// scan` does.
    pub fn new(options: &SourceOptions) -> Result<TrailSource, SourceError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(SourceError::Runtime)?;
        let base = crate::Options {
            profile: options.profile.clone(),
            regions: Vec::new(),
            endpoint_url: options.endpoint_url.clone(),
            concurrency: options.concurrency.max(1),
            org: None,
            // Only the collectors read the clock; `base_config` never does.
            now: Timestamp::UNIX_EPOCH,
        };
        let config = runtime.block_on(crate::base_config(&base));
        Ok(TrailSource {
            inner: Arc::new(Inner {
                handle: runtime.handle().clone(),
                config,
                emulator: options.endpoint_url.is_some(),
                recorder: Recorder::default(),
                requests: Mutex::new(Vec::new()),
                concurrency: options.concurrency.max(1),
                clients: Mutex::new(HashMap::new()),
            }),
            runtime: Arc::new(runtime),
        })
    }

    /// Every operation called so far (service, operation), for the read-only proof.
    pub fn operations(&self) -> BTreeSet<Operation> {
        self.inner.recorder.operations()
    }

    /// Every request made so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.inner
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The event log objects under `urls` that `scope` keeps (its folders are taken as
    /// [`TrailFolder::Logs`]), as `(s3://bucket/key, body)` pairs in listing order. Listing
    /// runs ahead; at most `concurrency` GETs are in flight and as many opened bodies wait
    /// to be read, so memory stays bounded whatever the size of the prefix. A bucket, prefix
    /// or object that cannot be read yields a stream whose first read fails with the reason.
    pub fn objects(&self, urls: Vec<S3Url>, scope: Scope) -> Objects {
        let scope = Scope {
            folders: vec![TrailFolder::Logs],
            ..scope
        };
        let n = self.inner.concurrency;
        let (key_tx, key_rx) = mpsc::channel::<Found>(1024);
        let (out_tx, out_rx) = mpsc::channel::<NamedReader>(n);
        let lister = self.shared();
        self.runtime.spawn(async move {
            for url in urls {
                lister.walk(&url, &scope, &key_tx).await;
            }
        });
        let getter = self.shared();
        self.runtime.spawn(async move {
            let found = futures::stream::unfold(key_rx, |mut rx| async move {
                rx.recv().await.map(|found| (found, rx))
            });
            let opened = found
                .map(|found| {
                    let getter = getter.clone();
                    async move { getter.open_found(found).await }
                })
                .buffered(n);
            let mut opened = std::pin::pin!(opened);
            while let Some(item) = opened.next().await {
                if out_tx.send(item).await.is_err() {
                    break;
                }
            }
        });
        Objects {
            rx: out_rx,
            _runtime: Arc::clone(&self.runtime),
        }
    }

    /// The digest and log files under `url` that `scope` keeps, for validation. The listing
    /// happens on the first [`ObjectSource::list`].
    pub fn bucket(&self, url: S3Url, scope: Scope) -> BucketSource {
        BucketSource {
            source: self.clone(),
            url,
            scope,
            listed: OnceLock::new(),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// The CloudTrail public keys valid at some point in `[from, to]`, from `ListPublicKeys`
    /// in each region; the regions that failed come back with their error.
    pub fn public_keys(
        &self,
        regions: &[String],
        from: Timestamp,
        to: Timestamp,
    ) -> (PublicKeys, Vec<(String, String)>) {
        let mut keys = PublicKeys::new();
        let mut failed = Vec::new();
        let mut seen = BTreeSet::new();
        for region in regions {
            match self
                .runtime
                .block_on(self.shared().list_public_keys(region, from, to))
            {
                Ok(list) => {
                    for (fingerprint, der, start, end) in list {
                        if !seen.insert((fingerprint.clone(), start, end)) {
                            continue;
                        }
                        if let Err(e) = keys.insert_der(&fingerprint, &der, start, end) {
                            failed.push((region.clone(), e.to_string()));
                        }
                    }
                }
                Err(e) => failed.push((region.clone(), e.to_string())),
            }
        }
        (keys, failed)
    }

    fn shared(&self) -> Shared {
        Shared {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl Shared {
    fn log(&self, operation: &'static str, target: String) {
        self.inner
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Request { operation, target });
    }

    fn s3_in(&self, region: Option<String>) -> aws_sdk_s3::Client {
        let mut builder = aws_sdk_s3::config::Builder::from(&self.inner.config)
            .interceptor(self.inner.recorder.clone())
            .force_path_style(self.inner.emulator);
        if let Some(region) = region {
            builder = builder.region(Region::new(region));
        }
        aws_sdk_s3::Client::from_conf(builder.build())
    }

    /// The client for a bucket, in its region (`GetBucketLocation`). A missing bucket is an
    /// error; a location that cannot be read (denied) falls back to the configured region.
    async fn client(&self, bucket: &str) -> Result<aws_sdk_s3::Client, CallError> {
        if let Some(c) = self
            .inner
            .clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(bucket)
        {
            return Ok(c.clone());
        }
        self.log("GetBucketLocation", format!("s3://{bucket}"));
        let located = self
            .s3_in(None)
            .get_bucket_location()
            .bucket(bucket)
            .send()
            .await
            .map_err(CallError::from);
        let client = match located {
            Ok(out) => {
                let region = match out.location_constraint().map(|c| c.as_str()) {
                    None | Some("") => "us-east-1".to_string(),
                    Some("EU") => "eu-west-1".to_string(),
                    Some(r) => r.to_string(),
                };
                self.s3_in(Some(region))
            }
            Err(e) if e.is(&["NoSuchBucket", "InvalidBucketName"]) || e.status == Some(404) => {
                return Err(e);
            }
            Err(_) => self.s3_in(None),
        };
        self.inner
            .clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(bucket.to_string(), client.clone());
        Ok(client)
    }

    /// The folder names directly under `prefix` (one delimiter listing, paginated).
    async fn folders(
        &self,
        client: &aws_sdk_s3::Client,
        bucket: &str,
        prefix: &str,
    ) -> Result<Vec<String>, CallError> {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.log("ListObjectsV2", format!("s3://{bucket}/{prefix} (folders)"));
            let page = client
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .delimiter("/")
                .set_continuation_token(token.take())
                .send()
                .await?;
            for common in page.common_prefixes() {
                if let Some(p) = common.prefix()
                    && let Some(name) = p.strip_prefix(prefix)
                {
                    let name = name.trim_end_matches('/');
                    if !name.is_empty() {
                        names.push(name.to_string());
                    }
                }
            }
            match page.next_continuation_token() {
                Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(names)
    }

    /// Lists `url` as planned for `scope`, sending every key kept (and every listing that
    /// failed) to `tx`.
    async fn walk(&self, url: &S3Url, scope: &Scope, tx: &mpsc::Sender<Found>) {
        let client = match self.client(&url.bucket).await {
            Ok(c) => c,
            Err(e) => {
                let _ = tx
                    .send(Found::Failed {
                        name: url.to_string(),
                        message: format!("cannot read the bucket: {e}"),
                    })
                    .await;
                return;
            }
        };
        let mut stack: Vec<Listing> = s3_layout::plan(&url.prefix, scope);
        stack.reverse();
        while let Some(listing) = stack.pop() {
            match listing {
                Listing::Folders { prefix, level } => {
                    match self.folders(&client, &url.bucket, &prefix).await {
                        Ok(names) => {
                            let mut next = s3_layout::expand(level, &prefix, &names, scope);
                            next.reverse();
                            stack.extend(next);
                        }
                        Err(e) => {
                            let sent = tx
                                .send(Found::Failed {
                                    name: format!("s3://{}/{prefix}", url.bucket),
                                    message: format!("cannot list: {e}"),
                                })
                                .await;
                            if sent.is_err() {
                                return;
                            }
                        }
                    }
                }
                Listing::Keys { prefix } => {
                    let mut token: Option<String> = None;
                    loop {
                        self.log("ListObjectsV2", format!("s3://{}/{prefix}", url.bucket));
                        let page = client
                            .list_objects_v2()
                            .bucket(&url.bucket)
                            .prefix(&prefix)
                            .set_continuation_token(token.take())
                            .send()
                            .await;
                        let page = match page {
                            Ok(page) => page,
                            Err(e) => {
                                let _ = tx
                                    .send(Found::Failed {
                                        name: format!("s3://{}/{prefix}", url.bucket),
                                        message: format!("cannot list: {}", CallError::from(e)),
                                    })
                                    .await;
                                break;
                            }
                        };
                        for object in page.contents() {
                            let Some(key) = object.key() else { continue };
                            if !wanted(key, scope) {
                                continue;
                            }
                            let found = Found::Object {
                                client: client.clone(),
                                bucket: url.bucket.clone(),
                                key: key.to_string(),
                            };
                            if tx.send(found).await.is_err() {
                                return;
                            }
                        }
                        match page.next_continuation_token() {
                            Some(t) if page.is_truncated() == Some(true) => {
                                token = Some(t.to_string());
                            }
                            _ => break,
                        }
                    }
                }
            }
        }
    }

    /// Every key `scope` keeps under `url` (for validation), and the listings that failed.
    async fn list_all(&self, url: &S3Url, scope: &Scope) -> Result<ListedKeys, CallError> {
        let client = self.client(&url.bucket).await?;
        let (tx, mut rx) = mpsc::channel::<Found>(1024);
        let walker = self.clone();
        let (url2, scope2) = (url.clone(), scope.clone());
        let walk = tokio::spawn(async move { walker.walk(&url2, &scope2, &tx).await });
        let mut listed = ListedKeys {
            client,
            keys: Vec::new(),
            errors: Vec::new(),
        };
        while let Some(found) = rx.recv().await {
            match found {
                Found::Object { key, .. } => listed.keys.push(key),
                Found::Failed { name, message } => listed.errors.push(format!("{name}: {message}")),
            }
        }
        let _ = walk.await;
        Ok(listed)
    }

    async fn open_found(&self, found: Found) -> NamedReader {
        match found {
            Found::Failed { name, message } => {
                let reader: Box<dyn Read + Send> = Box::new(Failed(message));
                (name, reader)
            }
            Found::Object {
                client,
                bucket,
                key,
            } => {
                let name = format!("s3://{bucket}/{key}");
                let reader: Box<dyn Read + Send> = match self.get(&client, &bucket, &key).await {
                    Ok(body) => Box::new(body),
                    Err(e) => Box::new(Failed(format!("cannot get the object: {e}"))),
                };
                (name, reader)
            }
        }
    }

    async fn get(
        &self,
        client: &aws_sdk_s3::Client,
        bucket: &str,
        key: &str,
    ) -> Result<Body, CallError> {
        self.log("GetObject", format!("s3://{bucket}/{key}"));
        let out = client.get_object().bucket(bucket).key(key).send().await?;
        let expected = out.content_length().and_then(|n| u64::try_from(n).ok());
        let mut stream = out.body;
        let handle = self.inner.handle.clone();
        let next = move || {
            handle
                .block_on(stream.next())
                .map(|chunk| chunk.map(|b| b.to_vec()).map_err(|e| e.to_string()))
        };
        Ok(Body::new(Box::new(next), expected))
    }

    async fn signature(
        &self,
        client: &aws_sdk_s3::Client,
        bucket: &str,
        key: &str,
    ) -> Result<Option<String>, CallError> {
        self.log("HeadObject", format!("s3://{bucket}/{key}"));
        let out = client.head_object().bucket(bucket).key(key).send().await?;
        Ok(out.metadata().and_then(|m| m.get("signature")).cloned())
    }

    async fn list_public_keys(
        &self,
        region: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<KeyEntry>, CallError> {
        let conf = aws_sdk_cloudtrail::config::Builder::from(&self.inner.config)
            .interceptor(self.inner.recorder.clone())
            .region(Region::new(region.to_string()))
            .build();
        let client = aws_sdk_cloudtrail::Client::from_conf(conf);
        let time = |t: Timestamp| aws_smithy_types::DateTime::from_secs(t.as_second());
        let back = |t: &aws_smithy_types::DateTime| Timestamp::from_second(t.secs()).ok();
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.log("ListPublicKeys", region.to_string());
            let page = client
                .list_public_keys()
                .start_time(time(from))
                .end_time(time(to))
                .set_next_token(token.take())
                .send()
                .await?;
            for key in page.public_key_list() {
                let (Some(fingerprint), Some(value)) = (key.fingerprint(), key.value()) else {
                    continue;
                };
                out.push((
                    fingerprint.to_string(),
                    value.as_ref().to_vec(),
                    key.validity_start_time().and_then(back),
                    key.validity_end_time().and_then(back),
                ));
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}

/// A public key as listed: fingerprint, DER, validity.
type KeyEntry = (String, Vec<u8>, Option<Timestamp>, Option<Timestamp>);

/// Whether a listed key is read: a key of the layout that the scope keeps, or, outside the
/// layout (a prefix of exported files), a log file name in a folder that is not the digests'.
fn wanted(key: &str, scope: &Scope) -> bool {
    match TrailKey::parse(key) {
        Some(parsed) => scope.keeps(&parsed),
        None => {
            let lower = key.to_ascii_lowercase();
            let log = scope.folders.contains(&TrailFolder::Logs)
                && !key
                    .split('/')
                    .any(|c| c == "CloudTrail-Digest" || c == "CloudTrail-Insight")
                && [
                    ".json",
                    ".json.gz",
                    ".jsonl",
                    ".jsonl.gz",
                    ".ndjson",
                    ".ndjson.gz",
                ]
                .iter()
                .any(|ext| lower.ends_with(ext));
            let digest = scope.folders.contains(&TrailFolder::Digests)
                && kind_of(key) == Some(FileKind::Digest);
            log || digest
        }
    }
}

/// What the lister found.
enum Found {
    Object {
        client: aws_sdk_s3::Client,
        bucket: String,
        key: String,
    },
    Failed {
        name: String,
        message: String,
    },
}

struct ListedKeys {
    client: aws_sdk_s3::Client,
    keys: Vec<String>,
    errors: Vec<String>,
}

/// The stream of [`TrailSource::objects`]: blocks while the next object is being listed or
/// opened. Pull it from threads outside the source's runtime (the scanner's workers).
pub struct Objects {
    rx: mpsc::Receiver<NamedReader>,
    _runtime: Arc<tokio::runtime::Runtime>,
}

impl Iterator for Objects {
    type Item = NamedReader;

    fn next(&mut self) -> Option<NamedReader> {
        self.rx.blocking_recv()
    }
}

/// A read that fails with a message (an object or listing that could not be read).
struct Failed(String);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other(self.0.clone()))
    }
}

type NextChunk = Box<dyn FnMut() -> Option<Result<Vec<u8>, String>> + Send>;

/// An object body, streamed chunk by chunk; a body shorter than its `Content-Length` is an
/// error (a truncated transfer is never read as a complete file).
struct Body {
    next: NextChunk,
    chunk: Vec<u8>,
    at: usize,
    received: u64,
    expected: Option<u64>,
    done: bool,
}

impl Body {
    fn new(next: NextChunk, expected: Option<u64>) -> Body {
        Body {
            next,
            chunk: Vec::new(),
            at: 0,
            received: 0,
            expected,
            done: false,
        }
    }
}

impl Read for Body {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.at == self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            match (self.next)() {
                Some(Ok(chunk)) => {
                    self.received += chunk.len() as u64;
                    self.chunk = chunk;
                    self.at = 0;
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Err(io::Error::other(format!("reading the object: {e}")));
                }
                None => {
                    self.done = true;
                    if let Some(expected) = self.expected
                        && self.received != expected
                    {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!(
                                "truncated object: {} of {expected} bytes received",
                                self.received
                            ),
                        ));
                    }
                    return Ok(0);
                }
            }
        }
        let n = out.len().min(self.chunk.len() - self.at);
        out[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A trail bucket (or prefix) as an [`ObjectSource`] for digest validation: keys listed as
/// planned from the scope (digests and logs), objects streamed, the newest digest's
/// signature read from its S3 metadata (`x-amz-meta-signature`, `HeadObject`).
pub struct BucketSource {
    source: TrailSource,
    url: S3Url,
    scope: Scope,
    listed: OnceLock<Result<ListedKeys, String>>,
    errors: Mutex<Vec<String>>,
}

impl std::fmt::Debug for BucketSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BucketSource")
            .field("url", &self.url)
            .finish()
    }
}

impl BucketSource {
    fn listed(&self) -> &Result<ListedKeys, String> {
        self.listed.get_or_init(|| {
            self.source
                .runtime
                .block_on(self.source.shared().list_all(&self.url, &self.scope))
                .map_err(|e| format!("cannot read the bucket: {e}"))
        })
    }

    /// The prefixes that could not be listed (the bucket could, some of it not), and the
    /// objects that could not be opened: each `name: reason`.
    pub fn errors(&self) -> Vec<String> {
        let mut errors = match self.listed() {
            Ok(l) => l.errors.clone(),
            Err(_) => Vec::new(),
        };
        errors.extend(
            self.errors
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .cloned(),
        );
        errors
    }

    /// The regions and the span of days of the digests listed: where and when to ask for
    /// public keys.
    pub fn digest_span(&self) -> (Vec<String>, Option<(Timestamp, Timestamp)>) {
        let Ok(listed) = self.listed() else {
            return (Vec::new(), None);
        };
        let mut regions = BTreeSet::new();
        let mut days: Option<(jiff::civil::Date, jiff::civil::Date)> = None;
        for key in &listed.keys {
            if let Some(k) = TrailKey::parse(key)
                && k.folder == TrailFolder::Digests
            {
                regions.insert(k.region.to_string());
                days = Some(match days {
                    None => (k.date, k.date),
                    Some((a, b)) => (a.min(k.date), b.max(k.date)),
                });
            }
        }
        let at = |d: jiff::civil::Date| {
            d.to_zoned(jiff::tz::TimeZone::UTC)
                .ok()
                .map(|z| z.timestamp())
        };
        let span = days.and_then(|(a, b)| {
            // A digest of day D covers the hour before its delivery, possibly on D - 1.
            let from = at(a.saturating_sub(jiff::Span::new().days(1)))?;
            let to = at(b.saturating_add(jiff::Span::new().days(1)))?;
            Some((from, to))
        });
        (regions.into_iter().collect(), span)
    }
}

impl ObjectSource for BucketSource {
    fn list(&self) -> Result<Vec<(String, FileKind)>, ValidateError> {
        match self.listed() {
            Ok(listed) => Ok(listed
                .keys
                .iter()
                .filter_map(|k| kind_of(k).map(|kind| (k.clone(), kind)))
                .collect()),
            Err(message) => Err(ValidateError::Root {
                path: self.url.to_string(),
                message: message.clone(),
            }),
        }
    }

    fn open(&self, key: &str) -> io::Result<Box<dyn Read + Send + '_>> {
        let Ok(listed) = self.listed() else {
            return Err(io::Error::other("the bucket could not be listed"));
        };
        let got = self.source.runtime.block_on(self.source.shared().get(
            &listed.client,
            &self.url.bucket,
            key,
        ));
        match got {
            Ok(body) => Ok(Box::new(body)),
            Err(e) => {
                let message = format!("cannot get the object: {e}");
                self.errors
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(format!("{}: {message}", self.url.object(key)));
                Err(io::Error::other(message))
            }
        }
    }

    fn newest_signature(&self, digest_key: &str) -> Option<(String, String)> {
        let listed = self.listed().as_ref().ok()?;
        let got = self.source.runtime.block_on(self.source.shared().signature(
            &listed.client,
            &self.url.bucket,
            digest_key,
        ));
        match got {
            Ok(Some(signature)) => Some((
                signature,
                format!("{} (x-amz-meta-signature)", self.url.object(digest_key)),
            )),
            Ok(None) => None,
            Err(e) => {
                self.errors
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(format!(
                        "{}: cannot read the signature metadata: {e}",
                        self.url.object(digest_key)
                    ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(chunks: Vec<Result<Vec<u8>, String>>, expected: Option<u64>) -> Body {
        let mut chunks = chunks.into_iter();
        Body::new(Box::new(move || chunks.next()), expected)
    }

    #[test]
    fn bodies_stream_and_truncation_is_an_error() {
        let mut text = String::new();
        body(
            vec![Ok(b"ab".to_vec()), Ok(Vec::new()), Ok(b"c".to_vec())],
            Some(3),
        )
        .read_to_string(&mut text)
        .unwrap();
        assert_eq!(text, "abc");
        let e = body(vec![Ok(b"ab".to_vec())], Some(10))
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(e.to_string().contains("2 of 10 bytes"), "{e}");
        let e = body(vec![Ok(b"ab".to_vec()), Err("reset".into())], None)
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert!(e.to_string().contains("reset"), "{e}");
        let e = Failed("cannot list: AccessDenied".into())
            .read(&mut [0u8; 4])
            .unwrap_err();
        assert!(e.to_string().contains("AccessDenied"));
    }

    #[test]
    fn keys_outside_the_layout_are_read_only_when_they_look_like_logs() {
        let logs = Scope {
            folders: vec![TrailFolder::Logs],
            accounts: vec!["111122223333".into()],
            ..Scope::default()
        };
        assert!(wanted(
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/f.json.gz",
            &logs
        ));
        assert!(!wanted(
            "AWSLogs/444455556666/CloudTrail/us-east-1/2026/01/01/f.json.gz",
            &logs
        ));
        assert!(wanted("exports/day1.jsonl", &logs));
        assert!(!wanted("exports/readme.txt", &logs));
        assert!(!wanted("x/CloudTrail-Digest/f.json.gz", &logs));
        let digests = Scope {
            folders: vec![TrailFolder::Digests],
            ..Scope::default()
        };
        assert!(!wanted("exports/day1.jsonl", &digests));
        assert!(wanted(
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/01/d.json.gz",
            &digests
        ));
    }
}
