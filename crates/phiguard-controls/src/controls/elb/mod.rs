//! Elastic Load Balancing (v2) controls: application, network and gateway load balancers.

pub mod elbv2_listener_tls_1_2;
