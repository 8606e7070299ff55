//! Offline import of AWS Config data into phiguard's [`Inventory`]: configuration snapshot
//! files, history files (gzip or plain, folders read recursively) and
//! `aws configservice select-resource-config` output.
//!
//! Coverage is honest about what a snapshot can know. A data source is `collected` for an
//! account and region only when the input holds items of its resource types there, or when
//! that region's *snapshot* holds the configuration recorder item and the recorder records the
//! types (so that zero items means zero resources, not "not recorded"). What AWS Config never
//! records (the credential report, the password policy, the account summary, Artifact
//! agreements, EBS defaults and EBS snapshots) is `not_enabled` with the reason
//! [`NOT_IN_SNAPSHOTS`], so the controls that read it report `error`, never `pass`.
//! Attributes of a resource that Config does not record (a trail's logging status, an IAM
//! user's MFA devices, ...) are field errors on the resource.

pub mod json;
pub mod map;
pub mod read;
pub mod sources;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

use phiguard_model::inventory::{Source, SourceKind};
use phiguard_model::kinds::AccountSettings;
use phiguard_model::{
    Account, CoverageEntry, CoverageState, DataSource, GLOBAL, Inventory, Resource, SCHEMA_VERSION,
    Timestamp,
};
use serde_json::Value;

pub use map::{Ci, JOINED, MAPPED};
pub use read::{FileError, InputKind};
pub use sources::{FromConfig, from_config};

/// The coverage reason for data AWS Config does not record at all.
pub const NOT_IN_SNAPSHOTS: &str = "not in AWS Config snapshots";

/// Whether no AWS Config input can provide `source` ([`FromConfig::NotRecorded`] in
/// [`from_config`], the one table of what Config records).
pub fn never_in_config(source: DataSource) -> bool {
    matches!(from_config(source), FromConfig::NotRecorded(_))
}

/// Types phiguard cannot confirm AWS Config records under "all supported types" (not in the
/// published advanced-query schema): known only where the input holds items of them.
pub const UNPROVABLE: &[&str] = &[
    "AWS::Logs::LogGroup",
    "AWS::Lambda::Url",
    "AWS::SecurityHub::Hub",
    "AWS::SecurityHub::Standard",
];

/// One file that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// The file as named.
    pub name: String,
    /// What it was.
    pub kind: InputKind,
    /// Configuration items in it.
    pub items: usize,
}

/// The result of an import: the inventory, and what could not be used.
#[derive(Debug)]
pub struct Import {
    /// The inventory.
    pub inventory: Inventory,
    /// The files read.
    pub files: Vec<FileSummary>,
    /// Files that could not be read (the others were).
    pub errors: Vec<FileError>,
    /// Resource types with current items that are not mapped to a resource kind, with counts.
    pub unmapped: BTreeMap<String, usize>,
    /// Things worth telling about the input (history-only regions, items skipped).
    pub warnings: Vec<String>,
}

/// Why nothing could be imported.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ImportError {
    /// No file was found under the paths.
    #[error("no AWS Config files found in {}{}", list(.paths), causes(.errors))]
    #[diagnostic(
        code("config-snapshot::empty"),
        help(
            "give snapshot files (`*_ConfigSnapshot_*.json.gz`), history files, `select-resource-config` output, or folders holding them"
        )
    )]
    NoFiles {
        /// The paths given.
        paths: Vec<String>,
        /// Paths that could not be read.
        errors: Vec<FileError>,
    },
    /// Every file failed.
    #[error("none of the {} AWS Config file(s) could be read; first: {}", .errors.len(), .errors.first().map(ToString::to_string).unwrap_or_default())]
    #[diagnostic(
        code("config-snapshot::unreadable"),
        help(
            "phiguard reads AWS Config snapshot and history files (`{{\"fileVersion\":..,\"configurationItems\":[...]}}`, gzip or plain) and `aws configservice select-resource-config` output (`{{\"Results\":[...]}}`)"
        )
    )]
    AllFailed {
        /// Every file's error.
        errors: Vec<FileError>,
    },
}

fn causes(errors: &[FileError]) -> String {
    errors.iter().map(|e| format!("; {e}")).collect()
}

fn list(paths: &[String]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a recorder records.
#[derive(Debug, Default, Clone)]
struct Recording {
    all_supported: bool,
    include_global: bool,
    strategy: Option<String>,
    types: Vec<String>,
    exclusions: Vec<String>,
}

impl Recording {
    fn from_ci(ci: &Ci) -> Recording {
        let group = json::path(&ci.cfg, &["RecordingGroup"]);
        let group = group.as_deref().unwrap_or(&Value::Null);
        let b = |keys: &[&str]| json::path(group, keys).and_then(|v| json::as_bool(&v));
        Recording {
            all_supported: b(&["AllSupported"]).unwrap_or(false),
            include_global: b(&["IncludeGlobalResourceTypes"]).unwrap_or(false),
            strategy: json::path(group, &["RecordingStrategy", "UseOnly"])
                .and_then(|v| json::as_text(&v)),
            types: json::strings(json::path(group, &["ResourceTypes"]).as_deref()),
            exclusions: json::strings(
                json::path(group, &["ExclusionByResourceTypes", "ResourceTypes"]).as_deref(),
            ),
        }
    }

    /// Whether the recorder records a type, so that no items of it mean no resources. "All
    /// supported types" proves it only for the types phiguard knows AWS Config supports
    /// ([`UNPROVABLE`] excluded); a type named in an inclusion list is recorded (Config rejects
    /// unsupported names).
    fn records(&self, resource_type: &str) -> bool {
        let listed = |list: &[String]| list.iter().any(|t| t == resource_type);
        let provable = !UNPROVABLE.contains(&resource_type);
        match self.strategy.as_deref() {
            Some("INCLUSION_BY_RESOURCE_TYPES") => listed(&self.types),
            Some("EXCLUSION_BY_RESOURCE_TYPES") => provable && !listed(&self.exclusions),
            _ if self.all_supported => {
                provable
                    && (!resource_type.starts_with("AWS::IAM::")
                        || self.include_global
                        || listed(&self.types))
            }
            _ => listed(&self.types),
        }
    }
}

type Scope = (String, String);

/// Reads AWS Config files and folders into one inventory. Files that cannot be read are
/// reported in [`Import::errors`] (and, when their name tells the account and region, every
/// data source there is marked `failed`); the rest are imported. Errors only when nothing at
/// all could be read.
pub fn import(paths: &[PathBuf], now: Timestamp) -> Result<Import, ImportError> {
    let (found, mut errors) = read::discover(paths);
    if found.is_empty() {
        return Err(ImportError::NoFiles {
            paths: paths.iter().map(|p| p.display().to_string()).collect(),
            errors,
        });
    }
    // Each file is normalised as soon as it is read, so only one file's raw JSON is held at
    // a time.
    let mut prepared = Vec::new();
    for path in &found {
        let named = read::scope_from_name(path);
        let mut cis = Vec::new();
        let mut skipped = 0;
        let read = read::read_file_with(path, &mut |raw| match normalise(raw, named.as_ref()) {
            Some(ci) => cis.push(ci),
            None => skipped += 1,
        });
        match read {
            Ok(Some(head)) => prepared.push(finish(
                FileSummary {
                    name: head.name,
                    kind: head.kind,
                    items: head.items,
                },
                head.named_scope,
                cis,
                skipped,
            )),
            Ok(None) => {}
            Err(e) => errors.push(*e),
        }
    }
    if prepared.is_empty() {
        return Err(ImportError::AllFailed { errors });
    }
    Ok(assemble(prepared, errors, now))
}

/// One file's items, normalised.
#[derive(Debug)]
struct Prepared {
    summary: FileSummary,
    kind: InputKind,
    scope: Option<Scope>,
    time: i64,
    cis: Vec<Ci>,
    skipped: usize,
}

/// Normalises one file's items (and drops the configuration of types no control reads).
fn prepare(file: read::FileData) -> Prepared {
    let summary = FileSummary {
        name: file.name,
        kind: file.kind,
        items: file.items.len(),
    };
    let mut skipped = 0;
    let mut cis = Vec::with_capacity(file.items.len());
    for raw in file.items {
        match normalise(raw, file.named_scope.as_ref()) {
            Some(ci) => cis.push(ci),
            None => skipped += 1,
        }
    }
    finish(summary, file.named_scope, cis, skipped)
}

/// A file's normalised items with the account and region it describes and its time.
fn finish(
    summary: FileSummary,
    named_scope: Option<Scope>,
    cis: Vec<Ci>,
    skipped: usize,
) -> Prepared {
    let scope = named_scope.or_else(|| {
        let regional: BTreeSet<Scope> = cis
            .iter()
            .filter(|ci| ci.region != GLOBAL)
            .map(|ci| (ci.account.clone(), ci.region.clone()))
            .collect();
        (regional.len() == 1)
            .then(|| regional.into_iter().next())
            .flatten()
    });
    let time = cis.iter().map(|ci| ci.state_id).max().unwrap_or(i64::MIN);
    Prepared {
        kind: summary.kind,
        summary,
        scope,
        time,
        cis,
        skipped,
    }
}

/// Builds the inventory from files already parsed (the testable core of [`import`]).
pub fn build(data: Vec<read::FileData>, errors: Vec<FileError>, now: Timestamp) -> Import {
    assemble(data.into_iter().map(prepare).collect(), errors, now)
}

/// Builds the inventory from prepared files.
fn assemble(prepared: Vec<Prepared>, errors: Vec<FileError>, now: Timestamp) -> Import {
    let mut warnings = Vec::new();
    // Which kinds of input each account × region has.
    let mut scopes: BTreeMap<Scope, BTreeSet<InputKind>> = BTreeMap::new();
    let mut present: HashSet<(String, String, String)> = HashSet::new();
    // Keyed (account, region, type, id): iteration order is the inventory's order.
    let mut latest: BTreeMap<(String, String, String, String), Ci> = BTreeMap::new();
    let skipped: usize = prepared.iter().map(|p| p.skipped).sum();
    let mut files = Vec::with_capacity(prepared.len());
    let mut normalised = Vec::with_capacity(prepared.len());
    for p in prepared {
        files.push(p.summary);
        normalised.push((p.kind, p.scope, p.time, p.cis));
    }
    // A snapshot describes everything current: an older snapshot of the same account and
    // region would resurrect deleted resources, so only the newest counts, and history or
    // select items count only when they are newer than it.
    let mut newest: HashMap<Scope, (i64, usize)> = HashMap::new();
    for (i, (kind, scope, time, _)) in normalised.iter().enumerate() {
        if let (InputKind::Snapshot, Some(scope)) = (kind, scope) {
            let entry = newest.entry(scope.clone()).or_insert((*time, i));
            if *time > entry.0 {
                *entry = (*time, i);
            }
        }
    }
    // Global items (IAM, CloudFront) appear in every region's snapshot: of one account and
    // type, only those of the newest snapshot holding any count, for the same reason.
    let kept = |i: usize, scope: &Option<Scope>| {
        scope
            .as_ref()
            .and_then(|s| newest.get(s))
            .is_some_and(|(_, keep)| *keep == i)
    };
    let mut global_from: HashMap<(String, String), (i64, usize)> = HashMap::new();
    for (i, (kind, scope, time, cis)) in normalised.iter().enumerate() {
        if *kind != InputKind::Snapshot || (scope.is_some() && !kept(i, scope)) {
            continue;
        }
        for ci in cis.iter().filter(|ci| ci.region == GLOBAL) {
            let entry = global_from
                .entry((ci.account.clone(), ci.resource_type.clone()))
                .or_insert((*time, i));
            if *time > entry.0 {
                *entry = (*time, i);
            }
        }
    }
    let mut older: BTreeMap<Scope, usize> = BTreeMap::new();
    let mut stale = 0usize;
    for (i, (kind, scope, _, cis)) in normalised.into_iter().enumerate() {
        let snapshot_time = scope.as_ref().and_then(|s| newest.get(s));
        if kind == InputKind::Snapshot
            && let (Some(scope), Some((_, keep))) = (&scope, snapshot_time)
            && *keep != i
        {
            *older.entry(scope.clone()).or_default() += 1;
            continue;
        }
        if let Some(scope) = &scope {
            scopes.entry(scope.clone()).or_default().insert(kind);
        }
        for ci in cis {
            if kind != InputKind::Snapshot
                && let Some((time, _)) = snapshot_time
                && ci.state_id <= *time
            {
                stale += 1;
                continue;
            }
            if kind == InputKind::Snapshot
                && ci.region == GLOBAL
                && global_from
                    .get(&(ci.account.clone(), ci.resource_type.clone()))
                    .is_some_and(|(_, from)| *from != i)
            {
                continue;
            }
            if ci.region != GLOBAL {
                scopes
                    .entry((ci.account.clone(), ci.region.clone()))
                    .or_default()
                    .insert(kind);
            }
            present.insert((
                ci.resource_type.clone(),
                ci.account.clone(),
                ci.region.clone(),
            ));
            let key = (
                ci.account.clone(),
                ci.region.clone(),
                ci.resource_type.clone(),
                ci.resource_id.clone(),
            );
            match latest.get(&key) {
                Some(old) if old.state_id > ci.state_id => {}
                _ => {
                    latest.insert(key, ci);
                }
            }
        }
    }
    for ((account, region), n) in &older {
        warnings.push(format!(
            "{account}/{region}: {n} older snapshot(s) ignored; the newest describes the current state"
        ));
    }
    if stale > 0 {
        warnings.push(format!(
            "{stale} history or select item(s) older than their region's newest snapshot ignored"
        ));
    }
    // A file that failed but whose name says where it is from: that account and region are
    // in scope, and their data is missing.
    for error in &errors {
        if let Some(scope) = &error.named_scope {
            scopes.entry(scope.clone()).or_default();
        }
    }
    if skipped > 0 {
        warnings.push(format!(
            "{skipped} configuration item(s) without a resource type, resource id, account id or region were skipped (a select-resource-config query must select them)"
        ));
    }
    let cis: Vec<Ci> = latest.into_values().collect();

    let recorders: HashMap<Scope, Recording> = cis
        .iter()
        .filter(|ci| ci.resource_type == "AWS::Config::ConfigurationRecorder" && ci.is_current())
        .map(|ci| {
            (
                (ci.account.clone(), ci.region.clone()),
                Recording::from_ci(ci),
            )
        })
        .collect();
    let full = |scope: &Scope| {
        scopes
            .get(scope)
            .is_some_and(|k| k.contains(&InputKind::Snapshot))
    };
    for (scope, kinds) in &scopes {
        if !kinds.is_empty() && !kinds.contains(&InputKind::Snapshot) {
            let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            warnings.push(format!(
                "{}/{}: only {} input, which holds changed or selected items, not the whole inventory; resource types without items there are reported as not collected",
                scope.0,
                scope.1,
                names.join(" and ")
            ));
        }
    }

    // Which types are known where.
    let accounts: BTreeSet<String> = scopes
        .keys()
        .map(|(a, _)| a.clone())
        .chain(cis.iter().map(|ci| ci.account.clone()))
        .collect();
    let all_types: Vec<&str> = MAPPED
        .iter()
        .map(|(t, _)| *t)
        .chain(JOINED.iter().map(|(t, _)| *t))
        .collect();
    let mut world = map::World::default();
    for account in &accounts {
        let regions: Vec<&Scope> = scopes.keys().filter(|(a, _)| a == account).collect();
        for t in &all_types {
            if map::is_global_type(t) {
                let known = present.contains(&(t.to_string(), account.clone(), GLOBAL.into()))
                    || regions
                        .iter()
                        .any(|s| full(s) && recorders.get(*s).is_some_and(|r| r.records(t)));
                if known {
                    world
                        .known
                        .insert((t.to_string(), account.clone(), GLOBAL.into()));
                }
                continue;
            }
            for scope in &regions {
                let known = present.contains(&(t.to_string(), account.clone(), scope.1.clone()))
                    || (full(scope) && recorders.get(*scope).is_some_and(|r| r.records(t)));
                if known {
                    world
                        .known
                        .insert((t.to_string(), account.clone(), scope.1.clone()));
                }
            }
        }
    }

    // Joins, then resources.
    for ci in cis.iter().filter(|ci| ci.is_current()) {
        map::gather(ci, &mut world);
    }
    let mut unmapped: BTreeMap<String, usize> = BTreeMap::new();
    let mut resources: Vec<Resource> = Vec::new();
    let mut settings: BTreeMap<String, AccountSettings> = BTreeMap::new();
    let mut not_recorded = 0usize;
    // Account-level PAB seen anywhere.
    let pab_accounts: HashSet<String> = cis
        .iter()
        .filter(|ci| ci.resource_type == "AWS::S3::AccountPublicAccessBlock" && ci.is_current())
        .map(|ci| ci.account.clone())
        .collect();
    let generated_at = cis.iter().filter_map(|ci| ci.capture).max().unwrap_or(now);
    let item_count = cis.len();
    // Items are consumed as they are mapped, so their JSON is freed early.
    for ci in cis {
        let ci = &ci;
        if ci.is_deleted() {
            continue;
        }
        if ci.resource_type == "AWS::S3::AccountPublicAccessBlock" {
            if ci.is_current()
                && let Some(pab) = map::account_public_access_block(ci)
            {
                settings
                    .entry(ci.account.clone())
                    .or_default()
                    .s3_public_access_block = Some(pab);
            }
            continue;
        }
        if JOINED.iter().any(|(t, _)| *t == ci.resource_type) {
            continue;
        }
        let mapped = if ci.is_not_recorded() {
            let blank = Ci {
                cfg: Value::Null,
                sup: Value::Null,
                ..ci.clone()
            };
            map::map(&blank, &world).map(|mut r| {
                not_recorded += 1;
                map::all_fields_unknown(&mut r);
                r
            })
        } else {
            map::map(ci, &world)
        };
        match mapped {
            Some(resource) => resources.push(resource),
            None => {
                *unmapped.entry(ci.resource_type.clone()).or_default() += 1;
                if let Some(tagged) = map::tagged(ci) {
                    resources.push(tagged);
                }
            }
        }
    }
    if not_recorded > 0 {
        warnings.push(format!(
            "{not_recorded} resource(s) have status ResourceNotRecorded (their type is excluded from recording): every attribute of them is unknown"
        ));
    }
    dedupe_by_arn(&mut resources);

    let mut coverage = Vec::new();
    let mut account_list = Vec::new();
    for account in &accounts {
        let regions: Vec<String> = scopes
            .keys()
            .filter(|(a, _)| a == account)
            .map(|(_, r)| r.clone())
            .collect();
        coverage_for(
            account,
            &regions,
            &Evidence {
                world: &world,
                recorders: &recorders,
                full: &full,
            },
            pab_accounts.contains(account),
            &mut coverage,
            &mut warnings,
        );
        account_list.push(Account {
            id: account.clone(),
            name: None,
            regions,
            settings: settings.remove(account).unwrap_or_default(),
        });
    }
    // Files that failed but whose name says where they are from: that data is missing.
    for error in &errors {
        let Some((account, region)) = &error.named_scope else {
            continue;
        };
        let failed = || CoverageState::Failed {
            message: format!("AWS Config file `{}` could not be read", error.file),
        };
        for entry in coverage.iter_mut().filter(|c| &c.account == account) {
            let regional = &entry.region == region;
            let global_gap = entry.region == GLOBAL && !entry.state.is_collected();
            let never = matches!(&entry.state, CoverageState::NotEnabled { reason } if reason == NOT_IN_SNAPSHOTS);
            if (regional || global_gap) && !never {
                entry.state = failed();
            }
        }
    }

    let description = describe(&files, item_count, &unmapped);
    Import {
        inventory: Inventory {
            schema_version: SCHEMA_VERSION,
            generated_at,
            source: Source {
                kind: SourceKind::ConfigSnapshot,
                description,
            },
            accounts: account_list,
            coverage,
            resources,
        },
        files,
        errors,
        unmapped,
        warnings,
    }
}

fn describe(files: &[FileSummary], items: usize, unmapped: &BTreeMap<String, usize>) -> String {
    let count = |k: InputKind| files.iter().filter(|f| f.kind == k).count();
    let mut text = format!(
        "AWS Config: {} file(s) ({} snapshot, {} history, {} select-resource-config), {items} configuration item(s)",
        files.len(),
        count(InputKind::Snapshot),
        count(InputKind::History),
        count(InputKind::Select),
    );
    if !unmapped.is_empty() {
        let list: Vec<String> = unmapped.iter().map(|(t, n)| format!("{t} ({n})")).collect();
        text.push_str("; unmapped resource types: ");
        text.push_str(&list.join(", "));
    }
    text
}

/// Removes resources listed twice under one ARN (a multi-region trail recorded in several
/// regions; IAM items in several regions' snapshots): the copy in its home region wins.
fn dedupe_by_arn(resources: &mut Vec<Resource>) {
    let mut keep: HashMap<(String, String), usize> = HashMap::new();
    let home = |r: &Resource| match &r.details {
        phiguard_model::Details::Trail(t) => t.home_region == r.region,
        _ => true,
    };
    let mut drop = vec![false; resources.len()];
    for (i, r) in resources.iter().enumerate() {
        let key = (r.account.clone(), r.arn.clone());
        match keep.get(&key) {
            Some(&j) if !home(&resources[j]) && home(r) => {
                drop[j] = true;
                keep.insert(key, i);
            }
            Some(_) => drop[i] = true,
            None => {
                keep.insert(key, i);
            }
        }
    }
    let mut i = 0;
    resources.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
    for r in resources.iter_mut() {
        if let phiguard_model::Details::Trail(t) = &r.details
            && !t.home_region.is_empty()
        {
            r.region = t.home_region.clone();
        }
    }
}

/// What the input shows, for deciding coverage.
struct Evidence<'a> {
    world: &'a map::World,
    recorders: &'a HashMap<Scope, Recording>,
    full: &'a dyn Fn(&Scope) -> bool,
}

fn coverage_for(
    account: &str,
    regions: &[String],
    evidence: &Evidence<'_>,
    pab_present: bool,
    out: &mut Vec<CoverageEntry>,
    warnings: &mut Vec<String>,
) {
    let Evidence {
        world,
        recorders,
        full,
    } = *evidence;
    let entry = |region: &str, source: DataSource, state: CoverageState| CoverageEntry {
        account: account.to_string(),
        region: region.to_string(),
        source,
        state,
    };
    let not_enabled = |reason: String| CoverageState::NotEnabled { reason };
    let why_unknown = |t: &str, region: &str| -> String {
        let scope = (account.to_string(), region.to_string());
        if full(&scope) {
            if t == "AWS::Config::ConfigurationRecorder" {
                "AWS Config: the snapshot holds no configuration recorder item".to_string()
            } else if recorders.contains_key(&scope) && UNPROVABLE.contains(&t) {
                format!(
                    "AWS Config: no {t} items, and whether AWS Config records this type cannot be confirmed from the recorder"
                )
            } else if recorders.contains_key(&scope) {
                format!("AWS Config: the configuration recorder does not record {t}")
            } else {
                format!(
                    "AWS Config: the snapshot holds no {t} items and no configuration recorder item, so whether the type is recorded is unknown"
                )
            }
        } else {
            format!(
                "AWS Config: no {t} items in this region's input (history files and select output hold only some items)"
            )
        }
    };
    for source in DataSource::ALL.iter().copied() {
        let per_region: Vec<&str> = if source.is_global() {
            vec![GLOBAL]
        } else {
            regions.iter().map(String::as_str).collect()
        };
        let types: &[&str] = match sources::from_config(source) {
            FromConfig::NotRecorded(_) => {
                for region in per_region {
                    out.push(entry(region, source, not_enabled(NOT_IN_SNAPSHOTS.into())));
                }
                continue;
            }
            FromConfig::TagsOfEveryRecordedResource => {
                for region in per_region {
                    let scope = (account.to_string(), region.to_string());
                    let all = full(&scope)
                        && recorders.get(&scope).is_some_and(|r| {
                            r.all_supported
                                || r.strategy.as_deref() == Some("EXCLUSION_BY_RESOURCE_TYPES")
                        });
                    let state = if all {
                        CoverageState::Collected
                    } else {
                        not_enabled("AWS Config: tags of every resource are known only from a snapshot whose recorder records all supported resource types".into())
                    };
                    out.push(entry(region, source, state));
                }
                continue;
            }
            FromConfig::AccountItem(_) => {
                let state = if pab_present {
                    CoverageState::Collected
                } else {
                    not_enabled("AWS Config: no AWS::S3::AccountPublicAccessBlock item (the account-level block is not configured, or not recorded)".into())
                };
                out.push(entry(GLOBAL, source, state));
                continue;
            }
            FromConfig::Types(types) => types,
        };
        if source == DataSource::S3Buckets {
            // A global source whose items live in each bucket's home region: complete only
            // when every region's input covers buckets.
            let gaps: Vec<String> = regions
                .iter()
                .filter(|r| {
                    !world.known.contains(&(
                        types[0].to_string(),
                        account.to_string(),
                        (*r).clone(),
                    ))
                })
                .map(|r| format!("{r}: {}", why_unknown(types[0], r)))
                .collect();
            let state = if regions.is_empty() {
                not_enabled("AWS Config: no regional input for this account".into())
            } else if gaps.is_empty() {
                CoverageState::Collected
            } else {
                not_enabled(gaps.join("; "))
            };
            out.push(entry(GLOBAL, source, state));
            continue;
        }
        for region in per_region {
            let missing: Vec<&str> = types
                .iter()
                .copied()
                .filter(|t| {
                    let r = if map::is_global_type(t) {
                        GLOBAL
                    } else {
                        region
                    };
                    !world
                        .known
                        .contains(&(t.to_string(), account.to_string(), r.to_string()))
                })
                .collect();
            // A source fed by several types (instance and cluster snapshots) is collected
            // when one of them is known; the others' absence is said as a warning.
            if !missing.is_empty() && missing.len() < types.len() {
                warnings.push(format!(
                    "{account}/{region}: {source} holds only what the input records: no {} items and nothing shows the type is recorded",
                    missing.join(", ")
                ));
            }
            let state = match missing.first() {
                _ if missing.len() < types.len() => CoverageState::Collected,
                None => CoverageState::Collected,
                Some(t) if map::is_global_type(t) => {
                    not_enabled(global_why(t, account, regions, recorders, full))
                }
                Some(t) => not_enabled(why_unknown(t, region)),
            };
            out.push(entry(region, source, state));
        }
    }
}

fn global_why(
    t: &str,
    account: &str,
    regions: &[String],
    recorders: &HashMap<Scope, Recording>,
    full: &dyn Fn(&Scope) -> bool,
) -> String {
    let snapshot_recorders = regions
        .iter()
        .filter(|r| {
            let s = (account.to_string(), (*r).clone());
            full(&s) && recorders.contains_key(&s)
        })
        .count();
    if snapshot_recorders > 0 {
        format!(
            "AWS Config: no {t} items, and no configuration recorder of a snapshot records global resource types"
        )
    } else {
        format!(
            "AWS Config: no {t} items and no snapshot with a configuration recorder item, so whether the type is recorded is unknown"
        )
    }
}

/// Turns a raw item into a [`Ci`]; `None` when it lacks a type, an id, an account or (for a
/// regional type) a region.
fn normalise(raw: read::RawItem, scope: Option<&Scope>) -> Option<Ci> {
    let resource_type = raw.resource_type.filter(|t| !t.is_empty())?;
    let arn = raw.arn.filter(|a| !a.is_empty());
    let account = raw
        .aws_account_id
        .filter(|a| !a.is_empty())
        .or_else(|| {
            arn.as_deref()
                .and_then(phiguard_model::arn::Arn::parse)
                .map(|a| a.account.to_string())
                .filter(|a| !a.is_empty())
        })
        .or_else(|| scope.map(|s| s.0.clone()))?;
    let resource_id = raw
        .resource_id
        .filter(|i| !i.is_empty())
        .or_else(|| arn.clone())?;
    let global = map::is_global_type(&resource_type);
    let region = match raw.aws_region.filter(|r| !r.is_empty()) {
        _ if global => GLOBAL.to_string(),
        Some(r) => r,
        None => scope.map(|s| s.1.clone())?,
    };
    let owned = |v: Option<Value>| match v {
        Some(text @ Value::String(_)) => json::decode(&text).into_owned(),
        Some(other) => other,
        None => Value::Null,
    };
    let cfg = owned(raw.configuration);
    let sup = owned(raw.supplementary_configuration);
    let capture = raw
        .configuration_item_capture_time
        .as_ref()
        .and_then(json::as_timestamp);
    let state_id = raw
        .configuration_state_id
        .as_ref()
        .and_then(json::as_i64)
        .or_else(|| capture.map(|t| t.as_millisecond()))
        .unwrap_or(0);
    let mut tags = BTreeMap::new();
    json::tags_into(raw.tags.as_ref(), &mut tags);
    for key in ["tags", "tagList", "Tags"] {
        json::tags_into(json::get(&cfg, key), &mut tags);
    }
    json::tags_into(json::get(&sup, "Tags"), &mut tags);
    if let Some(set) = json::path(&sup, &["BucketTaggingConfiguration", "tagSets"]) {
        for entry in json::items(Some(&set)) {
            json::tags_into(json::get(&entry, "tags"), &mut tags);
        }
    }
    // Types no control reads keep only their identity and tags: their configuration (an SSM
    // inventory item lists every installed package) is dropped at once.
    let used = MAPPED.iter().any(|(t, _)| *t == resource_type)
        || JOINED.iter().any(|(t, _)| *t == resource_type);
    let (cfg, sup) = if used {
        (cfg, sup)
    } else {
        (Value::Null, Value::Null)
    };
    Some(Ci {
        account,
        region,
        resource_type,
        resource_id,
        name: raw.resource_name.filter(|n| !n.is_empty()),
        arn,
        status: raw.configuration_item_status.unwrap_or_default(),
        state_id,
        capture,
        tags,
        cfg,
        sup,
    })
}

impl fmt::Display for FileSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: {} ({} items)",
            self.name,
            self.kind.as_str(),
            self.items
        )
    }
}
