//! The vendor portal: a vendor contact opens a single-use, expiring link (no account),
//! answers the questionnaire, attaches evidence, and submits; the answers are scored and
//! the vendor's rating updates. The link shows that one questionnaire and nothing else.

use std::fmt::Write as _;

use axum::extract::{Multipart, Path, State};
use axum::response::Html;
use phiguard_store::evidence::{self, EvidenceType, Link};
use phiguard_store::questionnaire::{
    self, AnswerType, GivenAnswer, Request, StoredTemplate, Template,
};
use phiguard_store::record::Stored;
use phiguard_store::{Store, StoreError};

use crate::access::{self, Token};
use crate::app::{AppState, Client, WebError};
use crate::html::{self, esc};

/// Largest evidence upload accepted through the portal.
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;

fn template_of(store: &mut Store, request: &Request) -> Result<Template, StoreError> {
    let templates: Vec<Stored<StoredTemplate>> = store.list()?;
    questionnaire::find_template(
        &templates,
        &request.template_key,
        Some(request.template_version),
    )
}

/// Looks a link up; refusals (unknown, used, expired, not a vendor link) are audited.
async fn valid_token(state: &AppState, token: String, client: &str) -> Result<Token, WebError> {
    let now = state.now();
    let ctx = state.ctx("vendor-portal", client);
    let found = state
        .db(move |s| {
            let t = access::find_token(s, &token)?;
            let why = match &t {
                None => Some("unknown link"),
                Some(t) if t.kind != access::VENDOR => Some("not a questionnaire link"),
                Some(t) if t.used_at.is_some() => Some("link already used"),
                Some(t) if t.expires_at <= now => Some("link expired"),
                Some(_) => None,
            };
            if let Some(why) = why {
                let id = t
                    .as_ref()
                    .map_or("unknown".to_string(), |t| t.subject.clone());
                access::audit(
                    s,
                    &ctx,
                    "portal_denied",
                    "questionnaire_request",
                    &id,
                    "denied",
                    format!("vendor portal refused: {why}"),
                )?;
                return Ok(Err(why));
            }
            Ok(t.ok_or(StoreError::corrupt("token vanished"))
                .map_err(|_| "unknown link"))
        })
        .await?;
    found.map_err(|why| {
        WebError::NotFound(format!(
            "this questionnaire link is not valid ({why}); ask your contact for a new one"
        ))
    })
}

/// `GET /portal/{token}`.
pub async fn form(
    State(state): State<AppState>,
    Client(client): Client,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let t = valid_token(&state, token.clone(), &client).await?;
    let (request, template) = state
        .db(move |s| {
            let r: Stored<Request> = s.get(&t.subject)?;
            let template = template_of(s, &r.record)?;
            Ok((r, template))
        })
        .await?;
    let r = &request.record;
    let mut b = format!(
        "<p>Security questionnaire for <strong>{}</strong> ({}), due {}. Answer what applies; choose <em>na</em> where a question does not apply. This link works once.</p>\n\
         <form class=\"portal\" method=\"post\" action=\"/portal/{}\" enctype=\"multipart/form-data\">\n",
        esc(&r.vendor_name),
        esc(&request.id),
        esc(&r.due.to_string()),
        esc(&token)
    );
    for q in template.applicable(r.tier, &r.answers) {
        let name = format!("q_{}", q.ref_id);
        let _ = writeln!(
            b,
            "<fieldset><legend>{} {}{}</legend>",
            esc(&q.ref_id),
            esc(&q.text),
            if q.critical { " (critical)" } else { "" }
        );
        if let Some(help) = &q.help {
            let _ = writeln!(b, "<p class=\"help\">{}</p>", esc(help));
        }
        let choices = q.effective_choices();
        if !choices.is_empty() {
            let mut opts = vec![(String::new(), "choose".to_string())];
            opts.extend(choices.iter().map(|c| (c.value.clone(), c.value.clone())));
            opts.push(("na".into(), "na".into()));
            b.push_str(&html::select(&name, &opts, ""));
        } else {
            let kind = match q.answer_type {
                AnswerType::Number => "number",
                AnswerType::Date => "date",
                _ => "text",
            };
            let _ = write!(
                b,
                "<input name=\"{}\" id=\"f-{}\" type=\"{kind}\">",
                esc(&name),
                esc(&name)
            );
        }
        b.push_str("</fieldset>\n");
    }
    b.push_str(
        "<fieldset><legend>Evidence (optional: a policy, a report, a certificate)</legend>\n<input type=\"file\" name=\"evidence\" id=\"f-evidence\"></fieldset>\n\
         <button type=\"submit\" id=\"submit-answers\">Submit answers</button>\n</form>\n",
    );
    Ok(Html(html::page(
        "Vendor security questionnaire",
        "",
        None,
        &b,
    )))
}

/// `POST /portal/{token}`: records the answers (and evidence), scores the questionnaire,
/// and spends the link, in one transaction.
pub async fn submit(
    State(state): State<AppState>,
    Client(client): Client,
    Path(token): Path<String>,
    mut multipart: Multipart,
) -> Result<Html<String>, WebError> {
    let t = valid_token(&state, token, &client).await?;
    let mut answers = Vec::new();
    let mut upload: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(format!("unreadable form: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "evidence" {
            let file_name = field.file_name().unwrap_or("evidence").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError::BadRequest(format!("unreadable upload: {e}")))?;
            if bytes.len() > MAX_UPLOAD {
                return Err(WebError::BadRequest(
                    "the file is larger than 10 MiB".into(),
                ));
            }
            if !bytes.is_empty() {
                upload = Some((file_name, bytes.to_vec()));
            }
        } else if let Some(r) = name.strip_prefix("q_") {
            let value = field
                .text()
                .await
                .map_err(|e| WebError::BadRequest(format!("unreadable form: {e}")))?;
            if !value.trim().is_empty() {
                answers.push(GivenAnswer {
                    ref_id: r.to_string(),
                    value: value.trim().to_string(),
                    comment: None,
                    evidence: Vec::new(),
                    line: 0,
                });
            }
        }
    }
    if answers.is_empty() {
        return Err(WebError::BadRequest("no answer was given".into()));
    }
    let now = state.now();
    let ctx = state.ctx(&format!("vendor:{}", t.label), &client);
    let (request, rating, score) = state
        .db(move |s| {
            s.write(&ctx, |tx| {
                access::mark_used(tx, &t, now)?;
                let mut given = answers;
                if let Some((file_name, bytes)) = upload {
                    let e = evidence::add(
                        tx,
                        &format!("questionnaire evidence {}", t.subject),
                        EvidenceType::Other,
                        "upload",
                        &file_name,
                        &bytes,
                        None,
                        vec![Link {
                            kind: "questionnaire_request".into(),
                            id: t.subject.clone(),
                        }],
                    )?;
                    if let Some(first) = given.first_mut() {
                        first.evidence.push(e.id);
                    }
                }
                questionnaire::answer(tx, &t.subject, &given, "vendor portal")?;
                let (stored, scoring) = questionnaire::score_request(tx, &t.subject)?;
                access::audit_tx(
                    tx,
                    "portal_submit",
                    "questionnaire_request",
                    &stored.id,
                    format!(
                        "vendor submitted {} answers through the portal; score {}, rating {}",
                        given.len(),
                        scoring.score,
                        scoring.rating
                    ),
                )?;
                Ok((stored.id, scoring.rating, scoring.score))
            })
        })
        .await?;
    Ok(Html(html::page(
        "Thank you",
        "",
        None,
        &format!(
            "<p id=\"portal-done\">Your answers to {} were received and scored ({score}/100, residual rating {}). This link is now closed.</p>\n",
            esc(&request),
            esc(rating.as_str())
        ),
    )))
}
