//! `cargo xtask new-control SERVICE SLUG`: a new control file from the template, registered.

use std::path::Path;

use anyhow::{Context, Result, bail};

const TEMPLATE: &str = r##"use crate::prelude::*;

control! {
    /// # Requirement
    /// TODO: the state every in-scope resource must be in.
    ///
    /// # Rationale
    /// TODO: why HIPAA cares, in one paragraph.
    ///
    /// # Evaluation
    /// TODO: exactly which attributes are read, what passes, what fails, what is not applicable.
    ///
    /// # Remediation
    /// TODO: one-line summary.
    ///
    /// - Console: TODO
    /// - CLI: `aws TODO`
    /// - Terraform: TODO
    ///
    /// # References
    /// - TODO
    id: "__ID__",
    slug: "__SLUG__",
    title: "TODO required state",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: ["312(a)(2)(iv)"],
    config_rules: [],
    prowler_checks: [],
    resource_kinds: [],
    inputs: [],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    let _ = (ctx, out);
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    crate::control::Examples { pass: Fixture::new(), fail: Fixture::new() }
}
"##;

/// Creates the file, the module line and the catalogue line.
pub fn run(service: &str, slug: &str) -> Result<()> {
    if service.is_empty()
        || !service
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        bail!("SERVICE must be lowercase letters and digits, e.g. `s3`");
    }
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        bail!("SLUG must be kebab-case, e.g. `s3-bucket-versioning-enabled`");
    }
    if phiguard_controls::find(slug).is_some() {
        bail!("a control with slug `{slug}` exists already");
    }
    let prefix = service.to_ascii_uppercase();
    let next = phiguard_controls::CATALOGUE
        .iter()
        .filter_map(|c| {
            c.id()
                .strip_prefix(&format!("{prefix}-"))
                .and_then(|n| n.parse::<u32>().ok())
        })
        .max()
        .unwrap_or(0)
        + 1;
    let id = format!("{prefix}-{next:03}");
    let module = slug.replace('-', "_");
    let src = crate::root().join("crates/phiguard-controls/src");
    let dir = src.join("controls").join(service);
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("{module}.rs"));
    if file.exists() {
        bail!("{} exists already", file.display());
    }
    std::fs::write(
        &file,
        TEMPLATE.replace("__ID__", &id).replace("__SLUG__", slug),
    )?;
    append_line(
        &dir.join("mod.rs"),
        &format!("pub mod {module};"),
        Some(&format!("//! {prefix} controls.\n")),
    )?;
    append_line(
        &src.join("controls/mod.rs"),
        &format!("pub mod {service};"),
        None,
    )?;
    let catalogue = src.join("catalogue.rs");
    let text = std::fs::read_to_string(&catalogue)?;
    let end = text
        .find("\n];")
        .context("CATALOGUE's closing `];` not found")?;
    let line = format!("\n    &controls::{service}::{module}::CONTROL,");
    std::fs::write(
        &catalogue,
        format!("{}{line}{}", &text[..end], &text[end..]),
    )?;
    println!("created {id} `{slug}` in {}", file.display());
    println!(
        "next: fill in the doc, metadata, evaluate and examples; `cargo test -p phiguard-controls`; `cargo xtask gen`"
    );
    Ok(())
}

fn append_line(path: &Path, line: &str, header: Option<&str>) -> Result<()> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|_| header.unwrap_or_default().to_string());
    if text.lines().any(|l| l.trim() == line) {
        return Ok(());
    }
    let sep = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    std::fs::write(path, format!("{text}{sep}{line}\n"))?;
    Ok(())
}
