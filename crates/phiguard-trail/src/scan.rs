//! Running rules over CloudTrail files: files in parallel (rayon), each file loaded into one
//! buffer and parsed into borrowed events that go through the [`Ruleset`] index and the
//! stateful [`Analyzer`]s; per-file errors are collected and the run continues.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::{DefaultHasher, Entry};
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::{Timestamp, ToSpan};
use rayon::prelude::*;
use serde::Serialize;

use crate::event::Event;
use crate::hits::{Batch, HitStore, SortedHits};
use crate::reader::{self, Buffer, FileError, KeyInfo};
use crate::rule::{Hit, Ruleset};

/// A stateful detection (bursts, first-seen countries, ...): it sees the events it asked for
/// and reports its hits at the end.
///
/// One instance serves the whole run (behind a lock, taken only for the event names it
/// asks for): events arrive in file order within a file, but files are read in parallel, so
/// an analyzer must not assume a global time order (sort in [`Analyzer::finish`]).
pub trait Analyzer: Send {
    /// The `eventName`s it wants to see; `None` for every event (costly: a lock per event).
    fn event_names(&self) -> Option<Vec<String>> {
        None
    }
    /// Sees one event (after filters and de-duplication) read from `file`.
    fn observe(&mut self, event: &Event<'_>, file: &str);
    /// The hits, once every file has been read.
    fn finish(self: Box<Self>) -> Vec<Hit>;
}

/// Which events to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Keep events at or after this instant.
    pub since: Option<Timestamp>,
    /// Keep events strictly before this instant.
    pub until: Option<Timestamp>,
    /// Keep events received by this account (`recipientAccountId`).
    pub account: Option<String>,
    /// Keep events of this region (`awsRegion`).
    pub region: Option<String>,
}

impl Filter {
    /// Whether a file at this place in the key layout can hold kept events. Days get a
    /// one-day margin on each side: a file is delivered up to minutes after its events.
    pub fn keeps_file(&self, key: &KeyInfo) -> bool {
        if self.account.as_ref().is_some_and(|a| *a != key.account)
            || self.region.as_ref().is_some_and(|r| *r != key.region)
        {
            return false;
        }
        let day = |t: Timestamp| t.to_zoned(jiff::tz::TimeZone::UTC).date();
        if let Some(since) = self.since
            && key
                .date
                .checked_add(1.day())
                .is_ok_and(|next| next < day(since))
        {
            return false;
        }
        if let Some(until) = self.until
            && key
                .date
                .checked_sub(1.day())
                .is_ok_and(|prev| prev > day(until))
        {
            return false;
        }
        true
    }

    /// Whether an event is kept. An event whose time does not parse is kept (never drop
    /// what might matter).
    pub fn keeps(&self, event: &Event<'_>) -> bool {
        if let Some(account) = &self.account
            && event.recipient_account_id.as_deref() != Some(account.as_str())
        {
            return false;
        }
        if let Some(region) = &self.region
            && event.aws_region.as_deref() != Some(region.as_str())
        {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Ok(time) = event.event_time.parse::<Timestamp>() else {
                return true;
            };
            if self.since.is_some_and(|s| time < s) || self.until.is_some_and(|u| time >= u) {
                return false;
            }
        }
        true
    }

    fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// How to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// Largest decompressed file read, in bytes.
    pub max_file_size: u64,
    /// Which events to keep.
    pub filter: Filter,
    /// Read each `eventID` once (the same event delivered twice, or overlapping exports).
    /// Memory grows with the number of distinct events (about 24 bytes each).
    pub dedup: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: reader::DEFAULT_MAX_FILE_SIZE,
            filter: Filter::default(),
            dedup: false,
        }
    }
}

/// What a scan found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanOutput {
    /// Hits, sorted by event time, then rule id, file and event id.
    pub hits: Vec<Hit>,
    /// Files read (including those with errors).
    pub files: usize,
    /// Files skipped without reading because their key layout is outside the filters.
    pub files_skipped: usize,
    /// Events that went through the rules (after filters and de-duplication).
    pub events: u64,
    /// Events dropped by the filters.
    pub events_filtered: u64,
    /// Events dropped as duplicates (`--dedup`).
    pub duplicates: u64,
    /// Decompressed bytes read.
    pub bytes: u64,
    /// Bytes on disk read.
    pub disk_bytes: u64,
    /// Files and records that could not be read, in file order.
    pub errors: Vec<FileError>,
    /// `eventTime` of the earliest event kept (as written in the log).
    pub first_event: Option<String>,
    /// `eventTime` of the latest event kept.
    pub last_event: Option<String>,
}

const SHARDS: usize = 16;

/// The `eventID`s seen, with the lowest index of a file holding each (so that the file a
/// hit names does not depend on thread timing).
struct Seen {
    shards: Vec<Mutex<HashMap<u128, u32>>>,
}

impl Seen {
    fn new() -> Seen {
        Seen {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    fn key(id: &str) -> u128 {
        // CloudTrail event ids are UUIDs: 128 bits exactly. Anything else is hashed twice.
        let hex: Vec<u8> = id.bytes().filter(|b| *b != b'-').collect();
        if hex.len() == 32
            && let Ok(text) = std::str::from_utf8(&hex)
            && let Ok(value) = u128::from_str_radix(text, 16)
        {
            return value;
        }
        let half = |salt: u8| {
            let mut h = DefaultHasher::new();
            salt.hash(&mut h);
            id.hash(&mut h);
            h.finish()
        };
        (u128::from(half(1)) << 64) | u128::from(half(2))
    }

    fn shard(&self, key: u128) -> &Mutex<HashMap<u128, u32>> {
        &self.shards[(key as usize) % SHARDS]
    }

    /// Whether this is the first time the id is seen.
    fn first(&self, id: &str, file: u32) -> bool {
        let key = Seen::key(id);
        let mut map = match self.shard(key).lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        match map.entry(key) {
            Entry::Vacant(v) => {
                v.insert(file);
                true
            }
            Entry::Occupied(mut o) => {
                let lowest = o.get_mut();
                *lowest = (*lowest).min(file);
                false
            }
        }
    }

    fn lowest_file(&mut self, id: &str) -> Option<u32> {
        let key = Seen::key(id);
        let map = match self.shards[(key as usize) % SHARDS].get_mut() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.get(&key).copied()
    }
}

struct Analyzers {
    slots: Vec<Mutex<Box<dyn Analyzer>>>,
    by_name: crate::rule::NameMap<Vec<usize>>,
    any: Vec<usize>,
}

impl Analyzers {
    fn new(analyzers: Vec<Box<dyn Analyzer>>) -> Analyzers {
        let mut by_name = crate::rule::NameMap::<Vec<usize>>::default();
        let mut any = Vec::new();
        for (i, a) in analyzers.iter().enumerate() {
            match a.event_names() {
                Some(names) => {
                    for name in names {
                        by_name.entry(name).or_default().push(i);
                    }
                }
                None => any.push(i),
            }
        }
        Analyzers {
            slots: analyzers.into_iter().map(Mutex::new).collect(),
            by_name,
            any,
        }
    }

    /// Whether an analyzer wants events of this name.
    fn wants(&self, name: &str) -> bool {
        !self.any.is_empty() || self.by_name.contains_key(name)
    }

    fn observe(&self, event: &Event<'_>, file: &str) {
        if self.slots.is_empty() {
            return;
        }
        let named = self
            .by_name
            .get(event.event_name.as_ref())
            .map(Vec::as_slice)
            .unwrap_or_default();
        for i in named.iter().chain(&self.any) {
            let mut analyzer = match self.slots[*i].lock() {
                Ok(a) => a,
                Err(poisoned) => poisoned.into_inner(),
            };
            analyzer.observe(event, file);
        }
    }

    fn finish(self) -> Vec<Hit> {
        self.slots
            .into_iter()
            .flat_map(|slot| {
                let analyzer = match slot.into_inner() {
                    Ok(a) => a,
                    Err(poisoned) => poisoned.into_inner(),
                };
                analyzer.finish()
            })
            .collect()
    }
}

/// One input of a scan: a file on disk, or a named stream (an S3 object body, ...).
pub struct Input {
    name: String,
    source: InputSource,
}

enum InputSource {
    Path(PathBuf),
    Reader(Box<dyn Read + Send>),
}

impl Input {
    /// A file on disk, named by its path.
    pub fn path(path: PathBuf) -> Input {
        Input {
            name: path.display().to_string(),
            source: InputSource::Path(path),
        }
    }

    /// A stream named `name` (e.g. `s3://bucket/AWSLogs/...`: hits and errors name it, and
    /// the filters read the CloudTrail key layout from it, see [`KeyInfo::from_path`]). It is
    /// read only if the layout is inside the filters, so a reader that issues its request on
    /// the first `read` costs nothing for a skipped input.
    pub fn reader(name: impl Into<String>, reader: Box<dyn Read + Send>) -> Input {
        Input {
            name: name.into(),
            source: InputSource::Reader(reader),
        }
    }

    /// The name hits and errors carry.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input").field("name", &self.name).finish()
    }
}

/// Work done on every kept event alongside the rules (the PHI access report, ...), with a
/// state per input so that inputs can be read in parallel: [`scan_with`] returns the states
/// in input order, to be merged by the caller.
pub trait Visitor: Sync {
    /// What is gathered from one input.
    type State: Send;
    /// A fresh state for one input.
    fn start(&self) -> Self::State;
    /// Sees one kept event (after filters and de-duplication) read from `file`, with the hits
    /// the rules raised on it.
    fn visit(&self, state: &mut Self::State, event: &Event<'_>, file: &str, hits: &[Hit]);
    /// Whether it needs every kept event parsed in full. When `false`, it is only called for
    /// events that rules or analyzers wanted (which include every event with hits); the
    /// others may be skimmed (their typed fields only) and never reach [`Visitor::visit`].
    fn every_event(&self) -> bool {
        true
    }
    /// Whether [`Visitor::visit`] reads its `hits` (when `false`, it gets none, which
    /// saves building them).
    fn needs_hits(&self) -> bool {
        true
    }
}

/// No extra work.
impl Visitor for () {
    type State = ();
    fn every_event(&self) -> bool {
        false
    }
    fn needs_hits(&self) -> bool {
        false
    }
    fn start(&self) {}
    fn visit(&self, _: &mut (), _: &Event<'_>, _: &str, _: &[Hit]) {}
}

struct FileResult<S> {
    name: String,
    hits: Batch,
    read: bool,
    events: u64,
    filtered: u64,
    duplicates: u64,
    bytes: u64,
    disk_bytes: u64,
    first_event: Option<String>,
    last_event: Option<String>,
    errors: Vec<FileError>,
    state: S,
}

struct Run<'r, V> {
    rules: &'r Ruleset,
    analyzers: Analyzers,
    options: &'r ScanOptions,
    seen: Option<Seen>,
    visitor: &'r V,
}

impl<V: Visitor> Run<'_, V> {
    fn input(&self, index: u32, input: Input, buf: &mut Buffer) -> FileResult<V::State> {
        let Input { name, source } = input;
        let mut out = FileResult {
            name,
            hits: Batch::default(),
            read: false,
            events: 0,
            filtered: 0,
            duplicates: 0,
            bytes: 0,
            disk_bytes: 0,
            first_event: None,
            last_event: None,
            errors: Vec::new(),
            state: self.visitor.start(),
        };
        let name = out.name.as_str();
        let filter = &self.options.filter;
        if !filter.is_empty()
            && let Some(key) = KeyInfo::from_path(Path::new(name))
            && !filter.keeps_file(&key)
        {
            return out;
        }
        out.read = true;
        let loaded = match source {
            InputSource::Path(path) => reader::load(&path, self.options.max_file_size, buf),
            InputSource::Reader(input) => {
                reader::load_reader(input, self.options.max_file_size, buf)
            }
        };
        match loaded {
            Ok(disk) => out.disk_bytes = disk,
            Err(e) => {
                out.errors.push(e.in_file(name));
                return out;
            }
        }
        let buf = buf.bytes();
        out.bytes = buf.len() as u64;
        let mut pass = FilePass {
            run: self,
            index,
            name,
            filtering: !filter.is_empty(),
            every_event: self.visitor.every_event(),
            needs_hits: self.visitor.needs_hits(),
            first: None,
            last: None,
            hits: Batch::default(),
            event_hits: Vec::new(),
            events: 0,
            filtered: 0,
            duplicates: 0,
            state: &mut out.state,
        };
        let errors = reader::parse_records_triaged(buf, &mut pass);
        let FilePass {
            first,
            last,
            hits,
            events,
            filtered,
            duplicates,
            ..
        } = pass;
        out.first_event = first.map(str::to_string);
        out.last_event = last.map(str::to_string);
        out.hits = hits;
        out.events = events;
        out.filtered = filtered;
        out.duplicates = duplicates;
        out.errors
            .extend(errors.into_iter().map(|e| e.in_file(name)));
        out
    }
}

/// The state of one input's pass over its records.
struct FilePass<'p, 'r, 'a, V: Visitor> {
    run: &'p Run<'r, V>,
    index: u32,
    name: &'p str,
    filtering: bool,
    every_event: bool,
    needs_hits: bool,
    first: Option<&'a str>,
    last: Option<&'a str>,
    hits: Batch,
    /// The hits on the current event, for the visitor.
    event_hits: Vec<Hit>,
    events: u64,
    filtered: u64,
    duplicates: u64,
    state: &'p mut V::State,
}

impl<'a, V: Visitor> FilePass<'_, '_, 'a, V> {
    /// Filters, de-duplication, counts and the period; whether the event is kept.
    fn keep(&mut self, event: &Event<'a>) -> bool {
        if self.filtering && !self.run.options.filter.keeps(event) {
            self.filtered += 1;
            return false;
        }
        if let (Some(seen), Some(id)) = (&self.run.seen, event.event_id.as_deref())
            && !seen.first(id, self.index)
        {
            self.duplicates += 1;
            return false;
        }
        self.events += 1;
        if let Cow::Borrowed(time) = &event.event_time {
            let time = *time;
            if self.first.is_none_or(|f| time < f) {
                self.first = Some(time);
            }
            if self.last.is_none_or(|l| time > l) {
                self.last = Some(time);
            }
        }
        true
    }
}

impl<'a, V: Visitor> reader::Triage<'a> for FilePass<'_, '_, 'a, V> {
    fn wants_full(&mut self, light: &Event<'a>) -> bool {
        if self.filtering && !self.run.options.filter.keeps(light) {
            return false;
        }
        self.every_event
            || self.run.analyzers.wants(&light.event_name)
            || self.run.rules.may_match(light)
    }

    fn light(&mut self, light: &Event<'a>) {
        self.keep(light);
    }

    fn full(&mut self, event: Event<'a>) {
        if !self.keep(&event) {
            return;
        }
        self.event_hits.clear();
        for rule in self.run.rules.matching(&event) {
            self.hits.push_rule(self.index, rule, &event);
            if self.needs_hits {
                self.event_hits.push(Hit::new(rule, &event, self.name));
            }
        }
        self.run.analyzers.observe(&event, self.name);
        self.run
            .visitor
            .visit(self.state, &event, self.name, &self.event_hits);
    }
}

/// Scans files and folders (see [`reader::discover`]) with `rules` and `analyzers`.
pub fn scan(
    inputs: &[PathBuf],
    rules: &Ruleset,
    analyzers: Vec<Box<dyn Analyzer>>,
    options: &ScanOptions,
) -> ScanOutput {
    let (files, mut errors) = reader::discover(inputs);
    let mut output = scan_files(&files, rules, analyzers, options);
    errors.append(&mut output.errors);
    output.errors = errors;
    output
}

/// Scans a list of files (in parallel; the output does not depend on thread timing).
pub fn scan_files(
    files: &[PathBuf],
    rules: &Ruleset,
    analyzers: Vec<Box<dyn Analyzer>>,
    options: &ScanOptions,
) -> ScanOutput {
    let inputs: Vec<Input> = files.iter().cloned().map(Input::path).collect();
    scan_with(inputs, rules, analyzers, options, &()).0
}

/// Scans named streams: `(name, reader)` pairs, e.g. S3 objects as `s3://bucket/key` and
/// their bodies (see [`Input::reader`]). The iterator is pulled from several threads (one
/// input per thread at a time), so it can list and open lazily.
pub fn scan_readers<I>(
    inputs: I,
    rules: &Ruleset,
    analyzers: Vec<Box<dyn Analyzer>>,
    options: &ScanOptions,
) -> ScanOutput
where
    I: IntoIterator<Item = (String, Box<dyn Read + Send>)>,
    I::IntoIter: Send,
{
    let inputs = inputs
        .into_iter()
        .map(|(name, reader)| Input::reader(name, reader));
    scan_with(inputs, rules, analyzers, options, &()).0
}

/// The general entry point: scans `inputs` (files or streams, read in parallel) with `rules`
/// and `analyzers`, and runs `visitor` on every kept event; returns the output and the
/// visitor's states, one per input, in input order. The output does not depend on thread
/// timing. The hits are all in memory (`ScanOutput::hits`); [`scan_sorted`] keeps memory
/// flat instead.
pub fn scan_with<I, V>(
    inputs: I,
    rules: &Ruleset,
    analyzers: Vec<Box<dyn Analyzer>>,
    options: &ScanOptions,
    visitor: &V,
) -> (ScanOutput, Vec<V::State>)
where
    I: IntoIterator<Item = Input>,
    I::IntoIter: Send,
    V: Visitor,
{
    let (mut output, hits, states) =
        scan_sorted(inputs, rules, analyzers, options, visitor, usize::MAX);
    // Never written out (no budget), so never an I/O error.
    output.hits = hits.into_vec().unwrap_or_default();
    (output, states)
}

/// [`scan_with`] with the hits kept apart, in report order, in at most about `budget` bytes
/// of memory (see [`crate::hits`]; [`crate::hits::DEFAULT_BUDGET`] is a good value): beyond
/// that they are sorted into runs written to temporary files, merged when read. The returned
/// output's `hits` is empty. A de-duplicating scan (`options.dedup`) keeps every hit in
/// memory: the file a hit names is known only at the end.
pub fn scan_sorted<I, V>(
    inputs: I,
    rules: &Ruleset,
    analyzers: Vec<Box<dyn Analyzer>>,
    options: &ScanOptions,
    visitor: &V,
    budget: usize,
) -> (ScanOutput, SortedHits, Vec<V::State>)
where
    I: IntoIterator<Item = Input>,
    I::IntoIter: Send,
    V: Visitor,
{
    let run = Run {
        rules,
        analyzers: Analyzers::new(analyzers),
        options,
        seen: options.dedup.then(Seen::new),
        visitor,
    };
    let store = Mutex::new(HitStore::new(if options.dedup {
        usize::MAX
    } else {
        budget
    }));
    // One buffer per worker, reused from input to input (no fresh pages to fault in), freed
    // at the end of the run.
    let buffers: Mutex<Vec<Buffer>> = Mutex::new(Vec::new());
    let take = || match buffers.lock() {
        Ok(mut b) => b.pop().unwrap_or_default(),
        Err(_) => Buffer::new(),
    };
    let mut results: Vec<(usize, FileResult<V::State>)> = inputs
        .into_iter()
        .enumerate()
        .par_bridge()
        .map(|(i, input)| {
            let mut buf = take();
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            let mut result = run.input(index, input, &mut buf);
            if let Ok(mut b) = buffers.lock() {
                b.push(buf);
            }
            let hits = std::mem::take(&mut result.hits);
            match store.lock() {
                Ok(mut store) => store.add(index, &result.name, &hits),
                Err(poisoned) => poisoned.into_inner().add(index, &result.name, &hits),
            }
            (i, result)
        })
        .collect();
    results.sort_by_key(|(i, _)| *i);
    let Run {
        analyzers,
        mut seen,
        ..
    } = run;
    let mut store = match store.into_inner() {
        Ok(store) => store,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut output = ScanOutput::default();
    let mut states = Vec::with_capacity(results.len());
    for (_, r) in results {
        output.files += usize::from(r.read);
        output.files_skipped += usize::from(!r.read);
        output.events += r.events;
        output.events_filtered += r.filtered;
        output.duplicates += r.duplicates;
        output.bytes += r.bytes;
        output.disk_bytes += r.disk_bytes;
        output.errors.extend(r.errors);
        if let Some(first) = r.first_event
            && output.first_event.as_ref().is_none_or(|f| first < *f)
        {
            output.first_event = Some(first);
        }
        if let Some(last) = r.last_event
            && output.last_event.as_ref().is_none_or(|l| last > *l)
        {
            output.last_event = Some(last);
        }
        states.push(r.state);
    }
    store.add_analyzer_hits(analyzers.finish());
    if let Some(seen) = &mut seen {
        // Name the first input (in input order) holding a duplicated event.
        store.rename_files(|id| seen.lowest_file(id));
    }
    (output, store.finish(), states)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use phiguard_model::Severity;

    use super::*;
    use crate::reader::Skipped;
    use crate::rule::{Rule, RuleSource};

    struct Named(&'static str);

    impl Rule for Named {
        fn id(&self) -> &str {
            self.0
        }
        fn title(&self) -> &str {
            "test rule"
        }
        fn severity(&self) -> Severity {
            Severity::High
        }
        fn source(&self) -> RuleSource {
            RuleSource::Hipaa
        }
        fn event_names(&self) -> Option<Vec<String>> {
            Some(vec![self.0.to_string()])
        }
        fn matches(&self, _: &Event<'_>) -> bool {
            true
        }
    }

    /// Counts events per file, to check analyzers see each kept event once.
    #[derive(Default)]
    struct Counter(Vec<String>);

    impl Analyzer for Counter {
        fn observe(&mut self, event: &Event<'_>, _: &str) {
            self.0.push(event.event_name.to_string());
        }
        fn finish(self: Box<Self>) -> Vec<Hit> {
            let mut hits = Vec::new();
            if self.0.len() >= 3 {
                let event: Event<'_> = serde_json::from_str(
                    r#"{"eventTime":"2026-01-09T00:00:09Z","eventSource":"x","eventName":"Burst"}"#,
                )
                .unwrap();
                hits.push(Hit::new(&Named("BURST"), &event, "-"));
            }
            hits
        }
    }

    fn record(id: u32, name: &str, account: &str) -> String {
        format!(
            r#"{{"eventTime":"2026-01-0{day}T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","recipientAccountId":"{account}","eventID":"00000000-0000-0000-0000-00000000000{id}"}}"#,
            day = id % 9 + 1
        )
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut file = std::fs::File::create(&path).unwrap();
        if name.ends_with(".gz") {
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            gz.write_all(text.as_bytes()).unwrap();
            gz.finish().unwrap();
        } else {
            file.write_all(text.as_bytes()).unwrap();
        }
        path
    }

    fn tempdir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("phiguard-trail-scan-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn rules() -> Ruleset {
        let mut rules = Ruleset::new();
        rules.add(Box::new(Named("StopLogging")));
        rules.add(Box::new(Named("DeleteTrail")));
        rules
    }

    #[test]
    fn scans_folders_in_parallel_and_reports_bad_files() {
        let dir = tempdir("basic");
        let a = format!(
            "{{\"Records\":[{},{}]}}",
            record(1, "StopLogging", "111122223333"),
            record(2, "ListBuckets", "111122223333")
        );
        write(&dir, "a/one.json.gz", &a);
        write(
            &dir,
            "b/two.json",
            &format!("[{}]", record(3, "DeleteTrail", "444455556666")),
        );
        write(&dir, "b/bad.json", "{\"Records\":[");
        write(&dir, "b/notes.txt", "not read");
        let output = scan(
            &[dir.clone(), dir.join("missing")],
            &rules(),
            vec![Box::new(Counter::default())],
            &ScanOptions::default(),
        );
        assert_eq!(output.files, 3);
        assert_eq!(output.events, 3);
        let ids: Vec<_> = output.hits.iter().map(|h| h.rule_id.as_str()).collect();
        assert_eq!(ids, ["StopLogging", "DeleteTrail", "BURST"]);
        assert_eq!(output.errors.len(), 2, "{:?}", output.errors);
        assert!(output.errors[0].file.ends_with("missing"));
        assert!(output.errors[1].file.ends_with("bad.json"));
        assert_eq!(output.errors[1].skipped, Skipped::File);
        assert_eq!(output.errors[1].offset, Some(12));
    }

    #[test]
    fn sorted_hits_spill_and_keep_the_order_of_the_in_memory_report() {
        let dir = tempdir("sorted");
        // Files named against input order, equal event times and ids across files.
        let mut paths = Vec::new();
        for f in 0..30 {
            let records: Vec<String> = (0..20)
                .map(|k| {
                    let name = if k % 2 == 0 {
                        "StopLogging"
                    } else {
                        "DeleteTrail"
                    };
                    record(k % 9, name, "111122223333")
                })
                .collect();
            let name = format!("{:02}.json", 29 - f);
            paths.push(write(&dir, &name, &format!("[{}]", records.join(","))));
        }
        let inputs = || paths.iter().cloned().map(Input::path).collect::<Vec<_>>();
        let analyzers = || -> Vec<Box<dyn Analyzer>> { vec![Box::new(Counter::default())] };
        let options = ScanOptions::default();
        let (all, _) = scan_with(inputs(), &rules(), analyzers(), &options, &());
        let (out, sorted, _) = scan_sorted(inputs(), &rules(), analyzers(), &options, &(), 512);
        assert_eq!(all.hits.len(), 30 * 20 + 1);
        assert!(out.hits.is_empty());
        assert_eq!(out.events, all.events);
        assert!(sorted.runs() > 1, "{sorted:?}");
        assert_eq!(sorted.len(), all.hits.len() as u64);
        assert_eq!(sorted.max_severity(), Some(Severity::High));
        let streamed: Vec<Hit> = sorted.iter().unwrap().map(Result::unwrap).collect();
        assert_eq!(streamed, all.hits);
        // Sorted by time, then rule, then file name.
        assert!(all.hits.windows(2).all(|w| {
            (&w[0].event_time, &w[0].rule_id, &w[0].file)
                <= (&w[1].event_time, &w[1].rule_id, &w[1].file)
        }));
    }

    #[test]
    fn filters_and_dedup() {
        let dir = tempdir("filters");
        let text = format!(
            "[{},{},{}]",
            record(1, "StopLogging", "111122223333"),
            record(2, "DeleteTrail", "111122223333"),
            record(3, "DeleteTrail", "444455556666")
        );
        let one = write(&dir, "1.json", &text);
        let two = write(&dir, "2.json", &text);
        let options = ScanOptions {
            dedup: true,
            ..ScanOptions::default()
        };
        let output = scan_files(&[two.clone(), one.clone()], &rules(), vec![], &options);
        assert_eq!((output.events, output.duplicates), (3, 3));
        assert_eq!(output.hits.len(), 3);
        // The first file in input order is named, whichever thread won.
        assert!(
            output
                .hits
                .iter()
                .all(|h| h.file == two.display().to_string())
        );

        let options = ScanOptions {
            filter: Filter {
                account: Some("111122223333".into()),
                since: Some("2026-01-03T00:00:00Z".parse().unwrap()),
                ..Filter::default()
            },
            ..ScanOptions::default()
        };
        let output = scan_files(&[one], &rules(), vec![], &options);
        assert_eq!((output.events, output.events_filtered), (1, 2));
        assert_eq!(output.hits[0].event_time, "2026-01-03T00:00:00Z");
    }

    #[test]
    fn key_layout_skips_files_outside_the_filters() {
        let dir = tempdir("layout");
        let text = format!("[{}]", record(1, "StopLogging", "111122223333"));
        let base = "AWSLogs/111122223333/CloudTrail/us-east-1/2026";
        write(&dir, &format!("{base}/01/02/a.json.gz"), &text);
        write(&dir, &format!("{base}/03/01/b.json.gz"), &text);
        write(
            &dir,
            "AWSLogs/111122223333/CloudTrail-Digest/x.json.gz",
            "not a log",
        );
        let options = ScanOptions {
            filter: Filter {
                until: Some("2026-02-01T00:00:00Z".parse().unwrap()),
                ..Filter::default()
            },
            ..ScanOptions::default()
        };
        let output = scan(&[dir], &rules(), vec![], &options);
        assert_eq!((output.files, output.files_skipped), (1, 1));
        assert_eq!(output.hits.len(), 1);
        assert!(output.errors.is_empty());
    }

    /// Counts events per input.
    struct Count;

    impl Visitor for Count {
        type State = (u64, usize);
        fn start(&self) -> (u64, usize) {
            (0, 0)
        }
        fn visit(&self, state: &mut (u64, usize), _: &Event<'_>, _: &str, hits: &[Hit]) {
            state.0 += 1;
            state.1 += hits.len();
        }
    }

    #[test]
    fn named_readers_are_scanned_like_files() {
        let text = format!(
            "{{\"Records\":[{},{}]}}",
            record(1, "StopLogging", "111122223333"),
            record(2, "ListBuckets", "111122223333")
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let key = "s3://bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01";
        let inputs: Vec<(String, Box<dyn Read + Send>)> = vec![
            (
                format!("{key}/02/a.json.gz"),
                Box::new(std::io::Cursor::new(gz.clone())),
            ),
            (
                format!("{key}/20/b.json"),
                Box::new(std::io::Cursor::new(text.clone().into_bytes())),
            ),
            (
                format!("{key}/21/cut.json.gz"),
                Box::new(std::io::Cursor::new(gz[..gz.len() / 2].to_vec())),
            ),
        ];
        let output = scan_readers(inputs, &rules(), vec![], &ScanOptions::default());
        assert_eq!((output.files, output.events), (3, 4));
        // A failed input counts no bytes (as for files).
        assert_eq!(output.disk_bytes, (gz.len() + text.len()) as u64);
        assert_eq!(output.bytes, 2 * text.len() as u64);
        assert_eq!(output.hits.len(), 2);
        assert_eq!(output.hits[0].file, format!("{key}/02/a.json.gz"));
        assert_eq!(output.errors.len(), 1);
        assert!(
            output.errors[0].message.starts_with("gzip: "),
            "{:?}",
            output.errors
        );
        assert_eq!(output.first_event.as_deref(), Some("2026-01-02T00:00:00Z"));
        assert_eq!(output.last_event.as_deref(), Some("2026-01-03T00:00:00Z"));

        // The key layout prunes before reading; visitor states come back in input order.
        let options = ScanOptions {
            filter: Filter {
                until: Some("2026-01-10T00:00:00Z".parse().unwrap()),
                ..Filter::default()
            },
            ..ScanOptions::default()
        };
        let inputs = vec![
            Input::reader(
                format!("{key}/20/b.json"),
                Box::new(std::io::Cursor::new(text.clone().into_bytes())),
            ),
            Input::reader(
                format!("{key}/02/a.json.gz"),
                Box::new(std::io::Cursor::new(gz)),
            ),
        ];
        let (output, states) = scan_with(inputs, &rules(), vec![], &options, &Count);
        assert_eq!((output.files, output.files_skipped), (1, 1));
        assert_eq!(states, vec![(0, 0), (2, 1)]);
    }

    #[test]
    fn a_2_gib_file_is_refused_without_reading_it() {
        let dir = tempdir("sparse");
        let path = dir.join("huge.json");
        // Sparse: no disk space, and the scan must not read it either.
        std::fs::File::create(&path)
            .unwrap()
            .set_len(2 << 30)
            .unwrap();
        let output = scan_files(&[path], &rules(), vec![], &ScanOptions::default());
        assert_eq!(output.errors.len(), 1);
        assert_eq!(
            output.errors[0].message,
            "larger than the 1073741824-byte limit; raise `--max-file-size` to read it"
        );
        assert_eq!(output.bytes, 0);
    }

    #[test]
    fn oversized_and_truncated_files_are_errors() {
        let dir = tempdir("limits");
        let text = format!("[{}]", record(1, "StopLogging", "111122223333"));
        let plain = write(&dir, "big.json", &text);
        let gz = write(&dir, "big.json.gz", &text);
        let bytes = std::fs::read(&gz).unwrap();
        let cut = dir.join("cut.json.gz");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let options = ScanOptions {
            max_file_size: 64,
            ..ScanOptions::default()
        };
        let mut output = scan_files(&[plain, gz], &rules(), vec![], &options);
        let cut = scan_files(&[cut], &rules(), vec![], &ScanOptions::default());
        output.errors.extend(cut.errors);
        assert!(output.hits.is_empty() && cut.hits.is_empty());
        let messages: Vec<_> = output.errors.iter().map(|e| e.message.as_str()).collect();
        assert!(
            messages[0].contains("larger than the 64-byte limit"),
            "{messages:?}"
        );
        assert!(messages[1].contains("once decompressed"), "{messages:?}");
        assert!(messages[2].starts_with("gzip: "), "{messages:?}");
    }
}
