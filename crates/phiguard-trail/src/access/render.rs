//! Renderers for the PHI access report: JSON, CSV (safe to open in a spreadsheet) and one
//! self-contained HTML file (no scripts, no external resources, everything escaped).

use std::fmt::Write as _;

use super::{AccessReport, Counts};

/// Pretty JSON of the whole report.
pub fn to_json(report: &AccessReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// Columns of [`to_csv`].
pub const CSV_COLUMNS: [&str; 16] = [
    "time",
    "kind",
    "operation",
    "service",
    "resource",
    "resource_kind",
    "object_key",
    "principal",
    "identity_type",
    "session_issuer",
    "session_name",
    "source_ip",
    "user_agent",
    "error_code",
    "event_id",
    "file",
];

/// One CSV cell: a value starting with `=`, `+`, `-`, `@`, tab or carriage return gets a
/// leading `'` so spreadsheets do not run it as a formula; quoted when needed (RFC 4180).
fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) || guarded.trim() != guarded {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn row(out: &mut String, cells: &[&str]) {
    let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// Every access, one row each ([`CSV_COLUMNS`]).
pub fn to_csv(report: &AccessReport) -> String {
    let mut out = String::new();
    row(&mut out, &CSV_COLUMNS);
    for a in &report.accesses {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        row(
            &mut out,
            &[
                &a.time,
                a.kind.as_str(),
                &a.operation,
                &a.service,
                &a.resource,
                a.resource_kind.as_str(),
                &opt(&a.object_key),
                &opt(&a.principal),
                &opt(&a.identity_type),
                &opt(&a.session_issuer),
                &opt(&a.session_name),
                &opt(&a.source_ip),
                &opt(&a.user_agent),
                &opt(&a.error_code),
                &opt(&a.event_id),
                &a.file,
            ],
        );
    }
    out
}

fn count_cells(c: &Counts) -> [String; 9] {
    [
        c.total, c.read, c.write, c.delete, c.list, c.manage, c.other, c.failed, c.denied,
    ]
    .map(|n| n.to_string())
}

const COUNT_COLUMNS: [&str; 9] = [
    "total", "read", "write", "delete", "list", "manage", "other", "failed", "denied",
];

/// The per-principal summary as CSV.
pub fn principals_to_csv(report: &AccessReport) -> String {
    let mut out = String::new();
    let mut header = vec!["principal", "identity_type"];
    header.extend(COUNT_COLUMNS);
    header.extend(["resources", "first_seen", "last_seen", "source_ips"]);
    row(&mut out, &header);
    for p in &report.by_principal {
        let counts = count_cells(&p.counts);
        let resources = p.resources.to_string();
        let ips = p.source_ips.join(" ");
        let mut cells = vec![
            p.principal.as_str(),
            p.identity_type.as_deref().unwrap_or(""),
        ];
        cells.extend(counts.iter().map(String::as_str));
        cells.extend([resources.as_str(), &p.first_seen, &p.last_seen, &ips]);
        row(&mut out, &cells);
    }
    out
}

/// The per-resource summary as CSV.
pub fn resources_to_csv(report: &AccessReport) -> String {
    let mut out = String::new();
    let mut header = vec!["resource", "resource_kind", "resource_name"];
    header.extend(COUNT_COLUMNS);
    header.extend(["principals", "first_seen", "last_seen", "source_ips"]);
    row(&mut out, &header);
    for r in &report.by_resource {
        let counts = count_cells(&r.counts);
        let principals = r.principals.to_string();
        let ips = r.source_ips.join(" ");
        let mut cells = vec![
            r.resource.as_str(),
            r.resource_kind.as_str(),
            &r.resource_name,
        ];
        cells.extend(counts.iter().map(String::as_str));
        cells.extend([principals.as_str(), &r.first_seen, &r.last_seen, &ips]);
        row(&mut out, &cells);
    }
    out
}

/// HTML-escapes text for element content and quoted attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table>\n<thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", esc(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// One self-contained HTML page: notes, scope, summaries and every access.
pub fn to_html(report: &AccessReport) -> String {
    let mut out = String::new();
    out.push_str(concat!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
        "<title>PHI access report</title>\n<style>\n",
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}",
        "table{border-collapse:collapse;margin:1em 0;font-size:.85em}",
        "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}",
        "th{background:#f0f0f0}tr:nth-child(even){background:#fafafa}",
        ".note{background:#fff4e5;border-left:4px solid #f0a020;padding:.5em 1em}",
        "@media print{body{margin:0}}\n</style>\n</head>\n<body>\n",
        "<h1>PHI access report</h1>\n"
    ));
    let _ = writeln!(
        out,
        "<p>{} events read, {} data events; {} accesses to {} PHI resources; object keys: {}.</p>",
        report.events_seen,
        report.data_events_seen,
        report.accesses.len(),
        report.scope.len(),
        esc(report.key_redaction)
    );
    for note in &report.notes {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(note));
    }

    out.push_str("<h2>By principal</h2>\n");
    let mut header = vec!["principal", "identity type"];
    header.extend(COUNT_COLUMNS);
    header.extend(["resources", "first seen", "last seen", "source IPs"]);
    let rows: Vec<Vec<String>> = report
        .by_principal
        .iter()
        .map(|p| {
            let mut r = vec![
                p.principal.clone(),
                p.identity_type.clone().unwrap_or_default(),
            ];
            r.extend(count_cells(&p.counts));
            r.extend([
                p.resources.to_string(),
                p.first_seen.clone(),
                p.last_seen.clone(),
                p.source_ips.join(", "),
            ]);
            r
        })
        .collect();
    table(&mut out, &header, &rows);

    out.push_str("<h2>By resource</h2>\n");
    let mut header = vec!["resource", "kind", "name"];
    header.extend(COUNT_COLUMNS);
    header.extend(["principals", "first seen", "last seen", "source IPs"]);
    let rows: Vec<Vec<String>> = report
        .by_resource
        .iter()
        .map(|s| {
            let mut r = vec![
                s.resource.clone(),
                s.resource_kind.as_str().to_string(),
                s.resource_name.clone(),
            ];
            r.extend(count_cells(&s.counts));
            r.extend([
                s.principals.to_string(),
                s.first_seen.clone(),
                s.last_seen.clone(),
                s.source_ips.join(", "),
            ]);
            r
        })
        .collect();
    table(&mut out, &header, &rows);

    out.push_str("<h2>Accesses</h2>\n");
    let header = [
        "time",
        "kind",
        "operation",
        "resource",
        "object key",
        "principal",
        "role session",
        "source IP",
        "user agent",
        "error",
    ];
    let rows: Vec<Vec<String>> = report
        .accesses
        .iter()
        .map(|a| {
            let session = match (&a.session_issuer, &a.session_name) {
                (Some(issuer), Some(name)) => format!("{issuer} ({name})"),
                (Some(issuer), None) => issuer.clone(),
                (None, Some(name)) => name.clone(),
                (None, None) => String::new(),
            };
            vec![
                a.time.clone(),
                a.kind.as_str().to_string(),
                a.operation.clone(),
                a.resource_name.clone(),
                a.object_key.clone().unwrap_or_default(),
                a.principal.clone().unwrap_or_default(),
                session,
                a.source_ip.clone().unwrap_or_default(),
                a.user_agent.clone().unwrap_or_default(),
                a.error_code.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(&mut out, &header, &rows);

    out.push_str("<h2>PHI resources in scope</h2>\n");
    let rows: Vec<Vec<String>> = report
        .scope
        .iter()
        .map(|r| {
            vec![
                r.arn.clone(),
                r.kind.as_str().to_string(),
                r.name.clone(),
                r.account.clone(),
                r.region.clone(),
            ]
        })
        .collect();
    table(
        &mut out,
        &["ARN", "kind", "name", "account", "region"],
        &rows,
    );
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_formula_safe_and_quoted() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("plain"), "plain");
    }

    #[test]
    fn html_escapes_everything() {
        assert_eq!(
            esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}
