//! A result's evidence on the wire: the attribute values a control read, in the order read.
//!
//! A report built from a scan borrows each result's evidence from the scan's evaluation (no
//! copy: at a million resources that copy was one allocation per result and a second of the
//! report build); a report read back from JSON owns it. Both serialize as one JSON object.

use std::borrow::Cow;

use phiguard_model::Value;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The evidence of one result.
#[derive(Debug, Clone)]
pub enum EvidenceV1<'a> {
    /// Borrowed from the evaluation of the scan that produced the report.
    Scan(&'a [(&'static str, Value<'a>)]),
    /// Read from a report (or built by hand).
    Read(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl Default for EvidenceV1<'_> {
    fn default() -> Self {
        EvidenceV1::Read(Vec::new())
    }
}

impl<'a> EvidenceV1<'a> {
    /// The entries, in the order the control read them.
    pub fn iter(&self) -> Iter<'_, 'a> {
        match self {
            EvidenceV1::Scan(entries) => Iter::Scan(entries.iter()),
            EvidenceV1::Read(entries) => Iter::Read(entries.iter()),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        match self {
            EvidenceV1::Scan(entries) => entries.len(),
            EvidenceV1::Read(entries) => entries.len(),
        }
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries as an owned list (what [`EvidenceV1::Read`] holds).
    pub fn to_vec(&self) -> Vec<(Cow<'a, str>, Value<'a>)> {
        match self {
            EvidenceV1::Scan(entries) => entries
                .iter()
                .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
                .collect(),
            EvidenceV1::Read(entries) => entries.clone(),
        }
    }
}

impl<'a> From<Vec<(Cow<'a, str>, Value<'a>)>> for EvidenceV1<'a> {
    fn from(entries: Vec<(Cow<'a, str>, Value<'a>)>) -> Self {
        EvidenceV1::Read(entries)
    }
}

/// Equal when the entries are, whichever way each side holds them.
impl PartialEq for EvidenceV1<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// The entries of an [`EvidenceV1`], as `(key, value)`.
pub enum Iter<'r, 'a> {
    /// Over borrowed evaluation evidence.
    Scan(std::slice::Iter<'r, (&'static str, Value<'a>)>),
    /// Over evidence read back.
    Read(std::slice::Iter<'r, (Cow<'a, str>, Value<'a>)>),
}

impl<'r, 'a> Iterator for Iter<'r, 'a> {
    type Item = (&'r str, &'r Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Scan(entries) => entries.next().map(|(k, v)| (*k, v)),
            Iter::Read(entries) => entries.next().map(|(k, v)| (k.as_ref(), v)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Scan(entries) => entries.size_hint(),
            Iter::Read(entries) => entries.size_hint(),
        }
    }
}

impl ExactSizeIterator for Iter<'_, '_> {}

impl<'r, 'a> IntoIterator for &'r EvidenceV1<'a> {
    type Item = (&'r str, &'r Value<'a>);
    type IntoIter = Iter<'r, 'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A JSON object, keys in the order read.
impl Serialize for EvidenceV1<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// From a JSON object, keeping its entries in document order (the order the control read
/// them).
impl<'de> Deserialize<'de> for EvidenceV1<'_> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct InOrder;

        impl<'de> serde::de::Visitor<'de> for InOrder {
            type Value = Vec<(Cow<'static, str>, Value<'static>)>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of evidence values")
            }

            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Self::Value, M::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some((key, value)) = map.next_entry::<String, Value<'static>>()? {
                    out.push((Cow::Owned(key), value));
                }
                Ok(out)
            }
        }

        d.deserialize_map(InOrder).map(EvidenceV1::Read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_entries() -> Vec<(&'static str, Value<'static>)> {
        vec![
            ("versioning", Value::Str(Cow::Borrowed("Enabled"))),
            ("mfa_delete", Value::Bool(false)),
            (
                "rules",
                Value::List(vec![Value::Int(3), Value::Null, Value::from("x\"y")]),
            ),
        ]
    }

    #[test]
    fn borrowed_and_read_evidence_serialize_alike_in_the_order_read() {
        let entries = scan_entries();
        let scan = EvidenceV1::Scan(&entries);
        let json = serde_json::to_string(&scan).unwrap();
        assert_eq!(
            json,
            r#"{"versioning":"Enabled","mfa_delete":false,"rules":[3,null,"x\"y"]}"#
        );
        let read: EvidenceV1<'_> = serde_json::from_str(&json).unwrap();
        assert!(matches!(read, EvidenceV1::Read(_)));
        assert_eq!(read, scan);
        assert_eq!(serde_json::to_string(&read).unwrap(), json);
        assert_eq!(
            read.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            ["versioning", "mfa_delete", "rules"]
        );
        assert_eq!(EvidenceV1::Read(scan.to_vec()), scan);
    }

    #[test]
    fn length_order_and_values_decide_equality() {
        let entries = scan_entries();
        let scan = EvidenceV1::Scan(&entries);
        assert_eq!(scan.len(), 3);
        assert_eq!(scan.iter().len(), 3);
        assert!(!scan.is_empty());
        assert!(EvidenceV1::default().is_empty());
        let mut reordered = scan.to_vec();
        reordered.swap(0, 1);
        assert_ne!(EvidenceV1::from(reordered), scan);
        let mut changed = scan.to_vec();
        changed[1].1 = Value::Bool(true);
        assert_ne!(EvidenceV1::from(changed), scan);
        assert_ne!(EvidenceV1::Scan(&entries[..2]), scan);
    }

    #[test]
    fn evidence_that_is_not_an_object_is_refused() {
        let err = serde_json::from_str::<EvidenceV1<'_>>("[1, 2]").unwrap_err();
        assert!(
            err.to_string().contains("an object of evidence values"),
            "{err}"
        );
    }
}
