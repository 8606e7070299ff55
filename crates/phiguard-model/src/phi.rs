//! PHI scope: which resources hold protected health information, decided by tags.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Tag rules that put a resource in PHI scope: a resource is PHI when it has a tag whose key
/// matches a rule's key and whose value is one of the rule's values, both compared
/// case-insensitively. An empty value list matches any value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PhiTags {
    rules: Vec<PhiTagRule>,
}

/// One tag key and the values that mean PHI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PhiTagRule {
    /// Tag key, e.g. `PHI`.
    pub key: String,
    /// Values that mean PHI, e.g. `Yes`, `true`. Empty: any value.
    pub values: Vec<String>,
}

impl Default for PhiTags {
    /// `PHI=Yes|true` and `DataSensitivity=PHI`.
    fn default() -> Self {
        PhiTags::new(vec![
            PhiTagRule {
                key: "PHI".into(),
                values: vec!["Yes".into(), "true".into()],
            },
            PhiTagRule {
                key: "DataSensitivity".into(),
                values: vec!["PHI".into()],
            },
        ])
    }
}

impl PhiTags {
    /// Rules as given; matching is case-insensitive.
    pub fn new(rules: Vec<PhiTagRule>) -> PhiTags {
        let rules = rules
            .into_iter()
            .map(|r| PhiTagRule {
                key: r.key.to_ascii_lowercase(),
                values: r.values.iter().map(|v| v.to_ascii_lowercase()).collect(),
            })
            .collect();
        PhiTags { rules }
    }

    /// The rules, lower-cased.
    pub fn rules(&self) -> &[PhiTagRule] {
        &self.rules
    }

    /// Whether these tags put a resource in PHI scope.
    pub fn matches(&self, tags: &BTreeMap<String, String>) -> bool {
        tags.iter().any(|(key, value)| {
            self.rules.iter().any(|rule| {
                rule.key.eq_ignore_ascii_case(key)
                    && (rule.values.is_empty()
                        || rule
                            .values
                            .iter()
                            .any(|v| v.eq_ignore_ascii_case(value.trim())))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn default_rules_are_case_insensitive() {
        let phi = PhiTags::default();
        assert!(phi.matches(&tags(&[("PHI", "Yes")])));
        assert!(phi.matches(&tags(&[("phi", "TRUE")])));
        assert!(phi.matches(&tags(&[("datasensitivity", "phi")])));
        assert!(!phi.matches(&tags(&[("PHI", "No")])));
        assert!(!phi.matches(&tags(&[("Owner", "Yes")])));
        assert!(!phi.matches(&tags(&[])));
    }

    #[test]
    fn empty_values_match_any_value() {
        let phi = PhiTags::new(vec![PhiTagRule {
            key: "Patient".into(),
            values: vec![],
        }]);
        assert!(phi.matches(&tags(&[("patient", "anything")])));
    }
}
