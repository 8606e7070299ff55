//! HIPAA Security Rule citations (45 CFR Part 164, Subpart C and the organisational and
//! documentation requirements), parsed and validated against the list of sections in the rule.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Every standard and implementation specification of the Security Rule that phiguard cites,
/// with its title. Parents (`164.308(a)`) are valid citations too.
pub const SECTIONS: &[(&str, &str)] = &[
    ("164.308", "Administrative safeguards"),
    ("164.308(a)(1)(i)", "Security management process"),
    ("164.308(a)(1)(ii)(A)", "Risk analysis"),
    ("164.308(a)(1)(ii)(B)", "Risk management"),
    ("164.308(a)(1)(ii)(C)", "Sanction policy"),
    ("164.308(a)(1)(ii)(D)", "Information system activity review"),
    ("164.308(a)(2)", "Assigned security responsibility"),
    ("164.308(a)(3)(i)", "Workforce security"),
    ("164.308(a)(3)(ii)(A)", "Authorization and/or supervision"),
    ("164.308(a)(3)(ii)(B)", "Workforce clearance procedure"),
    ("164.308(a)(3)(ii)(C)", "Termination procedures"),
    ("164.308(a)(4)(i)", "Information access management"),
    (
        "164.308(a)(4)(ii)(A)",
        "Isolating health care clearinghouse functions",
    ),
    ("164.308(a)(4)(ii)(B)", "Access authorization"),
    (
        "164.308(a)(4)(ii)(C)",
        "Access establishment and modification",
    ),
    ("164.308(a)(5)(i)", "Security awareness and training"),
    ("164.308(a)(5)(ii)(A)", "Security reminders"),
    ("164.308(a)(5)(ii)(B)", "Protection from malicious software"),
    ("164.308(a)(5)(ii)(C)", "Log-in monitoring"),
    ("164.308(a)(5)(ii)(D)", "Password management"),
    ("164.308(a)(6)(i)", "Security incident procedures"),
    ("164.308(a)(6)(ii)", "Response and reporting"),
    ("164.308(a)(7)(i)", "Contingency plan"),
    ("164.308(a)(7)(ii)(A)", "Data backup plan"),
    ("164.308(a)(7)(ii)(B)", "Disaster recovery plan"),
    ("164.308(a)(7)(ii)(C)", "Emergency mode operation plan"),
    ("164.308(a)(7)(ii)(D)", "Testing and revision procedures"),
    (
        "164.308(a)(7)(ii)(E)",
        "Applications and data criticality analysis",
    ),
    ("164.308(a)(8)", "Evaluation"),
    (
        "164.308(b)(1)",
        "Business associate contracts and other arrangements",
    ),
    ("164.308(b)(3)", "Written contract or other arrangement"),
    ("164.310", "Physical safeguards"),
    ("164.310(a)(1)", "Facility access controls"),
    ("164.310(a)(2)(i)", "Contingency operations"),
    ("164.310(a)(2)(ii)", "Facility security plan"),
    (
        "164.310(a)(2)(iii)",
        "Access control and validation procedures",
    ),
    ("164.310(a)(2)(iv)", "Maintenance records"),
    ("164.310(b)", "Workstation use"),
    ("164.310(c)", "Workstation security"),
    ("164.310(d)(1)", "Device and media controls"),
    ("164.310(d)(2)(i)", "Disposal"),
    ("164.310(d)(2)(ii)", "Media re-use"),
    ("164.310(d)(2)(iii)", "Accountability"),
    ("164.310(d)(2)(iv)", "Data backup and storage"),
    ("164.312", "Technical safeguards"),
    ("164.312(a)(1)", "Access control"),
    ("164.312(a)(2)(i)", "Unique user identification"),
    ("164.312(a)(2)(ii)", "Emergency access procedure"),
    ("164.312(a)(2)(iii)", "Automatic logoff"),
    ("164.312(a)(2)(iv)", "Encryption and decryption"),
    ("164.312(b)", "Audit controls"),
    ("164.312(c)(1)", "Integrity"),
    ("164.312(c)(2)", "Mechanism to authenticate electronic PHI"),
    ("164.312(d)", "Person or entity authentication"),
    ("164.312(e)(1)", "Transmission security"),
    ("164.312(e)(2)(i)", "Integrity controls"),
    ("164.312(e)(2)(ii)", "Encryption"),
    ("164.314", "Organizational requirements"),
    (
        "164.314(a)(1)",
        "Business associate contracts or other arrangements",
    ),
    ("164.314(a)(2)(i)", "Business associate contracts"),
    ("164.314(a)(2)(ii)", "Other arrangements"),
    (
        "164.314(a)(2)(iii)",
        "Business associate contracts with subcontractors",
    ),
    ("164.314(b)(1)", "Requirements for group health plans"),
    (
        "164.314(b)(2)",
        "Implementation specifications (group health plans)",
    ),
    (
        "164.316",
        "Policies and procedures and documentation requirements",
    ),
    ("164.316(a)", "Policies and procedures"),
    ("164.316(b)(1)", "Documentation"),
    ("164.316(b)(2)(i)", "Time limit (retain six years)"),
    ("164.316(b)(2)(ii)", "Availability"),
    ("164.316(b)(2)(iii)", "Updates"),
];

/// A validated citation of 45 CFR Part 164, normalised to `164.312(a)(2)(iv)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Citation(String);

/// Why a citation is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CitationError {
    /// The text does not look like `164.312(a)(1)`.
    #[error("`{0}` is not a 45 CFR 164 citation (expected e.g. `164.312(a)(1)` or `312(a)(1)`)")]
    Malformed(String),
    /// Well formed, but the Security Rule has no such section.
    #[error("`{0}` is not a section of the HIPAA Security Rule")]
    Unknown(String),
}

impl Citation {
    /// Parses `164.312(a)(2)(iv)`, `312(a)(2)(iv)` or `45 CFR 164.312(a)(2)(iv)`; whitespace is
    /// ignored. The section must exist in [`SECTIONS`] (or be the parent of one that does).
    pub fn parse(text: &str) -> Result<Citation, CitationError> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let body = compact.strip_prefix("45CFR").unwrap_or(&compact);
        let body = body.strip_prefix("§").unwrap_or(body);
        let normalised = if body.starts_with("164.") {
            body.to_string()
        } else {
            format!("164.{body}")
        };
        if !well_formed(&normalised) {
            return Err(CitationError::Malformed(text.to_string()));
        }
        let known = SECTIONS.iter().any(|(section, _)| {
            *section == normalised
                || (section.starts_with(normalised.as_str())
                    && section[normalised.len()..].starts_with('('))
        });
        if known {
            Ok(Citation(normalised))
        } else {
            Err(CitationError::Unknown(text.to_string()))
        }
    }

    /// The normalised text, `164.312(a)(2)(iv)`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The section's title from the rule, or of its nearest listed parent.
    pub fn title(&self) -> &'static str {
        SECTIONS
            .iter()
            .filter(|(section, _)| self.0.starts_with(section))
            .max_by_key(|(section, _)| section.len())
            .or_else(|| {
                SECTIONS
                    .iter()
                    .find(|(section, _)| section.starts_with(&self.0))
            })
            .map_or("", |(_, title)| title)
    }

    /// The standard the citation belongs to, for grouping: `164.312(a)(2)(iv)` → `164.312(a)`.
    pub fn standard(&self) -> &str {
        let bytes = self.0.as_bytes();
        let mut depth = 0;
        for (i, b) in bytes.iter().enumerate() {
            if *b == b')' {
                depth += 1;
                if depth == 1 {
                    return &self.0[..=i];
                }
            }
        }
        &self.0
    }
}

fn well_formed(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("164.") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits != 3 {
        return false;
    }
    let mut rest = &rest[digits..];
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('(') else {
            return false;
        };
        let Some(close) = inner.find(')') else {
            return false;
        };
        let part = &inner[..close];
        if part.is_empty() || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return false;
        }
        rest = &inner[close + 1..];
    }
    true
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Citation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Citation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Citation::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Citation {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Citation".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A 45 CFR Part 164 citation such as `164.312(a)(2)(iv)`",
            "pattern": "^164\\.[0-9]{3}(\\([0-9a-zA-Z]+\\))*$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_and_long_forms() {
        for text in [
            "312(a)(2)(iv)",
            "164.312(a)(2)(iv)",
            "45 CFR 164.312(a)(2)(iv)",
        ] {
            assert_eq!(Citation::parse(text).unwrap().as_str(), "164.312(a)(2)(iv)");
        }
    }

    #[test]
    fn parents_are_valid() {
        assert_eq!(
            Citation::parse("164.308(a)").unwrap().as_str(),
            "164.308(a)"
        );
        assert_eq!(Citation::parse("312").unwrap().as_str(), "164.312");
    }

    #[test]
    fn rejects_unknown_and_malformed() {
        assert!(matches!(
            Citation::parse("164.312(z)"),
            Err(CitationError::Unknown(_))
        ));
        assert!(matches!(
            Citation::parse("164.999(a)"),
            Err(CitationError::Unknown(_))
        ));
        assert!(matches!(
            Citation::parse("164.312(a"),
            Err(CitationError::Malformed(_))
        ));
        assert!(matches!(
            Citation::parse("hello"),
            Err(CitationError::Malformed(_))
        ));
        // A prefix that is not a parenthesised parent is not a parent.
        assert!(matches!(
            Citation::parse("164.31"),
            Err(CitationError::Malformed(_))
        ));
    }

    #[test]
    fn titles_and_standards() {
        let c = Citation::parse("312(a)(2)(iv)").unwrap();
        assert_eq!(c.title(), "Encryption and decryption");
        assert_eq!(c.standard(), "164.312(a)");
        assert_eq!(Citation::parse("312(b)").unwrap().standard(), "164.312(b)");
    }
}
