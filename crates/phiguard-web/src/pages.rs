//! Posture pages: overview, findings explorer and drill-down, control pages, scan history
//! and diffs. They read the latest stored scan; with none, they say so.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use axum::extract::{Path, Query, State};
use axum::response::Html;
use phiguard_model::{Severity, Status};
use phiguard_report::Report;
use phiguard_report::wire::{Counts, ResultV1};
use phiguard_store::record::Stored;
use phiguard_store::scan::{self, Scan};

use crate::app::{AppState, Authed, WebError};
use crate::data::{self, Finding, Header, Overview, TrendPoint, View};
use crate::html::{self, badge, esc, table, url};

/// Results per page in the findings explorer.
pub const PAGE_SIZE: usize = 50;

/// Results a control page lists at most (then links to the findings explorer).
pub const CONTROL_RESULTS: usize = 200;

fn no_scan(authed: &Authed, title: &str, current: &str) -> Html<String> {
    Html(html::page(
        title,
        current,
        Some(&authed.viewer()),
        &html::notice(
            "warn",
            "No scan is stored in this records database yet, so there is no posture to show. Run `phiguard scan --db <this database>` (or `phiguard demo`) and reload.",
        ),
    ))
}

fn pct(counts: &Counts) -> String {
    let total = counts.pass + counts.fail;
    if total == 0 {
        "–".into()
    } else {
        format!("{:.0}%", counts.pass as f64 * 100.0 / total as f64)
    }
}

fn counts_cells(c: &Counts) -> Vec<String> {
    vec![
        c.pass.to_string(),
        c.fail.to_string(),
        c.error.to_string(),
        c.manual.to_string(),
        c.waived.to_string(),
        pct(c),
    ]
}

fn scan_header(h: &Header) -> String {
    format!(
        "<p class=\"scan\">Latest scan <strong>{}</strong> at {} · source {} · accounts {}</p>\n",
        esc(&h.scan_id),
        esc(&h.scan_time),
        esc(&h.source),
        esc(&h.accounts.join(", "))
    )
}

/// A line chart of pass rates over scans, as inline SVG (attributes only: the CSP forbids
/// inline style).
pub fn trend_svg(points: &[TrendPoint]) -> String {
    let (w, h, left, top, bottom) = (640.0_f64, 200.0_f64, 40.0_f64, 10.0_f64, 30.0_f64);
    let plot_h = h - top - bottom;
    let n = points.len().max(1);
    let step = if n > 1 {
        (w - left - 20.0) / (n - 1) as f64
    } else {
        0.0
    };
    let mut out = format!(
        "<svg class=\"trend\" role=\"img\" aria-label=\"pass rate per scan\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\">\n"
    );
    for pctv in [0, 50, 100] {
        let y = top + plot_h * (1.0 - f64::from(pctv) / 100.0);
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#ccc\"/><text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#555\">{pctv}%</text>",
            w - 10.0,
            y + 4.0
        );
    }
    let coords: Vec<(f64, f64, &TrendPoint)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.score().map(|s| {
                (
                    left + step * i as f64 + if n == 1 { (w - left) / 2.0 } else { 0.0 },
                    top + plot_h * (1.0 - s / 100.0),
                    p,
                )
            })
        })
        .collect();
    if coords.len() > 1 {
        let line: Vec<String> = coords
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\"/>",
            line.join(" ")
        );
    }
    for (x, y, p) in &coords {
        let _ = writeln!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#1f6feb\"><title>{} {}: {:.0}% ({} pass, {} fail)</title></circle><text x=\"{x:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            esc(&p.id),
            esc(&p.scan_time),
            p.score().unwrap_or(0.0),
            p.pass,
            p.fail,
            h - 10.0,
            esc(&p.id)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// `GET /`: the posture overview.
pub async fn overview(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Html<String>, WebError> {
    let Some(view) = data::view(&state).await? else {
        return Ok(no_scan(&authed, "Posture overview", "/"));
    };
    let trend = state.db(data::trend).await?;
    let body = match view {
        View::Indexed(ix) => render_overview(&ix.overview, &trend),
        View::Report(p) => overview_body(&p.scan_id, &p.report, &trend),
    };
    Ok(Html(html::page(
        "Posture overview",
        "/",
        Some(&authed.viewer()),
        &body,
    )))
}

/// The overview's body from a whole report (separate for snapshot tests).
pub fn overview_body(scan_id: &str, report: &Report<'_>, trend: &[TrendPoint]) -> String {
    render_overview(&Overview::from_report(scan_id, report), trend)
}

/// The overview's body.
pub fn render_overview(o: &Overview, trend: &[TrendPoint]) -> String {
    let mut b = scan_header(&o.header);
    let _ = write!(
        b,
        "<section class=\"cards\">\n<div class=\"card\"><span class=\"n\">{}</span> pass</div>\n\
         <div class=\"card fail\"><span class=\"n\">{}</span> fail</div>\n\
         <div class=\"card\"><span class=\"n\">{}</span> not evaluated</div>\n\
         <div class=\"card\"><span class=\"n\">{}</span> manual</div>\n\
         <div class=\"card\"><span class=\"n\">{}</span> PHI failures</div>\n</section>\n",
        o.counts.pass, o.counts.fail, o.counts.error, o.counts.manual, o.phi_failures
    );
    if o.incomplete {
        b.push_str(&html::notice(
            "warn",
            "This scan is incomplete: some results could not be evaluated (status error). Scores count only pass and fail.",
        ));
    }
    let header = [
        "Section", "Title", "Pass", "Fail", "Error", "Manual", "Waived", "Score",
    ];
    b.push_str("<h2 id=\"hipaa\">By HIPAA section</h2>\n");
    let rows: Vec<Vec<String>> = o
        .hipaa
        .iter()
        .map(|g| {
            let mut r = vec![esc(&g.key), esc(&g.title)];
            r.extend(counts_cells(&g.counts));
            r
        })
        .collect();
    b.push_str(&table("groups", &header, &rows));
    b.push_str("<h2 id=\"seed\">By customer responsibility</h2>\n");
    let rows: Vec<Vec<String>> = o
        .seed
        .iter()
        .map(|g| {
            let mut r = vec![esc(&g.key), esc(&g.title)];
            r.extend(counts_cells(&g.counts));
            r
        })
        .collect();
    b.push_str(&table("groups", &header, &rows));
    b.push_str("<h2 id=\"matrix\">Shared responsibility</h2>\n");
    match &o.matrix {
        Some(areas) => {
            let rows: Vec<Vec<String>> = areas
                .iter()
                .map(|a| {
                    vec![
                        esc(&a.title),
                        esc(&a.aws),
                        esc(&a.customer),
                        a.controls.to_string(),
                        a.counts.pass.to_string(),
                        a.counts.fail.to_string(),
                        pct(&a.counts),
                    ]
                })
                .collect();
            b.push_str(&table(
                "matrix",
                &[
                    "Area", "AWS", "Customer", "Controls", "Pass", "Fail", "Score",
                ],
                &rows,
            ));
        }
        None => b.push_str(&html::notice(
            "info",
            "This scan's report has no shared-responsibility matrix.",
        )),
    }
    b.push_str("<h2 id=\"critical\">Open critical findings</h2>\n");
    let critical: Vec<Vec<String>> = o.critical.iter().map(finding_row).collect();
    if critical.is_empty() {
        b.push_str(&html::notice(
            "ok",
            "No open critical finding in the latest scan.",
        ));
    } else {
        if o.critical_total > o.critical.len() {
            let _ = writeln!(
                b,
                "<p class=\"count\">The first {} of {} open critical findings: <a href=\"/findings?severity=critical\">see them all</a>.</p>",
                o.critical.len(),
                o.critical_total
            );
        }
        b.push_str(&table("findings", &FINDING_HEADER, &critical));
    }
    b.push_str("<h2 id=\"trend\">Trend</h2>\n");
    if trend.len() < 2 {
        b.push_str(&html::notice(
            "info",
            "One scan stored so far: the trend needs two.",
        ));
    }
    b.push_str(&trend_svg(trend));
    b
}

const FINDING_HEADER: [&str; 8] = [
    "#", "Status", "Severity", "Control", "Resource", "Account", "Region", "PHI",
];

fn finding_row(r: &Finding) -> Vec<String> {
    let i = r.n;
    vec![
        format!("<a href=\"/findings/{i}\">{i}</a>"),
        badge(&r.status),
        badge(&r.severity),
        format!(
            "<a href=\"/controls/{}\">{}</a>",
            url(&r.control),
            esc(&r.control)
        ),
        format!("<a href=\"/findings/{i}\">{}</a>", esc(&r.resource)),
        esc(&r.account),
        esc(&r.region),
        if r.phi { "PHI".into() } else { String::new() },
    ]
}

/// The findings filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Account id.
    pub account: String,
    /// Region.
    pub region: String,
    /// Control id.
    pub control: String,
    /// Severity.
    pub severity: String,
    /// `yes` / `no` / empty.
    pub phi: String,
    /// Status; empty means `fail`, `all` means every status.
    pub status: String,
    /// 1-based page.
    pub page: usize,
}

impl Filter {
    /// From the query string.
    pub fn from_query(q: &HashMap<String, String>) -> Filter {
        let g = |k: &str| q.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        Filter {
            account: g("account"),
            region: g("region"),
            control: g("control").to_ascii_uppercase(),
            severity: g("severity"),
            phi: g("phi"),
            status: g("status"),
            page: g("page").parse().unwrap_or(1).max(1),
        }
    }

    /// Whether a result passes the filter.
    pub fn matches(&self, r: &ResultV1<'_>) -> bool {
        let status = if self.status.is_empty() {
            "fail"
        } else {
            self.status.as_str()
        };
        (status == "all" || r.status.as_str() == status)
            && (self.account.is_empty() || r.account == self.account)
            && (self.region.is_empty() || r.region == self.region)
            && (self.control.is_empty() || r.control_id == self.control)
            && (self.severity.is_empty() || r.severity.as_str() == self.severity)
            && match self.phi.as_str() {
                "yes" => r.phi,
                "no" => !r.phi,
                _ => true,
            }
    }

    /// The same filter for the stored rows.
    pub fn to_rows(&self) -> phiguard_store::results::Filter {
        phiguard_store::results::Filter {
            account: self.account.clone(),
            region: self.region.clone(),
            control: self.control.clone(),
            severity: self.severity.clone(),
            phi: match self.phi.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            status: match self.status.as_str() {
                "" => "fail".into(),
                "all" => String::new(),
                s => s.to_string(),
            },
        }
    }

    fn query(&self, page: usize) -> String {
        format!(
            "account={}&region={}&control={}&severity={}&phi={}&status={}&page={page}",
            url(&self.account),
            url(&self.region),
            url(&self.control),
            url(&self.severity),
            url(&self.phi),
            url(&self.status)
        )
    }
}

fn options(values: BTreeSet<String>, any: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), any.to_string()))
        .chain(values.into_iter().map(|v| (v.clone(), v)))
        .collect()
}

/// `GET /findings`: filterable, paged results of the latest scan.
pub async fn findings(
    State(state): State<AppState>,
    authed: Authed,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let Some(view) = data::view(&state).await? else {
        return Ok(no_scan(&authed, "Findings", "/findings"));
    };
    let filter = Filter::from_query(&q);
    let body = match view {
        View::Indexed(ix) => {
            let f = filter.clone();
            let page = state.db(move |s| findings_page(s, &ix, &f)).await?;
            render_findings(&page, &filter)
        }
        View::Report(p) => findings_body(&p.scan_id, &p.report, &filter),
    };
    Ok(Html(html::page(
        "Findings",
        "/findings",
        Some(&authed.viewer()),
        &body,
    )))
}

/// What the findings page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingsPage {
    /// Above the page.
    pub header: Header,
    /// Accounts with results.
    pub accounts: BTreeSet<String>,
    /// Regions with results.
    pub regions: BTreeSet<String>,
    /// Controls with results.
    pub controls: BTreeSet<String>,
    /// Results matching the filter.
    pub total: usize,
    /// The page shown (clamped to the pages there are).
    pub page: usize,
    /// The matching results on that page.
    pub rows: Vec<Finding>,
}

fn pages_of(total: usize) -> usize {
    total.div_ceil(PAGE_SIZE).max(1)
}

/// The findings page of a scan stored with rows: count and page in SQL.
pub fn findings_page(
    store: &mut phiguard_store::Store,
    ix: &data::Indexed,
    filter: &Filter,
) -> Result<FindingsPage, phiguard_store::StoreError> {
    use phiguard_store::results;
    let rows_filter = filter.to_rows();
    let db = store.db();
    let total = usize::try_from(results::count_matching(db, &ix.scan_id, &rows_filter)?)
        .unwrap_or(usize::MAX);
    let page = filter.page.clamp(1, pages_of(total));
    let rows = results::page(
        db,
        &ix.scan_id,
        &rows_filter,
        ((page - 1) * PAGE_SIZE) as u64,
        PAGE_SIZE as u64,
    )?
    .into_iter()
    .map(Finding::of_row)
    .collect();
    Ok(FindingsPage {
        header: ix.overview.header.clone(),
        accounts: ix.accounts.iter().cloned().collect(),
        regions: ix.regions.iter().cloned().collect(),
        controls: ix.controls.iter().cloned().collect(),
        total,
        page,
        rows,
    })
}

/// The findings page body from a whole report.
pub fn findings_body(scan_id: &str, report: &Report<'_>, filter: &Filter) -> String {
    let set = |f: &dyn Fn(&ResultV1<'_>) -> String| -> BTreeSet<String> {
        report
            .results
            .iter()
            .map(f)
            .filter(|v| !v.is_empty())
            .collect()
    };
    let matching: Vec<(usize, &ResultV1<'_>)> = report
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| filter.matches(r))
        .collect();
    let page = filter.page.clamp(1, pages_of(matching.len()));
    let page = FindingsPage {
        header: Header::of(scan_id, report),
        accounts: set(&|r| r.account.to_string()),
        regions: set(&|r| r.region.to_string()),
        controls: set(&|r| r.control_id.to_string()),
        total: matching.len(),
        page,
        rows: matching
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|(i, r)| Finding::of(*i, r))
            .collect(),
    };
    render_findings(&page, filter)
}

/// The findings page body.
pub fn render_findings(p: &FindingsPage, filter: &Filter) -> String {
    let mut b = scan_header(&p.header);
    let statuses: Vec<(String, String)> = [("", "failing"), ("all", "any status")]
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .chain(
            Status::ALL
                .iter()
                .filter(|s| **s != Status::Fail)
                .map(|s| (s.as_str().to_string(), s.as_str().to_string())),
        )
        .collect();
    let _ = write!(
        b,
        "<form class=\"filters\" method=\"get\" action=\"/findings\">\n\
         <label for=\"f-account\">Account</label>{}\n<label for=\"f-region\">Region</label>{}\n\
         <label for=\"f-control\">Control</label>{}\n<label for=\"f-severity\">Severity</label>{}\n\
         <label for=\"f-phi\">PHI</label>{}\n<label for=\"f-status\">Status</label>{}\n\
         <button type=\"submit\">Filter</button>\n</form>\n",
        html::select(
            "account",
            &options(p.accounts.clone(), "any"),
            &filter.account
        ),
        html::select("region", &options(p.regions.clone(), "any"), &filter.region),
        html::select(
            "control",
            &options(p.controls.clone(), "any"),
            &filter.control
        ),
        html::select(
            "severity",
            &options(
                Severity::ALL
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect(),
                "any"
            ),
            &filter.severity
        ),
        html::select(
            "phi",
            &[
                (String::new(), "any".into()),
                ("yes".into(), "PHI only".into()),
                ("no".into(), "non-PHI".into())
            ],
            &filter.phi
        ),
        html::select("status", &statuses, &filter.status),
    );
    let pages = pages_of(p.total);
    let page = p.page;
    let _ = writeln!(
        b,
        "<p class=\"count\" id=\"result-count\">{} result{} · page {page} of {pages}</p>",
        p.total,
        if p.total == 1 { "" } else { "s" }
    );
    let rows: Vec<Vec<String>> = p.rows.iter().map(finding_row).collect();
    b.push_str(&table("findings", &FINDING_HEADER, &rows));
    b.push_str("<nav class=\"pager\">");
    if page > 1 {
        let _ = write!(
            b,
            "<a href=\"/findings?{}\">previous</a> ",
            esc(&filter.query(page - 1))
        );
    }
    if page < pages {
        let _ = write!(
            b,
            "<a href=\"/findings?{}\">next</a>",
            esc(&filter.query(page + 1))
        );
    }
    b.push_str("</nav>\n");
    b
}

/// `GET /findings/{n}`: one result with its evidence and remediation. A scan stored with
/// its result rows serves the one row; older scans read their report.
pub async fn finding(
    State(state): State<AppState>,
    authed: Authed,
    Path(n): Path<usize>,
) -> Result<Html<String>, WebError> {
    let Some(view) = data::view(&state).await? else {
        return Ok(no_scan(&authed, "Finding", "/findings"));
    };
    let from_row = match view {
        View::Indexed(ix) => {
            let scan_id = ix.scan_id.clone();
            let detail = state
                .db(move |s| phiguard_store::results::detail(s.db(), &scan_id, n as u64))
                .await?;
            match detail {
                None => {
                    return Err(WebError::NotFound(format!(
                        "no result #{n} in scan {}",
                        ix.scan_id
                    )));
                }
                Some(Some(json)) => Some(finding_from_row(&ix, &json)?),
                // Rows stored before the result JSON was: the report has it.
                Some(None) => None,
            }
        }
        View::Report(_) => None,
    };
    let body = match from_row {
        Some(body) => body,
        None => {
            let Some(p) = data::posture(&state).await? else {
                return Ok(no_scan(&authed, "Finding", "/findings"));
            };
            finding_from_report(&p.scan_id, &p.report, n)?
        }
    };
    Ok(Html(html::page(
        &format!("Finding #{n}"),
        "/findings",
        Some(&authed.viewer()),
        &body,
    )))
}

/// A finding page's body from the result's stored JSON.
pub fn finding_from_row(ix: &data::Indexed, json: &str) -> Result<String, WebError> {
    let r: ResultV1<'_> = serde_json::from_str(json).map_err(|e| {
        WebError::Internal(format!(
            "a stored result of scan {} does not read: {e}",
            ix.scan_id
        ))
    })?;
    let remediation = ix
        .remediation
        .get(r.control_id.as_ref())
        .map(String::as_str);
    Ok(finding_body(&ix.overview.header, &r, remediation))
}

/// A finding page's body from the whole report.
pub fn finding_from_report(
    scan_id: &str,
    report: &Report<'_>,
    n: usize,
) -> Result<String, WebError> {
    let r = report
        .results
        .get(n)
        .ok_or_else(|| WebError::NotFound(format!("no result #{n} in scan {scan_id}")))?;
    let remediation = report
        .controls
        .iter()
        .find(|c| c.id == r.control_id.as_ref())
        .map(|c| c.remediation.as_ref());
    Ok(finding_body(&Header::of(scan_id, report), r, remediation))
}

/// A finding page's body: the result's fields, waiver, evidence and its control's
/// remediation.
fn finding_body(header: &Header, r: &ResultV1<'_>, remediation: Option<&str>) -> String {
    let mut b = scan_header(header);
    let fields = [
        ("Status", badge(r.status.as_str())),
        ("Severity", badge(r.severity.as_str())),
        (
            "Control",
            format!(
                "<a href=\"/controls/{}\">{} {}</a>",
                url(&r.control_id),
                esc(&r.control_id),
                esc(&r.control_slug)
            ),
        ),
        ("Resource", esc(&r.resource)),
        ("Kind", esc(r.resource_kind.as_deref().unwrap_or(""))),
        ("Account", esc(&r.account)),
        ("Region", esc(&r.region)),
        ("PHI", if r.phi { "yes".into() } else { "no".into() }),
        ("Reason", esc(&r.reason)),
    ];
    b.push_str("<dl class=\"fields\">\n");
    for (k, v) in fields {
        let _ = writeln!(b, "<dt>{k}</dt><dd>{v}</dd>");
    }
    if let Some(w) = &r.waiver {
        let _ = writeln!(
            b,
            "<dt>Waiver</dt><dd>{} (approved by {}, expires {})</dd>",
            esc(&w.reason),
            esc(&w.approved_by),
            esc(&w.expires)
        );
    }
    b.push_str("</dl>\n<h2>Evidence</h2>\n");
    let rows: Vec<Vec<String>> = r
        .evidence
        .iter()
        .map(|(k, v)| vec![esc(k), esc(&v.to_string())])
        .collect();
    b.push_str(&table("evidence", &["Attribute", "Value"], &rows));
    if let Some(remediation) = remediation {
        let _ = write!(
            b,
            "<h2>Remediation</h2>\n<div class=\"doc\">{}</div>\n",
            esc(remediation)
        );
    }
    b
}

/// `GET /controls/{id}`: documentation, remediation and the latest results of a control.
pub async fn control(
    State(state): State<AppState>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let c = phiguard_controls::catalogue::find(&id)
        .ok_or_else(|| WebError::NotFound(format!("no control `{id}`")))?;
    let posture = data::view(&state).await?;
    let mut b = String::new();
    let m = &c.meta;
    let _ = writeln!(
        b,
        "<p class=\"meta\">{} · {} · {} · HIPAA {}</p>",
        badge(m.severity.as_str()),
        esc(m.slug),
        esc(m.seed_area.as_str()),
        esc(&m.citations.join(", "))
    );
    for section in [
        "Requirement",
        "Rationale",
        "Evaluation",
        "Remediation",
        "References",
    ] {
        if let Some(text) = c.doc_section(section) {
            let _ = write!(
                b,
                "<h2>{section}</h2>\n<div class=\"doc\" id=\"doc-{}\">{}</div>\n",
                section.to_ascii_lowercase(),
                esc(&text)
            );
        }
    }
    if !m.config_rules.is_empty() || !m.prowler_checks.is_empty() {
        let _ = writeln!(
            b,
            "<p class=\"meta\">AWS Config: {} · Prowler: {}</p>",
            esc(&m.config_rules.join(", ")),
            esc(&m.prowler_checks.join(", "))
        );
    }
    b.push_str("<h2>Results in the latest scan</h2>\n");
    let scanned = posture.is_some();
    let (results, total): (Vec<Finding>, usize) = match posture {
        None => {
            b.push_str(&html::notice(
                "warn",
                "No scan is stored in this records database yet.",
            ));
            (Vec::new(), 0)
        }
        Some(View::Indexed(ix)) => {
            let filter = phiguard_store::results::Filter {
                control: m.id.to_string(),
                ..Default::default()
            };
            state
                .db(move |s| {
                    use phiguard_store::results;
                    let db = s.db();
                    let total = results::count_matching(db, &ix.scan_id, &filter)?;
                    let rows = results::page(db, &ix.scan_id, &filter, 0, CONTROL_RESULTS as u64)?;
                    Ok((
                        rows.into_iter().map(Finding::of_row).collect(),
                        usize::try_from(total).unwrap_or(usize::MAX),
                    ))
                })
                .await?
        }
        Some(View::Report(p)) => {
            let all: Vec<Finding> = p
                .report
                .results
                .iter()
                .enumerate()
                .filter(|(_, r)| r.control_id == m.id)
                .map(|(i, r)| Finding::of(i, r))
                .collect();
            let total = all.len();
            (all.into_iter().take(CONTROL_RESULTS).collect(), total)
        }
    };
    if total > results.len() {
        let _ = writeln!(
            b,
            "<p class=\"count\">The first {} of {total} results: <a href=\"/findings?status=all&amp;control={}\">see them all</a>.</p>",
            results.len(),
            url(m.id)
        );
    }
    if scanned {
        let rows: Vec<Vec<String>> = results.iter().map(finding_row).collect();
        if rows.is_empty() {
            b.push_str(&html::notice(
                "info",
                "This control produced no result in the latest scan.",
            ));
        } else {
            b.push_str(&table("findings", &FINDING_HEADER, &rows));
        }
    }
    Ok(Html(html::page(
        &format!("{} {}", m.id, m.title),
        "/findings",
        Some(&authed.viewer()),
        &b,
    )))
}

/// `GET /scans`: stored scans with their counts, and a form to compare two.
pub async fn scans(
    State(state): State<AppState>,
    authed: Authed,
) -> Result<Html<String>, WebError> {
    let trend = state.db(data::trend).await?;
    let mut b = String::new();
    if trend.is_empty() {
        b.push_str(&html::notice(
            "warn",
            "No scan is stored in this records database yet.",
        ));
    } else {
        let rows: Vec<Vec<String>> = trend
            .iter()
            .rev()
            .map(|p| {
                vec![
                    esc(&p.id),
                    esc(&p.scan_time),
                    p.pass.to_string(),
                    p.fail.to_string(),
                    p.score().map_or("–".into(), |s| format!("{s:.0}%")),
                ]
            })
            .collect();
        b.push_str(&table(
            "scans",
            &["Scan", "Time", "Pass", "Fail", "Score"],
            &rows,
        ));
        b.push_str(&trend_svg(&trend));
        let opts: Vec<(String, String)> = trend
            .iter()
            .map(|p| (p.id.clone(), format!("{} ({})", p.id, p.scan_time)))
            .collect();
        let first = trend.first().map(|p| p.id.clone()).unwrap_or_default();
        let last = trend.last().map(|p| p.id.clone()).unwrap_or_default();
        let _ = write!(
            b,
            "<h2>Compare two scans</h2>\n<form class=\"filters\" method=\"get\" action=\"/scans/diff\">\n\
             <label for=\"f-from\">From</label>{}\n<label for=\"f-to\">To</label>{}\n\
             <button type=\"submit\">Compare</button>\n</form>\n",
            html::select("from", &opts, &first),
            html::select("to", &opts, &last)
        );
    }
    Ok(Html(html::page(
        "Scan history",
        "/scans",
        Some(&authed.viewer()),
        &b,
    )))
}

/// `GET /scans/diff?from=&to=`: failures new and resolved between two scans.
pub async fn scan_diff(
    State(state): State<AppState>,
    authed: Authed,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let from = q.get("from").cloned().unwrap_or_default();
    let to = q.get("to").cloned().unwrap_or_default();
    let history = state
        .db(move |s| {
            let a: Stored<Scan> = s.get(&from)?;
            let b: Stored<Scan> = s.get(&to)?;
            Ok(scan::diff(&a, &b))
        })
        .await?;
    let mut b = format!(
        "<p>From <strong>{}</strong> to <strong>{}</strong>: {} new failure(s), {} resolved, {} still failing.</p>\n",
        esc(&history.from),
        esc(&history.to),
        history.new_failures.len(),
        history.resolved.len(),
        history.still_failing
    );
    for (title, list) in [
        ("New failures", &history.new_failures),
        ("Resolved", &history.resolved),
    ] {
        let _ = writeln!(b, "<h2>{title}</h2>");
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|c| {
                vec![
                    format!(
                        "<a href=\"/controls/{}\">{}</a>",
                        url(&c.control),
                        esc(&c.control)
                    ),
                    esc(&c.resource),
                    badge(&c.severity),
                    esc(&c.other_status),
                    esc(&c.reason),
                ]
            })
            .collect();
        b.push_str(&table(
            "diff",
            &["Control", "Resource", "Severity", "Other scan", "Reason"],
            &rows,
        ));
    }
    Ok(Html(html::page(
        "Scan diff",
        "/scans",
        Some(&authed.viewer()),
        &b,
    )))
}
