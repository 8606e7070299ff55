//! phiguard's data model: the normalised AWS [`Inventory`] every source produces (live collection,
//! AWS Config snapshots, the bundled demo), per account × region × data source [`Coverage`], the
//! [`Evaluation`]s controls return, HIPAA [`Citation`]s, the PHI scope and the bundled list of
//! HIPAA-eligible services. This crate does no I/O.

pub mod areas;
pub mod arn;
pub mod coverage;
pub mod eligible;
pub mod evaluation;
pub mod hipaa;
pub mod inventory;
pub mod kinds;
pub mod phi;
pub mod policy;
pub mod records;
pub mod resource;

pub use areas::{SeedArea, SharedArea};
pub use coverage::{CoverageEntry, CoverageState, DataSource};
pub use evaluation::{Evaluation, Evidence, Severity, Status, Subject, Value};
pub use hipaa::Citation;
pub use inventory::{Account, Inventory, InventoryError, SCHEMA_VERSION, Source, SourceKind};
pub use phi::PhiTags;
pub use policy::PolicyDocument;
pub use records::{Records, RecordsSnapshot};
pub use resource::{Details, FieldError, Resource, ResourceKind};

/// The region name used for global services and account-level data (IAM, S3 listing, CloudFront,
/// Artifact).
pub const GLOBAL: &str = "global";

/// Timestamps in the model: UTC instants, RFC 3339 on the wire.
pub type Timestamp = jiff::Timestamp;
