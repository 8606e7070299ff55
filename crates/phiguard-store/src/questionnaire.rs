//! Questionnaires: the built-in 45-question healthcare vendor questionnaire, custom templates
//! in YAML, requests with due dates and a reminder schedule, answers, weighted scoring into a
//! residual rating, and findings for bad answers to critical questions.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::finding::{Finding, FindingSeverity, FindingStatus};
use crate::record::Stored;
use crate::record::{Record, Retention};
use crate::reminders::Reminder;
use crate::store::{Store, Tx, six_years_after};
use crate::vendor::{self, Rating, Tier, Vendor};
use crate::{StoreError, sha256_hex, string_enum};

/// The built-in template's YAML.
pub const BUILTIN_YAML: &str = include_str!("../questionnaires/healthcare-vendor-v1.yaml");
/// The built-in template's key.
pub const BUILTIN_KEY: &str = "phiguard-healthcare-vendor";

string_enum! {
    /// How a question is answered.
    AnswerType {
        YesNo => "yes_no",
        YesPartialNo => "yes_partial_no",
        Choice => "choice",
        Multi => "multi",
        Text => "text",
        Number => "number",
        Date => "date",
    }
}

/// A questionnaire template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable key.
    pub key: String,
    /// Version (immutable once imported).
    pub version: u32,
    /// Title.
    pub title: String,
    /// `builtin`, `custom`, ...
    #[serde(default = "custom")]
    pub source: String,
    /// Licence of the wording, if not ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_note: Option<String>,
    /// Sections in order.
    pub sections: Vec<Section>,
}

fn custom() -> String {
    "custom".into()
}

fn all_tiers() -> Vec<u8> {
    vec![1, 2, 3, 4]
}

fn one() -> u8 {
    1
}

/// A section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Id (`A`).
    pub id: String,
    /// Title.
    pub title: String,
    /// The inherent tiers that answer it.
    #[serde(default = "all_tiers")]
    pub tiers: Vec<u8>,
    /// Asked only when another question has one of these answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<DependsOn>,
    /// Questions.
    pub questions: Vec<Question>,
}

/// A condition on another question's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependsOn {
    /// The question's ref.
    pub question: String,
    /// The answers that enable the section.
    pub answers: Vec<String>,
}

/// A question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Reference (`B7`), unique in the template.
    #[serde(rename = "ref")]
    pub ref_id: String,
    /// Wording.
    pub text: String,
    /// Answer type.
    #[serde(rename = "type")]
    pub answer_type: AnswerType,
    /// Weight 1–3.
    #[serde(default = "one")]
    pub weight: u8,
    /// A bad answer opens a finding and makes the rating at least high.
    #[serde(default)]
    pub critical: bool,
    /// Evidence must be attached.
    #[serde(default)]
    pub evidence: bool,
    /// Choices with their score (0–1); defaults for yes/no types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// Number answers: good at or below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Number answers: good at or above this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// HIPAA citations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hipaa: Vec<String>,
    /// Help for the respondent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// A choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The answer value.
    pub value: String,
    /// Score, 0 (bad) to 1 (good).
    pub score: f64,
}

impl Question {
    /// The choices in force (explicit, else the defaults of yes/no types).
    pub fn effective_choices(&self) -> Vec<Choice> {
        if !self.choices.is_empty() {
            return self.choices.clone();
        }
        let c = |value: &str, score: f64| Choice {
            value: value.into(),
            score,
        };
        match self.answer_type {
            AnswerType::YesNo => vec![c("yes", 1.0), c("no", 0.0)],
            AnswerType::YesPartialNo => vec![c("yes", 1.0), c("partial", 0.5), c("no", 0.0)],
            _ => Vec::new(),
        }
    }

    /// Whether the answer counts in the score.
    pub fn is_scored(&self) -> bool {
        match self.answer_type {
            AnswerType::YesNo | AnswerType::YesPartialNo | AnswerType::Choice => true,
            AnswerType::Number => self.max.is_some() || self.min.is_some(),
            _ => false,
        }
    }

    /// Checks an answer value; returns it normalised.
    pub fn check_answer(&self, value: &str) -> Result<String, String> {
        let v = value.trim();
        if v.eq_ignore_ascii_case("na") || v.eq_ignore_ascii_case("n/a") {
            return Ok("na".into());
        }
        match self.answer_type {
            AnswerType::YesNo | AnswerType::YesPartialNo | AnswerType::Choice => {
                let choices = self.effective_choices();
                choices
                    .iter()
                    .find(|c| c.value.eq_ignore_ascii_case(v))
                    .map(|c| c.value.clone())
                    .ok_or_else(|| {
                        format!(
                            "`{v}` is not one of {}, na",
                            choices
                                .iter()
                                .map(|c| c.value.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
            }
            AnswerType::Number => v
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|_| v.to_string())
                .ok_or_else(|| format!("`{v}` is not a number")),
            AnswerType::Date => v
                .parse::<Date>()
                .map(|d| d.to_string())
                .map_err(|_| format!("`{v}` is not a date (YYYY-MM-DD)")),
            AnswerType::Multi | AnswerType::Text => {
                if v.is_empty() {
                    Err("the answer is empty".into())
                } else {
                    Ok(v.to_string())
                }
            }
        }
    }

    /// The score of an answer, 0–1; `None` when not scored (or `na`).
    pub fn score(&self, value: &str) -> Option<f64> {
        if value == "na" || !self.is_scored() {
            return None;
        }
        match self.answer_type {
            AnswerType::Number => {
                let n: f64 = value.parse().ok()?;
                let ok = self.max.is_none_or(|m| n <= m) && self.min.is_none_or(|m| n >= m);
                Some(if ok { 1.0 } else { 0.0 })
            }
            _ => self
                .effective_choices()
                .iter()
                .find(|c| c.value == value)
                .map(|c| c.score),
        }
    }
}

impl Template {
    /// The built-in healthcare questionnaire.
    pub fn builtin() -> Result<Template, StoreError> {
        Template::from_yaml("<built-in questionnaire>", BUILTIN_YAML)
    }

    /// Parses and validates a YAML template; errors name the file, line and field.
    pub fn from_yaml(path: &str, text: &str) -> Result<Template, StoreError> {
        let template: Template = serde_yaml::from_str(text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            let message = e.to_string();
            let message = match message.find(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            StoreError::Input {
                path: path.to_string(),
                line,
                column,
                message,
            }
        })?;
        template
            .validate()
            .map_err(|(anchor, message)| StoreError::Input {
                path: path.to_string(),
                line: anchor.as_deref().map_or(0, |a| line_of(text, a)),
                column: 0,
                message,
            })?;
        Ok(template)
    }

    /// Semantic checks; an error carries text to find its line by, and the message.
    fn validate(&self) -> Result<(), (Option<String>, String)> {
        if self.key.trim().is_empty() {
            return Err((Some("key:".into()), "`key` must not be empty".into()));
        }
        if self.sections.is_empty() {
            return Err((
                Some("sections:".into()),
                "`sections` must not be empty".into(),
            ));
        }
        let mut refs: Vec<&str> = Vec::new();
        for s in &self.sections {
            if let Some(t) = s.tiers.iter().find(|t| !(1..=4).contains(*t)) {
                return Err((
                    Some(format!("id: {}", s.id)),
                    format!("section `{}`: tier {t} is not 1 to 4 (`tiers`)", s.id),
                ));
            }
            for q in &s.questions {
                let anchor = Some(format!("ref: {}", q.ref_id));
                if refs.contains(&q.ref_id.as_str()) {
                    return Err((anchor, format!("question `{}`: duplicate `ref`", q.ref_id)));
                }
                refs.push(&q.ref_id);
                if !(1..=3).contains(&q.weight) {
                    return Err((
                        anchor,
                        format!(
                            "question `{}`: `weight` {} is not 1, 2 or 3",
                            q.ref_id, q.weight
                        ),
                    ));
                }
                if q.answer_type == AnswerType::Choice && q.choices.is_empty() {
                    return Err((
                        anchor,
                        format!(
                            "question `{}`: a `choice` question needs `choices`",
                            q.ref_id
                        ),
                    ));
                }
                if let Some(c) = q.choices.iter().find(|c| !(0.0..=1.0).contains(&c.score)) {
                    return Err((
                        anchor,
                        format!(
                            "question `{}`: choice `{}` has `score` {}, expected 0 to 1",
                            q.ref_id, c.value, c.score
                        ),
                    ));
                }
                if q.critical && !q.is_scored() {
                    return Err((
                        anchor,
                        format!(
                            "question `{}`: `critical` needs a scored type (yes_no, yes_partial_no, choice, or number with min/max)",
                            q.ref_id
                        ),
                    ));
                }
            }
        }
        for s in &self.sections {
            if let Some(d) = &s.depends_on
                && !refs.contains(&d.question.as_str())
            {
                return Err((
                    Some(format!("question: {}", d.question)),
                    format!(
                        "section `{}`: `depends_on.question` names unknown question `{}`",
                        s.id, d.question
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Number of questions.
    pub fn len(&self) -> usize {
        self.sections.iter().map(|s| s.questions.len()).sum()
    }

    /// Whether it has no questions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A question by ref.
    pub fn question(&self, ref_id: &str) -> Option<&Question> {
        self.sections
            .iter()
            .flat_map(|s| &s.questions)
            .find(|q| q.ref_id.eq_ignore_ascii_case(ref_id.trim()))
    }

    /// The questions a vendor of `tier` answers, given the answers so far (for `depends_on`).
    pub fn applicable(&self, tier: Tier, answers: &BTreeMap<String, Answer>) -> Vec<&Question> {
        self.sections
            .iter()
            .filter(|s| s.tiers.contains(&tier.0))
            .filter(|s| {
                s.depends_on.as_ref().is_none_or(|d| {
                    answers
                        .get(&d.question)
                        .is_some_and(|a| d.answers.iter().any(|x| x.eq_ignore_ascii_case(&a.value)))
                })
            })
            .flat_map(|s| &s.questions)
            .collect()
    }

    /// SHA-256 of the canonical JSON of the template (what a request freezes).
    pub fn sha256(&self) -> String {
        sha256_hex(serde_json::to_string(self).unwrap_or_default().as_bytes())
    }
}

/// The 1-based line of the first line containing `needle` (0 when absent).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

/// An imported template, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredTemplate {
    /// The template.
    pub template: Template,
    /// Its SHA-256.
    pub sha256: String,
}

impl Record for StoredTemplate {
    const KIND: &'static str = "questionnaire_template";
    const PREFIX: &'static str = "QT";

    fn retention(&self, created: Date) -> Retention {
        Retention::Until(six_years_after(created))
    }

    fn summary(&self) -> String {
        format!(
            "questionnaire template {} v{} ({} questions)",
            self.template.key,
            self.template.version,
            self.template.len()
        )
    }
}

/// Imports a template; the same key and version must not exist with other content.
pub fn import(tx: &mut Tx<'_>, template: Template) -> Result<Stored<StoredTemplate>, StoreError> {
    let sha = template.sha256();
    if template.key == BUILTIN_KEY {
        return Err(StoreError::invalid(
            "key",
            format!("`{BUILTIN_KEY}` is the built-in questionnaire's key; choose another"),
        ));
    }
    for t in tx.list::<StoredTemplate>()? {
        if t.record.template.key == template.key && t.record.template.version == template.version {
            if t.record.sha256 == sha {
                return Ok(t);
            }
            return Err(StoreError::invalid(
                "version",
                format!(
                    "template `{}` version {} is already imported ({}) with different content; published versions are immutable, raise `version`",
                    template.key, template.version, t.id
                ),
            ));
        }
    }
    tx.insert_with(
        StoredTemplate {
            template,
            sha256: sha,
        },
        "import",
    )
}

/// Finds a template by key (latest version, or `version`); the built-in one included.
pub fn find_template(
    templates: &[Stored<StoredTemplate>],
    key: &str,
    version: Option<u32>,
) -> Result<Template, StoreError> {
    if key == BUILTIN_KEY && version.is_none_or(|v| v == 1) {
        return Template::builtin();
    }
    templates
        .iter()
        .filter(|t| t.record.template.key == key || t.id.eq_ignore_ascii_case(key))
        .filter(|t| version.is_none_or(|v| t.record.template.version == v))
        .max_by_key(|t| t.record.template.version)
        .map(|t| t.record.template.clone())
        .ok_or_else(|| StoreError::NotFound {
            kind: "questionnaire_template",
            id: key.to_string(),
            help: format!(
                "the built-in template is `{BUILTIN_KEY}`; `phiguard questionnaire templates` lists the imported ones"
            ),
        })
}

string_enum! {
    /// Where a request stands.
    RequestStatus {
        Sent => "sent",
        InProgress => "in_progress",
        Submitted => "submitted",
        Scored => "scored",
        Cancelled => "cancelled",
        Expired => "expired",
    }
}

impl RequestStatus {
    /// Waiting for the vendor.
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::Sent | RequestStatus::InProgress)
    }
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The value (normalised).
    pub value: String,
    /// Comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Evidence attached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence_ids: Vec<String>,
    /// When answered.
    pub answered_on: Date,
}

/// A questionnaire sent to a vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Vendor id.
    pub vendor_id: String,
    /// Vendor name, for display.
    pub vendor_name: String,
    /// Template key.
    pub template_key: String,
    /// Template version (frozen).
    pub template_version: u32,
    /// SHA-256 of the template (frozen).
    pub template_sha256: String,
    /// The vendor's inherent tier when sent.
    pub tier: Tier,
    /// Sent on.
    pub sent_on: Date,
    /// Due on.
    pub due: Date,
    /// Status.
    pub status: RequestStatus,
    /// Answers by question ref.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// Score 0–100 once scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    /// Residual rating once scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// Findings opened by scoring.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
}

impl Record for Request {
    const KIND: &'static str = "questionnaire_request";
    const PREFIX: &'static str = "REQ";

    fn retention(&self, created: Date) -> Retention {
        Retention::Until(six_years_after(created))
    }

    fn summary(&self) -> String {
        format!(
            "questionnaire {} v{} for {} ({}, due {})",
            self.template_key, self.template_version, self.vendor_name, self.status, self.due
        )
    }
}

/// Days relative to the due date at which reminders go out; then escalation and expiry.
pub const REMINDER_OFFSETS: [i64; 6] = [-7, -3, -1, 0, 3, 7];
/// Days after the due date at which the request escalates to the owners.
pub const ESCALATE_AFTER: i64 = 14;
/// Days after the due date at which an unanswered request expires.
pub const EXPIRE_AFTER: i64 = 30;

/// Sends a questionnaire to a vendor (records the request).
pub fn send(
    tx: &mut Tx<'_>,
    vendor: &str,
    template_key: &str,
    due: Date,
) -> Result<Stored<Request>, StoreError> {
    let vendors: Vec<Stored<Vendor>> = tx.list()?;
    let v = vendor::find(&vendors, vendor)?;
    let templates: Vec<Stored<StoredTemplate>> = tx.list()?;
    let template = find_template(&templates, template_key, None)?;
    let today = tx.ctx().today();
    if due < today {
        return Err(StoreError::invalid(
            "due",
            format!("{due} is in the past (today is {today})"),
        ));
    }
    tx.insert_with(
        Request {
            vendor_id: v.id.clone(),
            vendor_name: v.record.legal_name.clone(),
            template_key: template.key.clone(),
            template_version: template.version,
            template_sha256: template.sha256(),
            tier: v.record.inherent_tier(),
            sent_on: today,
            due,
            status: RequestStatus::Sent,
            answers: BTreeMap::new(),
            score: None,
            rating: None,
            findings: Vec::new(),
        },
        "questionnaire_sent",
    )
}

/// One answer as given (by flag or file).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum AnswerInput {
    /// Value with a comment and evidence ids.
    Full {
        /// The value.
        value: serde_yaml::Value,
        /// Comment.
        #[serde(default)]
        comment: Option<String>,
        /// Evidence ids.
        #[serde(default)]
        evidence: Vec<String>,
    },
    /// Just the value.
    Plain(serde_yaml::Value),
}

/// An answer as given, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenAnswer {
    /// Question ref.
    pub ref_id: String,
    /// Value.
    pub value: String,
    /// Comment.
    pub comment: Option<String>,
    /// Evidence ids.
    pub evidence: Vec<String>,
    /// The input line (0 when from a flag).
    pub line: usize,
}

/// Parses an answers file: `REF: value` or `REF: {value: ..., comment: ..., evidence: [...]}`.
pub fn parse_answers_file(path: &str, text: &str) -> Result<Vec<GivenAnswer>, StoreError> {
    let map: BTreeMap<String, AnswerInput> = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        let message = e.to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        StoreError::Input {
            path: path.to_string(),
            line,
            column,
            message,
        }
    })?;
    let scalar = |v: &serde_yaml::Value| match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
        _ => None,
    };
    let mut out = Vec::new();
    for (r, input) in map {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{r}:")))
            .map_or(0, |i| i + 1);
        let (value, comment, evidence) = match input {
            AnswerInput::Plain(v) => (v, None, Vec::new()),
            AnswerInput::Full {
                value,
                comment,
                evidence,
            } => (value, comment, evidence),
        };
        let value = scalar(&value).ok_or_else(|| StoreError::Input {
            path: path.to_string(),
            line,
            column: 0,
            message: format!("`{r}`: the answer must be a text, number or yes/no value"),
        })?;
        out.push(GivenAnswer {
            ref_id: r,
            value,
            comment,
            evidence,
            line,
        });
    }
    Ok(out)
}

/// Records answers to a request. Every answer is checked against its question before
/// anything is written; `line_of` gives the input line of each (0 when from flags).
pub fn answer(
    tx: &mut Tx<'_>,
    request_id: &str,
    answers: &[GivenAnswer],
    source: &str,
) -> Result<Stored<Request>, StoreError> {
    let request: Stored<Request> = tx.get(request_id)?;
    if !request.record.status.is_open() {
        return Err(StoreError::invalid(
            "request",
            format!(
                "{} is {}; answers are no longer accepted",
                request.id, request.record.status
            ),
        ));
    }
    let templates: Vec<Stored<StoredTemplate>> = tx.list()?;
    let template = find_template(
        &templates,
        &request.record.template_key,
        Some(request.record.template_version),
    )?;
    let today = tx.ctx().today();
    let mut checked = Vec::new();
    for given in answers {
        let (r, value) = (&given.ref_id, &given.value);
        let located = |message: String| StoreError::Input {
            path: source.to_string(),
            line: given.line,
            column: 0,
            message,
        };
        let q = template.question(r).ok_or_else(|| {
            located(format!(
                "unknown question `{r}` in template `{}`",
                template.key
            ))
        })?;
        let value = q
            .check_answer(value)
            .map_err(|m| located(format!("question `{}`: {m}", q.ref_id)))?;
        checked.push((
            q.ref_id.clone(),
            Answer {
                value,
                comment: given.comment.clone(),
                evidence_ids: given.evidence.clone(),
                answered_on: today,
            },
        ));
    }
    let id = request.id.clone();
    tx.update_with::<Request>(&id, Some(request.version), "questionnaire_answered", |r| {
        for (k, a) in checked {
            r.answers.insert(k, a);
        }
        r.status = RequestStatus::InProgress;
        Ok(())
    })
}

/// The result of scoring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scoring {
    /// Σ(weight × score) / Σ(weight) × 100 over the applicable scored questions
    /// (unanswered ones count 0; `na` ones are left out).
    pub score: u32,
    /// Residual rating from the tier × score band matrix, raised for critical answers.
    pub rating: Rating,
    /// Applicable questions.
    pub applicable: usize,
    /// Of which answered.
    pub answered: usize,
    /// Critical questions answered badly or not at all: (ref, why).
    pub critical_failures: Vec<(String, String)>,
    /// Questions needing evidence that has none.
    pub missing_evidence: Vec<String>,
}

/// A critical question scoring below this (e.g. `partial` MFA, 0.5) is answered badly;
/// `theirs` for "whose BAA" (0.75) is not.
pub const CRITICAL_PASS: f64 = 0.75;

/// Residual rating: inherent tier × score band (≥85, 70–84, 50–69, <50).
pub fn residual_rating(tier: Tier, score: u32) -> Rating {
    let band = match score {
        85.. => 0,
        70..=84 => 1,
        50..=69 => 2,
        _ => 3,
    };
    const GRID: [[Rating; 4]; 4] = [
        [
            Rating::Medium,
            Rating::High,
            Rating::Critical,
            Rating::Critical,
        ],
        [Rating::Low, Rating::Medium, Rating::High, Rating::Critical],
        [Rating::Low, Rating::Low, Rating::Medium, Rating::High],
        [Rating::Low, Rating::Low, Rating::Low, Rating::Medium],
    ];
    GRID[usize::from(tier.0.clamp(1, 4) - 1)][band]
}

/// Scores answers against a template for a vendor of `tier`.
pub fn score(template: &Template, tier: Tier, answers: &BTreeMap<String, Answer>) -> Scoring {
    let applicable = template.applicable(tier, answers);
    let (mut got, mut max) = (0.0, 0.0);
    let mut answered = 0;
    let mut critical_failures = Vec::new();
    let mut missing_evidence = Vec::new();
    for q in &applicable {
        let answer = answers.get(&q.ref_id);
        if answer.is_some() {
            answered += 1;
        }
        if q.evidence && answer.is_some_and(|a| a.value != "na" && a.evidence_ids.is_empty()) {
            missing_evidence.push(q.ref_id.clone());
        }
        if !q.is_scored() {
            continue;
        }
        let w = f64::from(q.weight);
        match answer.map(|a| (a, q.score(&a.value))) {
            Some((_, None)) => {} // na
            Some((a, Some(s))) => {
                got += w * s;
                max += w;
                if q.critical && s < CRITICAL_PASS {
                    critical_failures.push((q.ref_id.clone(), format!("answered `{}`", a.value)));
                }
            }
            None => {
                max += w;
                if q.critical {
                    critical_failures.push((q.ref_id.clone(), "not answered".to_string()));
                }
            }
        }
    }
    let score = if max > 0.0 {
        ((got / max) * 100.0).round().clamp(0.0, 100.0) as u32
    } else {
        0
    };
    let mut rating = residual_rating(tier, score);
    if !critical_failures.is_empty() && rating < Rating::High {
        rating = Rating::High;
    }
    Scoring {
        score,
        rating,
        applicable: applicable.len(),
        answered,
        critical_failures,
        missing_evidence,
    }
}

/// Scores a request: records score and rating on it and on the vendor, and opens a high
/// finding per critical question answered badly.
pub fn score_request(
    tx: &mut Tx<'_>,
    request_id: &str,
) -> Result<(Stored<Request>, Scoring), StoreError> {
    let request: Stored<Request> = tx.get(request_id)?;
    let templates: Vec<Stored<StoredTemplate>> = tx.list()?;
    let template = find_template(
        &templates,
        &request.record.template_key,
        Some(request.record.template_version),
    )?;
    let scoring = score(&template, request.record.tier, &request.record.answers);
    let today = tx.ctx().today();
    let mut finding_ids = request.record.findings.clone();
    let existing: Vec<Stored<Finding>> = tx.list()?;
    for (r, why) in &scoring.critical_failures {
        let source_ref = format!("{}:{r}", request.id);
        if existing.iter().any(|f| f.record.source_ref == source_ref) {
            continue;
        }
        let text = template
            .question(r)
            .map(|q| q.text.clone())
            .unwrap_or_default();
        let f = tx.insert(Finding {
            source: "questionnaire".into(),
            source_ref,
            vendor_id: Some(request.record.vendor_id.clone()),
            severity: FindingSeverity::High,
            title: format!(
                "{}: critical question {r} {why}",
                request.record.vendor_name
            ),
            description: text,
            owner: None,
            due_date: today.checked_add(jiff::Span::new().days(30)).ok(),
            status: FindingStatus::Open,
            closed_date: None,
        })?;
        finding_ids.push(f.id);
    }
    let id = request.id.clone();
    let (s, rating) = (scoring.score, scoring.rating);
    let stored =
        tx.update_with::<Request>(&id, Some(request.version), "questionnaire_scored", |r| {
            r.score = Some(s);
            r.rating = Some(rating);
            r.status = RequestStatus::Scored;
            r.findings = finding_ids;
            Ok(())
        })?;
    let vendor_id = stored.record.vendor_id.clone();
    tx.update::<Vendor>(&vendor_id, None, |v| {
        v.residual_score = Some(s);
        v.residual_rating = Some(rating);
        v.last_assessed = Some(today);
        Ok(())
    })?;
    Ok((stored, scoring))
}

/// Reminders for open requests: scheduled reminders due within the window, and one
/// overdue/escalation/expiry line for late ones.
pub fn reminders(store: &mut Store, today: Date, within: i64) -> Result<Vec<Reminder>, StoreError> {
    let mut out = Vec::new();
    let horizon = today
        .checked_add(jiff::Span::new().days(within))
        .unwrap_or(today);
    for r in store.list::<Request>()? {
        if !r.record.status.is_open() {
            continue;
        }
        let due = r.record.due;
        let at = |days: i64| due.checked_add(jiff::Span::new().days(days)).unwrap_or(due);
        let who = &r.record.vendor_name;
        let expire = at(EXPIRE_AFTER);
        let escalate = at(ESCALATE_AFTER);
        if today >= expire {
            out.push(Reminder::new(
                expire,
                "questionnaire_expire",
                &r.id,
                format!("{who} did not answer the questionnaire due {due}: mark it expired"),
            ));
            continue;
        }
        if today >= escalate {
            out.push(Reminder::new(
                escalate,
                "questionnaire_escalate",
                &r.id,
                format!(
                    "{who} is {} days late with the questionnaire due {due}: escalate to the internal owner and the vendor's primary contact",
                    (today - due).get_days()
                ),
            ));
            continue;
        }
        let mut last_past = None;
        for off in REMINDER_OFFSETS {
            let d = at(off);
            if d < today {
                last_past = Some(d);
            } else if d <= horizon {
                out.push(Reminder::new(
                    d,
                    "questionnaire_reminder",
                    &r.id,
                    format!("remind {who}: questionnaire due {due}"),
                ));
            }
        }
        if today > due
            && let Some(d) = last_past
        {
            out.push(Reminder::new(
                d,
                "questionnaire_overdue",
                &r.id,
                format!("{who}'s questionnaire was due {due}: send an overdue reminder"),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_template_has_45_questions_and_validates() {
        let t = Template::builtin().unwrap();
        assert_eq!(t.len(), 45);
        assert_eq!(t.key, BUILTIN_KEY);
        let empty = BTreeMap::new();
        assert_eq!(t.applicable(Tier(4), &empty).len(), 15, "low tier: A-C");
        assert!(t.applicable(Tier(3), &empty).len() > 15);
        // Section K only when A6 is yes.
        let all = t.applicable(Tier(1), &empty).len();
        let mut a6 = BTreeMap::new();
        a6.insert(
            "A6".to_string(),
            Answer {
                value: "yes".into(),
                comment: None,
                evidence_ids: vec![],
                answered_on: Date::constant(2026, 1, 1),
            },
        );
        assert_eq!(t.applicable(Tier(1), &a6).len(), all + 2);
    }

    #[test]
    fn yaml_errors_name_the_line_and_field() {
        let bad = "key: x\nversion: 1\ntitle: t\nsections:\n  - id: A\n    title: a\n    questions:\n      - ref: Q1\n        text: hi\n        type: yes_no\n        wieght: 2\n";
        let e = Template::from_yaml("t.yaml", bad).unwrap_err().to_string();
        assert!(e.starts_with("t.yaml:11:"), "{e}");
        assert!(e.contains("wieght"), "{e}");
        let bad = bad.replace("wieght: 2", "weight: 7");
        let e = Template::from_yaml("t.yaml", &bad).unwrap_err().to_string();
        assert_eq!(e, "t.yaml:8:0: question `Q1`: `weight` 7 is not 1, 2 or 3");
        let e = Template::from_yaml("t.yaml", "key: [")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.yaml:1:"), "{e}");
    }

    #[test]
    fn scoring_weights_answers_and_critical_failures_raise_the_rating() {
        let t = Template::builtin().unwrap();
        let mut answers = BTreeMap::new();
        let day = Date::constant(2026, 1, 1);
        for q in t.applicable(Tier(4), &BTreeMap::new()) {
            let value = q
                .effective_choices()
                .iter()
                .max_by(|a, b| a.score.total_cmp(&b.score))
                .map(|c| c.value.clone())
                .unwrap_or_else(|| match q.answer_type {
                    AnswerType::Number => "1".into(),
                    AnswerType::Date => "2025-06-01".into(),
                    _ => "text".into(),
                });
            answers.insert(
                q.ref_id.clone(),
                Answer {
                    value,
                    comment: None,
                    evidence_ids: vec!["EVD-0001".into()],
                    answered_on: day,
                },
            );
        }
        let s = score(&t, Tier(4), &answers);
        assert_eq!(s.score, 100);
        assert_eq!(s.rating, Rating::Low);
        assert!(s.critical_failures.is_empty());
        answers.get_mut("B7").unwrap().value = "refuse".into();
        let s = score(&t, Tier(4), &answers);
        assert!(s.score < 85, "{}", s.score);
        assert_eq!(s.rating, Rating::High);
        assert_eq!(
            s.critical_failures,
            vec![("B7".to_string(), "answered `refuse`".to_string())]
        );
        assert_eq!(residual_rating(Tier(1), 90), Rating::Medium);
        assert_eq!(residual_rating(Tier(2), 40), Rating::Critical);
    }
}
