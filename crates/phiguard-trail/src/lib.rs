//! CloudTrail analysis for phiguard: a streaming reader of CloudTrail log files, detections
//! (CIS monitoring set, HIPAA-specific, Sigma rules), PHI access reports joined with an
//! inventory, and validation of the digest chain (`aws cloudtrail validate-logs`).
//!
//! Records are parsed into borrowed [`Event`]s: the fields detections need are typed, the
//! large nested objects (`requestParameters`, `responseElements`, `additionalEventData`) stay
//! raw JSON and are parsed only when a rule asks for them.

pub mod access;
pub mod detect;
pub mod digest;
pub mod event;
pub mod hits;
pub mod reader;
pub mod rule;
pub mod s3_layout;
pub mod scan;
pub mod sigma;
mod skim;

pub use event::{Event, Resource, SessionContext, UserIdentity};
pub use rule::{Hit, Rule, RuleSource, Ruleset};
