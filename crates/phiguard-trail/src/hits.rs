//! Hits kept for the sorted report without letting memory grow with the input: each hit is
//! encoded compactly (no allocation per field), and once the hits in memory pass a budget
//! they are sorted and written to a temporary file as one *run*; the report then reads the
//! runs back merged ([`SortedHits::iter`]). Memory stays flat in the number of hits (the
//! budget, plus a read buffer per run while merging).
//!
//! The order is the report's: event time, rule id, file name, event id, and for hits equal on
//! all four, the order they were found in (inputs in input order, then the analyzers'
//! hits), as a stable sort of all the hits would give.

use std::cmp::Ordering;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use phiguard_model::Severity;

use crate::event::Event;
use crate::rule::{Hit, Rule, RuleSource};

/// Encoded bytes kept in memory before a run is written out.
pub const DEFAULT_BUDGET: usize = 8 << 20;

/// `input` of the analyzers' hits (after every input).
const ANALYZERS: u32 = u32::MAX;

/// Marks a `None` string.
const NONE: u32 = u32::MAX;

/// The fields of a hit, borrowed, in encoding order.
struct Fields<'h> {
    severity: Severity,
    source: RuleSource,
    event_time: &'h str,
    rule_id: &'h str,
    event_id: Option<&'h str>,
    title: &'h str,
    event_source: &'h str,
    event_name: &'h str,
    principal: Option<&'h str>,
    source_ip: Option<&'h str>,
    region: Option<&'h str>,
    account: Option<&'h str>,
}

fn put(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(t) => {
            // Strings longer than 4 GiB cannot come from a file under the size cap.
            let len = u32::try_from(t.len()).unwrap_or(NONE - 1).min(NONE - 1);
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&t.as_bytes()[..len as usize]);
        }
        None => out.extend_from_slice(&NONE.to_le_bytes()),
    }
}

/// Appends one encoded hit: `[len u32][input u32][pos u32][file u32][severity u8][source u8]`
/// then the strings, each `[len u32][bytes]` (`len` = `u32::MAX` for `None`).
fn encode(out: &mut Vec<u8>, input: u32, pos: u32, file: u32, f: &Fields<'_>) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&input.to_le_bytes());
    out.extend_from_slice(&pos.to_le_bytes());
    out.extend_from_slice(&file.to_le_bytes());
    let severity = Severity::ALL
        .iter()
        .position(|s| *s == f.severity)
        .unwrap_or(0);
    out.push(severity as u8);
    out.push(match f.source {
        RuleSource::Cis => 0,
        RuleSource::Hipaa => 1,
        RuleSource::Sigma => 2,
    });
    for text in [
        Some(f.event_time),
        Some(f.rule_id),
        f.event_id,
        Some(f.title),
        Some(f.event_source),
        Some(f.event_name),
        f.principal,
        f.source_ip,
        f.region,
        f.account,
    ] {
        put(out, text);
    }
    let len = u32::try_from(out.len() - start).unwrap_or(NONE);
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
}

/// One encoded hit (its length prefix included).
#[derive(Clone, Copy)]
struct Encoded<'b>(&'b [u8]);

impl<'b> Encoded<'b> {
    fn u32_at(&self, at: usize) -> u32 {
        let mut word = [0u8; 4];
        if let Some(bytes) = self.0.get(at..at + 4) {
            word.copy_from_slice(bytes);
        }
        u32::from_le_bytes(word)
    }
    fn input(&self) -> u32 {
        self.u32_at(4)
    }
    fn pos(&self) -> u32 {
        self.u32_at(8)
    }
    fn file(&self) -> u32 {
        self.u32_at(12)
    }
    /// The strings, in encoding order.
    fn strings(&self) -> Strings<'b> {
        Strings {
            bytes: self.0,
            at: 18,
        }
    }
    fn severity(&self) -> Severity {
        let i = self.0.get(16).copied().unwrap_or(0) as usize;
        Severity::ALL.get(i).copied().unwrap_or(Severity::Info)
    }
    fn source(&self) -> RuleSource {
        match self.0.get(17) {
            Some(0) => RuleSource::Cis,
            Some(1) => RuleSource::Hipaa,
            _ => RuleSource::Sigma,
        }
    }
}

struct Strings<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Strings<'b> {
    /// The next string (`None` for a `None`; an empty string if the bytes are cut short).
    fn next_str(&mut self) -> Option<&'b str> {
        self.next_bytes()
            .map(|b| std::str::from_utf8(b).unwrap_or(""))
    }

    /// The next string's bytes, not checked as UTF-8 (to compare: the order of UTF-8 bytes
    /// is the order of their strings).
    fn next_bytes(&mut self) -> Option<&'b [u8]> {
        let mut word = [0u8; 4];
        if let Some(bytes) = self.bytes.get(self.at..self.at + 4) {
            word.copy_from_slice(bytes);
        }
        self.at += 4;
        let len = u32::from_le_bytes(word);
        if len == NONE {
            return None;
        }
        let end = self.at + len as usize;
        let bytes = self.bytes.get(self.at..end).unwrap_or_default();
        self.at = end;
        Some(bytes)
    }
}

/// The order of the report; `names` gives file names by index.
fn compare(a: Encoded<'_>, b: Encoded<'_>, names: &[Option<String>]) -> Ordering {
    // Strings compared as bytes: hits were encoded from `&str`, whose order is their bytes'.
    let (mut sa, mut sb) = (a.strings(), b.strings());
    let time = sa.next_bytes().cmp(&sb.next_bytes());
    if time != Ordering::Equal {
        return time;
    }
    let rule = sa.next_bytes().cmp(&sb.next_bytes());
    if rule != Ordering::Equal {
        return rule;
    }
    let name = |i: u32| {
        names
            .get(i as usize)
            .and_then(Option::as_deref)
            .unwrap_or("")
    };
    if a.file() != b.file() {
        let file = name(a.file()).cmp(name(b.file()));
        if file != Ordering::Equal {
            return file;
        }
    }
    sa.next_bytes()
        .cmp(&sb.next_bytes())
        .then_with(|| (a.input(), a.pos()).cmp(&(b.input(), b.pos())))
}

/// Encoded hits in memory: the bytes and where each hit starts.
#[derive(Default)]
pub(crate) struct Batch {
    bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl Batch {
    /// Records a hit of `rule` on `event`, the `pos`-th hit of input `input`.
    pub(crate) fn push_rule(&mut self, input: u32, rule: &dyn Rule, event: &Event<'_>) {
        let identity = event.user_identity.as_ref();
        let pos = u32::try_from(self.starts.len()).unwrap_or(NONE);
        self.starts.push(self.bytes.len());
        encode(
            &mut self.bytes,
            input,
            pos,
            input,
            &Fields {
                severity: rule.severity(),
                source: rule.source(),
                event_time: &event.event_time,
                rule_id: rule.id(),
                event_id: event.event_id.as_deref(),
                title: rule.title(),
                event_source: &event.event_source,
                event_name: &event.event_name,
                principal: identity.and_then(|u| u.arn.as_deref().or(u.identity_type.as_deref())),
                source_ip: event.source_ip_address.as_deref(),
                region: event.aws_region.as_deref(),
                account: event.recipient_account_id.as_deref(),
            },
        );
    }

    /// Records a hit as given (an analyzer's), the `pos`-th of input `input`, from file
    /// number `file`.
    fn push_hit(&mut self, input: u32, file: u32, hit: &Hit) {
        let pos = u32::try_from(self.starts.len()).unwrap_or(NONE);
        self.starts.push(self.bytes.len());
        encode(
            &mut self.bytes,
            input,
            pos,
            file,
            &Fields {
                severity: hit.severity,
                source: hit.source,
                event_time: &hit.event_time,
                rule_id: &hit.rule_id,
                event_id: hit.event_id.as_deref(),
                title: &hit.title,
                event_source: &hit.event_source,
                event_name: &hit.event_name,
                principal: hit.principal.as_deref(),
                source_ip: hit.source_ip.as_deref(),
                region: hit.region.as_deref(),
                account: hit.account.as_deref(),
            },
        );
    }

    /// Number of hits.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    fn get(&self, i: usize) -> Encoded<'_> {
        let start = self.starts.get(i).copied().unwrap_or(0);
        let len = Encoded(self.bytes.get(start..).unwrap_or_default()).u32_at(0) as usize;
        Encoded(self.bytes.get(start..start + len).unwrap_or_default())
    }

    fn sort(&mut self, names: &[Option<String>]) {
        use rayon::slice::ParallelSliceMut;
        let mut starts = std::mem::take(&mut self.starts);
        // A total order (ties broken by where the hits were found): unstable is exact.
        starts.par_sort_unstable_by(|a, b| {
            let at = |s: usize| {
                let len = Encoded(self.bytes.get(s..).unwrap_or_default()).u32_at(0) as usize;
                Encoded(self.bytes.get(s..s + len).unwrap_or_default())
            };
            compare(at(*a), at(*b), names)
        });
        self.starts = starts;
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.starts.clear();
    }
}

fn decode(e: Encoded<'_>, file: &str) -> Hit {
    let mut s = e.strings();
    let owned = |t: Option<&str>| t.map(str::to_string);
    let event_time = s.next_str().unwrap_or_default().to_string();
    let rule_id = s.next_str().unwrap_or_default().to_string();
    let event_id = owned(s.next_str());
    let title = s.next_str().unwrap_or_default().to_string();
    let event_source = s.next_str().unwrap_or_default().to_string();
    let event_name = s.next_str().unwrap_or_default().to_string();
    Hit {
        rule_id,
        title,
        severity: e.severity(),
        source: e.source(),
        file: file.to_string(),
        event_id,
        event_time,
        event_source,
        event_name,
        principal: owned(s.next_str()),
        source_ip: owned(s.next_str()),
        region: owned(s.next_str()),
        account: owned(s.next_str()),
    }
}

/// Where the hits of a scan accumulate (see the module documentation).
pub(crate) struct HitStore {
    budget: usize,
    /// Hits not written out yet.
    batch: Batch,
    /// Sorted runs written out: unnamed temporary files.
    runs: Vec<File>,
    /// File names by number (inputs by input index, then names only analyzers gave).
    names: Vec<Option<String>>,
    count: u64,
    max_severity: Option<Severity>,
    /// An error writing a run: hits were lost, reported at the end.
    error: Option<io::Error>,
}

impl HitStore {
    /// A store keeping at most `budget` encoded bytes in memory (`usize::MAX`: never spill).
    pub(crate) fn new(budget: usize) -> HitStore {
        HitStore {
            budget,
            batch: Batch::default(),
            runs: Vec::new(),
            names: Vec::new(),
            count: 0,
            max_severity: None,
            error: None,
        }
    }

    fn name_input(&mut self, input: u32, name: &str) {
        let i = input as usize;
        if self.names.len() <= i {
            self.names.resize(i + 1, None);
        }
        if self.names[i].is_none() {
            self.names[i] = Some(name.to_string());
        }
    }

    /// Takes the hits of input number `input`, named `name`.
    pub(crate) fn add(&mut self, input: u32, name: &str, batch: &Batch) {
        self.name_input(input, name);
        if batch.is_empty() {
            return;
        }
        for i in 0..batch.len() {
            let hit = batch.get(i);
            self.count += 1;
            self.max_severity = self.max_severity.max(Some(hit.severity()));
        }
        let offset = self.batch.bytes.len();
        self.batch.bytes.extend_from_slice(&batch.bytes);
        self.batch
            .starts
            .extend(batch.starts.iter().map(|s| s + offset));
        if self.batch.bytes.len() >= self.budget {
            self.spill();
        }
    }

    /// Takes the analyzers' hits (after every input), naming each hit's file by the first
    /// input of that name.
    pub(crate) fn add_analyzer_hits(&mut self, hits: Vec<Hit>) {
        let mut index: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        for (i, name) in self.names.iter().enumerate() {
            if let Some(name) = name {
                index
                    .entry(name.clone())
                    .or_insert(u32::try_from(i).unwrap_or(NONE));
            }
        }
        let mut batch = Batch::default();
        for hit in hits {
            let file = match index.get(&hit.file) {
                Some(i) => *i,
                None => {
                    let i = u32::try_from(self.names.len()).unwrap_or(NONE);
                    self.names.push(Some(hit.file.clone()));
                    index.insert(hit.file.clone(), i);
                    i
                }
            };
            batch.push_hit(ANALYZERS, file, &hit);
        }
        for i in 0..batch.len() {
            self.count += 1;
            self.max_severity = self.max_severity.max(Some(batch.get(i).severity()));
        }
        let offset = self.batch.bytes.len();
        self.batch.bytes.extend_from_slice(&batch.bytes);
        self.batch
            .starts
            .extend(batch.starts.iter().map(|s| s + offset));
        if self.batch.bytes.len() >= self.budget {
            self.spill();
        }
    }

    /// Names every hit's file by `lowest(event id)` when it gives an input number (the
    /// first input holding a duplicated event). Only before anything was written out: a
    /// de-duplicating scan never spills.
    pub(crate) fn rename_files(&mut self, mut lowest: impl FnMut(&str) -> Option<u32>) {
        let bytes = &mut self.batch.bytes;
        for &start in &self.batch.starts {
            let file = {
                let len = Encoded(bytes.get(start..).unwrap_or_default()).u32_at(0) as usize;
                let hit = Encoded(bytes.get(start..start + len).unwrap_or_default());
                let mut s = hit.strings();
                s.next_bytes();
                s.next_bytes();
                s.next_str().and_then(&mut lowest)
            };
            if let Some(file) = file
                && (file as usize) < self.names.len()
                && self.names[file as usize].is_some()
                && let Some(slot) = bytes.get_mut(start + 12..start + 16)
            {
                slot.copy_from_slice(&file.to_le_bytes());
            }
        }
    }

    /// Sorts the hits in memory and writes them out as a run.
    fn spill(&mut self) {
        if self.error.is_some() {
            return;
        }
        self.batch.sort(&self.names);
        match write_run(&self.batch) {
            Ok(file) => {
                self.runs.push(file);
                self.batch.clear();
                if self.batch.bytes.capacity() > self.budget.saturating_mul(2) {
                    self.batch.bytes.shrink_to(self.budget);
                }
            }
            // Keep the hits in memory: correct, only not flat.
            Err(e) => self.error = Some(e),
        }
    }

    /// The hits, sorted.
    pub(crate) fn finish(mut self) -> SortedHits {
        self.batch.sort(&self.names);
        SortedHits { store: self }
    }
}

/// Writes a sorted batch to an unnamed temporary file.
fn write_run(batch: &Batch) -> io::Result<File> {
    let mut out = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
    for i in 0..batch.len() {
        out.write_all(batch.get(i).0)?;
    }
    let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(file)
}

/// The hits of a scan in report order, possibly partly on disk (see the module
/// documentation). Read them with [`SortedHits::iter`] (as often as needed).
pub struct SortedHits {
    store: HitStore,
}

impl std::fmt::Debug for SortedHits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SortedHits")
            .field("len", &self.store.count)
            .field("runs", &self.store.runs.len())
            .finish_non_exhaustive()
    }
}

impl SortedHits {
    /// Number of hits.
    pub fn len(&self) -> u64 {
        self.store.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.store.count == 0
    }

    /// The highest severity of a hit.
    pub fn max_severity(&self) -> Option<Severity> {
        self.store.max_severity
    }

    /// Runs written to temporary files (0 when every hit fitted in memory).
    pub fn runs(&self) -> usize {
        self.store.runs.len()
    }

    /// The hits in report order. Fails if a run could not be written or read back.
    pub fn iter(&self) -> io::Result<HitIter<'_>> {
        if let Some(e) = &self.store.error {
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        let mut runs = Vec::with_capacity(self.store.runs.len());
        for file in &self.store.runs {
            let mut file = file.try_clone()?;
            file.seek(SeekFrom::Start(0))?;
            let mut run = RunReader {
                input: BufReader::with_capacity(1 << 16, file),
                current: Vec::new(),
                done: false,
            };
            run.advance()?;
            runs.push(run);
        }
        Ok(HitIter {
            hits: self,
            next_in_memory: 0,
            runs,
        })
    }

    /// Every hit, in memory.
    pub fn into_vec(self) -> io::Result<Vec<Hit>> {
        self.iter()?.collect()
    }
}

/// A JSON (or other serde) sequence of the hits in report order, read as it is written: a
/// report can embed `&SortedHits` where it had `&[Hit]`, with the same output.
impl serde::Serialize for SortedHits {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let hits = self.iter().map_err(S::Error::custom)?;
        let mut seq = serializer.serialize_seq(usize::try_from(self.len()).ok())?;
        for hit in hits {
            seq.serialize_element(&hit.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

/// A run read back hit by hit.
struct RunReader {
    input: BufReader<File>,
    /// The hit at the head of the run.
    current: Vec<u8>,
    done: bool,
}

impl RunReader {
    fn advance(&mut self) -> io::Result<()> {
        let mut len = [0u8; 4];
        match self.input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                self.done = true;
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        let total = u32::from_le_bytes(len) as usize;
        if total < 18 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "corrupt temporary file of hits",
            ));
        }
        self.current.clear();
        self.current.extend_from_slice(&len);
        self.current.resize(total, 0);
        self.input.read_exact(&mut self.current[4..])
    }
}

/// Iterator over [`SortedHits`]: merges the runs on disk and the hits in memory.
pub struct HitIter<'h> {
    hits: &'h SortedHits,
    next_in_memory: usize,
    runs: Vec<RunReader>,
}

impl Iterator for HitIter<'_> {
    type Item = io::Result<Hit>;

    fn next(&mut self) -> Option<io::Result<Hit>> {
        let store = &self.hits.store;
        let names = &store.names;
        // The smallest head: `None` for the hits in memory, `Some(i)` for run `i`.
        let mut best: Option<(Option<usize>, Encoded<'_>)> = None;
        if self.next_in_memory < store.batch.len() {
            best = Some((None, store.batch.get(self.next_in_memory)));
        }
        for (i, run) in self.runs.iter().enumerate() {
            if run.done {
                continue;
            }
            let head = Encoded(&run.current);
            if best
                .as_ref()
                .is_none_or(|(_, b)| compare(head, *b, names) == Ordering::Less)
            {
                best = Some((Some(i), head));
            }
        }
        let (from, encoded) = best?;
        let name = names
            .get(encoded.file() as usize)
            .and_then(Option::as_deref)
            .unwrap_or("");
        let hit = decode(encoded, name);
        match from {
            None => self.next_in_memory += 1,
            Some(i) => {
                if let Some(run) = self.runs.get_mut(i)
                    && let Err(e) = run.advance()
                {
                    run.done = true;
                    return Some(Err(e));
                }
            }
        }
        Some(Ok(hit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(time: &str, rule: &str, file: &str, id: Option<&str>, title: &str) -> Hit {
        Hit {
            rule_id: rule.to_string(),
            title: title.to_string(),
            severity: Severity::High,
            source: RuleSource::Hipaa,
            file: file.to_string(),
            event_id: id.map(str::to_string),
            event_time: time.to_string(),
            event_source: "s".to_string(),
            event_name: "n".to_string(),
            principal: None,
            source_ip: Some("192.0.2.1".to_string()),
            region: None,
            account: Some("111122223333".to_string()),
        }
    }

    /// The reference: a stable sort of the hits in the order they were found.
    fn reference(mut hits: Vec<Hit>) -> Vec<Hit> {
        hits.sort_by(|a, b| {
            (&a.event_time, &a.rule_id, &a.file, &a.event_id).cmp(&(
                &b.event_time,
                &b.rule_id,
                &b.file,
                &b.event_id,
            ))
        });
        hits
    }

    /// Hits from `inputs` files (`(input, file name, hits)`), then analyzer hits, through a
    /// store of `budget` bytes.
    fn through(budget: usize, inputs: &[(u32, &str, Vec<Hit>)], analyzers: Vec<Hit>) -> SortedHits {
        let mut store = HitStore::new(budget);
        for (input, name, hits) in inputs {
            let mut batch = Batch::default();
            for h in hits {
                batch.push_hit(*input, *input, h);
            }
            store.add(*input, name, &batch);
        }
        store.add_analyzer_hits(analyzers);
        store.finish()
    }

    #[test]
    fn spilled_runs_merge_into_the_order_of_a_stable_sort() {
        let mut inputs = Vec::new();
        let mut all = Vec::new();
        // Inputs out of name order, equal keys within and across runs, a name given twice.
        let names = ["b.json", "a.json", "c.json", "a.json"];
        for (i, name) in names.iter().enumerate() {
            let mut hits = Vec::new();
            for k in 0..40u32 {
                let time = format!("2026-01-0{}T00:00:00Z", (k * 7 + i as u32) % 5 + 1);
                let rule = ["R1", "R2"][(k % 2) as usize];
                let id = (k % 3 != 0).then(|| format!("id-{}", k % 4));
                hits.push(hit(&time, rule, name, id.as_deref(), &format!("t{i}-{k}")));
            }
            all.extend(hits.clone());
            inputs.push((i as u32, *name, hits));
        }
        let analyzers = vec![
            hit(
                "2026-01-03T00:00:00Z",
                "R1",
                "a.json",
                Some("id-1"),
                "burst",
            ),
            hit(
                "2026-01-01T00:00:00Z",
                "BURST",
                "elsewhere.json",
                None,
                "burst 2",
            ),
        ];
        all.extend(analyzers.clone());
        let expected = reference(all);
        for budget in [usize::MAX, 1, 200, 5000] {
            let sorted = through(budget, &inputs, analyzers.clone());
            assert_eq!(sorted.len(), expected.len() as u64);
            if budget < 5000 {
                assert!(sorted.runs() > 1, "{budget}: {}", sorted.runs());
            }
            // Twice: the iterator starts over.
            for _ in 0..2 {
                let got: Vec<Hit> = sorted.iter().unwrap().map(Result::unwrap).collect();
                assert_eq!(got, expected, "budget {budget}");
            }
            // Serialized as the slice would be.
            assert_eq!(
                serde_json::to_string_pretty(&sorted).unwrap(),
                serde_json::to_string_pretty(&expected).unwrap()
            );
            assert_eq!(sorted.max_severity(), Some(Severity::High));
        }
    }

    #[test]
    fn files_are_renamed_before_sorting() {
        let inputs = vec![
            (0, "z.json", vec![hit("t", "R", "z.json", Some("e1"), "x")]),
            (1, "a.json", vec![hit("t", "R", "a.json", Some("e2"), "x")]),
        ];
        let mut store = HitStore::new(usize::MAX);
        for (input, name, hits) in &inputs {
            let mut batch = Batch::default();
            for h in hits {
                batch.push_hit(*input, *input, h);
            }
            store.add(*input, name, &batch);
        }
        // e2 was first seen in input 0.
        store.rename_files(|id| (id == "e2").then_some(0));
        let hits = store.finish().into_vec().unwrap();
        let files: Vec<_> = hits.iter().map(|h| h.file.as_str()).collect();
        assert_eq!(files, ["z.json", "z.json"]);
        let ids: Vec<_> = hits.iter().map(|h| h.event_id.as_deref()).collect();
        assert_eq!(ids, [Some("e1"), Some("e2")]);
    }
}
