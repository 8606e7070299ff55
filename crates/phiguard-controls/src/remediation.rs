//! A control's Remediation doc section split into its labelled steps: a summary paragraph,
//! then `- Console: ...`, `- CLI: ...`, `- Terraform: ...` and optionally
//! `- CloudFormation: ...` bullets. `controls explain`, the HTML report and the generated docs
//! show them as labelled sections; the catalogue invariants require the first three.

use serde::Serialize;

use crate::control::Control;

/// The labels of remediation steps, in display order, and whether every control needs one.
pub const LABELS: [(&str, bool); 4] = [
    ("Console", true),
    ("CLI", true),
    ("Terraform", true),
    ("CloudFormation", false),
];

/// A remediation split into its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Remediation {
    /// The text before the first bullet.
    pub summary: String,
    /// Labelled steps (`Console`, `CLI`, `Terraform`, `CloudFormation`) in [`LABELS`] order,
    /// each once (a repeated label's text is appended).
    pub steps: Vec<Step>,
    /// Other bullets, verbatim.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

/// One labelled remediation step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// `Console`, `CLI`, `Terraform` or `CloudFormation`.
    pub label: &'static str,
    /// The step's text, continuation lines joined with spaces.
    pub text: String,
}

impl Remediation {
    /// Parses a Remediation section (Markdown, as [`Control::doc_section`] returns it).
    pub fn parse(section: &str) -> Remediation {
        let mut summary: Vec<&str> = Vec::new();
        let mut bullets: Vec<String> = Vec::new();
        for line in section.lines() {
            let trimmed = line.trim();
            if let Some(item) = trimmed.strip_prefix("- ") {
                bullets.push(item.trim().to_string());
            } else if let Some(last) = bullets.last_mut().filter(|_| !trimmed.is_empty()) {
                last.push(' ');
                last.push_str(trimmed);
            } else if bullets.is_empty() {
                summary.push(trimmed);
            }
        }
        let mut out = Remediation {
            summary: summary
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            ..Remediation::default()
        };
        let mut found: Vec<(&'static str, String)> = Vec::new();
        for bullet in bullets {
            let labelled = LABELS.iter().find_map(|(label, _)| {
                let rest = bullet.strip_prefix(label)?;
                let rest = rest.trim_start();
                // `Terraform:` or `Terraform (aws_s3_bucket):`; not `CLIs are ...`.
                let text = rest
                    .strip_prefix(':')
                    .or_else(|| rest.starts_with('(').then_some(rest))?;
                Some((*label, text.trim().to_string()))
            });
            match labelled {
                Some((label, text)) => match found.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, existing)) => {
                        existing.push(' ');
                        existing.push_str(&text);
                    }
                    None => found.push((label, text)),
                },
                None => out.other.push(bullet),
            }
        }
        for (label, _) in LABELS {
            if let Some((_, text)) = found.iter().find(|(l, _)| *l == label) {
                out.steps.push(Step {
                    label,
                    text: text.clone(),
                });
            }
        }
        out
    }

    /// The step with a label, if present and not empty.
    pub fn step(&self, label: &str) -> Option<&str> {
        self.steps
            .iter()
            .find(|s| s.label == label && !s.text.is_empty())
            .map(|s| s.text.as_str())
    }

    /// Labels every control must have but this one lacks.
    pub fn missing(&self) -> Vec<&'static str> {
        LABELS
            .iter()
            .filter(|(label, required)| *required && self.step(label).is_none())
            .map(|(label, _)| *label)
            .collect()
    }
}

impl Control {
    /// The Remediation section split into summary and labelled steps.
    pub fn remediation(&self) -> Remediation {
        Remediation::parse(&self.doc_section("Remediation").unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_summary_and_labelled_steps() {
        let r = Remediation::parse(
            "Enable versioning on the bucket,\nthen add a lifecycle rule.\n\n- Console: S3 → bucket → Properties.\n- CLI: `aws s3api put-bucket-versioning`\n- Terraform: `resource \"x\" {\n  a = 1 }`\n- Note: something else",
        );
        assert_eq!(
            r.summary,
            "Enable versioning on the bucket, then add a lifecycle rule."
        );
        assert_eq!(r.step("Console"), Some("S3 → bucket → Properties."));
        assert_eq!(r.step("CLI"), Some("`aws s3api put-bucket-versioning`"));
        assert_eq!(r.step("Terraform"), Some("`resource \"x\" { a = 1 }`"));
        assert_eq!(r.step("CloudFormation"), None);
        assert_eq!(r.other, vec!["Note: something else".to_string()]);
        assert!(r.missing().is_empty());
    }

    #[test]
    fn reports_missing_steps() {
        let r = Remediation::parse("Do it.\n\n- CLI: `aws x`\n- CLIs are not steps");
        assert_eq!(r.missing(), vec!["Console", "Terraform"]);
        assert_eq!(r.other.len(), 1);
        let r = Remediation::parse("- Console:\n- CLI: x\n- Terraform: y");
        assert_eq!(r.missing(), vec!["Console"], "an empty step is missing");
    }
}
