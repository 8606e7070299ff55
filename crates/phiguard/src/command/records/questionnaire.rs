//! `phiguard questionnaire`: templates, requests, answers and scoring.

use std::path::PathBuf;

use clap::Subcommand;
use jiff::Timestamp;
use jiff::civil::Date;
use phiguard_store::StoreError;
use phiguard_store::questionnaire::{
    self, BUILTIN_KEY, GivenAnswer, Request, StoredTemplate, Template,
};
use phiguard_store::record::Stored;

use super::{OutFormat, StoreArgs, date_arg, opt, print_fields, print_json, print_table};
use crate::{Error, Exit, Term};

/// `phiguard questionnaire ...`.
#[derive(Debug, Subcommand)]
pub enum QuestionnaireCommand {
    /// List the templates: the built-in healthcare questionnaire and the imported ones.
    Templates,
    /// Print a template's questions.
    Template {
        /// Template key [default: the built-in one].
        #[arg(default_value = BUILTIN_KEY)]
        key: String,
    },
    /// Import a custom template (YAML, the format of the built-in one).
    Import {
        /// The YAML file.
        file: PathBuf,
    },
    /// Send a questionnaire to a vendor (records the request and its due date).
    Send {
        /// Vendor id or legal name.
        vendor: String,
        /// Due date (YYYY-MM-DD).
        #[arg(long, value_parser = date_arg, value_name = "DATE")]
        due: Date,
        /// Template key.
        #[arg(long, default_value = BUILTIN_KEY)]
        template: String,
    },
    /// List the requests.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Show a request and its answers.
    Show {
        /// Request id (`REQ-0001`).
        id: String,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value_t)]
        format: OutFormat,
    },
    /// Record answers: `--answer REF=VALUE` (repeatable) and/or `--file answers.yaml`
    /// (`REF: value` or `REF: {value: ..., comment: ..., evidence: [EVD-0001]}`). Every
    /// answer is checked first; nothing is written if one is invalid.
    Answer {
        /// Request id.
        id: String,
        /// An answer, `REF=VALUE`; repeatable.
        #[arg(long = "answer", value_name = "REF=VALUE")]
        answers: Vec<String>,
        /// A YAML file of answers.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Score a request: weighted score, residual rating (recorded on the vendor), and a
    /// finding per critical question answered badly.
    Score {
        /// Request id.
        id: String,
    },
}

/// Runs `phiguard questionnaire ...`.
pub fn run(
    args: &StoreArgs,
    command: QuestionnaireCommand,
    now: Timestamp,
    term: &mut Term<'_>,
) -> Result<Exit, Error> {
    let ctx = args.ctx(now);
    match command {
        QuestionnaireCommand::Templates => {
            let mut store = args.open(now)?;
            let builtin = Template::builtin()?;
            let mut rows = vec![vec![
                "built-in".to_string(),
                builtin.key.clone(),
                builtin.version.to_string(),
                builtin.len().to_string(),
                builtin.title.clone(),
            ]];
            for t in store.list::<StoredTemplate>()? {
                let tpl = &t.record.template;
                rows.push(vec![
                    t.id.clone(),
                    tpl.key.clone(),
                    tpl.version.to_string(),
                    tpl.len().to_string(),
                    tpl.title.clone(),
                ]);
            }
            print_table(term, &["ID", "KEY", "VERSION", "QUESTIONS", "TITLE"], &rows)?;
            Ok(Exit::Clean)
        }
        QuestionnaireCommand::Template { key } => {
            let mut store = args.open(now)?;
            let templates = store.list::<StoredTemplate>()?;
            let t = questionnaire::find_template(&templates, &key, None)?;
            writeln!(
                term.out,
                "{} (`{}` version {}, {} questions)",
                t.title,
                t.key,
                t.version,
                t.len()
            )?;
            for s in &t.sections {
                let tiers: Vec<String> = s.tiers.iter().map(u8::to_string).collect();
                let cond = s
                    .depends_on
                    .as_ref()
                    .map(|d| format!("; when {} is {}", d.question, d.answers.join(" or ")))
                    .unwrap_or_default();
                writeln!(
                    term.out,
                    "\n{}. {} (tiers {}{cond})",
                    s.id,
                    s.title,
                    tiers.join(", ")
                )?;
                for q in &s.questions {
                    let mut tags = vec![q.answer_type.to_string(), format!("weight {}", q.weight)];
                    if q.critical {
                        tags.push("critical".into());
                    }
                    if q.evidence {
                        tags.push("evidence".into());
                    }
                    writeln!(
                        term.out,
                        "  {:4} {} [{}]",
                        q.ref_id,
                        q.text,
                        tags.join(", ")
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        QuestionnaireCommand::Import { file } => {
            let shown = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|source| StoreError::Io {
                path: shown.clone(),
                source,
            })?;
            let template = Template::from_yaml(&shown, &text)?;
            let mut store = args.open_for_write(now)?;
            let stored = store.write(&ctx, |tx| questionnaire::import(tx, template))?;
            writeln!(
                term.out,
                "imported {}: `{}` version {} ({} questions)",
                stored.id,
                stored.record.template.key,
                stored.record.template.version,
                stored.record.template.len()
            )?;
            Ok(Exit::Clean)
        }
        QuestionnaireCommand::Send {
            vendor,
            due,
            template,
        } => {
            let mut store = args.open_for_write(now)?;
            let stored =
                store.write(&ctx, |tx| questionnaire::send(tx, &vendor, &template, due))?;
            let r = &stored.record;
            writeln!(
                term.out,
                "sent {}: `{}` v{} to {} (tier {}), due {}",
                stored.id, r.template_key, r.template_version, r.vendor_name, r.tier.0, r.due
            )?;
            Ok(Exit::Clean)
        }
        QuestionnaireCommand::List { format } => {
            let mut store = args.open(now)?;
            let list = store.list::<Request>()?;
            match format {
                OutFormat::Json => print_json(term, &list)?,
                OutFormat::Text => {
                    let rows: Vec<Vec<String>> = list
                        .iter()
                        .map(|s| {
                            let r = &s.record;
                            vec![
                                s.id.clone(),
                                r.status.to_string(),
                                r.sent_on.to_string(),
                                r.due.to_string(),
                                r.answers.len().to_string(),
                                opt(r.score),
                                opt(r.rating),
                                r.vendor_name.clone(),
                            ]
                        })
                        .collect();
                    print_table(
                        term,
                        &[
                            "ID", "STATUS", "SENT", "DUE", "ANSWERS", "SCORE", "RATING", "VENDOR",
                        ],
                        &rows,
                    )?;
                }
            }
            Ok(Exit::Clean)
        }
        QuestionnaireCommand::Show { id, format } => {
            let mut store = args.open(now)?;
            let s: Stored<Request> = store.get(&id)?;
            if format == OutFormat::Json {
                print_json(term, &s)?;
                return Ok(Exit::Clean);
            }
            let r = &s.record;
            print_fields(
                term,
                &[
                    ("id", format!("{} (version {})", s.id, s.version)),
                    ("vendor", format!("{} ({})", r.vendor_name, r.vendor_id)),
                    (
                        "template",
                        format!("{} v{}", r.template_key, r.template_version),
                    ),
                    ("tier", r.tier.label().to_string()),
                    ("status", r.status.to_string()),
                    ("sent", r.sent_on.to_string()),
                    ("due", r.due.to_string()),
                    ("score", opt(r.score)),
                    ("rating", opt(r.rating)),
                    ("findings", r.findings.join(", ")),
                ],
            )?;
            for (k, a) in &r.answers {
                let extra = a
                    .comment
                    .as_ref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default();
                writeln!(term.out, "  {k:4} {}{extra}", a.value)?;
            }
            Ok(Exit::Clean)
        }
        QuestionnaireCommand::Answer { id, answers, file } => {
            let mut given = Vec::new();
            for (i, a) in answers.iter().enumerate() {
                let Some((r, v)) = a.split_once('=') else {
                    return Err(StoreError::invalid(
                        "--answer",
                        format!("`{a}` is not REF=VALUE (answer {})", i + 1),
                    )
                    .into());
                };
                given.push(GivenAnswer {
                    ref_id: r.trim().to_string(),
                    value: v.trim().to_string(),
                    comment: None,
                    evidence: Vec::new(),
                    line: 0,
                });
            }
            let source = match &file {
                Some(path) => {
                    let shown = path.display().to_string();
                    let text = std::fs::read_to_string(path).map_err(|source| StoreError::Io {
                        path: shown.clone(),
                        source,
                    })?;
                    given.extend(questionnaire::parse_answers_file(&shown, &text)?);
                    shown
                }
                None => "--answer".to_string(),
            };
            if given.is_empty() {
                return Err(StoreError::invalid(
                    "--answer",
                    "give `--answer REF=VALUE` or `--file FILE`",
                )
                .into());
            }
            let mut store = args.open_for_write(now)?;
            let stored = store.write(&ctx, |tx| questionnaire::answer(tx, &id, &given, &source))?;
            writeln!(
                term.out,
                "recorded {} answer{} on {} ({} answered)",
                given.len(),
                if given.len() == 1 { "" } else { "s" },
                stored.id,
                stored.record.answers.len()
            )?;
            Ok(Exit::Clean)
        }
        QuestionnaireCommand::Score { id } => {
            let mut store = args.open_for_write(now)?;
            let (stored, scoring) =
                store.write(&ctx, |tx| questionnaire::score_request(tx, &id))?;
            writeln!(
                term.out,
                "{}: score {} / 100, residual rating {} ({} of {} applicable questions answered)",
                stored.id, scoring.score, scoring.rating, scoring.answered, scoring.applicable
            )?;
            for (r, why) in &scoring.critical_failures {
                writeln!(term.out, "  critical {r}: {why}")?;
            }
            if !scoring.missing_evidence.is_empty() {
                writeln!(
                    term.out,
                    "  evidence missing for {}",
                    scoring.missing_evidence.join(", ")
                )?;
            }
            for f in &stored.record.findings {
                writeln!(term.out, "  finding {f}")?;
            }
            Ok(Exit::Clean)
        }
    }
}
