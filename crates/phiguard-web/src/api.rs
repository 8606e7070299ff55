//! JSON over HTTP: scans, results and records, for bearer tokens scoped by role
//! (`phiguard user token`), and the OpenAPI 3 document at `/api/openapi.json`.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use phiguard_store::baa::{Agreement, AgreementStatus, AgreementType};
use phiguard_store::evidence::Evidence;
use phiguard_store::finding::Finding;
use phiguard_store::questionnaire::Request;
use phiguard_store::record::{Record, Stored};
use phiguard_store::risk::{Assessment, Risk};
use phiguard_store::scan::Scan;
use phiguard_store::vendor::Vendor;
use phiguard_store::{Store, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::access::{self, Perm, Role};
use crate::app::{AppState, Client, WebError};

/// Every API route: method, path (OpenAPI form), summary. The router and the OpenAPI
/// document are both built from this list.
pub const ROUTES: &[(&str, &str, &str)] = &[
    (
        "get",
        "/api/v1/scans",
        "Stored scans with their counts, oldest first",
    ),
    (
        "get",
        "/api/v1/scans/{id}",
        "One stored scan with its counts (no results)",
    ),
    (
        "get",
        "/api/v1/scans/{id}/results",
        "A scan's results, filtered and paged",
    ),
    ("get", "/api/v1/records/{kind}", "Every record of a kind"),
    (
        "get",
        "/api/v1/records/agreement",
        "Every agreement of the BAA register",
    ),
    (
        "post",
        "/api/v1/records/agreement",
        "Add an agreement to the BAA register",
    ),
];

/// Record kinds the API lists.
pub const KINDS: &[&str] = &[
    "agreement",
    "vendor",
    "questionnaire_request",
    "risk_assessment",
    "risk",
    "finding",
    "evidence",
];

/// An API error: status and `{"error": message}`.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> ApiError {
        let (status, message) = e.status_and_message();
        ApiError(status, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.0, Json(json!({ "error": self.1 }))).into_response();
        if self.0 == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        r
    }
}

/// A caller holding a valid API token.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    /// The user the token acts as.
    pub user: String,
    /// The token's role.
    pub role: Role,
    /// Client address.
    pub client: String,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ApiCaller, ApiError> {
        let Client(client) = Client::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|e| match e {});
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|v| v.trim().to_string());
        let now = state.now();
        let ctx = state.ctx("anonymous", &client);
        let path = parts.uri.path().to_string();
        let found = state
            .db(move |s| {
                let token = match &bearer {
                    Some(b) => access::find_token(s, b)?,
                    None => None,
                };
                let why = match &token {
                    None if bearer.is_none() => Some("no bearer token"),
                    None => Some("unknown token"),
                    Some(t) if t.kind != access::API => Some("not an API token"),
                    Some(t) if t.expires_at <= now => Some("token expired"),
                    Some(_) => None,
                };
                match (why, token) {
                    (None, Some(t)) => {
                        // The user must still exist and be enabled.
                        match access::get_user(s, &t.subject)? {
                            Some(u) if !u.disabled => Ok(Ok((t.subject, Role::parse(&t.role)?))),
                            _ => Ok(Err("the token's user is disabled or gone")),
                        }
                    }
                    (why, _) => {
                        let why = why.unwrap_or("invalid token");
                        access::audit(
                            s,
                            &ctx,
                            "access_denied",
                            "route",
                            &path,
                            "denied",
                            format!("API request refused: {why}"),
                        )?;
                        Ok(Err(why))
                    }
                }
            })
            .await?;
        match found {
            Ok((user, role)) => Ok(ApiCaller { user, role, client }),
            Err(why) => Err(ApiError(StatusCode::UNAUTHORIZED, why.to_string())),
        }
    }
}

/// The API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/v1/scans", get(scans))
        .route("/api/v1/scans/{id}", get(scan))
        .route("/api/v1/scans/{id}/results", get(results))
        .route(
            "/api/v1/records/agreement",
            get(list_agreements).post(add_agreement),
        )
        .route("/api/v1/records/{kind}", get(records))
}

async fn openapi_json() -> Json<Value> {
    Json(openapi())
}

fn scan_summary(s: &Stored<Scan>) -> Value {
    json!({
        "id": s.id,
        "scan_time": s.record.scan_time,
        "source": s.record.source,
        "accounts": s.record.accounts,
        "report_sha256": s.record.report_sha256,
        "evidence_id": s.record.evidence_id,
        "counts": s.record.counts,
        "results": s.record.results.len(),
    })
}

async fn scans(State(state): State<AppState>, _c: ApiCaller) -> Result<Json<Value>, ApiError> {
    let list: Vec<Stored<Scan>> = state.db(|s| s.list()).await?;
    Ok(Json(Value::Array(list.iter().map(scan_summary).collect())))
}

async fn scan(
    State(state): State<AppState>,
    _c: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let s: Stored<Scan> = state.db(move |s| s.get(&id)).await?;
    Ok(Json(scan_summary(&s)))
}

async fn results(
    State(state): State<AppState>,
    _c: ApiCaller,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    // Non-negative integers (a huge one saturates); anything else is refused.
    let int = |k: &str| -> Result<Option<usize>, ApiError> {
        match q.get(k) {
            None => Ok(None),
            Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Some(v.parse::<usize>().unwrap_or(usize::MAX)))
            }
            Some(v) => Err(ApiError(
                StatusCode::BAD_REQUEST,
                format!("invalid `{k}`: `{v}` is not a non-negative integer"),
            )),
        }
    };
    let limit = int("limit")?.unwrap_or(100).clamp(1, 1000);
    let offset = int("offset")?.unwrap_or(0);
    // Scans stored with result rows: filtered and paged in SQL (the filters compare
    // case-insensitively: statuses and severities are lower case, control ids upper case).
    let g = |k: &str| q.get(k).cloned().unwrap_or_default();
    let filter = phiguard_store::results::Filter {
        status: g("status").to_ascii_lowercase(),
        control: g("control").to_ascii_uppercase(),
        account: g("account"),
        severity: g("severity").to_ascii_lowercase(),
        ..Default::default()
    };
    let scan_id = id.clone();
    let rows = state
        .db(move |s| {
            use phiguard_store::results;
            let db = s.db();
            if results::summary(db, &scan_id)?.is_none() {
                return Ok(None);
            }
            let total = results::count_matching(db, &scan_id, &filter)?;
            let rows = results::page(db, &scan_id, &filter, offset as u64, limit as u64)?;
            Ok(Some((total, rows)))
        })
        .await?;
    if let Some((total, rows)) = rows {
        let results: Vec<Value> = rows
            .into_iter()
            .map(|r| {
                let mut v = json!({
                    "control": r.control,
                    "resource": r.resource,
                    "account": r.account,
                    "status": r.status,
                    "severity": r.severity,
                });
                if !r.message.is_empty() {
                    v["reason"] = Value::String(r.message);
                }
                v
            })
            .collect();
        return Ok(Json(json!({
            "scan": id,
            "total": total,
            "offset": offset,
            "limit": limit,
            "results": results,
        })));
    }
    let s: Stored<Scan> = state.db(move |s| s.get(&id)).await?;
    let want = |k: &str, v: &str| {
        q.get(k)
            .is_none_or(|w| w.is_empty() || w.eq_ignore_ascii_case(v))
    };
    let matching: Vec<_> = s
        .record
        .results
        .iter()
        .filter(|r| {
            want("status", &r.status)
                && want("control", &r.control)
                && want("account", &r.account)
                && want("severity", &r.severity)
        })
        .collect();
    Ok(Json(json!({
        "scan": s.id,
        "total": matching.len(),
        "offset": offset,
        "limit": limit,
        "results": matching.into_iter().skip(offset).take(limit).collect::<Vec<_>>(),
    })))
}

fn list_json<R: Record + serde::Serialize>(s: &mut Store) -> Result<Value, StoreError> {
    let list: Vec<Stored<R>> = s.list()?;
    serde_json::to_value(&list).map_err(|e| StoreError::corrupt(e.to_string()))
}

async fn records(
    State(state): State<AppState>,
    _c: ApiCaller,
    Path(kind): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !KINDS.contains(&kind.as_str()) {
        return Err(ApiError(
            StatusCode::NOT_FOUND,
            format!("`{kind}` is not one of {}", KINDS.join(", ")),
        ));
    }
    let value = state
        .db(move |s| match kind.as_str() {
            "agreement" => list_json::<Agreement>(s),
            "vendor" => list_json::<Vendor>(s),
            "questionnaire_request" => list_json::<Request>(s),
            "risk_assessment" => list_json::<Assessment>(s),
            "risk" => list_json::<Risk>(s),
            "finding" => list_json::<Finding>(s),
            _ => list_json::<Evidence>(s),
        })
        .await?;
    Ok(Json(value))
}

async fn list_agreements(
    State(state): State<AppState>,
    _c: ApiCaller,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.db(list_json::<Agreement>).await?))
}

/// The body of `POST /api/v1/records/agreement`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAgreement {
    /// The other party.
    pub counterparty: String,
    /// `baa`, `subcontractor_baa`, `msa`, ...
    pub agreement_type: String,
    /// `draft`, ..., `active`, ...
    pub status: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub effective_date: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub expiry_date: Option<String>,
    /// AWS account ids.
    #[serde(default)]
    pub covered_accounts: Vec<String>,
}

async fn add_agreement(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Result<Json<NewAgreement>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let ctx = state.ctx(&caller.user, &caller.client);
    if !caller.role.can(Perm::EditRecords) {
        let summary = format!(
            "{} ({}) refused: POST /api/v1/records/agreement",
            caller.user,
            caller.role.as_str()
        );
        state
            .db(move |s| {
                access::audit(
                    s,
                    &ctx,
                    "access_denied",
                    "route",
                    "/api/v1/records/agreement",
                    "denied",
                    summary,
                )
            })
            .await?;
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "the token's role cannot change records".into(),
        ));
    }
    let Json(body) = body.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))?;
    // What the schema says beyond types: a counterparty with a visible character (C0
    // separators count as blanks, as in the schema's `\S`), not created terminated.
    if body
        .counterparty
        .chars()
        .all(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
    {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            "invalid `counterparty`: must not be blank".into(),
        ));
    }
    if body.status == AgreementStatus::Terminated.as_str() {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            "invalid `status`: an agreement is not created terminated (terminate it later, with its end date)".into(),
        ));
    }
    let mut a = Agreement::new(
        &body.counterparty,
        AgreementType::parse("agreement_type", &body.agreement_type).map_err(WebError::Store)?,
        AgreementStatus::parse("status", &body.status).map_err(WebError::Store)?,
    );
    let date = |f: &str, v: &Option<String>| {
        v.as_deref()
            .map(|t| phiguard_store::parse_date(f, t))
            .transpose()
            .map_err(WebError::Store)
    };
    a.effective_date = date("effective_date", &body.effective_date)?;
    a.expiry_date = date("expiry_date", &body.expiry_date)?;
    // The schema's `$` (ECMA / Python) also matches before a final newline: drop it.
    a.covered_accounts = body
        .covered_accounts
        .into_iter()
        .map(|c| c.strip_suffix('\n').map(str::to_string).unwrap_or(c))
        .collect();
    let stored = state.db(move |s| s.write(&ctx, |tx| tx.insert(a))).await?;
    let value = serde_json::to_value(&stored)
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((StatusCode::CREATED, Json(value)))
}

/// The OpenAPI 3.0 document.
pub fn openapi() -> Value {
    let mut paths = serde_json::Map::new();
    for (method, path, summary) in ROUTES {
        let mut params = Vec::new();
        for name in ["id", "kind"] {
            if path.contains(&format!("{{{name}}}")) {
                let mut p = json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}});
                if name == "kind" {
                    // `agreement` has its own path (which also takes POST).
                    p["schema"]["enum"] = json!(
                        KINDS
                            .iter()
                            .filter(|k| **k != "agreement")
                            .collect::<Vec<_>>()
                    );
                }
                params.push(p);
            }
        }
        if path.ends_with("/results") {
            for q in ["status", "control", "account", "severity"] {
                params.push(json!({"name": q, "in": "query", "required": false, "schema": {"type": "string"}}));
            }
            for q in ["limit", "offset"] {
                params.push(json!({"name": q, "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}}));
            }
        }
        let mut op = json!({
            "summary": summary,
            "parameters": params,
            "security": [{"bearer": []}],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {}}}},
                "401": {"description": "No valid bearer token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "404": {"description": "Not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if path.ends_with("/results") {
            op["responses"]["400"] = json!({"description": "Invalid limit or offset", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        }
        if *method == "post" {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewAgreement"}}}});
            op["responses"]["201"] =
                json!({"description": "Created", "content": {"application/json": {"schema": {}}}});
            op["responses"]["400"] = json!({"description": "Invalid input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
            op["responses"]["403"] = json!({"description": "The token's role cannot change records", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "phiguard API", "version": "1", "description": "Scans, results and compliance records of a phiguard records store. Bearer tokens come from `phiguard user token`; a token carries its user's role."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "NewAgreement": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["counterparty", "agreement_type", "status"],
                    "properties": {
                        "counterparty": {"type": "string", "pattern": "\\S"},
                        "agreement_type": {"type": "string", "enum": AgreementType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>()},
                        "status": {"type": "string", "enum": AgreementStatus::ALL.iter().filter(|t| **t != AgreementStatus::Terminated).map(|t| t.as_str()).collect::<Vec<_>>(), "description": "an agreement is terminated later, as a change with its end date, not created terminated"},
                        "effective_date": {"type": "string", "format": "date", "nullable": true},
                        "expiry_date": {"type": "string", "format": "date", "nullable": true, "description": "not before effective_date"},
                        "covered_accounts": {"type": "array", "items": {"type": "string", "pattern": "^(?:[0-9]{12}|arn:aws:organizations::[\\s\\S]*)$", "description": "12-digit AWS account id or organisation ARN"}}
                    }
                }
            }
        }
    })
}
