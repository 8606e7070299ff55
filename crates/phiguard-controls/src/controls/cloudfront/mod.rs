//! Amazon CloudFront controls.

pub mod cloudfront_viewer_tls_1_2;
