//! Five-field cron schedules (`minute hour day-of-month month day-of-week`, UTC), with
//! lists, ranges, steps, month and weekday names, and the `@hourly`-style macros.
//!
//! As in Vixie cron, when both day-of-month and day-of-week are restricted a day matches if
//! either does; `7` is Sunday like `0`.

use std::fmt;
use std::ops::Range;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan};

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    text: String,
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    days_star: bool,
    weekdays_star: bool,
}

/// Why a schedule does not parse: the message and the byte range of the schedule text it
/// is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CronError {
    /// What is wrong.
    pub message: String,
    /// Where, in the schedule text.
    pub at: Range<usize>,
}

const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

impl Schedule {
    /// Parses a schedule.
    pub fn parse(text: &str) -> Result<Schedule, CronError> {
        let trimmed = text.trim();
        let expanded = match trimmed.to_ascii_lowercase().as_str() {
            "@hourly" => Some("0 * * * *"),
            "@daily" | "@midnight" => Some("0 0 * * *"),
            "@weekly" => Some("0 0 * * 0"),
            "@monthly" => Some("0 0 1 * *"),
            "@yearly" | "@annually" => Some("0 0 1 1 *"),
            other if other.starts_with('@') => {
                return Err(CronError {
                    message: format!(
                        "`{trimmed}` is not a schedule macro (use @hourly, @daily, @weekly, @monthly or @yearly)"
                    ),
                    at: 0..text.len(),
                });
            }
            _ => None,
        };
        let (source, whole) = match expanded {
            Some(e) => (e, true),
            None => (text, false),
        };
        let mut fields: Vec<(&str, Range<usize>)> = Vec::new();
        let mut start = None;
        for (i, c) in source.char_indices() {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    fields.push((&source[s..i], s..i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            fields.push((&source[s..], s..source.len()));
        }
        if fields.len() != 5 {
            return Err(CronError {
                message: format!(
                    "a schedule has 5 fields (minute hour day-of-month month day-of-week), `{trimmed}` has {}",
                    fields.len()
                ),
                at: 0..text.len(),
            });
        }
        let mut bits = [0u64; 5];
        let mut stars = [false; 5];
        for (i, (field, at)) in fields.iter().enumerate() {
            let at = if whole { 0..text.len() } else { at.clone() };
            let (b, star) = parse_field(field, i, at)?;
            bits[i] = b;
            stars[i] = star;
        }
        let mut weekdays = bits[4];
        if weekdays & (1 << 7) != 0 {
            weekdays = (weekdays | 1) & !(1 << 7);
        }
        Ok(Schedule {
            text: trimmed.to_string(),
            minutes: bits[0],
            hours: u32::try_from(bits[1]).unwrap_or(u32::MAX),
            days: u32::try_from(bits[2]).unwrap_or(u32::MAX),
            months: u16::try_from(bits[3]).unwrap_or(u16::MAX),
            weekdays: u8::try_from(weekdays).unwrap_or(u8::MAX),
            days_star: stars[2],
            weekdays_star: stars[4],
        })
    }

    /// The schedule as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn day_matches(&self, dt: &DateTime) -> bool {
        let day = self.days & (1 << dt.day()) != 0;
        let weekday = self.weekdays & (1 << dt.weekday().to_sunday_zero_offset()) != 0;
        match (self.days_star, self.weekdays_star) {
            (false, false) => day || weekday,
            _ => day && weekday,
        }
    }

    /// The first time strictly after `after` (to the minute, UTC) the schedule fires; `None`
    /// if it never does within eight years (e.g. `0 0 31 2 *`).
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let start = after.to_zoned(TimeZone::UTC).datetime();
        let mut dt = start
            .with()
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .ok()?
            .checked_add(1.minute())
            .ok()?;
        let limit = start.checked_add(Span::new().years(8)).ok()?;
        while dt <= limit {
            if self.months & (1 << dt.month()) == 0 {
                dt = dt
                    .first_of_month()
                    .checked_add(1.month())
                    .ok()?
                    .start_of_day();
                continue;
            }
            if !self.day_matches(&dt) {
                dt = dt.start_of_day().checked_add(1.day()).ok()?;
                continue;
            }
            if self.hours & (1 << dt.hour()) == 0 {
                dt = dt
                    .with()
                    .minute(0)
                    .build()
                    .ok()?
                    .checked_add(1.hour())
                    .ok()?;
                continue;
            }
            if self.minutes & (1 << dt.minute()) == 0 {
                dt = dt.checked_add(1.minute()).ok()?;
                continue;
            }
            return dt.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp());
        }
        None
    }

    /// Whether a job last run at `last` is due at `now`: it has never run, or the schedule
    /// fired after `last` and at or before `now`.
    pub fn is_due(&self, last: Option<Timestamp>, now: Timestamp) -> bool {
        match last {
            None => true,
            Some(last) => self.next_after(last).is_some_and(|next| next <= now),
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_field(field: &str, index: usize, at: Range<usize>) -> Result<(u64, bool), CronError> {
    let (name, min, max) = FIELDS[index];
    let err = |message: String| CronError {
        message,
        at: at.clone(),
    };
    let mut bits = 0u64;
    let star = field == "*";
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 =
                    s.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        err(format!("{name}: step `{s}` is not a positive number"))
                    })?;
                (r, Some(step))
            }
            None => (part, None),
        };
        let (lo, hi) = if range == "*" {
            (min, if index == 4 { 6 } else { max })
        } else if let Some((a, b)) = range.split_once('-') {
            let a = value(a, index).ok_or_else(|| err(bad(name, a, min, max)))?;
            let b = value(b, index).ok_or_else(|| err(bad(name, b, min, max)))?;
            if a > b {
                return Err(err(format!("{name}: range `{range}` runs backwards")));
            }
            (a, b)
        } else {
            let v = value(range, index).ok_or_else(|| err(bad(name, range, min, max)))?;
            // `5/15` means from 5 to the end, every 15.
            (v, if step.is_some() { max } else { v })
        };
        if lo < min || hi > max {
            return Err(err(format!("{name}: `{range}` is outside {min}-{max}")));
        }
        let step = step.unwrap_or(1);
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, star))
}

fn bad(name: &str, text: &str, min: u32, max: u32) -> String {
    format!("{name}: `{text}` is not a number in {min}-{max}")
}

fn value(text: &str, index: usize) -> Option<u32> {
    if let Ok(v) = text.parse::<u32>() {
        return Some(v);
    }
    let lower = text.to_ascii_lowercase();
    let names: &[&str] = match index {
        3 => &MONTHS,
        4 => &WEEKDAYS,
        _ => return None,
    };
    let i = names.iter().position(|n| *n == lower)?;
    let i = u32::try_from(i).ok()?;
    Some(if index == 3 { i + 1 } else { i })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn next(schedule: &str, after: &str) -> String {
        Schedule::parse(schedule)
            .unwrap()
            .next_after(ts(after))
            .map_or("never".into(), |t| t.to_string())
    }

    #[test]
    fn next_times() {
        assert_eq!(
            next("* * * * *", "2026-11-29T12:00:30Z"),
            "2026-11-29T12:01:00Z"
        );
        assert_eq!(
            next("0 2 * * *", "2026-11-29T12:00:00Z"),
            "2026-11-30T02:00:00Z"
        );
        assert_eq!(
            next("*/15 * * * *", "2026-11-29T12:07:00Z"),
            "2026-11-29T12:15:00Z"
        );
        assert_eq!(
            next("5/20 * * * *", "2026-11-29T12:30:00Z"),
            "2026-11-29T12:45:00Z"
        );
        assert_eq!(
            next("0 8 * * mon-fri", "2026-11-28T09:00:00Z"),
            "2026-11-30T08:00:00Z"
        );
        assert_eq!(
            next("0 0 1 jan *", "2026-11-29T00:00:00Z"),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            next("@monthly", "2026-11-29T00:00:00Z"),
            "2026-12-01T00:00:00Z"
        );
        assert_eq!(
            next("0 0 29 2 *", "2026-03-01T00:00:00Z"),
            "2028-02-29T00:00:00Z"
        );
        assert_eq!(next("0 0 31 2 *", "2026-03-01T00:00:00Z"), "never");
        // Sunday as 7.
        assert_eq!(
            next("30 6 * * 7", "2026-11-29T07:00:00Z"),
            "2026-12-06T06:30:00Z"
        );
        // Day of month OR day of week when both are restricted: the 1st, or any Monday.
        assert_eq!(
            next("0 0 1 * 1", "2026-11-29T12:00:00Z"),
            "2026-11-30T00:00:00Z"
        );
        assert_eq!(
            next("0 0 1 * 1", "2026-11-30T12:00:00Z"),
            "2026-12-01T00:00:00Z"
        );
        assert_eq!(
            next("0,30 9-10 * * *", "2026-11-29T09:30:00Z"),
            "2026-11-29T10:00:00Z"
        );
    }

    #[test]
    fn due() {
        let s = Schedule::parse("0 2 * * *").unwrap();
        assert!(s.is_due(None, ts("2026-11-29T12:00:00Z")));
        assert!(s.is_due(Some(ts("2026-11-28T02:00:00Z")), ts("2026-11-29T02:00:00Z")));
        assert!(!s.is_due(Some(ts("2026-11-29T02:00:00Z")), ts("2026-11-29T12:00:00Z")));
        assert!(s.is_due(Some(ts("2026-11-29T02:00:00Z")), ts("2026-11-30T02:00:59Z")));
    }

    #[test]
    fn errors_point_at_the_field() {
        let e = Schedule::parse("0 25 * * *").unwrap_err();
        assert_eq!(e.message, "hour: `25` is outside 0-23");
        assert_eq!(e.at, 2..4);
        let e = Schedule::parse("0 2 * *").unwrap_err();
        assert!(e.message.contains("has 4"), "{}", e.message);
        let e = Schedule::parse("*/0 * * * *").unwrap_err();
        assert_eq!(e.at, 0..3);
        assert!(Schedule::parse("0 0 * * funday").is_err());
        assert!(Schedule::parse("0 0 5-1 * *").is_err());
        assert!(Schedule::parse("@often").is_err());
        assert!(Schedule::parse("x 0 * * *").is_err());
    }
}
