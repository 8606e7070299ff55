//! Server-rendered HTML: escaping and the page frame. No inline script or style anywhere
//! (the CSP forbids both); the one stylesheet and script are served from `/assets/`.

use std::fmt::Write as _;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string value.
pub fn url(text: &str) -> String {
    crate::totp::percent_encode(text)
}

/// Who is looking at a page (for the frame).
#[derive(Debug, Clone)]
pub struct Viewer<'a> {
    /// User name.
    pub name: &'a str,
    /// Role name.
    pub role: &'a str,
    /// The session's CSRF token.
    pub csrf: &'a str,
}

/// The navigation, in order.
const NAV: &[(&str, &str)] = &[
    ("/", "Overview"),
    ("/findings", "Findings"),
    ("/scans", "Scans"),
    ("/baa", "BAAs"),
    ("/vendors", "Vendors"),
    ("/assessments", "Assessments"),
    ("/evidence", "Evidence"),
    ("/audit", "Audit log"),
];

/// A full page: the frame around `body`. `current`: the navigation entry to highlight.
pub fn page(title: &str, current: &str, viewer: Option<&Viewer<'_>>, body: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · phiguard</title>\n<link rel=\"stylesheet\" href=\"/assets/app.css\">\n\
         <script src=\"/assets/app.js\" defer></script>\n</head>\n<body>\n<header>\n\
         <a class=\"brand\" href=\"/\">phiguard</a>\n",
        esc(title)
    );
    if let Some(v) = viewer {
        out.push_str("<nav>\n");
        for (href, label) in NAV {
            let class = if *href == current {
                " class=\"current\" aria-current=\"page\""
            } else {
                ""
            };
            let _ = writeln!(out, "<a href=\"{href}\"{class}>{label}</a>");
        }
        out.push_str("</nav>\n");
        let _ = write!(
            out,
            "<form class=\"signout\" method=\"post\" action=\"/logout\">\n\
             <span class=\"who\">{} ({})</span>\n{}<button type=\"submit\">Sign out</button>\n</form>\n",
            esc(v.name),
            esc(v.role),
            csrf_field(v.csrf)
        );
    }
    let _ = write!(
        out,
        "</header>\n<main>\n<h1>{}</h1>\n{body}</main>\n</body>\n</html>\n",
        esc(title)
    );
    out
}

/// The hidden CSRF field every state-changing form carries.
pub fn csrf_field(token: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n",
        esc(token)
    )
}

/// A table: header cells and rows of already-escaped HTML cells.
pub fn table(class: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("<table class=\"{class}\">\n<thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A status or severity badge.
pub fn badge(text: &str) -> String {
    let class: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("<span class=\"badge b-{class}\">{}</span>", esc(text))
}

/// A notice paragraph.
pub fn notice(kind: &str, text: &str) -> String {
    format!("<p class=\"notice {kind}\">{}</p>\n", esc(text))
}

/// A `<select>` with `options` (value, label), `selected` chosen.
pub fn select(name: &str, options: &[(String, String)], selected: &str) -> String {
    let mut out = format!("<select name=\"{}\" id=\"f-{}\">", esc(name), esc(name));
    for (value, label) in options {
        let sel = if value == selected { " selected" } else { "" };
        let _ = write!(
            out,
            "<option value=\"{}\"{sel}>{}</option>",
            esc(value),
            esc(label)
        );
    }
    out.push_str("</select>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn the_frame_has_no_inline_script_or_style() {
        let v = Viewer {
            name: "ana<",
            role: "admin",
            csrf: "tok\"en",
        };
        let html = page("T<itle", "/", Some(&v), "<p>x</p>");
        assert!(html.contains("<title>T&lt;itle · phiguard</title>"));
        assert!(html.contains("ana&lt;"));
        assert!(html.contains("value=\"tok&quot;en\""));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("style="));
        assert!(html.contains("aria-current=\"page\""));
    }
}
