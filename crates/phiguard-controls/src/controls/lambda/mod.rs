//! AWS Lambda controls.

pub mod lambda_function_not_public;
