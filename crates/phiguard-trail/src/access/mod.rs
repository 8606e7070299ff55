//! PHI access report: who read, wrote, deleted or listed PHI resources, joined with an
//! inventory.
//!
//! The PHI resources are the inventory's resources whose tags match [`PhiTags`] (and any added
//! by hand with [`PhiScope::add`]). An event touches one when:
//! - **S3** buckets: `requestParameters.bucketName` (S3 events), `resources[].ARN`
//!   (`arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`, the object key taken from it), or
//!   the source bucket of `x-amz-copy-source` (CopyObject, UploadPartCopy: a `read`);
//! - **DynamoDB** tables: `requestParameters.tableName` (a name or an ARN),
//!   `requestParameters.requestItems` keys (batch calls), `resources[].ARN`;
//! - **KMS** keys: `resources[].ARN`, `requestParameters.keyId` (ARN, key id, alias name or
//!   alias ARN, resolved with the inventory's aliases);
//! - **RDS**: `resources[].ARN`, `requestParameters.dBInstanceIdentifier`,
//!   `dBClusterIdentifier`, `dBSnapshotIdentifier`, `resourceArn` (RDS Data API);
//! - any other PHI-tagged resource: its ARN in `resources[].ARN`.
//!
//! Names are resolved in the event's `recipientAccountId` and `awsRegion`. The access kind
//! comes from [`classify`] (see its table). Failed calls (`errorCode`, e.g. `AccessDenied`)
//! are listed too and counted as `failed` (and `denied` for access-denied codes). Events are de-duplicated by `eventID`.
//!
//! Object keys may carry patient identifiers: [`KeyRedaction`] replaces them before they are
//! stored. An empty report is not a clean bill: see [`AccessReport::notes`] (no PHI resources,
//! or no data events in the input, in which case object- and item-level access is not logged).

mod classify;
mod render;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use phiguard_model::arn::Arn;
use phiguard_model::{Details, Inventory, PhiTags, Resource, ResourceKind};

use crate::event::Event;

pub use classify::{AccessKind, classify};
pub use render::{CSV_COLUMNS, principals_to_csv, resources_to_csv, to_csv, to_html, to_json};

/// A PHI resource the report looks for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PhiResource {
    /// ARN.
    pub arn: String,
    /// Kind.
    pub kind: ResourceKind,
    /// Display name (bucket, table, key id, DB identifier).
    pub name: String,
    /// Account.
    pub account: String,
    /// Region.
    pub region: String,
}

/// The PHI resources of an inventory, indexed for matching events.
#[derive(Debug, Clone, Default)]
pub struct PhiScope {
    resources: Vec<PhiResource>,
    by_arn: HashMap<String, usize>,
    buckets: HashMap<String, usize>,
    /// (service, account, region, resource part of the ARN) → resource.
    by_local: HashMap<(String, String, String, String), usize>,
}

impl PhiScope {
    /// The resources of `inventory` whose tags match `tags` (e.g. [`PhiTags::default`]).
    pub fn from_inventory(inventory: &Inventory, tags: &PhiTags) -> PhiScope {
        let mut scope = PhiScope::default();
        for resource in &inventory.resources {
            if tags.matches(&resource.tags) {
                scope.add(resource);
            }
        }
        scope
    }

    /// Adds a resource (an allow-list entry, or one in scope by account).
    pub fn add(&mut self, resource: &Resource) {
        if self.by_arn.contains_key(&resource.arn) {
            return;
        }
        let i = self.resources.len();
        let arn = Arn::parse(&resource.arn);
        let name = match (&resource.details, arn) {
            (_, _) if resource.name.is_some() => resource.display_name().to_string(),
            (Details::S3Bucket(_), Some(a)) => a.resource.to_string(),
            (_, Some(a)) => a
                .resource
                .rsplit(['/', ':'])
                .next()
                .unwrap_or(a.resource)
                .to_string(),
            (_, None) => resource.arn.clone(),
        };
        self.by_arn.insert(resource.arn.clone(), i);
        if let Some(a) = arn {
            let local = |part: &str| {
                (
                    a.service.to_string(),
                    resource.account.clone(),
                    resource.region.clone(),
                    part.to_string(),
                )
            };
            self.by_local.insert(local(a.resource), i);
            if let Details::KmsKey(key) = &resource.details {
                for alias in &key.aliases {
                    let alias = alias.rsplit(':').next().unwrap_or(alias);
                    self.by_local.insert(local(alias), i);
                }
            }
        }
        if let Details::S3Bucket(_) = resource.details {
            let bucket = arn.map_or(name.as_str(), |a| a.resource);
            self.buckets.insert(bucket.to_string(), i);
        }
        self.resources.push(PhiResource {
            arn: resource.arn.clone(),
            kind: resource.kind(),
            name,
            account: resource.account.clone(),
            region: resource.region.clone(),
        });
    }

    /// The PHI resources.
    pub fn resources(&self) -> &[PhiResource] {
        &self.resources
    }

    /// Whether no resource is in scope.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// The PHI resources an event touches (by ARN, bucket, table, key or DB name; see the
    /// module docs), each once, in scope order.
    pub fn touched(&self, event: &Event<'_>) -> Vec<&PhiResource> {
        let mut found: Vec<usize> = self.matches(event).into_iter().map(|(i, _, _)| i).collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| &self.resources[i]).collect()
    }

    fn local(&self, service: &str, account: &str, region: &str, part: &str) -> Option<usize> {
        self.by_local
            .get(&(
                service.to_string(),
                account.to_string(),
                region.to_string(),
                part.to_string(),
            ))
            .copied()
    }

    /// The PHI resources an event touches: (resource, object key, kind).
    fn matches(&self, event: &Event<'_>) -> Vec<(usize, Option<String>, AccessKind)> {
        let kind = classify(&event.event_source, &event.event_name);
        let service = event
            .event_source
            .strip_suffix(".amazonaws.com")
            .unwrap_or(&event.event_source);
        let account = event.recipient_account_id.as_deref().unwrap_or("");
        let region = event.aws_region.as_deref().unwrap_or("");
        let params: Option<serde_json::Map<String, serde_json::Value>> = event
            .request_parameters
            .and_then(|raw| serde_json::from_str(raw.get()).ok());
        let param = |name: &str| {
            params
                .as_ref()
                .and_then(|p| p.get(name))
                .and_then(|v| v.as_str())
        };
        let mut found: BTreeSet<(usize, Option<String>, AccessKind)> = BTreeSet::new();

        for resource in &event.resources {
            let Some(arn) = resource.arn.as_deref() else {
                continue;
            };
            if let Some(&i) = self.by_arn.get(arn) {
                found.insert((i, None, kind));
            } else if let Some(rest) = arn.strip_prefix("arn:aws:s3:::").or_else(|| {
                Arn::parse(arn)
                    .filter(|a| a.service == "s3" && a.account.is_empty())
                    .map(|a| a.resource)
            }) {
                let (bucket, key) = match rest.split_once('/') {
                    Some((b, k)) => (b, Some(k.to_string())),
                    None => (rest, None),
                };
                if let Some(&i) = self.buckets.get(bucket) {
                    found.insert((i, key, kind));
                }
            }
        }
        match service {
            "s3" => {
                if let Some(bucket) = param("bucketName")
                    && let Some(&i) = self.buckets.get(bucket)
                {
                    found.insert((i, param("key").map(str::to_string), kind));
                }
                if let Some(source) = param("x-amz-copy-source") {
                    let source = source.trim_start_matches('/');
                    let (bucket, key) = match source.split_once('/') {
                        Some((b, k)) => (b, Some(k.split('?').next().unwrap_or(k).to_string())),
                        None => (source, None),
                    };
                    if let Some(&i) = self.buckets.get(bucket) {
                        found.insert((i, key, AccessKind::Read));
                    }
                }
            }
            "dynamodb" => {
                let mut tables: Vec<&str> = param("tableName").into_iter().collect();
                if let Some(items) = params
                    .as_ref()
                    .and_then(|p| p.get("requestItems"))
                    .and_then(|v| v.as_object())
                {
                    tables.extend(items.keys().map(String::as_str));
                }
                for table in tables {
                    let i = self.by_arn.get(table).copied().or_else(|| {
                        self.local("dynamodb", account, region, &format!("table/{table}"))
                    });
                    if let Some(i) = i {
                        found.insert((i, None, kind));
                    }
                }
            }
            "kms" => {
                if let Some(key_id) = param("keyId") {
                    let i = self.by_arn.get(key_id).copied().or_else(|| {
                        let local = key_id.rsplit(':').next().unwrap_or(key_id);
                        self.local("kms", account, region, local)
                            .or_else(|| self.local("kms", account, region, &format!("key/{local}")))
                    });
                    if let Some(i) = i {
                        found.insert((i, None, kind));
                    }
                }
            }
            "rds" | "rds-data" => {
                let ids = [
                    ("dBInstanceIdentifier", "db:"),
                    ("dBClusterIdentifier", "cluster:"),
                    ("dBSnapshotIdentifier", "snapshot:"),
                    ("dBClusterSnapshotIdentifier", "cluster-snapshot:"),
                ];
                for (name, prefix) in ids {
                    if let Some(id) = param(name) {
                        let i = self.by_arn.get(id).copied().or_else(|| {
                            self.local("rds", account, region, &format!("{prefix}{id}"))
                        });
                        if let Some(i) = i {
                            found.insert((i, None, kind));
                        }
                    }
                }
                if let Some(arn) = param("resourceArn")
                    && let Some(&i) = self.by_arn.get(arn)
                {
                    found.insert((i, None, kind));
                }
            }
            _ => {}
        }
        // A keyless match is redundant when the same resource matched with a key.
        let keyed: HashSet<(usize, AccessKind)> = found
            .iter()
            .filter(|(_, key, _)| key.is_some())
            .map(|(i, _, kind)| (*i, *kind))
            .collect();
        found
            .into_iter()
            .filter(|(i, key, kind)| key.is_some() || !keyed.contains(&(*i, *kind)))
            .collect()
    }
}

/// What to do with S3 object keys, which may carry patient identifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KeyRedaction {
    /// Keep them.
    #[default]
    Keep,
    /// Replace each by `sha256:` and the first 16 hex digits of SHA-256(salt, key): stable,
    /// so one object's accesses can still be grouped, without revealing the key.
    Hash {
        /// Secret salt (without it, a short key could be guessed from its hash).
        salt: String,
    },
    /// Replace each by `[redacted]`.
    Remove,
}

impl KeyRedaction {
    fn apply(&self, key: String) -> String {
        match self {
            KeyRedaction::Keep => key,
            KeyRedaction::Hash { salt } => {
                let mut hasher = Sha256::new();
                hasher.update(salt.as_bytes());
                hasher.update([0u8]);
                hasher.update(key.as_bytes());
                format!("sha256:{}", &hex::encode(hasher.finalize())[..16])
            }
            KeyRedaction::Remove => "[redacted]".to_string(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            KeyRedaction::Keep => "none",
            KeyRedaction::Hash { .. } => "hashed",
            KeyRedaction::Remove => "removed",
        }
    }
}

/// Report options.
#[derive(Debug, Clone, Default)]
pub struct AccessOptions {
    /// Object key redaction.
    pub redact_keys: KeyRedaction,
}

/// One access to one PHI resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Access {
    /// `eventTime`.
    pub time: String,
    /// Read, write, delete, ...
    pub kind: AccessKind,
    /// `eventName`.
    pub operation: String,
    /// `eventSource`.
    pub service: String,
    /// The PHI resource's ARN.
    pub resource: String,
    /// Its kind.
    pub resource_kind: ResourceKind,
    /// Its name.
    pub resource_name: String,
    /// S3 object key (redacted if asked).
    pub object_key: Option<String>,
    /// Principal ARN (or, without one, the invoking service, account or identity type).
    pub principal: Option<String>,
    /// `userIdentity.type`.
    pub identity_type: Option<String>,
    /// Role behind a role session (`sessionIssuer.arn`).
    pub session_issuer: Option<String>,
    /// Role session name (from an `assumed-role/<role>/<session>` ARN).
    pub session_name: Option<String>,
    /// `sourceIPAddress`.
    pub source_ip: Option<String>,
    /// `userAgent`.
    pub user_agent: Option<String>,
    /// `errorCode` of a failed call (`AccessDenied`): an attempt, not an access.
    pub error_code: Option<String>,
    /// `eventID`.
    pub event_id: Option<String>,
    /// File the event came from.
    pub file: String,
}

/// Counts by access kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// All accesses, failed included.
    pub total: usize,
    /// Reads.
    pub read: usize,
    /// Writes.
    pub write: usize,
    /// Deletes.
    pub delete: usize,
    /// Listings.
    pub list: usize,
    /// Configuration.
    pub manage: usize,
    /// Unclassified reads or writes.
    pub other: usize,
    /// Failed calls (any `errorCode`).
    pub failed: usize,
    /// Of which denied (`errorCode` naming access denied, unauthorized or forbidden).
    pub denied: usize,
}

impl Counts {
    fn add(&mut self, access: &Access) {
        self.total += 1;
        *match access.kind {
            AccessKind::Read => &mut self.read,
            AccessKind::Write => &mut self.write,
            AccessKind::Delete => &mut self.delete,
            AccessKind::List => &mut self.list,
            AccessKind::Manage => &mut self.manage,
            AccessKind::Other => &mut self.other,
        } += 1;
        if let Some(code) = access.error_code.as_deref() {
            self.failed += 1;
            let code = code.to_ascii_lowercase();
            if ["accessdenied", "unauthorized", "forbidden"]
                .iter()
                .any(|word| code.contains(word))
            {
                self.denied += 1;
            }
        }
    }
}

/// Accesses by one principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalSummary {
    /// Principal.
    pub principal: String,
    /// Identity type.
    pub identity_type: Option<String>,
    /// Counts by kind.
    pub counts: Counts,
    /// Distinct PHI resources touched.
    pub resources: usize,
    /// First access.
    pub first_seen: String,
    /// Last access.
    pub last_seen: String,
    /// Distinct source IPs, sorted.
    pub source_ips: Vec<String>,
}

/// Accesses to one PHI resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceSummary {
    /// ARN.
    pub resource: String,
    /// Kind.
    pub resource_kind: ResourceKind,
    /// Name.
    pub resource_name: String,
    /// Counts by kind.
    pub counts: Counts,
    /// Distinct principals.
    pub principals: usize,
    /// First access.
    pub first_seen: String,
    /// Last access.
    pub last_seen: String,
    /// Distinct source IPs, sorted.
    pub source_ips: Vec<String>,
}

/// The report: every access, summaries, and what limits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessReport {
    /// Object key redaction applied: `none`, `hashed`, `removed`.
    pub key_redaction: &'static str,
    /// The PHI resources looked for.
    pub scope: Vec<PhiResource>,
    /// Events read.
    pub events_seen: usize,
    /// Of which data events (`eventCategory: Data`).
    pub data_events_seen: usize,
    /// Why the report may be incomplete.
    pub notes: Vec<String>,
    /// Accesses by principal, most first.
    pub by_principal: Vec<PrincipalSummary>,
    /// Accesses by resource, most first.
    pub by_resource: Vec<ResourceSummary>,
    /// Every access, by time.
    pub accesses: Vec<Access>,
}

/// Collects accesses from events, one at a time (or per thread, then [`merge`]d).
///
/// [`merge`]: AccessCollector::merge
#[derive(Debug)]
pub struct AccessCollector<'s> {
    scope: &'s PhiScope,
    options: AccessOptions,
    accesses: Vec<Access>,
    seen: HashSet<(String, usize, Option<String>, AccessKind)>,
    events_seen: usize,
    data_events_seen: usize,
}

impl<'s> AccessCollector<'s> {
    /// An empty collector.
    pub fn new(scope: &'s PhiScope, options: AccessOptions) -> AccessCollector<'s> {
        AccessCollector {
            scope,
            options,
            accesses: Vec::new(),
            seen: HashSet::new(),
            events_seen: 0,
            data_events_seen: 0,
        }
    }

    /// Adds one event read from `file`.
    pub fn add(&mut self, event: &Event<'_>, file: &str) {
        self.events_seen += 1;
        if event.event_category.as_deref() == Some("Data") {
            self.data_events_seen += 1;
        }
        if self.scope.is_empty() {
            return;
        }
        for (i, key, kind) in self.scope.matches(event) {
            let key = key.map(|k| self.options.redact_keys.apply(k));
            if let Some(id) = event.event_id.as_deref()
                && !self.seen.insert((id.to_string(), i, key.clone(), kind))
            {
                continue;
            }
            let resource = &self.scope.resources[i];
            self.accesses.push(access(event, file, resource, key, kind));
        }
    }

    /// Adds what another collector (same scope and options) gathered.
    pub fn merge(&mut self, other: AccessCollector<'_>) {
        self.events_seen += other.events_seen;
        self.data_events_seen += other.data_events_seen;
        for access in other.accesses {
            let resource = self.scope.by_arn.get(&access.resource).copied();
            if let (Some(id), Some(i)) = (access.event_id.as_deref(), resource)
                && !self
                    .seen
                    .insert((id.to_string(), i, access.object_key.clone(), access.kind))
            {
                continue;
            }
            self.accesses.push(access);
        }
    }

    /// The report.
    pub fn finish(self) -> AccessReport {
        let mut accesses = self.accesses;
        accesses.sort_by(|a, b| {
            (&a.time, &a.event_id, &a.resource, &a.object_key, a.kind).cmp(&(
                &b.time,
                &b.event_id,
                &b.resource,
                &b.object_key,
                b.kind,
            ))
        });
        let mut notes = Vec::new();
        if self.scope.is_empty() {
            notes.push(
                "no PHI resources in the inventory (by tag): no access can be attributed to PHI"
                    .to_string(),
            );
        }
        if self.data_events_seen == 0 {
            notes.push(
                "no data events in the input: object- and item-level reads and writes (S3 \
                 GetObject/PutObject, DynamoDB GetItem, ...) are logged only when the trail \
                 records data events, so only management events are reported"
                    .to_string(),
            );
        }
        AccessReport {
            key_redaction: self.options.redact_keys.name(),
            scope: self.scope.resources.clone(),
            events_seen: self.events_seen,
            data_events_seen: self.data_events_seen,
            notes,
            by_principal: by_principal(&accesses),
            by_resource: by_resource(&accesses),
            accesses,
        }
    }
}

/// Collects accesses while [`crate::scan::scan_with`] reads the logs: one collector per
/// input, merged in input order by [`AccessVisitor::report`].
#[derive(Debug, Clone)]
pub struct AccessVisitor<'s> {
    /// The PHI resources.
    pub scope: &'s PhiScope,
    /// Report options.
    pub options: AccessOptions,
}

impl<'s> crate::scan::Visitor for AccessVisitor<'s> {
    type State = AccessCollector<'s>;

    fn start(&self) -> AccessCollector<'s> {
        AccessCollector::new(self.scope, self.options.clone())
    }

    fn visit(
        &self,
        state: &mut AccessCollector<'s>,
        event: &Event<'_>,
        file: &str,
        _: &[crate::rule::Hit],
    ) {
        state.add(event, file);
    }
}

impl<'s> AccessVisitor<'s> {
    /// The report from the collectors `scan_with` returned.
    pub fn report(&self, collectors: Vec<AccessCollector<'s>>) -> AccessReport {
        let mut all = AccessCollector::new(self.scope, self.options.clone());
        for collector in collectors {
            all.merge(collector);
        }
        all.finish()
    }
}

/// Builds the report from `(event, file)` pairs in one pass.
pub fn access_report<'e, F: AsRef<str>>(
    scope: &PhiScope,
    options: AccessOptions,
    events: impl IntoIterator<Item = (Event<'e>, F)>,
) -> AccessReport {
    let mut collector = AccessCollector::new(scope, options);
    for (event, file) in events {
        collector.add(&event, file.as_ref());
    }
    collector.finish()
}

fn access(
    event: &Event<'_>,
    file: &str,
    resource: &PhiResource,
    object_key: Option<String>,
    kind: AccessKind,
) -> Access {
    let identity = event.user_identity.as_ref();
    let arn = identity.and_then(|u| u.arn.as_deref());
    let principal = arn
        .or_else(|| identity.and_then(|u| u.invoked_by.as_deref()))
        .or_else(|| identity.and_then(|u| u.account_id.as_deref()))
        .or_else(|| identity.and_then(|u| u.identity_type.as_deref()))
        .map(str::to_string);
    let session_name = arn
        .and_then(|a| a.split_once(":assumed-role/"))
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(_, session)| session.to_string());
    Access {
        time: event.event_time.to_string(),
        kind,
        operation: event.event_name.to_string(),
        service: event.event_source.to_string(),
        resource: resource.arn.clone(),
        resource_kind: resource.kind,
        resource_name: resource.name.clone(),
        object_key,
        principal,
        identity_type: identity
            .and_then(|u| u.identity_type.as_deref())
            .map(str::to_string),
        session_issuer: identity
            .and_then(|u| u.session_context.as_ref())
            .and_then(|c| c.session_issuer.as_ref())
            .and_then(|i| i.arn.as_deref())
            .map(str::to_string),
        session_name,
        source_ip: event.source_ip_address.as_deref().map(str::to_string),
        user_agent: event.user_agent.as_deref().map(str::to_string),
        error_code: event.error_code.as_deref().map(str::to_string),
        event_id: event.event_id.as_deref().map(str::to_string),
        file: file.to_string(),
    }
}

#[derive(Default)]
struct Group<'a> {
    counts: Counts,
    others: BTreeSet<&'a str>,
    first: Option<&'a str>,
    last: Option<&'a str>,
    ips: BTreeSet<&'a str>,
    identity_type: Option<&'a str>,
}

impl<'a> Group<'a> {
    fn add(&mut self, access: &'a Access, other: &'a str) {
        self.counts.add(access);
        self.others.insert(other);
        let t = access.time.as_str();
        self.first = Some(self.first.map_or(t, |f| f.min(t)));
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
        if let Some(ip) = access.source_ip.as_deref() {
            self.ips.insert(ip);
        }
        if self.identity_type.is_none() {
            self.identity_type = access.identity_type.as_deref();
        }
    }
}

fn by_principal(accesses: &[Access]) -> Vec<PrincipalSummary> {
    let mut groups: BTreeMap<&str, Group<'_>> = BTreeMap::new();
    for a in accesses {
        let principal = a.principal.as_deref().unwrap_or("(unknown)");
        groups.entry(principal).or_default().add(a, &a.resource);
    }
    let mut out: Vec<PrincipalSummary> = groups
        .into_iter()
        .map(|(principal, g)| PrincipalSummary {
            principal: principal.to_string(),
            identity_type: g.identity_type.map(str::to_string),
            counts: g.counts,
            resources: g.others.len(),
            first_seen: g.first.unwrap_or_default().to_string(),
            last_seen: g.last.unwrap_or_default().to_string(),
            source_ips: g.ips.into_iter().map(str::to_string).collect(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.counts
            .total
            .cmp(&a.counts.total)
            .then(a.principal.cmp(&b.principal))
    });
    out
}

fn by_resource(accesses: &[Access]) -> Vec<ResourceSummary> {
    let mut groups: BTreeMap<&str, (Group<'_>, &Access)> = BTreeMap::new();
    for a in accesses {
        let principal = a.principal.as_deref().unwrap_or("(unknown)");
        groups
            .entry(&a.resource)
            .or_insert_with(|| (Group::default(), a))
            .0
            .add(a, principal);
    }
    let mut out: Vec<ResourceSummary> = groups
        .into_iter()
        .map(|(resource, (g, sample))| ResourceSummary {
            resource: resource.to_string(),
            resource_kind: sample.resource_kind,
            resource_name: sample.resource_name.clone(),
            counts: g.counts,
            principals: g.others.len(),
            first_seen: g.first.unwrap_or_default().to_string(),
            last_seen: g.last.unwrap_or_default().to_string(),
            source_ips: g.ips.into_iter().map(str::to_string).collect(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.counts
            .total
            .cmp(&a.counts.total)
            .then(a.resource.cmp(&b.resource))
    });
    out
}
