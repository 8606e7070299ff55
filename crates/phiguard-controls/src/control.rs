//! A control: metadata, documentation and an evaluation function.

use phiguard_model::{Citation, DataSource, ResourceKind, SeedArea, Severity, SharedArea};

use crate::ctx::{Ctx, Findings};

/// A data source a control reads and how far a gap in it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// An evaluation in region R depends on this source in R only (or on `global` for global
    /// sources). Use for per-resource checks.
    Regional(DataSource),
    /// Every evaluation in an account depends on this source in every region of the account
    /// (e.g. a multi-region trail may live in any region).
    AccountWide(DataSource),
}

impl Input {
    /// The data source.
    pub fn source(self) -> DataSource {
        match self {
            Input::Regional(s) | Input::AccountWide(s) => s,
        }
    }
}

/// Lifecycle of a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Evaluated by default.
    Stable,
    /// Evaluated by default; may change.
    Preview,
}

/// Everything about a control except its evaluation.
#[derive(Debug)]
pub struct Meta {
    /// Stable id, `S3-004`.
    pub id: &'static str,
    /// Kebab-case slug naming the required state.
    pub slug: &'static str,
    /// One-line title naming the required state.
    pub title: &'static str,
    /// Severity of a failure on a non-PHI resource (raised one level for PHI).
    pub severity: Severity,
    /// Which of the ten customer responsibilities it evidences.
    pub seed_area: SeedArea,
    /// Shared-responsibility area.
    pub shared_area: SharedArea,
    /// HIPAA citations, short (`312(a)(2)(iv)`) or long form.
    pub citations: &'static [&'static str],
    /// Equivalent AWS Config managed rules.
    pub config_rules: &'static [&'static str],
    /// Equivalent Prowler check ids.
    pub prowler_checks: &'static [&'static str],
    /// Resource kinds evaluated (empty for account- or region-level controls).
    pub resource_kinds: &'static [ResourceKind],
    /// Data sources read.
    pub inputs: &'static [Input],
    /// Lifecycle.
    pub lifecycle: Lifecycle,
}

/// Example inventories for the catalogue invariants: one the control must pass, one it must
/// fail.
#[cfg(test)]
pub struct Examples {
    /// Must yield at least one `pass` and no `fail`/`error`.
    pub pass: crate::testkit::Fixture,
    /// Must yield at least one `fail`.
    pub fail: crate::testkit::Fixture,
}

/// A control of the catalogue.
pub struct Control {
    /// Metadata.
    pub meta: Meta,
    /// Markdown documentation with the sections Requirement, Rationale, Evaluation,
    /// Remediation and References (from the control's doc comment).
    pub doc: &'static str,
    /// Module path of the file that defines it.
    pub module: &'static str,
    /// Evaluates the control over an inventory.
    pub evaluate: for<'a> fn(&Ctx<'a>, &mut Findings<'a>),
    /// A control defined at run time (a custom Rego control): evaluated by this instead of
    /// `evaluate`, through the same engine path (coverage gating, PHI raise, waivers).
    pub custom: Option<&'static dyn CustomEvaluate>,
    /// Example inventories.
    #[cfg(test)]
    pub examples: fn() -> Examples,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("id", &self.meta.id)
            .field("slug", &self.meta.slug)
            .finish()
    }
}

/// The evaluation of a control defined at run time (e.g. a Rego policy).
pub trait CustomEvaluate: Send + Sync {
    /// Evaluates over the context, like a built-in control's `evaluate`.
    fn evaluate<'a>(&self, ctx: &Ctx<'a>, out: &mut Findings<'a>);
}

/// The `evaluate` of a custom control: it has none of its own (see [`Control::custom`]).
pub fn no_builtin_evaluation<'a>(_: &Ctx<'a>, _: &mut Findings<'a>) {}

/// The doc sections every control must have, in order.
pub const DOC_SECTIONS: [&str; 5] = [
    "Requirement",
    "Rationale",
    "Evaluation",
    "Remediation",
    "References",
];

impl Control {
    /// The id.
    pub fn id(&self) -> &'static str {
        self.meta.id
    }

    /// The slug.
    pub fn slug(&self) -> &'static str {
        self.meta.slug
    }

    /// The parsed citations; invalid ones are dropped (the catalogue tests forbid them).
    pub fn citations(&self) -> Vec<Citation> {
        self.meta
            .citations
            .iter()
            .filter_map(|c| Citation::parse(c).ok())
            .collect()
    }

    /// A section of the doc comment (`Remediation`) up to the next `# ` heading, with the
    /// one-space indent of `///` lines removed and trimmed; `None` if absent.
    pub fn doc_section(&self, name: &str) -> Option<String> {
        fn heading(line: &str) -> Option<&str> {
            line.trim_end().strip_prefix("# ").map(str::trim)
        }
        let mut lines = self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l));
        if !lines.any(|l| heading(l) == Some(name)) {
            return None;
        }
        let body: Vec<&str> = lines.take_while(|l| heading(l).is_none()).collect();
        Some(body.join("\n").trim().to_string())
    }

    /// The first paragraph of the Remediation section, for one-line help.
    pub fn remediation_summary(&self) -> String {
        self.doc_section("Remediation")
            .and_then(|r| r.split("\n\n").next().map(|p| p.trim().to_string()))
            .unwrap_or_default()
    }
}

/// Declares a control: doc comment, metadata, then `fn evaluate` and (in tests)
/// `fn examples` in the same file.
///
/// ```ignore
/// control! {
///     /// # Requirement
///     /// ...
///     id: "S3-005",
///     slug: "s3-bucket-versioning-enabled",
///     title: "S3 buckets have versioning enabled",
///     severity: Medium,
///     seed_area: BackupsDr,
///     shared_area: DataProtection,
///     citations: ["308(a)(7)(ii)(A)"],
///     config_rules: ["s3-bucket-versioning-enabled"],
///     prowler_checks: ["s3_bucket_object_versioning"],
///     resource_kinds: [S3Bucket],
///     inputs: [Regional(S3Buckets)],
/// }
/// ```
#[macro_export]
macro_rules! control {
    (
        $(#[doc = $doc:literal])*
        id: $id:literal,
        slug: $slug:literal,
        title: $title:literal,
        severity: $severity:ident,
        seed_area: $seed:ident,
        shared_area: $shared:ident,
        citations: [$($citation:literal),* $(,)?],
        config_rules: [$($rule:literal),* $(,)?],
        prowler_checks: [$($check:literal),* $(,)?],
        resource_kinds: [$($kind:ident),* $(,)?],
        inputs: [$($input:ident($source:ident)),* $(,)?] $(,)?
        $(lifecycle: $lifecycle:ident $(,)?)?
    ) => {
        /// The control defined in this file.
        pub static CONTROL: $crate::Control = $crate::Control {
            meta: $crate::Meta {
                id: $id,
                slug: $slug,
                title: $title,
                severity: ::phiguard_model::Severity::$severity,
                seed_area: ::phiguard_model::SeedArea::$seed,
                shared_area: ::phiguard_model::SharedArea::$shared,
                citations: &[$($citation),*],
                config_rules: &[$($rule),*],
                prowler_checks: &[$($check),*],
                resource_kinds: &[$(::phiguard_model::ResourceKind::$kind),*],
                inputs: &[$($crate::Input::$input(::phiguard_model::DataSource::$source)),*],
                lifecycle: $crate::control!(@lifecycle $($lifecycle)?),
            },
            doc: concat!($($doc, "\n"),*),
            module: module_path!(),
            evaluate,
            custom: None,
            #[cfg(test)]
            examples,
        };
    };
    (@lifecycle) => { $crate::Lifecycle::Stable };
    (@lifecycle $l:ident) => { $crate::Lifecycle::$l };
}
