//! phiguard's HIPAA control catalogue and the engine that evaluates it over an
//! [`Inventory`](phiguard_model::Inventory).
//!
//! One control is one file under `src/controls/<service>/<slug>.rs`, declared with
//! [`control!`]: documentation, metadata and an `evaluate` function that returns one
//! [`Evaluation`](phiguard_model::Evaluation) per in-scope resource with the evidence it read.
//! [`CATALOGUE`] lists them in report order. The [`engine`] turns evaluations into results:
//! it reports `error` wherever coverage says a control's inputs are missing, raises severity
//! for PHI, applies severity overrides and waivers.

pub mod catalogue;
pub mod control;
pub mod controls;
pub mod coverage;
pub mod ctx;
pub mod engine;
pub mod outcomes;
pub mod remediation;
pub mod settings;
#[cfg(test)]
pub mod testkit;

pub use catalogue::{CATALOGUE, closest, find, suggest};
pub use control::{Control, CustomEvaluate, Input, Lifecycle, Meta};
pub use ctx::{Ctx, Findings};
pub use engine::{Diagnostic, DiagnosticLevel, Outcome, ScanResult, evaluate};
pub use outcomes::Outcomes;
pub use settings::{
    BaaAttestation, RiskAssessmentAttestation, Selection, Settings, Thresholds, Waiver,
};

/// What a control file needs in scope.
pub mod prelude {
    pub use crate::control;
    pub use crate::control::Input::{AccountWide, Regional};
    pub use crate::ctx::{Ctx, Findings};
    pub use phiguard_model::DataSource::*;
    pub use phiguard_model::ResourceKind;
    pub use phiguard_model::SeedArea::*;
    pub use phiguard_model::Severity::*;
    pub use phiguard_model::SharedArea::*;
    pub use phiguard_model::kinds::*;
    pub use phiguard_model::{GLOBAL, Resource, Status, Subject, Value, evidence};
}
#[cfg(test)]
mod invariants;
