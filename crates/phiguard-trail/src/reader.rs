//! Reading CloudTrail log files: finding them ([`discover`]), loading one into memory with a
//! size cap ([`load`], gzip detected by its magic bytes), and parsing its records into
//! borrowed [`Event`]s ([`parse_records`]).
//!
//! Accepted contents (detected from the bytes, not the file name):
//! - the `{"Records":[...]}` envelope CloudTrail delivers to S3 (`.json.gz` or gunzipped);
//! - a JSON array of records;
//! - NDJSON / concatenated JSON: one record object after another.
//!
//! Parsing has a fast path (records deserialised straight from the buffer) and, only when
//! that fails, a recovering path that re-reads the file record by record: a record of the
//! wrong shape is reported with its byte offset and skipped, the other records are kept. A
//! syntax error ends the file (for NDJSON, parsing resumes at the next line). Offsets are
//! byte offsets in the decompressed content.
//!
//! `s3://` inputs are not listed or fetched here (that needs the AWS SDK): a caller that has
//! the objects' bodies as streams hands them to [`crate::scan::scan_readers`] (or
//! [`crate::scan::Input::reader`]), which reads each with [`load_reader`].

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserializer as _, Serialize};
use serde_json::value::RawValue;

use crate::event::Event;

/// The default cap on one file's decompressed size: 1 GiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1 << 30;

/// After this many bad records in one file, the rest of the file is skipped.
pub const MAX_RECORD_ERRORS_PER_FILE: usize = 100;

/// What an error made phiguard skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    /// The whole file, or the rest of it from `offset`.
    File,
    /// One record; the others were read.
    Record,
}

/// A file (or a record in it) that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileError {
    /// The file, as found.
    pub file: String,
    /// Byte offset in the decompressed content, when known.
    pub offset: Option<u64>,
    /// Index of the record in the file (0-based), for record errors.
    pub record: Option<u64>,
    /// What was skipped.
    pub skipped: Skipped,
    /// What went wrong (lowercase, no trailing period).
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(offset) = self.offset {
            write!(f, " (byte {offset}")?;
            if let Some(record) = self.record {
                write!(f, ", record {record}")?;
            }
            f.write_str(")")?;
        }
        write!(f, ": {}", self.message)?;
        if self.skipped == Skipped::Record {
            f.write_str(" (record skipped)")?;
        }
        Ok(())
    }
}

/// An error found while parsing a buffer (no file name yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the buffer, when known.
    pub offset: Option<u64>,
    /// Record index, for record errors.
    pub record: Option<u64>,
    /// What was skipped.
    pub skipped: Skipped,
    /// Message.
    pub message: String,
}

impl ParseError {
    /// This error, located in `file`.
    pub fn in_file(self, file: &str) -> FileError {
        FileError {
            file: file.to_string(),
            offset: self.offset,
            record: self.record,
            skipped: self.skipped,
            message: self.message,
        }
    }
}

/// Where a file sits in the CloudTrail S3 key layout
/// (`AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/`) or, failing that, what its
/// name says (`<account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<id>.json.gz`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// Account id.
    pub account: String,
    /// Region.
    pub region: String,
    /// Delivery day (UTC).
    pub date: Date,
}

impl KeyInfo {
    /// Reads the layout from a path, if it follows one.
    pub fn from_path(path: &Path) -> Option<KeyInfo> {
        let parts: Vec<&str> = path
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .collect();
        if let Some(i) = parts.iter().position(|p| *p == "CloudTrail")
            && i >= 2
            && parts[..i - 1].contains(&"AWSLogs")
            && parts.len() > i + 4
        {
            let account = parts[i - 1];
            let date = civil_date(parts[i + 2], parts[i + 3], parts[i + 4]);
            if is_account(account)
                && let Some(date) = date
            {
                return Some(KeyInfo {
                    account: account.to_string(),
                    region: parts[i + 1].to_string(),
                    date,
                });
            }
        }
        let name = parts.last()?;
        let mut fields = name.split('_');
        let account = fields.next()?;
        if !is_account(account) || fields.next()? != "CloudTrail" {
            return None;
        }
        let region = fields.next()?;
        let stamp = fields.next()?;
        let date = civil_date(stamp.get(0..4)?, stamp.get(4..6)?, stamp.get(6..8)?)?;
        Some(KeyInfo {
            account: account.to_string(),
            region: region.to_string(),
            date,
        })
    }
}

fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

fn civil_date(year: &str, month: &str, day: &str) -> Option<Date> {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(year) && all_digits(month) && all_digits(day)) {
        return None;
    }
    Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()
}

/// File names read when walking a folder (files named on the command line are always read).
fn looks_like_a_log(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        ".json",
        ".json.gz",
        ".jsonl",
        ".jsonl.gz",
        ".ndjson",
        ".ndjson.gz",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// The files to read: files as given, folders walked recursively (in name order) for
/// `*.json`, `*.json.gz`, `*.jsonl[.gz]` and `*.ndjson[.gz]`, skipping hidden entries and
/// `CloudTrail-Digest` folders (digest files are not event logs). Paths that cannot be
/// listed are errors.
pub fn discover(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        match std::fs::metadata(input) {
            Ok(meta) if meta.is_dir() => walk(input, 0, &mut files, &mut errors),
            Ok(_) => files.push(input.clone()),
            Err(e) => errors.push(io_error(input, &e)),
        }
    }
    (files, errors)
}

const MAX_DEPTH: usize = 32;

fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>, errors: &mut Vec<FileError>) {
    if depth > MAX_DEPTH {
        errors.push(FileError {
            file: dir.display().to_string(),
            offset: None,
            record: None,
            skipped: Skipped::File,
            message: format!("folder nesting deeper than {MAX_DEPTH} levels; not read"),
        });
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return errors.push(io_error(dir, &e)),
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(e) => errors.push(io_error(dir, &e)),
        }
    }
    paths.sort();
    for path in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || name == "CloudTrail-Digest" {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, depth + 1, files, errors),
            Ok(_) if looks_like_a_log(name) => files.push(path),
            Ok(_) => {}
            Err(e) => errors.push(io_error(&path, &e)),
        }
    }
}

fn io_error(path: &Path, e: &io::Error) -> FileError {
    FileError {
        file: path.display().to_string(),
        offset: None,
        record: None,
        skipped: Skipped::File,
        message: lower_first(&e.to_string()),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn file_level(message: String, offset: Option<u64>) -> ParseError {
    ParseError {
        offset,
        record: None,
        skipped: Skipped::File,
        message,
    }
}

/// A read buffer reused from file to file: its bytes stay initialised, so reading the next
/// file costs no zeroing, and decompression writes straight into it. It also keeps the
/// compressed bytes of the last gzip file and a libdeflate decompressor.
#[derive(Default)]
pub struct Buffer {
    data: Vec<u8>,
    len: usize,
    /// Compressed bytes (whole-file inflate).
    packed: Vec<u8>,
    inflater: Option<libdeflater::Decompressor>,
}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buffer")
            .field("len", &self.len)
            .field("capacity", &self.data.len())
            .finish_non_exhaustive()
    }
}

impl Buffer {
    /// An empty buffer.
    pub fn new() -> Buffer {
        Buffer::default()
    }

    /// The content of the last file loaded.
    pub fn bytes(&self) -> &[u8] {
        &self.data[..self.len]
    }

    /// Fills the buffer from `input`, reading at most `max_size + 1` bytes; `hint` is the
    /// expected size.
    fn fill(&mut self, mut input: impl Read, max_size: u64, hint: u64) -> io::Result<()> {
        let cap = usize::try_from(max_size.saturating_add(1)).unwrap_or(usize::MAX);
        let hint = usize::try_from(hint).unwrap_or(0);
        self.len = 0;
        loop {
            if self.len == self.data.len() {
                if self.len >= cap {
                    return Ok(());
                }
                // One byte beyond the hint, to see the end without growing again; past the
                // hint (a wrong one, or several gzip members), double.
                let want = if hint >= self.data.len() {
                    hint.saturating_add(1).max(1 << 16)
                } else {
                    self.data.len().saturating_mul(2)
                }
                .min(cap);
                self.data.resize(want, 0);
            }
            match input.read(&mut self.data[self.len..]) {
                Ok(0) => return Ok(()),
                Ok(n) => self.len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    /// Inflates `packed` (a whole gzip file) in one call with libdeflate
    /// into a buffer of exactly `size` bytes (the size its trailer announces). Returns `false`
    /// (buffer cleared) when this is not a single gzip member of that size, or on any error:
    /// the caller then takes the streaming path, which handles several members and locates
    /// errors.
    fn inflate_whole(&mut self, packed: &[u8], size: usize) -> bool {
        self.len = 0;
        if packed.len() < 18 || size == 0 {
            return false;
        }
        if self.data.len() < size {
            self.data.resize(size, 0);
        }
        let inflater = self
            .inflater
            .get_or_insert_with(libdeflater::Decompressor::new);
        let Ok(n) = inflater.gzip_decompress(packed, &mut self.data[..size]) else {
            return false;
        };
        // libdeflate checked the first member's trailer (CRC-32 and ISIZE, the size modulo
        // 2^32) and ignores whatever follows it. The member ends at the end of the file iff
        // its ISIZE bytes are the file's last four: look for their first occurrence. A second
        // member, or trailing bytes, put the first member's ISIZE earlier in the file (a
        // chance occurrence in compressed data only costs the slower path).
        let isize = (n as u32).to_le_bytes();
        if memchr::memmem::find(packed, &isize) != Some(packed.len() - 4) {
            return false;
        }
        self.len = n;
        true
    }
}

/// Reads `path` into `buf`, decompressing gzip (detected by its magic bytes, multi-member
/// streams included). Returns the size on disk. Content larger than `max_size` bytes
/// (decompressed) is an error, found without reading more than `max_size + 1` bytes.
pub fn load(path: &Path, max_size: u64, buf: &mut Buffer) -> Result<u64, ParseError> {
    buf.clear();
    let io = |e: io::Error| file_level(lower_first(&e.to_string()), None);
    let mut file = File::open(path).map_err(io)?;
    let disk_size = file.metadata().map_err(io)?.len();
    let mut magic = [0u8; 2];
    let gzip = disk_size >= 2 && {
        file.read_exact(&mut magic).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        magic == [0x1f, 0x8b]
    };
    let too_large = || {
        file_level(
            format!(
                "larger than the {max_size}-byte limit{}; raise `--max-file-size` to read it",
                if gzip { " once decompressed" } else { "" }
            ),
            Some(max_size),
        )
    };
    if gzip {
        // The gzip trailer holds the size modulo 2^32: a good first guess for the buffer.
        let mut trailer = [0u8; 4];
        if disk_size >= 18 {
            file.seek(SeekFrom::End(-4)).map_err(io)?;
            file.read_exact(&mut trailer).map_err(io)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
        }
        let claimed = u64::from(u32::from_le_bytes(trailer));
        // The fast path: the whole file in memory, inflated in one call.
        if plausible(disk_size, claimed, max_size).is_some() {
            let mut packed = std::mem::take(&mut buf.packed);
            packed.clear();
            let read = file.read_to_end(&mut packed).map_err(io);
            let done = read.is_ok()
                && whole_member_size(&packed, max_size)
                    .is_some_and(|n| buf.inflate_whole(&packed, n));
            buf.packed = packed;
            read?;
            if done {
                return Ok(disk_size);
            }
            file.seek(SeekFrom::Start(0)).map_err(io)?;
        }
        // Deflate cannot expand more than 1032:1: a larger claim is a lie, not a reason to
        // allocate.
        let hint = claimed.min(max_size).min(disk_size.saturating_mul(1032));
        gunzip(file, max_size, hint, buf)?;
    } else {
        if disk_size > max_size {
            return Err(too_large());
        }
        buf.fill(file, max_size, disk_size).map_err(io)?;
    }
    if buf.len as u64 > max_size {
        buf.clear();
        return Err(too_large());
    }
    Ok(disk_size)
}

/// The decompressed size a gzip file of `disk_size` bytes claims in its trailer (`claimed`,
/// modulo 2^32), if it is plausible for a whole-file inflate: within `max_size`, no more than
/// deflate's 1032:1 expansion, and not smaller than the compressed size allows (logs do not
/// grow when compressed; a lie must not make the whole file be read into memory).
fn plausible(disk_size: u64, claimed: u64, max_size: u64) -> Option<usize> {
    (disk_size >= 18
        && claimed > 0
        && claimed <= max_size
        && claimed <= disk_size.saturating_mul(1032)
        && disk_size <= claimed.saturating_add(claimed / 16).saturating_add(1 << 16))
    .then(|| usize::try_from(claimed).ok())
    .flatten()
}

/// [`plausible`] for a whole gzip file in memory.
fn whole_member_size(packed: &[u8], max_size: u64) -> Option<usize> {
    let trailer: [u8; 4] = packed
        .get(packed.len().checked_sub(4)?..)?
        .try_into()
        .ok()?;
    plausible(
        packed.len() as u64,
        u64::from(u32::from_le_bytes(trailer)),
        max_size,
    )
}

/// Compressed bytes read at a time: few read calls, and each inflate call produces
/// megabytes of output (zlib copies up to 32 KiB into its window per call).
const GZIP_INPUT_CHUNK: usize = 1 << 20;

fn gunzip(input: impl Read, max_size: u64, hint: u64, buf: &mut Buffer) -> Result<(), ParseError> {
    let decoder =
        flate2::bufread::MultiGzDecoder::new(io::BufReader::with_capacity(GZIP_INPUT_CHUNK, input));
    buf.fill(decoder, max_size, hint).map_err(|e| {
        file_level(
            format!(
                "gzip: {} after {} decompressed bytes",
                lower_first(&e.to_string()),
                buf.len
            ),
            Some(buf.len as u64),
        )
    })
}

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// [`load`] for a stream (an S3 object body, a pipe): gzip detected by its magic bytes; the
/// size is not known ahead, so the buffer grows as it fills (it is reused from one input to
/// the next). Returns the number of bytes read from `input` (compressed).
pub fn load_reader(input: impl Read, max_size: u64, buf: &mut Buffer) -> Result<u64, ParseError> {
    buf.clear();
    let io = |e: io::Error| file_level(lower_first(&e.to_string()), None);
    let mut input = Counted {
        inner: input,
        count: 0,
    };
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match input.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
    let gzip = got == 2 && magic == [0x1f, 0x8b];
    if gzip {
        // The whole object in memory (up to a bound), inflated in one call when it is one
        // gzip member; else streamed from what was read and the rest.
        let mut packed = std::mem::take(&mut buf.packed);
        packed.clear();
        packed.extend_from_slice(&magic);
        let bound = max_size.saturating_add(1 << 16);
        let read = (&mut input)
            .take(bound.saturating_sub(2))
            .read_to_end(&mut packed)
            .map_err(io);
        let done = read.is_ok()
            && (packed.len() as u64) < bound
            && whole_member_size(&packed, max_size).is_some_and(|n| buf.inflate_whole(&packed, n));
        let result = match read {
            Err(e) => Err(e),
            Ok(_) if done => Ok(()),
            Ok(_) => gunzip(Read::chain(&packed[..], &mut input), max_size, 0, buf),
        };
        buf.packed = packed;
        result?;
    } else {
        let mut whole = Read::chain(&magic[..got], &mut input);
        buf.fill(&mut whole, max_size, 0).map_err(io)?;
    }
    if buf.len as u64 > max_size {
        buf.clear();
        return Err(file_level(
            format!(
                "larger than the {max_size}-byte limit{}; raise `--max-file-size` to read it",
                if gzip { " once decompressed" } else { "" }
            ),
            Some(max_size),
        ));
    }
    Ok(input.count)
}

/// [`load`] for bytes already in memory: `buf` receives them, decompressed when they are
/// gzip, and an error when they exceed `max_size` once decompressed.
pub fn load_bytes(bytes: &[u8], max_size: u64, buf: &mut Buffer) -> Result<(), ParseError> {
    buf.clear();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        if let Some(size) = whole_member_size(bytes, max_size)
            && buf.inflate_whole(bytes, size)
        {
            return Ok(());
        }
        gunzip(bytes, max_size, 0, buf)?;
    } else {
        buf.fill(bytes, max_size, bytes.len() as u64)
            .map_err(|e| file_level(lower_first(&e.to_string()), None))?;
    }
    if buf.len as u64 > max_size {
        buf.clear();
        return Err(file_level(
            format!("larger than the {max_size}-byte limit"),
            Some(max_size),
        ));
    }
    Ok(())
}

/// The layout of a buffer, detected from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `{"Records":[...]}`.
    Envelope,
    /// `[record, ...]`.
    Array,
    /// Record objects one after another (NDJSON).
    Stream,
}

fn skip_ws(buf: &[u8], mut i: usize) -> usize {
    while i < buf.len() && matches!(buf[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Detects the layout: an array, an object whose first key is `Records`, else a stream.
pub fn detect(buf: &[u8]) -> Layout {
    let start = skip_ws(buf, bom_len(buf));
    match buf.get(start) {
        Some(b'[') => Layout::Array,
        Some(b'{') => {
            let key = skip_ws(buf, start + 1);
            if buf[key..].starts_with(b"\"Records\"") {
                Layout::Envelope
            } else {
                Layout::Stream
            }
        }
        _ => Layout::Stream,
    }
}

fn bom_len(buf: &[u8]) -> usize {
    if buf.starts_with(&[0xef, 0xbb, 0xbf]) {
        3
    } else {
        0
    }
}

/// Parses every record of `buf`, calling `on_event` with each one, in file order, and
/// returns the errors. Never panics; a record is handed over at most once.
pub fn parse_records<'a, F>(buf: &'a [u8], mut on_event: F) -> Vec<ParseError>
where
    F: FnMut(Event<'a>),
{
    let body = &buf[bom_len(buf)..];
    let base = bom_len(buf) as u64;
    let layout = detect(buf);
    if skip_ws(body, 0) == body.len() {
        return vec![file_level("empty file: no JSON".to_string(), Some(0))];
    }
    let mut sink = Sink {
        buf: body,
        // Validated once: strings then need no per-string UTF-8 check.
        text: simdutf8::basic::from_utf8(body).ok(),
        on_event: &mut on_event,
        index: 0,
        skip: 0,
        recover: false,
        errors: Vec::new(),
        gave_up: false,
    };
    match layout {
        Layout::Envelope | Layout::Array => {
            if let Err(e) = sink.document(layout) {
                // Records before `sink.index` were handed over: re-read, skipping them.
                sink.skip = sink.index;
                sink.index = 0;
                sink.recover = true;
                if let Err(e) = sink.document(layout) {
                    sink.fatal(&e);
                }
                if !sink.gave_up && sink.errors.is_empty() {
                    // Unreachable in practice (the fast path failed, so will the slow one);
                    // never lose the error.
                    sink.fatal(&e);
                }
            }
        }
        Layout::Stream => {
            let failed = match sink.text {
                Some(text) => sink.fast_stream(serde_json::Deserializer::from_str(text)),
                None => sink.fast_stream(serde_json::Deserializer::from_slice(body)),
            };
            if failed {
                sink.skip = sink.index;
                sink.index = 0;
                sink.recover = true;
                sink.stream();
            }
        }
    }
    let mut errors = sink.errors;
    for e in &mut errors {
        e.offset = e.offset.map(|o| o + base);
    }
    errors
}

/// What [`parse_records_triaged`] does with each record.
pub trait Triage<'a> {
    /// Whether the record, of which `light` holds the typed fields only (no raw objects, no
    /// `resources`), must be parsed in full. No side effects: the record then comes back
    /// through [`Triage::full`] or [`Triage::light`].
    fn wants_full(&mut self, light: &Event<'a>) -> bool;
    /// A record not parsed in full (`wants_full` said no).
    fn light(&mut self, light: &Event<'a>);
    /// A record parsed in full.
    fn full(&mut self, event: Event<'a>);
}

/// [`parse_records`], but records that nothing wants in full are only skimmed: a byte scanner
/// checks their syntax and reads their typed fields (see `skim`), which is several times
/// faster than a full parse. Same records, same order, same errors: any record the scanner
/// is unsure of is parsed in full, and after a syntax error the rest of the file goes
/// through [`parse_records`]' recovering pass.
pub fn parse_records_triaged<'a, T: Triage<'a>>(buf: &'a [u8], triage: &mut T) -> Vec<ParseError> {
    let bom = bom_len(buf);
    let body = &buf[bom..];
    let layout = detect(buf);
    let text = simdutf8::basic::from_utf8(body).ok();
    let (Some(text), Layout::Envelope | Layout::Array) = (text, layout) else {
        return parse_records(buf, |event| triage.full(event));
    };
    let mut index = 0u64;
    if skim_records(text, layout, triage, &mut index).is_some() {
        return Vec::new();
    }
    // Records below `index` were handed over: re-read, skipping them, and locate the error.
    let mut on_event = |event| triage.full(event);
    let mut sink = Sink {
        buf: body,
        text: Some(text),
        on_event: &mut on_event,
        index: 0,
        skip: index,
        recover: true,
        errors: Vec::new(),
        gave_up: false,
    };
    if let Err(e) = sink.document(layout) {
        sink.fatal(&e);
    }
    let mut errors = sink.errors;
    for e in &mut errors {
        e.offset = e.offset.map(|o| o + bom as u64);
    }
    errors
}

/// The fast pass; `None` at the first record it cannot take (`index` records handed over).
fn skim_records<'a, T: Triage<'a>>(
    text: &'a str,
    layout: Layout,
    triage: &mut T,
    index: &mut u64,
) -> Option<()> {
    let mut s = crate::skim::Scanner::new(text, 0);
    s.ws();
    if layout == Layout::Envelope {
        // `{"Records":` (detect() saw it), then the array, then `}` and the end.
        s.eat(b'{').then_some(())?;
        s.ws();
        let key = b"\"Records\"";
        if !text.as_bytes().get(s.pos()..)?.starts_with(key) {
            return None;
        }
        s = crate::skim::Scanner::new(text, s.pos() + key.len());
        s.eat(b':').then_some(())?;
    }
    s.eat(b'[').then_some(())?;
    // One light event, refilled record after record.
    let mut light = crate::skim::blank();
    if !s.eat(b']') {
        loop {
            let record = s.record(&mut light)?;
            match record {
                crate::skim::Record::Light(raw) => {
                    if triage.wants_full(&light) {
                        triage.full(serde_json::from_str(raw).ok()?);
                    } else {
                        triage.light(&light);
                    }
                }
                crate::skim::Record::Full(raw) => triage.full(serde_json::from_str(raw).ok()?),
            }
            *index += 1;
            if s.eat(b',') {
                continue;
            }
            if s.eat(b']') {
                break;
            }
            return None;
        }
    }
    if layout == Layout::Envelope {
        s.eat(b'}').then_some(())?;
    }
    s.ws();
    (s.pos() == text.len()).then_some(())
}

struct Sink<'a, 'f, F> {
    buf: &'a [u8],
    /// `buf`, when it is valid UTF-8.
    text: Option<&'a str>,
    on_event: &'f mut F,
    /// Index of the next record.
    index: u64,
    /// Records below this index were already handed over (recovering pass).
    skip: u64,
    /// Whether records are read as raw JSON first (so a bad one can be skipped).
    recover: bool,
    errors: Vec<ParseError>,
    /// Too many record errors: stop.
    gave_up: bool,
}

impl<'a, F: FnMut(Event<'a>)> Sink<'a, '_, F> {
    fn document(&mut self, layout: Layout) -> Result<(), serde_json::Error> {
        match self.text {
            Some(text) => self.document_in(serde_json::Deserializer::from_str(text), layout),
            None => self.document_in(serde_json::Deserializer::from_slice(self.buf), layout),
        }
    }

    fn document_in<R: serde_json::de::Read<'a>>(
        &mut self,
        mut de: serde_json::Deserializer<R>,
        layout: Layout,
    ) -> Result<(), serde_json::Error> {
        match layout {
            Layout::Envelope => (&mut de).deserialize_map(EnvelopeVisitor { sink: self })?,
            _ => (&mut de).deserialize_seq(RecordsVisitor { sink: self })?,
        }
        if !self.gave_up {
            de.end()?;
        }
        Ok(())
    }

    /// The fast pass over a stream; whether it failed.
    fn fast_stream<R: serde_json::de::Read<'a>>(
        &mut self,
        de: serde_json::Deserializer<R>,
    ) -> bool {
        for item in de.into_iter::<Event<'a>>() {
            match item {
                Ok(event) => {
                    self.index += 1;
                    (self.on_event)(event);
                }
                Err(_) => return true,
            }
        }
        false
    }

    /// A syntax error (or a wrong envelope) that ends the file.
    fn fatal(&mut self, e: &serde_json::Error) {
        if self.gave_up {
            return;
        }
        let offset = if e.is_eof() {
            Some(self.buf.len() as u64)
        } else {
            offset_of(self.buf, e.line(), e.column())
        };
        self.errors.push(file_level(
            format!("invalid JSON: {}", strip_position(e)),
            offset,
        ));
    }

    /// One record given as raw JSON (recovering pass).
    fn raw(&mut self, raw: &'a RawValue) {
        let index = self.index;
        self.index += 1;
        if index < self.skip || self.gave_up {
            return;
        }
        let start = (raw.get().as_ptr() as usize).saturating_sub(self.buf.as_ptr() as usize);
        match serde_json::from_str::<Event<'a>>(raw.get()) {
            Ok(event) => (self.on_event)(event),
            Err(e) => {
                let within = offset_of(raw.get().as_bytes(), e.line(), e.column()).unwrap_or(0);
                self.record_error(index, start as u64 + within, strip_position(&e));
            }
        }
    }

    fn record_error(&mut self, index: u64, offset: u64, message: String) {
        if self.errors.len() >= MAX_RECORD_ERRORS_PER_FILE {
            self.gave_up = true;
            self.errors.push(file_level(
                format!(
                    "more than {MAX_RECORD_ERRORS_PER_FILE} bad records; the rest of the file is skipped"
                ),
                Some(offset),
            ));
            return;
        }
        self.errors.push(ParseError {
            offset: Some(offset),
            record: Some(index),
            skipped: Skipped::Record,
            message,
        });
    }

    /// The recovering pass over a stream: raw values one by one; after a syntax error,
    /// resume at the next line.
    fn stream(&mut self) {
        let buf = self.buf;
        let mut pos = 0usize;
        while pos < buf.len() && !self.gave_up {
            let mut values =
                serde_json::Deserializer::from_slice(&buf[pos..]).into_iter::<&'a RawValue>();
            match values.next() {
                None => break,
                Some(Ok(raw)) => {
                    pos += values.byte_offset();
                    self.raw(raw);
                }
                Some(Err(e)) => {
                    let at = if e.is_eof() {
                        buf.len() as u64
                    } else {
                        pos as u64 + offset_of(&buf[pos..], e.line(), e.column()).unwrap_or(0)
                    };
                    let index = self.index;
                    self.index += 1;
                    if index >= self.skip {
                        self.record_error(
                            index,
                            at,
                            format!("invalid JSON: {}", strip_position(&e)),
                        );
                    }
                    // Resume at the line after the one where the bad value starts.
                    let from = skip_ws(buf, pos);
                    match buf[from..].iter().position(|b| *b == b'\n') {
                        Some(nl) => pos = from + nl + 1,
                        None => break,
                    }
                }
            }
        }
    }

    fn element<A: SeqAccess<'a>>(&mut self, seq: &mut A) -> Result<bool, A::Error> {
        if self.gave_up {
            return Ok(seq.next_element::<IgnoredAny>()?.is_some());
        }
        if self.recover {
            match seq.next_element::<&'a RawValue>()? {
                Some(raw) => {
                    self.raw(raw);
                    Ok(true)
                }
                None => Ok(false),
            }
        } else {
            match seq.next_element::<Event<'a>>()? {
                Some(event) => {
                    self.index += 1;
                    (self.on_event)(event);
                    Ok(true)
                }
                None => Ok(false),
            }
        }
    }
}

struct RecordsVisitor<'s, 'a, 'f, F> {
    sink: &'s mut Sink<'a, 'f, F>,
}

impl<'a, F: FnMut(Event<'a>)> Visitor<'a> for RecordsVisitor<'_, 'a, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of CloudTrail records")
    }

    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<(), A::Error> {
        while self.sink.element(&mut seq)? {}
        Ok(())
    }
}

impl<'a, F: FnMut(Event<'a>)> DeserializeSeed<'a> for RecordsVisitor<'_, 'a, '_, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'a>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

struct EnvelopeVisitor<'s, 'a, 'f, F> {
    sink: &'s mut Sink<'a, 'f, F>,
}

impl<'a, F: FnMut(Event<'a>)> Visitor<'a> for EnvelopeVisitor<'_, 'a, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CloudTrail log object with a `Records` array")
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<(), A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<Cow<'a, str>>()? {
            if key == "Records" && !found {
                found = true;
                map.next_value_seed(RecordsVisitor {
                    sink: &mut *self.sink,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if found {
            Ok(())
        } else {
            Err(de::Error::missing_field("Records"))
        }
    }
}

/// serde_json's message without its " at line L column C" suffix.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_string(),
        _ => text,
    }
}

/// The byte offset of a 1-based (line, column) position as serde_json reports it.
fn offset_of(buf: &[u8], line: usize, column: usize) -> Option<u64> {
    if line == 0 {
        return None;
    }
    let mut start = 0usize;
    for _ in 1..line {
        let nl = buf[start..].iter().position(|b| *b == b'\n')?;
        start += nl + 1;
    }
    Some((start + column.saturating_sub(1)).min(buf.len()) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, name: &str) -> String {
        format!(
            r#"{{"eventVersion":"1.08","eventTime":"2026-01-01T00:00:0{id}Z","eventSource":"cloudtrail.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","eventID":"id-{id}","requestParameters":{{"name":"t"}}}}"#
        )
    }

    fn names(buf: &[u8]) -> (Vec<String>, Vec<ParseError>) {
        let mut names = Vec::new();
        let errors = parse_records(buf, |e| names.push(e.event_name.to_string()));
        (names, errors)
    }

    #[test]
    fn reads_the_three_layouts() {
        let envelope = format!(
            "{{\"Records\":[{},{}]}}",
            record("1", "StopLogging"),
            record("2", "DeleteTrail")
        );
        let array = format!(
            "[{},{}]",
            record("1", "StopLogging"),
            record("2", "DeleteTrail")
        );
        let ndjson = format!(
            "{}\n{}\n",
            record("1", "StopLogging"),
            record("2", "DeleteTrail")
        );
        for (text, layout) in [
            (&envelope, Layout::Envelope),
            (&array, Layout::Array),
            (&ndjson, Layout::Stream),
        ] {
            assert_eq!(detect(text.as_bytes()), layout);
            let (names, errors) = names(text.as_bytes());
            assert_eq!(names, ["StopLogging", "DeleteTrail"], "{layout:?}");
            assert!(errors.is_empty(), "{errors:?}");
        }
    }

    #[test]
    fn a_record_of_the_wrong_shape_is_skipped_and_located() {
        let bad = r#"{"eventTime":"2026-01-01T00:00:00Z","eventSource":"s","eventName":5}"#;
        let text = format!(
            "{{\"Records\":[{},{bad},{}]}}",
            record("1", "StopLogging"),
            record("2", "DeleteTrail")
        );
        let (names, errors) = names(text.as_bytes());
        assert_eq!(names, ["StopLogging", "DeleteTrail"]);
        assert_eq!(errors.len(), 1);
        let offset = usize::try_from(errors[0].offset.unwrap()).unwrap();
        assert_eq!(errors[0].record, Some(1));
        assert_eq!(errors[0].skipped, Skipped::Record);
        assert!(text[offset..].starts_with('5'), "{offset}: {errors:?}");
        assert!(errors[0].message.contains("invalid type"), "{errors:?}");
    }

    #[test]
    fn a_syntax_error_ends_the_file_after_the_records_before_it() {
        let text = format!(
            "{{\"Records\":[{},{{\"eventTime\":",
            record("1", "StopLogging")
        );
        let (names, errors) = names(text.as_bytes());
        assert_eq!(names, ["StopLogging"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].skipped, Skipped::File);
        assert_eq!(errors[0].offset, Some(text.len() as u64));
        assert!(
            errors[0].message.starts_with("invalid JSON: EOF"),
            "{errors:?}"
        );
    }

    #[test]
    fn ndjson_resumes_at_the_next_line() {
        let text = format!(
            "{}\n{{\"eventTime\": tru\n{}\n5\n",
            record("1", "StopLogging"),
            record("2", "DeleteTrail")
        );
        let (names, errors) = names(text.as_bytes());
        assert_eq!(names, ["StopLogging", "DeleteTrail"]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].record, Some(1));
        assert!(errors[0].message.contains("invalid JSON"));
        assert_eq!(errors[1].record, Some(3));
        assert!(
            errors[1].message.contains("invalid type: integer `5`"),
            "{errors:?}"
        );
    }

    #[test]
    fn envelope_problems_are_file_errors() {
        for (text, expect) in [
            ("", "empty file"),
            ("{\"Records\": 5}", "invalid type: integer"),
            ("{\"Records\": []} x", "trailing characters"),
            ("\u{feff}[1]", "invalid type: integer"),
        ] {
            let (names, errors) = names(text.as_bytes());
            assert!(names.is_empty());
            assert_eq!(errors.len(), 1, "{text}: {errors:?}");
            assert!(errors[0].message.contains(expect), "{text}: {errors:?}");
        }
    }

    #[test]
    fn too_many_bad_records_give_up() {
        let text = format!("[{}]", vec!["1"; 500].join(","));
        let (names, errors) = names(text.as_bytes());
        assert!(names.is_empty());
        assert_eq!(errors.len(), MAX_RECORD_ERRORS_PER_FILE + 1);
        assert!(errors.last().unwrap().message.contains("rest of the file"));
    }

    fn gz(text: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text).unwrap();
        e.finish().unwrap()
    }

    /// Loads `bytes` the three ways (file, stream, memory): the content or the error.
    fn load_three_ways(name: &str, bytes: &[u8]) -> [Result<Vec<u8>, String>; 3] {
        let dir = std::env::temp_dir().join(format!("phiguard-trail-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut buf = Buffer::new();
        let out = |r: Result<(), ParseError>, buf: &Buffer| {
            r.map(|()| buf.bytes().to_vec()).map_err(|e| e.message)
        };
        let file = load(&path, 1 << 20, &mut buf).map(|_| ());
        let file = out(file, &buf);
        let stream = load_reader(bytes, 1 << 20, &mut buf).map(|_| ());
        let stream = out(stream, &buf);
        let memory = load_bytes(bytes, 1 << 20, &mut buf);
        let memory = out(memory, &buf);
        [file, stream, memory]
    }

    #[test]
    fn gzip_members_are_all_read_whatever_their_trailers() {
        let one = record("1", "StopLogging");
        let two = record("2", "DeleteTrail");
        let single = gz(one.as_bytes());
        let mut members = gz(one.as_bytes());
        members.extend(gz(two.as_bytes()));
        // The same member twice: the last trailer is the first member's.
        let mut twice = single.clone();
        twice.extend(&single);
        let cases = [
            ("single.json.gz", single.clone(), one.clone()),
            ("members.json.gz", members, format!("{one}{two}")),
            ("twice.json.gz", twice, format!("{one}{one}")),
        ];
        for (name, bytes, expected) in cases {
            for (way, got) in load_three_ways(name, &bytes).into_iter().enumerate() {
                assert_eq!(got.as_deref(), Ok(expected.as_bytes()), "{name}, way {way}");
            }
        }
    }

    #[test]
    fn gzip_damage_is_an_error_whatever_the_path() {
        let one = record("1", "StopLogging");
        let single = gz(one.as_bytes());
        let mut garbage = single.clone();
        garbage.extend_from_slice(b"not gzip");
        // Trailing bytes that repeat the trailer, so the end looks like a member's end.
        let mut echo = single.clone();
        echo.extend_from_slice(&single[single.len() - 8..]);
        let mut corrupt = single.clone();
        let middle = corrupt.len() / 2;
        corrupt[middle] ^= 0x55;
        let mut lying = single.clone();
        let n = lying.len();
        lying[n - 4..].copy_from_slice(&7u32.to_le_bytes());
        for (name, bytes) in [
            ("garbage.json.gz", garbage),
            ("echo.json.gz", echo),
            ("corrupt.json.gz", corrupt),
            ("lying.json.gz", lying),
            ("cut.json.gz", single[..single.len() - 3].to_vec()),
        ] {
            for (way, got) in load_three_ways(name, &bytes).into_iter().enumerate() {
                let error = got.expect_err(name);
                assert!(error.starts_with("gzip: "), "{name}, way {way}: {error}");
            }
        }
    }

    #[test]
    fn key_layout_and_file_names_are_understood() {
        let p =
            Path::new("logs/AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/01/02/x.json.gz");
        let info = KeyInfo::from_path(p).unwrap();
        assert_eq!(info.account, "111122223333");
        assert_eq!(info.region, "eu-west-1");
        assert_eq!(info.date, Date::new(2026, 1, 2).unwrap());
        let p = Path::new("218007301253_CloudTrail_us-east-1_20230710T1220Z_WMiHxZgr5Hdd6UDc.json");
        let info = KeyInfo::from_path(p).unwrap();
        assert_eq!(info.account, "218007301253");
        assert_eq!(info.date, Date::new(2023, 7, 10).unwrap());
        assert_eq!(KeyInfo::from_path(Path::new("logs/trail.json")), None);
    }
}
