//! The fast pass over a `{"Records":[...]}` envelope or an array of records: each record is
//! checked for JSON syntax by a byte scanner (strings skipped with `memchr`) while its typed
//! top-level fields are picked up, borrowed, into a *light* [`Event`] (no raw objects, no
//! `resources`; `userIdentity` parsed on its own). The caller decides from the light event
//! whether anything needs the whole record, which is then parsed in full by serde.
//!
//! Whenever the light event could differ from what serde would produce (an escaped string in
//! a typed field, an escaped or duplicate key, a wrong type, a missing required field), the
//! record is handed over for a full parse instead, so serde keeps the last word on errors.
//! The scan stops at the first syntax error; the caller then re-reads the rest of the file
//! with the recovering parser, which locates the error.
//!
//! What the fast pass does not check in records no rule wants: the types inside `resources`
//! entries, control characters inside strings, and number syntax beyond its characters.

use std::borrow::Cow;
use std::cell::Cell;

use memchr::memchr2;

use crate::event::{Event, SessionAttributes, SessionContext, SessionIssuer, UserIdentity};

/// Nesting deeper than this is left to serde (which has the same limit).
const MAX_DEPTH: usize = 128;

/// One record seen by the fast pass.
#[expect(
    clippy::large_enum_variant,
    reason = "returned once per record and consumed at once: boxing would allocate per record"
)]
pub(crate) enum Record<'a> {
    /// The typed fields, read without surprises, and the record's text.
    Light(Event<'a>, &'a str),
    /// The record's text, to parse in full.
    Full(&'a str),
}

/// A scan position in a UTF-8 buffer.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
}

/// Top-level keys of a record that [`Event`] knows (serde rejects duplicates of these).
const KNOWN: &[&str] = &[
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "eventType",
    "readOnly",
    "resources",
    "recipientAccountId",
    "eventCategory",
    "managementEvent",
    "sessionCredentialFromConsole",
    "tlsDetails",
];

/// Why a string-valued field could not be taken as is.
enum Str<'a> {
    Value(&'a str),
    Null,
    /// Escaped, or not a string: parse in full.
    Other,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(text: &'a str, pos: usize) -> Scanner<'a> {
        Scanner {
            text,
            b: text.as_bytes(),
            pos,
        }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn ws(&mut self) {
        while let Some(c) = self.b.get(self.pos) {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.pos += 1;
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Consumes `c` (after whitespace) if it is next.
    pub(crate) fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// At a `"`: skips the string; its content's range and whether it has escapes.
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        // Eight bytes at a time (SWAR): the first `"` or `\\` of the string.
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        while let Some(chunk) = self.b.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let hits = zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\')));
            if hits != 0 {
                i += (hits.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        if self.b.get(i) == Some(&b'"') {
            self.pos = i + 1;
            return Some((start, i, false));
        }
        loop {
            i += memchr2(b'"', b'\\', self.b.get(i..)?)?;
            if self.b[i] == b'"' {
                self.pos = i + 1;
                return Some((start, i, escaped));
            }
            escaped = true;
            match *self.b.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                b'u' => {
                    let hex = self.b.get(i + 2..i + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    i += 6;
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b.get(self.pos..)?.starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        while let Some(c) = self.b.get(self.pos) {
            if !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                break;
            }
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    /// Skips one value (after whitespace).
    pub(crate) fn value(&mut self, depth: usize) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            self.ws();
            if self.peek()? != b'"' {
                return None;
            }
            self.string()?;
            if !self.eat(b':') {
                return None;
            }
            self.value(depth)?;
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}').then_some(());
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        if self.eat(b']') {
            return Some(());
        }
        loop {
            self.value(depth)?;
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']').then_some(());
        }
    }

    /// A string-valued field (`Option<Cow<str>>` in [`Event`]).
    fn str_field(&mut self) -> Option<Str<'a>> {
        self.ws();
        match self.peek()? {
            b'"' => {
                let (start, end, escaped) = self.string()?;
                Some(if escaped {
                    Str::Other
                } else {
                    Str::Value(self.text.get(start..end)?)
                })
            }
            b'n' => {
                self.literal(b"null")?;
                Some(Str::Null)
            }
            _ => {
                self.value(1)?;
                Some(Str::Other)
            }
        }
    }

    /// A boolean field (`Ok(None)` for null, `Err` for another type); `None` on a syntax error.
    fn bool_field(&mut self) -> Option<Result<Option<bool>, ()>> {
        self.ws();
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| Ok(Some(true))),
            b'f' => self.literal(b"false").map(|()| Ok(Some(false))),
            b'n' => self.literal(b"null").map(|()| Ok(None)),
            _ => self.value(1).map(|()| Err(())),
        }
    }

    /// At a record (after whitespace): skips it and returns what it holds; `None` on a
    /// syntax error (or what this scanner does not follow), with the position unspecified.
    pub(crate) fn record(&mut self) -> Option<Record<'a>> {
        self.ws();
        let start = self.pos;
        if self.peek()? != b'{' {
            // Not an object: serde reports the type error.
            self.value(0)?;
            return Some(Record::Full(self.text.get(start..self.pos)?));
        }
        self.pos += 1;
        let mut event = Event {
            event_version: None,
            user_identity: None,
            event_time: Cow::Borrowed(""),
            event_source: Cow::Borrowed(""),
            event_name: Cow::Borrowed(""),
            aws_region: None,
            source_ip_address: None,
            user_agent: None,
            error_code: None,
            error_message: None,
            request_parameters: None,
            response_elements: None,
            additional_event_data: None,
            request_id: None,
            event_id: None,
            event_type: None,
            read_only: None,
            resources: Vec::new(),
            recipient_account_id: None,
            event_category: None,
            management_event: None,
            session_credential_from_console: None,
            tls_details: None,
        };
        let mut seen = 0u32;
        let full = Cell::new(false);
        let mut identity: Option<usize> = None;
        if !self.eat(b'}') {
            loop {
                self.ws();
                if self.peek()? != b'"' {
                    return None;
                }
                let (k0, k1, escaped) = self.string()?;
                if !self.eat(b':') {
                    return None;
                }
                let key = if escaped { "" } else { self.text.get(k0..k1)? };
                full.set(full.get() | escaped);
                if let Some(bit) = KNOWN.iter().position(|k| *k == key) {
                    if seen & (1 << bit) != 0 {
                        full.set(true);
                    }
                    seen |= 1 << bit;
                }
                let take = |slot: &mut Option<Cow<'a, str>>, s: Str<'a>| match s {
                    Str::Value(v) => *slot = Some(Cow::Borrowed(v)),
                    Str::Null => *slot = None,
                    Str::Other => full.set(true),
                };
                match key {
                    "eventTime" | "eventSource" | "eventName" => {
                        let mut slot = None;
                        take(&mut slot, self.str_field()?);
                        let target = match key {
                            "eventTime" => &mut event.event_time,
                            "eventSource" => &mut event.event_source,
                            _ => &mut event.event_name,
                        };
                        match slot {
                            Some(v) => *target = v,
                            // Required: null is a type error.
                            None => full.set(true),
                        }
                    }
                    "eventVersion" => take(&mut event.event_version, self.str_field()?),
                    "awsRegion" => take(&mut event.aws_region, self.str_field()?),
                    "sourceIPAddress" => take(&mut event.source_ip_address, self.str_field()?),
                    "userAgent" => take(&mut event.user_agent, self.str_field()?),
                    "errorCode" => take(&mut event.error_code, self.str_field()?),
                    "errorMessage" => take(&mut event.error_message, self.str_field()?),
                    "requestID" => take(&mut event.request_id, self.str_field()?),
                    "eventID" => take(&mut event.event_id, self.str_field()?),
                    "eventType" => take(&mut event.event_type, self.str_field()?),
                    "recipientAccountId" => {
                        take(&mut event.recipient_account_id, self.str_field()?);
                    }
                    "eventCategory" => take(&mut event.event_category, self.str_field()?),
                    "sessionCredentialFromConsole" => {
                        take(
                            &mut event.session_credential_from_console,
                            self.str_field()?,
                        );
                    }
                    "readOnly" => match self.bool_field()? {
                        Ok(v) => event.read_only = v,
                        Err(()) => full.set(true),
                    },
                    "managementEvent" => match self.bool_field()? {
                        Ok(v) => event.management_event = v,
                        Err(()) => full.set(true),
                    },
                    "userIdentity" => {
                        self.ws();
                        identity = Some(self.pos);
                        self.value(1)?;
                    }
                    "resources" => {
                        self.ws();
                        // `Vec` with `default`: null is a type error for serde.
                        full.set(full.get() | (self.peek() != Some(b'[')));
                        self.value(1)?;
                    }
                    _ => self.value(1)?,
                }
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b'}') {
                    break;
                }
                return None;
            }
        }
        let text = self.text.get(start..self.pos)?;
        // eventTime, eventSource and eventName are required.
        let required = (1 << 2) | (1 << 3) | (1 << 4);
        if full.get() || seen & required != required {
            return Some(Record::Full(text));
        }
        if let Some(at) = identity {
            let mut s = Scanner::new(self.text, at);
            match s.identity() {
                Some(parsed) => event.user_identity = parsed,
                None => return Some(Record::Full(text)),
            }
        }
        Some(Record::Light(event, text))
    }

    /// An object of string fields and nested objects, as serde reads it into the struct
    /// `fields` names: `Some(map)` of the string fields (by index in `fields`), `None` if
    /// anything is off (escapes, duplicates, wrong types). Nested objects named in `nested`
    /// are handed to `inner` by index. The value may be `null`: `Some(None)`.
    fn object_fields(
        &mut self,
        fields: &[&str],
        out: &mut [Option<Cow<'a, str>>],
        nested: &mut dyn FnMut(&mut Scanner<'a>, &str) -> Option<bool>,
    ) -> Option<bool> {
        self.ws();
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(false);
        }
        if self.peek()? != b'{' {
            return None;
        }
        self.pos += 1;
        let mut seen = 0u64;
        if self.eat(b'}') {
            return Some(true);
        }
        loop {
            self.ws();
            if self.peek()? != b'"' {
                return None;
            }
            let (k0, k1, escaped) = self.string()?;
            if escaped || !self.eat(b':') {
                return None;
            }
            let key = self.text.get(k0..k1)?;
            if let Some(i) = fields.iter().position(|f| *f == key) {
                if seen & (1 << i) != 0 {
                    return None;
                }
                seen |= 1 << i;
                match self.str_field()? {
                    Str::Value(v) => out[i] = Some(Cow::Borrowed(v)),
                    Str::Null => out[i] = None,
                    Str::Other => return None,
                }
            } else if !nested(self, key)? {
                self.value(1)?;
            }
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}').then_some(true);
        }
    }

    /// `userIdentity` as serde reads it into [`UserIdentity`]; `None` when serde must.
    fn identity(&mut self) -> Option<Option<UserIdentity<'a>>> {
        const FIELDS: &[&str] = &[
            "type",
            "principalId",
            "arn",
            "accountId",
            "accessKeyId",
            "userName",
            "invokedBy",
        ];
        let mut v: [Option<Cow<'a, str>>; 7] = Default::default();
        let mut context: Option<SessionContext<'a>> = None;
        let mut context_seen = false;
        let present = self.object_fields(FIELDS, &mut v, &mut |s, key| {
            if key != "sessionContext" {
                return Some(false);
            }
            if context_seen {
                return None;
            }
            context_seen = true;
            context = s.session_context()?;
            Some(true)
        })?;
        if !present {
            return Some(None);
        }
        let [
            identity_type,
            principal_id,
            arn,
            account_id,
            access_key_id,
            user_name,
            invoked_by,
        ] = v;
        Some(Some(UserIdentity {
            identity_type,
            principal_id,
            arn,
            account_id,
            access_key_id,
            user_name,
            invoked_by,
            session_context: context,
        }))
    }

    fn session_context(&mut self) -> Option<Option<SessionContext<'a>>> {
        let mut source: [Option<Cow<'a, str>>; 1] = Default::default();
        let mut attributes: Option<SessionAttributes<'a>> = None;
        let mut issuer: Option<SessionIssuer<'a>> = None;
        let (mut a_seen, mut i_seen) = (false, false);
        let present =
            self.object_fields(&["sourceIdentity"], &mut source, &mut |s, key| match key {
                "attributes" if !a_seen => {
                    a_seen = true;
                    let mut v: [Option<Cow<'a, str>>; 2] = Default::default();
                    let inner = s.object_fields(
                        &["mfaAuthenticated", "creationDate"],
                        &mut v,
                        &mut |_, _| Some(false),
                    )?;
                    let [mfa_authenticated, creation_date] = v;
                    attributes = inner.then_some(SessionAttributes {
                        mfa_authenticated,
                        creation_date,
                    });
                    Some(true)
                }
                "sessionIssuer" if !i_seen => {
                    i_seen = true;
                    let mut v: [Option<Cow<'a, str>>; 3] = Default::default();
                    let inner =
                        s.object_fields(&["type", "arn", "userName"], &mut v, &mut |_, _| {
                            Some(false)
                        })?;
                    let [issuer_type, arn, user_name] = v;
                    issuer = inner.then_some(SessionIssuer {
                        issuer_type,
                        arn,
                        user_name,
                    });
                    Some(true)
                }
                "attributes" | "sessionIssuer" => None,
                _ => Some(false),
            })?;
        let [source_identity] = source;
        Some(present.then_some(SessionContext {
            attributes,
            session_issuer: issuer,
            source_identity,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn light(text: &str) -> Option<Event<'_>> {
        match Scanner::new(text, 0).record()? {
            Record::Light(e, _) => Some(e),
            Record::Full(_) => None,
        }
    }

    #[test]
    fn light_events_agree_with_serde() {
        let text = r#"{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},
            "eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1",
            "sourceIPAddress":"192.0.2.1","userAgent":"agent","requestParameters":{"bucketName":"b","x":[1,2.5e3,-1,true,null,{"y":"\"}"}]},"responseElements":null,
            "readOnly":true,"resources":[{"ARN":"arn:aws:s3:::b","type":"AWS::S3::Bucket"}],"eventID":"e1","eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","unknown":{"a":[]}}"#;
        let full: Event<'_> = serde_json::from_str(text).unwrap();
        let light = light(text).unwrap();
        assert_eq!(light.event_name, full.event_name);
        assert_eq!(light.event_time, full.event_time);
        assert_eq!(light.identity_type(), "Root");
        assert_eq!(light.mfa_used(), full.mfa_used());
        assert_eq!(light.read_only, Some(true));
        assert_eq!(light.management_event, Some(false));
        assert_eq!(light.event_id.as_deref(), Some("e1"));
        assert_eq!(light.recipient_account_id, full.recipient_account_id);
        assert_eq!(light.user_agent, full.user_agent);
        assert!(light.request_parameters.is_none() && light.resources.is_empty());
    }

    #[test]
    fn user_identity_agrees_with_serde() {
        let cases = [
            r#"{"type":"AssumedRole","principalId":"AROA:x","arn":"arn:aws:sts::1:assumed-role/r/x","accountId":"1","accessKeyId":"ASIA","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA","arn":"arn:aws:iam::1:role/r","accountId":"1","userName":"r"},"webIdFederationData":{},"attributes":{"creationDate":"2026-01-01T00:00:00Z","mfaAuthenticated":"true"},"sourceIdentity":"me"},"invokedBy":"s.amazonaws.com"}"#,
            r#"{"type":"Root","arn":null,"sessionContext":null}"#,
            r#"{"type":"IAMUser","sessionContext":{"attributes":null,"sessionIssuer":{}}}"#,
            "null",
            "{}",
        ];
        for identity in cases {
            let text = format!(
                r#"{{"eventTime":"t","eventSource":"s","eventName":"n","userIdentity":{identity}}}"#
            );
            let full: Event<'_> = serde_json::from_str(&text).unwrap();
            let light = light(&text).unwrap();
            assert_eq!(
                format!("{:?}", light.user_identity),
                format!("{:?}", full.user_identity),
                "{identity}"
            );
        }
        for identity in [
            r#"{"type":"Root","type":"IAMUser"}"#,
            r#"{"type":5}"#,
            r#"{"type":"R\u006ft"}"#,
            r#"{"sessionContext":{"attributes":{"mfaAuthenticated":true}}}"#,
            r#"{"sessionContext":{"attributes":{},"attributes":{}}}"#,
            r#"{"sessionContext":5}"#,
            r#"[]"#,
        ] {
            let text = format!(
                r#"{{"eventTime":"t","eventSource":"s","eventName":"n","userIdentity":{identity}}}"#
            );
            assert!(light(&text).is_none(), "{identity}");
        }
    }

    #[test]
    fn surprises_are_left_to_serde() {
        for text in [
            r#"{"eventTime":"t","eventSource":"s","eventName":"N\u0041"}"#,
            r#"{"eventTime":"t","eventSource":"s","eventName":5}"#,
            r#"{"eventTime":"t","eventSource":"s","eventName":null}"#,
            r#"{"eventTime":"t","eventSource":"s"}"#,
            r#"{"eventTime":"t","eventSource":"s","eventName":"a","eventName":"b"}"#,
            r#"{"eventTime":"t","eventSource":"s","eventName":"a","readOnly":"yes"}"#,
            r#"{"eventTime":"t","eventSource":"s","eventName":"a","resources":null}"#,
            r#"{"eventTime":"t","eventSource":"s","eventName":"a","userIdentity":5}"#,
            r#"{"eventTime":"t","eventSource":"s","event\u004eame":"a"}"#,
            r#"[1]"#,
        ] {
            assert!(light(text).is_none(), "{text}");
            assert!(Scanner::new(text, 0).record().is_some(), "{text}");
        }
    }

    #[test]
    fn syntax_errors_stop_the_scan() {
        for text in [
            r#"{"eventTime":"t" "eventSource":"s"}"#,
            r#"{"eventTime":"t","eventSource":"s""#,
            r#"{"eventTime":"t","x":[1,}"#,
            r#"{"eventTime":"t","x":"\q"}"#,
            r#"{"eventTime":"t","x":tru}"#,
            r#"{"eventTime":"t",}"#,
            "{\"eventTime\":\"unterminated",
        ] {
            assert!(Scanner::new(text, 0).record().is_none(), "{text}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(Scanner::new(&deep, 0).value(0).is_none());
    }
}
