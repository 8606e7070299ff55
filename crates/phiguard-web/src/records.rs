//! Records pages: BAA register (list + add), vendors (tiers, ratings, questionnaire status,
//! questionnaire links), risk assessments (sign-off), evidence library (download, auditor
//! bundle), audit log with verification status.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::civil::Date;
use phiguard_store::StoreError;
use phiguard_store::baa::{Agreement, AgreementStatus, AgreementType};
use phiguard_store::evidence::{self, Evidence};
use phiguard_store::questionnaire::{self, Request};
use phiguard_store::record::Stored;
use phiguard_store::risk::{Assessment, AssessmentStatus};
use phiguard_store::vendor::{self, Vendor};

use crate::access::{self, Perm};
use crate::app::{AppState, Authed, WebError, authorize, field, opt_field};
use crate::html::{self, badge, esc, table, url};

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn parse_opt_date(form: &HashMap<String, String>, name: &str) -> Result<Option<Date>, WebError> {
    opt_field(form, name)
        .map(|t| phiguard_store::parse_date(name, &t))
        .transpose()
        .map_err(WebError::Store)
}

/// `GET /baa`: the register and, for roles that may change records, the add form.
pub async fn baa_list(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Html<String>, WebError> {
    let list: Vec<Stored<Agreement>> = state.db(|s| s.list()).await?;
    Ok(Html(html::page(
        "BAA register",
        "/baa",
        Some(&authed.viewer()),
        &baa_body(&list, &authed, None),
    )))
}

fn baa_body(list: &[Stored<Agreement>], authed: &Authed, message: Option<String>) -> String {
    let mut b = message.unwrap_or_default();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            let r = &a.record;
            vec![
                esc(&a.id),
                esc(&r.counterparty),
                esc(r.agreement_type.as_str()),
                badge(r.status.as_str()),
                esc(&opt(r.effective_date)),
                esc(&opt(r.expiry_date)),
                esc(&r.covered_accounts.join(", ")),
                esc(&opt(a.retention_until.as_deref())),
            ]
        })
        .collect();
    if rows.is_empty() {
        b.push_str(&html::notice("info", "No agreement is recorded yet."));
    } else {
        b.push_str(&table(
            "baa",
            &[
                "Id",
                "Counterparty",
                "Type",
                "Status",
                "Effective",
                "Expires",
                "Accounts",
                "Keep until",
            ],
            &rows,
        ));
    }
    if authed.user.role.can(Perm::EditRecords) {
        let types: Vec<(String, String)> = AgreementType::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), t.as_str().to_string()))
            .collect();
        let statuses: Vec<(String, String)> = AgreementStatus::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), t.as_str().to_string()))
            .collect();
        let _ = write!(
            b,
            "<h2>Add an agreement</h2>\n<form class=\"record\" method=\"post\" action=\"/baa\">\n{}\
             <label for=\"counterparty\">Counterparty</label><input id=\"counterparty\" name=\"counterparty\" required>\n\
             <label for=\"f-agreement_type\">Type</label>{}\n\
             <label for=\"f-status\">Status</label>{}\n\
             <label for=\"effective_date\">Effective (YYYY-MM-DD)</label><input id=\"effective_date\" name=\"effective_date\" type=\"date\">\n\
             <label for=\"expiry_date\">Expires (YYYY-MM-DD)</label><input id=\"expiry_date\" name=\"expiry_date\" type=\"date\">\n\
             <label for=\"covered_accounts\">Covered AWS accounts (comma-separated)</label><input id=\"covered_accounts\" name=\"covered_accounts\">\n\
             <label for=\"vendor\">Vendor (id or name, optional)</label><input id=\"vendor\" name=\"vendor\">\n\
             <button type=\"submit\">Add agreement</button>\n</form>\n",
            html::csrf_field(&authed.session.csrf),
            html::select("agreement_type", &types, "baa"),
            html::select("status", &statuses, "active"),
        );
    }
    b
}

/// `POST /baa`: adds an agreement.
pub async fn baa_add(
    State(state): State<AppState>,
    authed: Authed,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    authorize(
        &state,
        &authed,
        Perm::EditRecords,
        form.get("csrf").map(String::as_str),
        "POST /baa",
    )
    .await?;
    let agreement_type = AgreementType::parse("agreement_type", &field(&form, "agreement_type"))?;
    let status = AgreementStatus::parse("status", &field(&form, "status"))?;
    let counterparty = field(&form, "counterparty");
    if counterparty.is_empty() {
        return Err(WebError::BadRequest("the counterparty is required".into()));
    }
    let mut a = Agreement::new(&counterparty, agreement_type, status);
    a.effective_date = parse_opt_date(&form, "effective_date")?;
    a.expiry_date = parse_opt_date(&form, "expiry_date")?;
    a.covered_accounts = field(&form, "covered_accounts")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let vendor_ref = opt_field(&form, "vendor");
    let ctx = authed.ctx(&state);
    state
        .db(move |s| {
            s.write(&ctx, |tx| {
                if let Some(v) = vendor_ref {
                    let vendors: Vec<Stored<Vendor>> = tx.list()?;
                    a.vendor_id = Some(vendor::find(&vendors, &v)?.id);
                }
                tx.insert(a)
            })
        })
        .await?;
    Ok(Redirect::to("/baa").into_response())
}

fn latest_requests(requests: &[Stored<Request>], vendor_id: &str) -> Option<Stored<Request>> {
    requests
        .iter()
        .filter(|r| r.record.vendor_id == vendor_id)
        .max_by(|a, b| (a.id.len(), &a.id).cmp(&(b.id.len(), &b.id)))
        .cloned()
}

/// `GET /vendors`.
pub async fn vendors(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Html<String>, WebError> {
    let (vendors, requests, agreements) = state
        .db(|s| {
            let v: Vec<Stored<Vendor>> = s.list()?;
            let r: Vec<Stored<Request>> = s.list()?;
            let a: Vec<Stored<Agreement>> = s.list()?;
            Ok((v, r, a))
        })
        .await?;
    let rows: Vec<Vec<String>> = vendors
        .iter()
        .map(|v| {
            let r = &v.record;
            let q = latest_requests(&requests, &v.id).map_or("none".to_string(), |q| {
                format!("{} {} (due {})", q.id, q.record.status, q.record.due)
            });
            vec![
                format!("<a href=\"/vendors/{}\">{}</a>", url(&v.id), esc(&v.id)),
                format!(
                    "<a href=\"/vendors/{}\">{}</a>",
                    url(&v.id),
                    esc(&r.legal_name)
                ),
                esc(r.phi_access.as_str()),
                r.inherent_tier().label().to_string(),
                r.residual_rating
                    .map_or("not rated".into(), |x| badge(x.as_str())),
                opt(r.residual_score),
                if vendor::has_active_baa(v, &agreements) {
                    "yes".into()
                } else {
                    "no".into()
                },
                esc(&q),
            ]
        })
        .collect();
    let body = if rows.is_empty() {
        html::notice("info", "No vendor is recorded yet.")
    } else {
        table(
            "vendors",
            &[
                "Id",
                "Vendor",
                "PHI access",
                "Tier",
                "Rating",
                "Score",
                "BAA in effect",
                "Questionnaire",
            ],
            &rows,
        )
    };
    Ok(Html(html::page(
        "Vendors",
        "/vendors",
        Some(&authed.viewer()),
        &body,
    )))
}

/// `GET /vendors/{id}`.
pub async fn vendor(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let (v, requests) = state
        .db(move |s| {
            let v: Stored<Vendor> = s.get(&id)?;
            let r: Vec<Stored<Request>> = s.list()?;
            Ok((v, r))
        })
        .await?;
    Ok(Html(html::page(
        &v.record.legal_name,
        "/vendors",
        Some(&authed.viewer()),
        &vendor_body(&v, &requests, &authed, None, state.now()),
    )))
}

fn vendor_body(
    v: &Stored<Vendor>,
    requests: &[Stored<Request>],
    authed: &Authed,
    link: Option<&str>,
    now: jiff::Timestamp,
) -> String {
    let r = &v.record;
    let mut b = String::new();
    if let Some(link) = link {
        let _ = writeln!(
            b,
            "<div class=\"notice ok\">Questionnaire link (shown once, single use): <code id=\"portal-link\">{}</code></div>",
            esc(link)
        );
    }
    b.push_str("<dl class=\"fields\">\n");
    for (k, val) in [
        ("Id", v.id.clone()),
        ("Type", r.vendor_type.as_str().to_string()),
        ("Lifecycle", r.lifecycle.as_str().to_string()),
        ("PHI access", r.phi_access.as_str().to_string()),
        ("Inherent tier", r.inherent_tier().label().to_string()),
        (
            "Residual rating",
            r.residual_rating
                .map_or("not rated".into(), |x| x.as_str().to_string()),
        ),
        ("Score", opt(r.residual_score)),
        ("Last assessed", opt(r.last_assessed)),
    ] {
        let _ = writeln!(
            b,
            "<dt>{k}</dt><dd id=\"v-{}\">{}</dd>",
            k.to_ascii_lowercase().replace(' ', "-"),
            esc(&val)
        );
    }
    b.push_str("</dl>\n<h2>Questionnaires</h2>\n");
    let rows: Vec<Vec<String>> = requests
        .iter()
        .filter(|q| q.record.vendor_id == v.id)
        .map(|q| {
            vec![
                esc(&q.id),
                esc(&q.record.template_key),
                badge(q.record.status.as_str()),
                esc(&q.record.sent_on.to_string()),
                esc(&q.record.due.to_string()),
                q.record.answers.len().to_string(),
                opt(q.record.score),
                q.record.rating.map_or(String::new(), |x| badge(x.as_str())),
            ]
        })
        .collect();
    b.push_str(&table(
        "requests",
        &[
            "Id", "Template", "Status", "Sent", "Due", "Answers", "Score", "Rating",
        ],
        &rows,
    ));
    if authed.user.role.can(Perm::EditRecords) {
        let due = now
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .checked_add(jiff::Span::new().days(14))
            .map(|d| d.to_string())
            .unwrap_or_default();
        let _ = write!(
            b,
            "<h2>Send a questionnaire</h2>\n<form class=\"record\" method=\"post\" action=\"/vendors/{}/questionnaire\">\n{}\
             <label for=\"due\">Due</label><input id=\"due\" name=\"due\" type=\"date\" value=\"{due}\" required>\n\
             <button type=\"submit\" id=\"send-questionnaire\">Create questionnaire link</button>\n</form>\n",
            url(&v.id),
            html::csrf_field(&authed.session.csrf)
        );
    }
    b
}

/// `POST /vendors/{id}/questionnaire`: records a questionnaire request and makes its
/// single-use, expiring portal link (the token is stored hashed; shown once).
pub async fn send_questionnaire(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    authorize(
        &state,
        &authed,
        Perm::EditRecords,
        form.get("csrf").map(String::as_str),
        &format!("POST /vendors/{id}/questionnaire"),
    )
    .await?;
    let due = phiguard_store::parse_date("due", &field(&form, "due"))?;
    let ctx = authed.ctx(&state);
    let expires = state.now() + state.config().vendor_link_ttl;
    let (v, requests, token) = state
        .db(move |s| {
            let request = s.write(&ctx, |tx| {
                questionnaire::send(tx, &id, questionnaire::BUILTIN_KEY, due)
            })?;
            let token = access::create_token(
                s,
                &ctx,
                access::VENDOR,
                &request.id,
                "vendor",
                &format!(
                    "questionnaire {} for {}",
                    request.id, request.record.vendor_id
                ),
                expires,
            )?;
            let v: Stored<Vendor> = s.get(&request.record.vendor_id)?;
            let r: Vec<Stored<Request>> = s.list()?;
            Ok((v, r, token))
        })
        .await?;
    let link = format!("/portal/{token}");
    Ok(Html(html::page(
        &v.record.legal_name,
        "/vendors",
        Some(&authed.viewer()),
        &vendor_body(&v, &requests, &authed, Some(&link), state.now()),
    )))
}

/// `GET /assessments`.
pub async fn assessments(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Html<String>, WebError> {
    let list: Vec<Stored<Assessment>> = state.db(|s| s.list()).await?;
    let can = authed.user.role.can(Perm::EditRecords);
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|a| {
            let r = &a.record;
            let action = if can && r.status != AssessmentStatus::Approved && r.status != AssessmentStatus::Superseded {
                format!(
                    "<form method=\"post\" action=\"/assessments/{}/sign-off\">{}<button type=\"submit\">Sign off</button></form>",
                    url(&a.id),
                    html::csrf_field(&authed.session.csrf)
                )
            } else {
                String::new()
            };
            vec![
                esc(&a.id),
                esc(&r.title),
                badge(r.status.as_str()),
                esc(r.cadence.as_str()),
                esc(&format!("{} – {}", r.period_start, opt(r.period_end))),
                esc(&opt(r.approver.as_deref())),
                esc(&opt(r.approved_on)),
                esc(&opt(r.next_due)),
                action,
            ]
        })
        .collect();
    let body = if rows.is_empty() {
        html::notice("info", "No risk assessment is recorded yet.")
    } else {
        table(
            "assessments",
            &[
                "Id", "Title", "Status", "Cadence", "Period", "Approver", "Approved", "Next due",
                "",
            ],
            &rows,
        )
    };
    Ok(Html(html::page(
        "Risk assessments",
        "/assessments",
        Some(&authed.viewer()),
        &body,
    )))
}

/// `POST /assessments/{id}/sign-off`: the signed-in user approves the assessment.
pub async fn sign_off(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    authorize(
        &state,
        &authed,
        Perm::EditRecords,
        form.get("csrf").map(String::as_str),
        &format!("POST /assessments/{id}/sign-off"),
    )
    .await?;
    let ctx = authed.ctx(&state);
    let approver = authed.user.name.clone();
    state
        .db(move |s| {
            let today = ctx.today();
            s.write(&ctx, |tx| {
                tx.update_with::<Assessment>(&id, None, "approve", |a| a.approve(&approver, today))
            })
        })
        .await?;
    Ok(Redirect::to("/assessments").into_response())
}

/// `GET /evidence`.
pub async fn evidence(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Html<String>, WebError> {
    let list: Vec<Stored<Evidence>> = state.db(|s| s.list()).await?;
    let today = state.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|e| {
            let r = &e.record;
            let cur = r.current();
            vec![
                esc(&e.id),
                esc(&r.title),
                esc(r.evidence_type.as_str()),
                esc(&r.collected_on.to_string()),
                if r.expired(today) {
                    badge("expired")
                } else {
                    esc(&opt(r.valid_until))
                },
                esc(cur.map_or("", |c| c.file_name.as_str())),
                cur.map_or(String::new(), |c| c.size.to_string()),
                format!(
                    "<a href=\"/evidence/{}/download\" download>download</a>",
                    url(&e.id)
                ),
            ]
        })
        .collect();
    let mut body = if rows.is_empty() {
        html::notice("info", "No evidence is stored yet.")
    } else {
        table(
            "evidence",
            &[
                "Id",
                "Title",
                "Type",
                "Collected",
                "Valid until",
                "File",
                "Bytes",
                "",
            ],
            &rows,
        )
    };
    body.push_str(
        "<h2>Auditor bundle</h2>\n<p>Every record, evidence file, the audit log and its checkpoints, with a signed manifest of hashes (check it with <code>phiguard verify-bundle</code>).</p>\n<p><a id=\"export-bundle\" href=\"/export\" download>Download the auditor bundle (.tar)</a></p>\n",
    );
    Ok(Html(html::page(
        "Evidence library",
        "/evidence",
        Some(&authed.viewer()),
        &body,
    )))
}

/// `GET /evidence/{id}/download`: the current file (audited as `evidence_download`).
pub async fn evidence_download(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if !authed.user.role.can(Perm::Export) {
        return Err(WebError::Forbidden("your role cannot export".into()));
    }
    let ctx = authed.ctx(&state);
    let (name, bytes) = state
        .db(move |s| {
            let e: Stored<Evidence> = s.get(&id)?;
            let cur = e
                .record
                .current()
                .cloned()
                .ok_or_else(|| StoreError::corrupt(format!("evidence {} has no file", e.id)))?;
            let bytes = evidence::get_blob(s, &cur.sha256)?;
            access::audit(
                s,
                &ctx,
                "evidence_download",
                "evidence",
                &e.id,
                "success",
                format!(
                    "{} downloaded {} ({}, sha256 {})",
                    ctx.actor, e.id, cur.file_name, cur.sha256
                ),
            )?;
            Ok((cur.file_name, bytes))
        })
        .await?;
    Ok(attachment(&name, "application/octet-stream", bytes))
}

/// A download response.
pub fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /audit`: the newest events and the chain's verification.
pub async fn audit_log(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Html<String>, WebError> {
    let trusted: Vec<_> = state
        .config()
        .signing_key
        .iter()
        .map(|k| k.public())
        .collect();
    let (verification, events) = state
        .db(move |s| {
            let v = s.verify(&trusted, &[])?;
            let mut e = s.events(None, None)?;
            e.reverse();
            e.truncate(200);
            Ok((v, e))
        })
        .await?;
    let mut b = if verification.ok() {
        html::notice(
            "ok",
            &format!(
                "Audit log verified: {} events, chain head at seq {}, {} checkpoint(s), {} event(s) after the last checkpoint.",
                verification.events,
                verification.head_seq,
                verification.checkpoints,
                verification.unanchored
            ),
        )
    } else {
        html::notice(
            "error",
            &format!(
                "Audit log FAILED verification: {} problem(s), first bad sequence number {}.",
                verification.problems.len(),
                opt(verification.first_bad_seq())
            ),
        ) + &html::table(
            "problems",
            &["Problem", "Seq", "Message"],
            &verification
                .problems
                .iter()
                .map(|p| vec![esc(&format!("{:?}", p.kind)), opt(p.seq), esc(&p.message)])
                .collect::<Vec<_>>(),
        )
    };
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                esc(&e.occurred_at),
                esc(&e.actor),
                esc(&e.action),
                esc(&format!("{} {}", e.object_type, e.object_id)),
                badge(&e.outcome),
                esc(&e.summary),
            ]
        })
        .collect();
    b.push_str(&table(
        "audit",
        &[
            "Seq", "When", "Who", "Action", "Object", "Outcome", "Summary",
        ],
        &rows,
    ));
    Ok(Html(html::page(
        "Audit log",
        "/audit",
        Some(&authed.viewer()),
        &b,
    )))
}
