//! Custom controls written in Rego, evaluated with [regorus](https://docs.rs/regorus).
//!
//! A custom control is one `.rego` file in the folder named by `[custom_controls] dir` in
//! `phiguard.toml`. It declares a `metadata` object and a `results` set:
//!
//! ```rego
//! package phiguard.custom.phi_cmk
//! import rego.v1
//!
//! metadata := {
//!     "id": "CUSTOM-001",                       # SERVICE-NNN, not a built-in id
//!     "slug": "phi-data-uses-customer-managed-keys",
//!     "title": "PHI data stores are encrypted with a customer-managed KMS key",
//!     "severity": "high",                       # info, low, medium, high, critical
//!     "seed_area": "encryption",                # one of the ten customer responsibilities
//!     "shared_area": "data_protection",
//!     "citations": ["312(a)(2)(iv)"],
//!     "resource_kinds": ["s3_bucket", "kms_key"], # data sources it reads (coverage gating)
//!     "remediation": "Re-encrypt with a customer-managed key ...",
//! }
//!
//! results contains {"arn": r.arn, "status": "fail", "reason": "..."} if { ... }
//! ```
//!
//! `input` is `{"accounts": [...], "resources": [{"arn", "account", "region", "name", "tags",
//! "kind", "phi", "details"}]}`: the inventory's resources of the declared `resource_kinds`
//! (all of them when it declares none) with their kind as a string, their PHI scope as
//! phiguard computed it, and their kind's attributes under `details`.
//! Each result names a resource by ARN with `status` `pass`, `fail` or `not_applicable`, a
//! `reason` and optionally `evidence` (an object of strings, numbers and booleans).
//!
//! Custom controls run through the same engine path as built-in ones (coverage gating for the
//! sources of their `resource_kinds`, PHI severity raise, severity overrides, waivers) and
//! appear in every report with their own id. A file that does not parse is a [`LoadError`]
//! naming file and line; a policy that fails at run time makes that control `error`.
//!
//! Controls are leaked to `&'static` (the catalogue's type): they are loaded once per process.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use phiguard_controls::control::no_builtin_evaluation;
use phiguard_controls::{Control, Ctx, CustomEvaluate, Findings, Input, Lifecycle, Meta};
use phiguard_model::{Citation, ResourceKind, SeedArea, Severity, SharedArea, Status, Value};
use serde::Deserialize;

/// A custom control that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct LoadError {
    /// The `.rego` file.
    pub file: PathBuf,
    /// 1-based line, where the parser names one.
    pub line: Option<usize>,
    /// 1-based column, where the parser names one.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl LoadError {
    fn new(file: &Path, message: impl Into<String>) -> LoadError {
        LoadError {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// From a regorus error: its text holds `--> file:line:col` and an `error: ...` line.
    fn from_regorus(file: &Path, error: &str) -> LoadError {
        let mut out = LoadError::new(file, error.trim());
        if let Some(at) = error.find("--> ") {
            let location = error[at + 4..].lines().next().unwrap_or_default();
            let mut parts = location.rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.trim().parse().ok());
            let line = parts.next().and_then(|l| l.trim().parse().ok());
            if line.is_some() {
                out.line = line;
                out.column = column;
            }
        }
        if let Some(message) = error.lines().find_map(|l| l.trim().strip_prefix("error: ")) {
            out.message = message.to_string();
        }
        out
    }
}

/// Metadata a policy declares.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Metadata {
    id: String,
    #[serde(default)]
    slug: Option<String>,
    title: String,
    severity: String,
    seed_area: String,
    #[serde(default)]
    shared_area: Option<String>,
    citations: Vec<String>,
    #[serde(default)]
    resource_kinds: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    remediation: String,
}

/// One result a policy returns.
#[derive(Debug, Deserialize)]
struct RegoResult {
    arn: String,
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    evidence: BTreeMap<String, serde_json::Value>,
}

/// Loads every `.rego` file of a folder (sorted by name) as a custom control. Every file is
/// tried; all errors are returned together.
pub fn load_dir(dir: &Path) -> Result<Vec<&'static Control>, Vec<LoadError>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return Err(vec![LoadError::new(
                dir,
                format!("cannot read the custom controls folder: {e}"),
            )]);
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rego"))
        .collect();
    files.sort();
    let mut controls: Vec<&'static Control> = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                errors.push(LoadError::new(&file, format!("cannot read: {e}")));
                continue;
            }
        };
        match load(&file, &text) {
            Ok(control) => {
                if let Some(other) = controls
                    .iter()
                    .find(|c| c.id().eq_ignore_ascii_case(control.id()))
                {
                    errors.push(LoadError::new(
                        &file,
                        format!("id `{}` is already used by {}", control.id(), other.module),
                    ));
                } else {
                    controls.push(control);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(controls)
    } else {
        Err(errors)
    }
}

/// Loads one policy (`file` names it in errors and reports).
pub fn load(file: &Path, text: &str) -> Result<&'static Control, LoadError> {
    let mut engine = regorus::Engine::new();
    let package = engine
        .add_policy(file.display().to_string(), text.to_string())
        .map_err(|e| LoadError::from_regorus(file, &e.to_string()))?;
    let package = package.trim_start_matches("data.").to_string();
    let metadata = engine
        .eval_rule(format!("data.{package}.metadata"))
        .unwrap_or(regorus::Value::Undefined);
    if metadata == regorus::Value::Undefined {
        return Err(LoadError::new(
            file,
            format!("package `{package}` defines no `metadata` object"),
        ));
    }
    let json = metadata
        .to_json_str()
        .map_err(|e| LoadError::new(file, format!("metadata: {e}")))?;
    let metadata: Metadata =
        serde_json::from_str(&json).map_err(|e| LoadError::new(file, format!("metadata: {e}")))?;
    let meta = validate(file, metadata)?;
    let evaluator: &'static RegoControl = Box::leak(Box::new(RegoControl {
        engine: Mutex::new(engine),
        rule: format!("data.{package}.results"),
        kinds: meta.0.resource_kinds,
    }));
    Ok(Box::leak(Box::new(Control {
        doc: meta.1,
        module: leak(format!("custom::{}", file.display())),
        evaluate: no_builtin_evaluation,
        custom: Some(evaluator),
        meta: meta.0,
    })))
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn validate(file: &Path, m: Metadata) -> Result<(Meta, &'static str), LoadError> {
    let bad = |message: String| LoadError::new(file, format!("metadata: {message}"));
    let id = m.id.trim().to_string();
    let well_formed = id.split_once('-').is_some_and(|(service, number)| {
        !service.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
    });
    if !well_formed {
        return Err(bad(format!(
            "id `{id}` is not SERVICE-NNN (e.g. `CUSTOM-001`)"
        )));
    }
    if let Some(builtin) = phiguard_controls::find(&id) {
        return Err(bad(format!(
            "id `{id}` is a built-in control ({}); pick another",
            builtin.slug()
        )));
    }
    let slug = m
        .slug
        .unwrap_or_else(|| id.to_ascii_lowercase())
        .trim()
        .to_string();
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad(format!("slug `{slug}` is not kebab-case")));
    }
    if m.title.trim().is_empty() {
        return Err(bad("title is empty".into()));
    }
    let severity = Severity::parse(&m.severity).ok_or_else(|| {
        bad(format!(
            "severity `{}`; expected info, low, medium, high or critical",
            m.severity
        ))
    })?;
    let seed_area = SeedArea::ALL
        .into_iter()
        .find(|a| a.as_str() == m.seed_area.trim())
        .ok_or_else(|| {
            let all: Vec<&str> = SeedArea::ALL.iter().map(|a| a.as_str()).collect();
            bad(format!(
                "seed_area `{}`; expected one of {}",
                m.seed_area,
                all.join(", ")
            ))
        })?;
    let shared_area = match m.shared_area.as_deref().map(str::trim) {
        None => default_shared_area(seed_area),
        Some(name) => SharedArea::ALL
            .into_iter()
            .find(|a| a.as_str() == name)
            .ok_or_else(|| {
                let all: Vec<&str> = SharedArea::ALL.iter().map(|a| a.as_str()).collect();
                bad(format!(
                    "shared_area `{name}`; expected one of {}",
                    all.join(", ")
                ))
            })?,
    };
    if m.citations.is_empty() {
        return Err(bad(
            "citations is empty; cite at least one 45 CFR 164 section".into(),
        ));
    }
    for c in &m.citations {
        Citation::parse(c).map_err(|e| bad(format!("citation `{c}`: {e}")))?;
    }
    let mut kinds = Vec::new();
    for name in &m.resource_kinds {
        let kind = ResourceKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == name.trim())
            .ok_or_else(|| bad(format!("resource kind `{name}` is unknown")))?;
        kinds.push(kind);
    }
    if m.remediation.trim().is_empty() {
        return Err(bad("remediation is empty".into()));
    }
    let mut sources = Vec::new();
    for k in &kinds {
        if !sources.contains(&k.source()) {
            sources.push(k.source());
        }
    }
    let inputs: Vec<Input> = sources.into_iter().map(Input::Regional).collect();
    let citations: Vec<&'static str> = m.citations.into_iter().map(leak).collect();
    let doc = format!(
        "# Requirement\n{}\n\n# Rationale\nA custom control of this organisation, defined in `{}`.\n\n# Evaluation\nThe Rego policy's `results` over the inventory; resources of the declared kinds whose data is missing are `error`.\n\n# Remediation\n{}\n\n# References\n- `{}`\n",
        m.description.as_deref().unwrap_or(&m.title).trim(),
        file.display(),
        m.remediation.trim(),
        file.display()
    );
    Ok((
        Meta {
            id: leak(id),
            slug: leak(slug),
            title: leak(m.title.trim().to_string()),
            severity,
            seed_area,
            shared_area,
            citations: Box::leak(citations.into_boxed_slice()),
            config_rules: &[],
            prowler_checks: &[],
            resource_kinds: Box::leak(kinds.into_boxed_slice()),
            inputs: Box::leak(inputs.into_boxed_slice()),
            lifecycle: Lifecycle::Preview,
        },
        leak(doc),
    ))
}

fn default_shared_area(seed: SeedArea) -> SharedArea {
    match seed {
        SeedArea::Baa | SeedArea::EligibleServices | SeedArea::RiskAssessment => {
            SharedArea::Governance
        }
        SeedArea::MfaIam | SeedArea::Rbac | SeedArea::ThirdParties => SharedArea::AccessManagement,
        SeedArea::Encryption | SeedArea::BackupsDr => SharedArea::DataProtection,
        SeedArea::Logging | SeedArea::Monitoring => SharedArea::MonitoringAuditing,
    }
}

/// A loaded policy.
struct RegoControl {
    /// Parsed policy; cloned per evaluation (evaluation needs `&mut`).
    engine: Mutex<regorus::Engine>,
    /// `data.<package>.results`.
    rule: String,
    /// The resource kinds its input holds.
    kinds: &'static [ResourceKind],
}

/// The input of a control: the resources of its declared kinds (every resource when it
/// declares none), so a policy over S3 buckets does not pay for converting a million EC2
/// instances.
fn input_for(ctx: &Ctx<'_>, kinds: &[ResourceKind]) -> Result<regorus::Value, String> {
    let selected: Box<dyn Iterator<Item = (&phiguard_model::Resource, bool)> + '_> =
        if kinds.is_empty() {
            Box::new(ctx.all_resources())
        } else {
            Box::new(
                kinds
                    .iter()
                    .flat_map(|k| ctx.resources_of(*k))
                    .map(|r| (r, ctx.is_phi(r))),
            )
        };
    let accounts: Vec<AccountInput<'_>> = ctx
        .accounts()
        .iter()
        .map(|a| AccountInput {
            id: &a.id,
            phi: ctx.account_holds_phi(&a.id),
        })
        .collect();
    // One JSON text written straight from the model (no `serde_json::Value` tree per
    // resource), parsed once by regorus.
    let mut text = String::from("{\"accounts\":");
    text.push_str(&serde_json::to_string(&accounts).map_err(|e| e.to_string())?);
    text.push_str(",\"resources\":[");
    for (i, (r, phi)) in selected.enumerate() {
        if i > 0 {
            text.push(',');
        }
        push_resource(&mut text, r, phi)?;
    }
    text.push_str("]}");
    regorus::Value::from_json_str(&text).map_err(|e| e.to_string())
}

#[derive(serde::Serialize)]
struct AccountInput<'r> {
    id: &'r str,
    phi: bool,
}

#[derive(serde::Serialize)]
struct ResourceInput<'r> {
    arn: &'r str,
    account: &'r str,
    region: &'r str,
    name: Option<&'r str>,
    tags: &'r BTreeMap<String, String>,
    kind: &'r str,
    phi: bool,
}

/// Appends one resource of the input: `{"arn", "account", "region", "name", "tags", "kind",
/// "phi", "details"}`, `kind` and `details` being the key and the value of the resource's
/// wire `details` (`{"s3_bucket": {...}}`).
fn push_resource(text: &mut String, r: &phiguard_model::Resource, phi: bool) -> Result<(), String> {
    let details = serde_json::to_string(&r.details).map_err(|e| e.to_string())?;
    let (kind, inner) = split_tagged(&details).unwrap_or((r.kind().as_str(), details.as_str()));
    let head = serde_json::to_string(&ResourceInput {
        arn: &r.arn,
        account: &r.account,
        region: &r.region,
        name: r.name.as_deref(),
        tags: &r.tags,
        kind,
        phi,
    })
    .map_err(|e| e.to_string())?;
    let Some(head) = head.strip_suffix('}') else {
        return Err("cannot write the Rego input".into());
    };
    text.push_str(head);
    text.push_str(",\"details\":");
    text.push_str(inner);
    text.push('}');
    Ok(())
}

/// The key and the value of a compact JSON object with a single plain-string key, as serde
/// writes an externally tagged newtype variant: `{"s3_bucket":{...}}`.
fn split_tagged(json: &str) -> Option<(&str, &str)> {
    let rest = json.strip_prefix("{\"")?;
    let (key, rest) = rest.split_once("\":")?;
    if key.contains(['"', '\\']) {
        return None;
    }
    Some((key, rest.strip_suffix('}')?))
}

/// The input for `kinds`, converted once per scan and shared by the custom controls over the
/// same kinds (in any order) through [`Ctx::shared`]: it belongs to the scan, so another scan,
/// of this inventory or another, converts its own.
fn shared_input(ctx: &Ctx<'_>, kinds: &[ResourceKind]) -> Result<regorus::Value, String> {
    let mut sorted = kinds.to_vec();
    sorted.sort();
    sorted.dedup();
    let key = format!("phiguard-rego/input/{sorted:?}");
    let input = ctx
        .shared(&key, || input_for(ctx, &sorted))
        .ok_or_else(|| format!("the shared input `{key}` has another type"))?;
    input.as_ref().clone()
}

impl RegoControl {
    fn run(&self, ctx: &Ctx<'_>) -> Result<Vec<RegoResult>, String> {
        let input = shared_input(ctx, self.kinds)?;
        let mut engine = self
            .engine
            .lock()
            .map_err(|_| "policy engine poisoned".to_string())?
            .clone();
        engine.set_input(input);
        let value = engine
            .eval_rule(self.rule.clone())
            .map_err(|e| e.to_string())?;
        if value == regorus::Value::Undefined {
            return Ok(Vec::new());
        }
        let json = value.to_json_str().map_err(|e| e.to_string())?;
        serde_json::from_str(&json)
            .map_err(|e| format!("`results` is not a set of {{arn, status, reason}} objects: {e}"))
    }
}

/// Evidence keys are `&'static str`; custom policies use few distinct ones, interned here.
fn intern(key: &str) -> &'static str {
    static KEYS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let cell = KEYS.get_or_init(|| Mutex::new(HashSet::new()));
    match cell.lock() {
        Ok(mut keys) => match keys.get(key) {
            Some(k) => k,
            None => {
                let k = leak(key.to_string());
                keys.insert(k);
                k
            }
        },
        Err(_) => "evidence",
    }
}

fn evidence_value(v: serde_json::Value) -> Value<'static> {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Str(n.to_string().into()), Value::Int),
        serde_json::Value::String(s) => Value::Str(s.into()),
        serde_json::Value::Array(items) => {
            Value::List(items.into_iter().map(evidence_value).collect())
        }
        other @ serde_json::Value::Object(_) => Value::Str(other.to_string().into()),
    }
}

impl CustomEvaluate for RegoControl {
    fn evaluate<'a>(&self, ctx: &Ctx<'a>, out: &mut Findings<'a>) {
        let results = match self.run(ctx) {
            Ok(results) => results,
            Err(e) => {
                let message = format!("not evaluated: the Rego policy failed: {}", first_line(&e));
                for account in ctx.accounts() {
                    out.error(ctx.account_subject(account), message.clone(), Vec::new());
                }
                return;
            }
        };
        for r in results {
            let evidence: Vec<(&'static str, Value<'a>)> = r
                .evidence
                .into_iter()
                .map(|(k, v)| (intern(&k), evidence_value(v)))
                .collect();
            let Some(resource) = ctx.by_arn(&r.arn) else {
                let message = format!(
                    "not evaluated: the Rego policy returned `{}`, which is not in the inventory",
                    r.arn
                );
                for account in ctx.accounts() {
                    out.error(ctx.account_subject(account), message.clone(), Vec::new());
                }
                continue;
            };
            let subject = ctx.subject(resource);
            let status = match r.status.trim().to_ascii_lowercase().as_str() {
                "pass" => Status::Pass,
                "fail" => Status::Fail,
                "not_applicable" | "n/a" => Status::NotApplicable,
                other => {
                    out.error(
                        subject,
                        format!("not evaluated: the Rego policy returned status `{other}`; expected pass, fail or not_applicable"),
                        evidence,
                    );
                    continue;
                }
            };
            // A pass on a resource with attributes that could not be read is not a claim
            // phiguard can make: the policy may have read them.
            if status == Status::Pass
                && let Some(e) = resource.errors.first()
            {
                out.error(
                    subject,
                    format!(
                        "not evaluated: `{}` could not be read ({})",
                        e.field, e.code
                    ),
                    evidence,
                );
                continue;
            }
            let reason = if r.reason.trim().is_empty() {
                format!("the Rego policy returned {}", status.as_str())
            } else {
                r.reason
            };
            out.push(subject, status, reason, evidence);
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("error: "))
        .or_else(|| text.lines().next())
        .unwrap_or(text)
}

#[cfg(test)]
mod tests;
