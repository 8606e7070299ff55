//! Risk analysis and evaluation.

pub mod risk_assessment_current;
