//! VPCs (with and without flow logs), security groups (one with SSH open to the world, one
//! with RDP open over IPv6), load balancers with their listeners and CloudFront distributions.

use phiguard_model::kinds::{
    Distribution, FlowLog, Listener, LoadBalancer, SecurityGroup, SecurityGroupRule, Vpc,
};
use phiguard_model::{GLOBAL, Resource};

use super::compute::{DEV_VPC, DR_VPC, EHR_VPC};
use super::{DEV, Demo, EU_WEST_1, PROD, US_EAST_1, US_WEST_2};

pub(crate) fn build(demo: &mut Demo) {
    vpcs(demo);
    security_groups(demo);
    load_balancers(demo);
    distributions(demo);
}

/// (account, region, VPC id, CIDR, default VPC, flow log id, PHI).
type VpcRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    Option<&'static str>,
    bool,
);

/// (account, region, group id, group name, VPC id, ingress rules).
type GroupRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Vec<SecurityGroupRule>,
);

fn flow_log(id: &str, account: &str, region: &str) -> FlowLog {
    FlowLog {
        id: id.into(),
        status: "ACTIVE".into(),
        traffic_type: "ALL".into(),
        destination: Some(format!(
            "arn:aws:logs:{region}:{account}:log-group:/riverside/vpc-flow-logs"
        )),
    }
}

fn vpcs(demo: &mut Demo) {
    let vpcs: [VpcRow; 6] = [
        (
            PROD,
            US_EAST_1,
            EHR_VPC,
            "10.10.0.0/16",
            false,
            Some("fl-0a1b2c3d4e5f60001"),
            true,
        ),
        (
            PROD,
            US_WEST_2,
            DR_VPC,
            "10.20.0.0/16",
            false,
            Some("fl-0a1b2c3d4e5f60002"),
            true,
        ),
        (
            PROD,
            EU_WEST_1,
            "vpc-0e1f2a3b4c5d60003",
            "172.31.0.0/16",
            true,
            None,
            false,
        ),
        (
            PROD,
            US_EAST_1,
            "vpc-0e1f2a3b4c5d60004",
            "172.31.0.0/16",
            true,
            None,
            false,
        ),
        (DEV, US_EAST_1, DEV_VPC, "10.90.0.0/16", false, None, false),
        (
            DEV,
            EU_WEST_1,
            "vpc-0e1f2a3b4c5d60102",
            "172.31.0.0/16",
            true,
            None,
            false,
        ),
    ];
    for (account, region, id, cidr, is_default, flow, phi) in vpcs {
        let vpc = Vpc {
            is_default,
            cidr_block: cidr.into(),
            flow_logs: flow
                .map(|f| flow_log(f, account, region))
                .into_iter()
                .collect(),
        };
        let name = if is_default {
            "default".to_string()
        } else {
            format!("{}-vpc", if account == PROD { "riverside" } else { "dev" })
        };
        let mut r = Resource::new(
            format!("arn:aws:ec2:{region}:{account}:vpc/{id}"),
            account,
            region,
            vpc,
        )
        .named(format!("{id} ({name})"));
        if phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    }
}

fn tcp(port: i32, cidrs: &[&str], groups: &[&str]) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        ipv4_ranges: cidrs
            .iter()
            .filter(|c| !c.contains(':'))
            .map(|c| (*c).to_string())
            .collect(),
        ipv6_ranges: cidrs
            .iter()
            .filter(|c| c.contains(':'))
            .map(|c| (*c).to_string())
            .collect(),
        groups: groups.iter().map(|g| (*g).to_string()).collect(),
    }
}

fn all_out() -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        ipv4_ranges: vec!["0.0.0.0/0".into()],
        ipv6_ranges: Vec::new(),
        groups: Vec::new(),
    }
}

fn self_ref(id: &str) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        ipv4_ranges: Vec::new(),
        ipv6_ranges: Vec::new(),
        groups: vec![id.into()],
    }
}

fn security_groups(demo: &mut Demo) {
    let alb_sg = "sg-0a1b2c3d4e5f60003";
    let app_sg = "sg-0a1b2c3d4e5f60002";
    let groups: Vec<GroupRow> = vec![
        // Production, us-east-1.
        (
            PROD,
            US_EAST_1,
            "sg-0a1b2c3d4e5f60001",
            "default",
            EHR_VPC,
            Vec::new(),
        ),
        (
            PROD,
            US_EAST_1,
            app_sg,
            "ehr-app",
            EHR_VPC,
            vec![
                tcp(8443, &[], &[alb_sg]),
                tcp(22, &[], &["sg-0a1b2c3d4e5f60004"]),
            ],
        ),
        (
            PROD,
            US_EAST_1,
            alb_sg,
            "ehr-portal-alb",
            EHR_VPC,
            vec![
                tcp(443, &["0.0.0.0/0", "::/0"], &[]),
                tcp(80, &["0.0.0.0/0", "::/0"], &[]),
            ],
        ),
        (
            PROD,
            US_EAST_1,
            "sg-0a1b2c3d4e5f60004",
            "bastion-ssh",
            EHR_VPC,
            vec![tcp(22, &["0.0.0.0/0"], &[])],
        ),
        (
            PROD,
            US_EAST_1,
            "sg-0a1b2c3d4e5f60005",
            "pacs-dicom",
            EHR_VPC,
            vec![
                tcp(104, &["10.10.0.0/16"], &[]),
                tcp(3389, &["192.0.2.0/24"], &[]),
            ],
        ),
        (
            PROD,
            US_EAST_1,
            "sg-0a1b2c3d4e5f60006",
            "ehr-db",
            EHR_VPC,
            vec![tcp(5432, &[], &[app_sg]), tcp(3306, &[], &[app_sg])],
        ),
        (
            PROD,
            US_EAST_1,
            "sg-0a1b2c3d4e5f60007",
            "default",
            "vpc-0e1f2a3b4c5d60004",
            vec![self_ref("sg-0a1b2c3d4e5f60007")],
        ),
        // Production, us-west-2 (DR).
        (
            PROD,
            US_WEST_2,
            "sg-0a1b2c3d4e5f60011",
            "default",
            DR_VPC,
            Vec::new(),
        ),
        (
            PROD,
            US_WEST_2,
            "sg-0a1b2c3d4e5f60012",
            "ehr-app-dr",
            DR_VPC,
            vec![tcp(8443, &["10.20.0.0/16"], &[])],
        ),
        (
            PROD,
            US_WEST_2,
            "sg-0a1b2c3d4e5f60013",
            "ehr-db-dr",
            DR_VPC,
            vec![tcp(5432, &[], &["sg-0a1b2c3d4e5f60012"])],
        ),
        // Production, eu-west-1 (marketing).
        (
            PROD,
            EU_WEST_1,
            "sg-0a1b2c3d4e5f60021",
            "default",
            "vpc-0e1f2a3b4c5d60003",
            vec![self_ref("sg-0a1b2c3d4e5f60021")],
        ),
        // Development.
        (
            DEV,
            US_EAST_1,
            "sg-0a1b2c3d4e5f60101",
            "default",
            DEV_VPC,
            vec![self_ref("sg-0a1b2c3d4e5f60101")],
        ),
        (
            DEV,
            US_EAST_1,
            "sg-0a1b2c3d4e5f60102",
            "dev-sandbox",
            DEV_VPC,
            vec![tcp(3389, &["::/0"], &[]), tcp(443, &["0.0.0.0/0"], &[])],
        ),
        (
            DEV,
            US_EAST_1,
            "sg-0a1b2c3d4e5f60103",
            "dev-build",
            DEV_VPC,
            vec![tcp(22, &["10.90.0.0/16"], &[])],
        ),
        (
            DEV,
            EU_WEST_1,
            "sg-0a1b2c3d4e5f60111",
            "default",
            "vpc-0e1f2a3b4c5d60102",
            vec![self_ref("sg-0a1b2c3d4e5f60111")],
        ),
    ];
    for (account, region, id, name, vpc, ingress) in groups {
        // The production VPCs' default groups were emptied (CIS); elsewhere they keep the
        // default allow-all egress rule.
        let emptied = account == PROD && name == "default" && (vpc == EHR_VPC || vpc == DR_VPC);
        let egress = if emptied { Vec::new() } else { vec![all_out()] };
        let group = SecurityGroup {
            group_name: name.into(),
            vpc_id: Some(vpc.into()),
            ingress,
            egress,
        };
        let mut r = Resource::new(
            format!("arn:aws:ec2:{region}:{account}:security-group/{id}"),
            account,
            region,
            group,
        )
        .named(format!("{id} ({name})"));
        if matches!(
            name,
            "ehr-app" | "ehr-db" | "ehr-app-dr" | "ehr-db-dr" | "pacs-dicom"
        ) {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    }
}

fn https(port: u16, policy: &str) -> Listener {
    Listener {
        port,
        protocol: "HTTPS".into(),
        ssl_policy: Some(policy.into()),
        redirects_to_https: false,
    }
}

fn load_balancers(demo: &mut Demo) {
    let lbs: [(&str, &str, &str, &str, LoadBalancer, bool); 5] = [
        (
            PROD,
            US_EAST_1,
            "app/ehr-portal/50dc6c495c0c9188",
            "ehr-portal",
            LoadBalancer {
                lb_type: "application".into(),
                scheme: "internet-facing".into(),
                listeners: vec![
                    https(443, "ELBSecurityPolicy-TLS13-1-2-2021-06"),
                    Listener {
                        port: 80,
                        protocol: "HTTP".into(),
                        ssl_policy: None,
                        redirects_to_https: true,
                    },
                ],
                access_logs_enabled: Some(true),
                deletion_protection: Some(true),
            },
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "net/pacs-dicom-tls/73e2d6bc24d8a067",
            "pacs-dicom-tls",
            LoadBalancer {
                lb_type: "network".into(),
                scheme: "internal".into(),
                listeners: vec![Listener {
                    port: 11112,
                    protocol: "TLS".into(),
                    ssl_policy: Some("ELBSecurityPolicy-2016-08".into()),
                    redirects_to_https: false,
                }],
                access_logs_enabled: Some(false),
                deletion_protection: Some(true),
            },
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "app/intranet/6f1a2b3c4d5e6f70",
            "intranet",
            LoadBalancer {
                lb_type: "application".into(),
                scheme: "internal".into(),
                listeners: vec![Listener {
                    port: 80,
                    protocol: "HTTP".into(),
                    ssl_policy: None,
                    redirects_to_https: false,
                }],
                access_logs_enabled: Some(false),
                deletion_protection: Some(false),
            },
            false,
        ),
        (
            PROD,
            US_WEST_2,
            "app/ehr-portal-dr/1a2b3c4d5e6f7081",
            "ehr-portal-dr",
            LoadBalancer {
                lb_type: "application".into(),
                scheme: "internet-facing".into(),
                listeners: vec![https(443, "ELBSecurityPolicy-TLS13-1-2-2021-06")],
                access_logs_enabled: Some(true),
                deletion_protection: Some(true),
            },
            true,
        ),
        (
            DEV,
            US_EAST_1,
            "app/dev-preview/0f1e2d3c4b5a6978",
            "dev-preview",
            LoadBalancer {
                lb_type: "application".into(),
                scheme: "internet-facing".into(),
                listeners: vec![
                    Listener {
                        port: 80,
                        protocol: "HTTP".into(),
                        ssl_policy: None,
                        redirects_to_https: false,
                    },
                    https(443, "ELBSecurityPolicy-TLS-1-1-2017-01"),
                ],
                access_logs_enabled: Some(false),
                deletion_protection: Some(false),
            },
            false,
        ),
    ];
    for (account, region, id, name, lb, phi) in lbs {
        let mut r = Resource::new(
            format!("arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{id}"),
            account,
            region,
            lb,
        )
        .named(name);
        if phi {
            r = r.tag("PHI", "Yes");
        }
        demo.add(r);
    }
}

fn distributions(demo: &mut Demo) {
    let portal = Distribution {
        enabled: true,
        viewer_protocol_policies: vec!["redirect-to-https".into(), "https-only".into()],
        minimum_protocol_version: "TLSv1.2_2021".into(),
        default_certificate: false,
        origin_protocol_policies: vec!["https-only".into()],
        web_acl_id: Some(
            "arn:aws:wafv2:us-east-1:111122223333:global/webacl/portal-waf/0a1b2c3d-0000-4000-8000-000000000001"
                .into(),
        ),
        logging_enabled: true,
    };
    demo.add(
        Resource::new(
            "arn:aws:cloudfront::111122223333:distribution/E2EXAMPLEPORTAL",
            PROD,
            GLOBAL,
            portal,
        )
        .named("portal.riverside-clinic.example")
        .tag("PHI", "Yes")
        .tag("App", "patient-portal"),
    );
    let marketing = Distribution {
        enabled: true,
        viewer_protocol_policies: vec!["allow-all".into()],
        minimum_protocol_version: "TLSv1".into(),
        default_certificate: true,
        origin_protocol_policies: vec!["http-only".into()],
        web_acl_id: None,
        logging_enabled: false,
    };
    demo.add(
        Resource::new(
            "arn:aws:cloudfront::111122223333:distribution/E3EXAMPLEMKTG",
            PROD,
            GLOBAL,
            marketing,
        )
        .named("d111111abcdef8.cloudfront.net")
        .tag("App", "marketing"),
    );
}
