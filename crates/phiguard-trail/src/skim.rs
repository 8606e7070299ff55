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

use memchr::memchr2;

use crate::event::{Event, SessionAttributes, SessionContext, SessionIssuer, UserIdentity};

/// Nesting deeper than this is left to serde (whose limit is 128 levels, the envelope
/// included: this scanner counts from the record, and stops well before).
const MAX_DEPTH: usize = 100;

/// One record seen by the fast pass.
pub(crate) enum Record<'a> {
    /// The record's text; its typed fields, read without surprises, are in the event given
    /// to [`Scanner::record`].
    Light(&'a str),
    /// The record's text, to parse in full.
    Full(&'a str),
}

/// A scan position in a UTF-8 buffer.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
}

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
        // Short strings (most keys and values): eight bytes at a time (SWAR), the first `"`
        // or `\\` of the string; past 32 bytes, memchr2 (SIMD) below.
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        for _ in 0..4 {
            let Some(chunk) = self.b.get(i..i + 8) else {
                break;
            };
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
    fn str_field(&mut self, depth: usize) -> Option<Str<'a>> {
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
                self.value(depth)?;
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

    /// At a record (after whitespace): skips it and returns what it holds, the typed fields
    /// in `event` for a light record; `None` on a syntax error (or what this scanner does not
    /// follow), with the position unspecified.
    pub(crate) fn record(&mut self, event: &mut Event<'a>) -> Option<Record<'a>> {
        self.ws();
        let start = self.pos;
        if self.peek()? != b'{' {
            // Not an object: serde reports the type error.
            self.value(0)?;
            return Some(Record::Full(self.text.get(start..self.pos)?));
        }
        self.pos += 1;
        *event = blank();
        let mut seen = 0u32;
        let mut full = false;
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
                let id = if escaped {
                    full = true;
                    OTHER
                } else {
                    field_id(self.text.get(k0..k1)?)
                };
                if id != OTHER {
                    full |= seen & (1 << id) != 0;
                    seen |= 1 << id;
                }
                let slot = match id {
                    F_VERSION => Some(&mut event.event_version),
                    F_REGION => Some(&mut event.aws_region),
                    F_SOURCE_IP => Some(&mut event.source_ip_address),
                    F_USER_AGENT => Some(&mut event.user_agent),
                    F_ERROR_CODE => Some(&mut event.error_code),
                    F_ERROR_MESSAGE => Some(&mut event.error_message),
                    F_REQUEST_ID => Some(&mut event.request_id),
                    F_EVENT_ID => Some(&mut event.event_id),
                    F_EVENT_TYPE => Some(&mut event.event_type),
                    F_RECIPIENT => Some(&mut event.recipient_account_id),
                    F_CATEGORY => Some(&mut event.event_category),
                    F_CONSOLE => Some(&mut event.session_credential_from_console),
                    _ => None,
                };
                if let Some(slot) = slot {
                    match self.str_field(1)? {
                        Str::Value(v) => *slot = Some(Cow::Borrowed(v)),
                        Str::Null => *slot = None,
                        Str::Other => full = true,
                    }
                } else {
                    match id {
                        F_TIME | F_SOURCE | F_NAME => {
                            let target = match id {
                                F_TIME => &mut event.event_time,
                                F_SOURCE => &mut event.event_source,
                                _ => &mut event.event_name,
                            };
                            match self.str_field(1)? {
                                Str::Value(v) => *target = Cow::Borrowed(v),
                                // Required: null is a type error.
                                Str::Null | Str::Other => full = true,
                            }
                        }
                        F_READ_ONLY | F_MANAGEMENT => {
                            let target = if id == F_READ_ONLY {
                                &mut event.read_only
                            } else {
                                &mut event.management_event
                            };
                            match self.bool_field()? {
                                Ok(v) => *target = v,
                                Err(()) => full = true,
                            }
                        }
                        F_IDENTITY => {
                            self.ws();
                            let at = self.pos;
                            match self.identity() {
                                Some(parsed) => event.user_identity = parsed,
                                None => {
                                    // Serde's business; the syntax is still checked here.
                                    full = true;
                                    self.pos = at;
                                    self.value(1)?;
                                }
                            }
                        }
                        F_RESOURCES => {
                            self.ws();
                            // `Vec` with `default`: null is a type error for serde.
                            full |= self.peek() != Some(b'[');
                            self.value(1)?;
                        }
                        _ => self.value(1)?,
                    }
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
        let required = (1 << F_TIME) | (1 << F_SOURCE) | (1 << F_NAME);
        if full || seen & required != required {
            return Some(Record::Full(text));
        }
        Some(Record::Light(text))
    }

    /// An object of string fields and nested objects at nesting `depth`, as serde reads it
    /// into a struct: the string fields go to `out` (by the index `index` gives a key);
    /// `nested` takes the keys it knows (`Some(true)`: it read the value). `None` if anything
    /// is off (escapes, duplicates, wrong types, syntax). The value may be `null`:
    /// `Some(false)`.
    fn object_fields(
        &mut self,
        depth: usize,
        index: fn(&str) -> Option<usize>,
        out: &mut [Option<Cow<'a, str>>],
        nested: &mut dyn FnMut(&mut Scanner<'a>, &str) -> Option<bool>,
    ) -> Option<bool> {
        self.ws();
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(false);
        }
        if self.peek()? != b'{' || depth > MAX_DEPTH {
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
            if let Some(i) = index(key) {
                if seen & (1 << i) != 0 {
                    return None;
                }
                seen |= 1 << i;
                match self.str_field(depth)? {
                    Str::Value(v) => *out.get_mut(i)? = Some(Cow::Borrowed(v)),
                    Str::Null => *out.get_mut(i)? = None,
                    Str::Other => return None,
                }
            } else if !nested(self, key)? {
                self.value(depth)?;
            }
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}').then_some(true);
        }
    }

    /// `userIdentity` (a record member: nesting 2) as serde reads it into
    /// [`UserIdentity`]; `None` when serde must.
    fn identity(&mut self) -> Option<Option<UserIdentity<'a>>> {
        let index = |key: &str| match key {
            "type" => Some(0),
            "principalId" => Some(1),
            "arn" => Some(2),
            "accountId" => Some(3),
            "accessKeyId" => Some(4),
            "userName" => Some(5),
            "invokedBy" => Some(6),
            _ => None,
        };
        let mut v: [Option<Cow<'a, str>>; 7] = Default::default();
        let mut context: Option<SessionContext<'a>> = None;
        let mut context_seen = false;
        let present = self.object_fields(2, index, &mut v, &mut |s, key| {
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

    /// `userIdentity.sessionContext` (nesting 3).
    fn session_context(&mut self) -> Option<Option<SessionContext<'a>>> {
        let mut source: [Option<Cow<'a, str>>; 1] = Default::default();
        let mut attributes: Option<SessionAttributes<'a>> = None;
        let mut issuer: Option<SessionIssuer<'a>> = None;
        let (mut a_seen, mut i_seen) = (false, false);
        let source_index = |key: &str| (key == "sourceIdentity").then_some(0);
        let present =
            self.object_fields(3, source_index, &mut source, &mut |s, key| match key {
                "attributes" if !a_seen => {
                    a_seen = true;
                    let mut v: [Option<Cow<'a, str>>; 2] = Default::default();
                    let index = |key: &str| match key {
                        "mfaAuthenticated" => Some(0),
                        "creationDate" => Some(1),
                        _ => None,
                    };
                    let inner = s.object_fields(4, index, &mut v, &mut |_, _| Some(false))?;
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
                    let index = |key: &str| match key {
                        "type" => Some(0),
                        "arn" => Some(1),
                        "userName" => Some(2),
                        _ => None,
                    };
                    let inner = s.object_fields(4, index, &mut v, &mut |_, _| Some(false))?;
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

/// An [`Event`] with nothing read yet.
pub(crate) fn blank<'a>() -> Event<'a> {
    Event {
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
    }
}

// Top-level keys of a record that [`Event`] knows (serde rejects duplicates of these), as
// bit positions.
const F_VERSION: u32 = 0;
const F_IDENTITY: u32 = 1;
const F_TIME: u32 = 2;
const F_SOURCE: u32 = 3;
const F_NAME: u32 = 4;
const F_REGION: u32 = 5;
const F_SOURCE_IP: u32 = 6;
const F_USER_AGENT: u32 = 7;
const F_ERROR_CODE: u32 = 8;
const F_ERROR_MESSAGE: u32 = 9;
const F_REQUEST_PARAMETERS: u32 = 10;
const F_RESPONSE_ELEMENTS: u32 = 11;
const F_ADDITIONAL_DATA: u32 = 12;
const F_REQUEST_ID: u32 = 13;
const F_EVENT_ID: u32 = 14;
const F_EVENT_TYPE: u32 = 15;
const F_READ_ONLY: u32 = 16;
const F_RESOURCES: u32 = 17;
const F_RECIPIENT: u32 = 18;
const F_CATEGORY: u32 = 19;
const F_MANAGEMENT: u32 = 20;
const F_CONSOLE: u32 = 21;
const F_TLS: u32 = 22;
/// Any other key.
const OTHER: u32 = 31;

/// The bit of a top-level key ([`OTHER`] for keys [`Event`] ignores). A `match`, so that
/// each comparison is inlined (no `memcmp` calls).
fn field_id(key: &str) -> u32 {
    match key {
        "eventVersion" => F_VERSION,
        "userIdentity" => F_IDENTITY,
        "eventTime" => F_TIME,
        "eventSource" => F_SOURCE,
        "eventName" => F_NAME,
        "awsRegion" => F_REGION,
        "sourceIPAddress" => F_SOURCE_IP,
        "userAgent" => F_USER_AGENT,
        "errorCode" => F_ERROR_CODE,
        "errorMessage" => F_ERROR_MESSAGE,
        "requestParameters" => F_REQUEST_PARAMETERS,
        "responseElements" => F_RESPONSE_ELEMENTS,
        "additionalEventData" => F_ADDITIONAL_DATA,
        "requestID" => F_REQUEST_ID,
        "eventID" => F_EVENT_ID,
        "eventType" => F_EVENT_TYPE,
        "readOnly" => F_READ_ONLY,
        "resources" => F_RESOURCES,
        "recipientAccountId" => F_RECIPIENT,
        "eventCategory" => F_CATEGORY,
        "managementEvent" => F_MANAGEMENT,
        "sessionCredentialFromConsole" => F_CONSOLE,
        "tlsDetails" => F_TLS,
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn light(text: &str) -> Option<Event<'_>> {
        let mut event = blank();
        match Scanner::new(text, 0).record(&mut event)? {
            Record::Light(_) => Some(event),
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
            assert!(
                Scanner::new(text, 0).record(&mut blank()).is_some(),
                "{text}"
            );
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
            assert!(
                Scanner::new(text, 0).record(&mut blank()).is_none(),
                "{text}"
            );
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(Scanner::new(&deep, 0).value(0).is_none());
    }
}
