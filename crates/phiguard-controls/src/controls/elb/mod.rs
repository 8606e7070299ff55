//! Elastic Load Balancing controls: application, network and gateway load balancers (v2) and
//! Classic Load Balancers.

pub mod classic_elb_access_logs;
pub mod classic_elb_acm_certificate;
pub mod classic_elb_cross_zone;
pub mod classic_elb_tls_1_2_policy;
pub mod classic_elb_tls_listeners_only;
pub mod elbv2_access_logs_enabled;
pub mod elbv2_deletion_protection;
pub mod elbv2_listener_tls_1_2;

/// A Classic Load Balancer with listeners `(protocol, port)`; TLS listeners get an ACM
/// certificate and no security policy.
#[cfg(test)]
pub(crate) fn classic(name: &str, listeners: &[(&str, i32)]) -> phiguard_model::Resource {
    use phiguard_model::kinds::{ClassicListener, ClassicLoadBalancer};
    let listeners = listeners
        .iter()
        .map(|(protocol, port)| {
            let tls = matches!(*protocol, "HTTPS" | "SSL");
            ClassicListener {
                protocol: (*protocol).into(),
                port: *port,
                instance_protocol: Some("HTTP".into()),
                ssl_certificate_id: tls.then(|| {
                    "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-0000-4000-8000-000000000020"
                        .to_string()
                }),
                security_policy: None,
            }
        })
        .collect();
    crate::testkit::resource(
        &format!("arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/{name}"),
        ClassicLoadBalancer {
            scheme: "internet-facing".into(),
            vpc_id: Some("vpc-0a1b2c3d4e5f60001".into()),
            listeners,
            access_logs_enabled: true,
            cross_zone: true,
        },
    )
    .named(name)
}

/// A Classic Load Balancer with one HTTPS listener on 443, edited by `edit`.
#[cfg(test)]
pub(crate) fn classic_with(
    name: &str,
    edit: impl FnOnce(&mut phiguard_model::kinds::ClassicLoadBalancer),
) -> phiguard_model::Resource {
    let mut r = classic(name, &[("HTTPS", 443)]);
    if let phiguard_model::Details::ClassicLoadBalancer(d) = &mut r.details {
        edit(d);
    }
    r
}
