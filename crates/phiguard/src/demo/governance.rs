//! Security governance services and the VPC plumbing under the instances: IAM Access Analyzer,
//! Amazon Macie, Amazon Inspector, Systems Manager (managed nodes and documents), and the
//! subnets, network ACLs and route tables of the demo's VPCs.
//!
//! The posture is mixed on purpose: Access Analyzer is missing in eu-west-1 and an unreviewed
//! finding shares the imaging archive with an outside radiology group; Macie's classification
//! job leaves the imaging archive out; Inspector is off in development; the legacy PACS host is
//! behind on patches and the bastion and fax gateway are not managed by Systems Manager; a
//! development document is public; default VPCs assign public IPs and route to the internet.

use phiguard_model::Resource;
use phiguard_model::kinds::{
    AccessAnalyzer, AccessFinding, InspectorStatus, MacieSession, NetworkAcl, NetworkAclEntry,
    Route, RouteTable, SsmDocument, SsmManagedInstance, Subnet,
};

use super::compute::{DEV_VPC, DR_VPC, EHR_VPC};
use super::{DEV, Demo, EU_WEST_1, PROD, US_EAST_1, US_WEST_2};

/// The production account's default VPC in us-east-1 (unused, locked down).
const PROD_DEFAULT_VPC: &str = "vpc-0e1f2a3b4c5d60004";
/// The production account's default VPC in eu-west-1 (marketing microsite).
const PROD_EU_VPC: &str = "vpc-0e1f2a3b4c5d60003";
/// The development account's default VPC in eu-west-1.
const DEV_EU_VPC: &str = "vpc-0e1f2a3b4c5d60102";

/// A fictional teleradiology partner's account.
const RADIOLOGY_PARTNER: &str = "222233334444";
/// The fictional clearinghouse vendor's account (see the IAM roles).
const CLEARINGHOUSE: &str = "999988887777";

/// Builds them all.
pub(crate) fn build(demo: &mut Demo) {
    access_analyzers(demo);
    macie(demo);
    inspector(demo);
    managed_nodes(demo);
    documents(demo);
    subnets(demo);
    network_acls(demo);
    route_tables(demo);
}

fn analyzer(
    account: &str,
    region: &str,
    name: &str,
    analyzer_type: &str,
    findings: Vec<AccessFinding>,
) -> Resource {
    Resource::new(
        format!("arn:aws:access-analyzer:{region}:{account}:analyzer/{name}"),
        account,
        region,
        AccessAnalyzer {
            analyzer_type: analyzer_type.into(),
            status: "ACTIVE".into(),
            active_findings: findings,
        },
    )
    .named(name)
}

/// External-access analyzers in the US regions of both accounts (none in eu-west-1), plus an
/// unused-access analyzer in production. The production one holds two unreviewed findings:
/// the imaging archive shared with a radiology partner (PHI) and the clearinghouse role.
fn access_analyzers(demo: &mut Demo) {
    let findings = vec![
        AccessFinding {
            id: "0d1e5a11-aa00-4000-8000-000000000001".into(),
            resource: "arn:aws:s3:::riverside-imaging-archive".into(),
            resource_type: "AWS::S3::Bucket".into(),
            is_public: false,
            principals: vec![format!("arn:aws:iam::{RADIOLOGY_PARTNER}:root")],
        },
        AccessFinding {
            id: "0d1e5a11-aa00-4000-8000-000000000002".into(),
            resource: format!("arn:aws:iam::{PROD}:role/vendors/ClearinghouseVendorAccess"),
            resource_type: "AWS::IAM::Role".into(),
            is_public: false,
            principals: vec![CLEARINGHOUSE.into()],
        },
    ];
    demo.add(analyzer(
        PROD,
        US_EAST_1,
        "riverside-external-access",
        "ACCOUNT",
        findings,
    ));
    demo.add(analyzer(
        PROD,
        US_EAST_1,
        "riverside-unused-access",
        "ACCOUNT_UNUSED_ACCESS",
        Vec::new(),
    ));
    demo.add(analyzer(
        PROD,
        US_WEST_2,
        "riverside-external-access",
        "ACCOUNT",
        Vec::new(),
    ));
    demo.add(analyzer(
        DEV,
        US_EAST_1,
        "dev-external-access",
        "ACCOUNT",
        Vec::new(),
    ));
}

fn macie_session(
    account: &str,
    region: &str,
    status: &str,
    automated_discovery: bool,
    job_buckets: &[&str],
) -> Resource {
    Resource::new(
        format!("arn:aws:macie2:{region}:{account}:session"),
        account,
        region,
        MacieSession {
            status: status.into(),
            automated_discovery,
            job_buckets: job_buckets
                .iter()
                .map(|b| format!("{account}:{b}"))
                .collect(),
        },
    )
    .named("macie")
}

/// Production us-east-1 runs a weekly classification job that leaves the (large) imaging
/// archive out; the DR region uses automated discovery; development paused its trial.
fn macie(demo: &mut Demo) {
    demo.add_untagged(macie_session(
        PROD,
        US_EAST_1,
        "ENABLED",
        false,
        &[
            "riverside-ehr-documents",
            "riverside-lab-results",
            "riverside-patient-portal-uploads",
            "riverside-billing-exports",
            "riverside-referral-fax-inbox",
        ],
    ));
    demo.add_untagged(macie_session(PROD, US_WEST_2, "ENABLED", true, &[]));
    demo.add_untagged(macie_session(DEV, US_EAST_1, "PAUSED", false, &[]));
}

fn inspector_status(account: &str, region: &str, states: [&str; 4]) -> Resource {
    let [state, ec2, ecr, lambda] = states;
    Resource::new(
        format!("arn:aws:inspector2:{region}:{account}:account"),
        account,
        region,
        InspectorStatus {
            state: state.into(),
            ec2: ec2.into(),
            ecr: ecr.into(),
            lambda: lambda.into(),
        },
    )
    .named("inspector")
}

/// Inspector scans production in both US regions; development never turned it on.
fn inspector(demo: &mut Demo) {
    demo.add_untagged(inspector_status(
        PROD,
        US_EAST_1,
        ["ENABLED", "ENABLED", "ENABLED", "ENABLED"],
    ));
    demo.add_untagged(inspector_status(
        PROD,
        US_WEST_2,
        ["ENABLED", "ENABLED", "DISABLED", "DISABLED"],
    ));
    demo.add_untagged(inspector_status(
        DEV,
        US_EAST_1,
        ["DISABLED", "DISABLED", "DISABLED", "DISABLED"],
    ));
}

/// A managed node: (account, region, id, label, ping, platform, patch, association,
/// missing patches).
type NodeRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static [&'static str],
);

/// The instances with an instance profile are managed nodes (the bastion and the fax
/// gateway have none, so they are not); the legacy PACS host misses patches and its
/// anti-malware association fails; the DR instance is stopped (connection lost); the dev
/// sandbox was never scanned. The lab interface server on the clinic's premises is a hybrid
/// node.
fn managed_nodes(demo: &mut Demo) {
    const COMPLIANT: Option<&str> = Some("COMPLIANT");
    const NON_COMPLIANT: Option<&str> = Some("NON_COMPLIANT");
    let nodes: [NodeRow; 7] = [
        (
            PROD,
            US_EAST_1,
            "i-0a1b2c3d4e5f60001",
            "ehr-app-1",
            "Online",
            "Linux",
            COMPLIANT,
            COMPLIANT,
            &[],
        ),
        (
            PROD,
            US_EAST_1,
            "i-0a1b2c3d4e5f60002",
            "ehr-app-2",
            "Online",
            "Linux",
            COMPLIANT,
            COMPLIANT,
            &[],
        ),
        (
            PROD,
            US_EAST_1,
            "i-0a1b2c3d4e5f60003",
            "pacs-legacy",
            "Online",
            "Windows",
            NON_COMPLIANT,
            NON_COMPLIANT,
            &["CRITICAL=2", "IMPORTANT=5"],
        ),
        (
            PROD,
            US_EAST_1,
            "mi-0a1b2c3d4e5f60001",
            "lab-interface-onprem",
            "Online",
            "Windows",
            COMPLIANT,
            COMPLIANT,
            &[],
        ),
        (
            PROD,
            US_WEST_2,
            "i-0a1b2c3d4e5f60011",
            "ehr-app-dr",
            "ConnectionLost",
            "Linux",
            COMPLIANT,
            COMPLIANT,
            &[],
        ),
        (
            DEV,
            US_EAST_1,
            "i-0a1b2c3d4e5f60101",
            "dev-sandbox",
            "Online",
            "Linux",
            None,
            None,
            &[],
        ),
        (
            DEV,
            US_EAST_1,
            "i-0a1b2c3d4e5f60102",
            "dev-build-runner",
            "Online",
            "Linux",
            COMPLIANT,
            COMPLIANT,
            &[],
        ),
    ];
    for (account, region, id, label, ping, platform, patch, association, missing) in nodes {
        let node = SsmManagedInstance {
            instance_id: id.into(),
            ping_status: ping.into(),
            platform_type: platform.into(),
            patch_compliance: patch.map(str::to_string),
            association_compliance: association.map(str::to_string),
            non_compliant: missing.iter().map(|m| (*m).to_string()).collect(),
        };
        demo.add_untagged(
            Resource::new(
                format!("arn:aws:ssm:{region}:{account}:managed-instance/{id}"),
                account,
                region,
                node,
            )
            .named(format!("{id} ({label})")),
        );
    }
}

/// Documents the accounts own: production's are private (one shared with development for
/// testing); a development bootstrap document was made public by mistake.
#[expect(
    clippy::type_complexity,
    reason = "a literal table of demo rows; naming the tuple would not make it clearer"
)]
fn documents(demo: &mut Demo) {
    let docs: [(&str, &str, &str, &str, bool, &[&str]); 4] = [
        (
            PROD,
            US_EAST_1,
            "Riverside-HardenLinuxHost",
            "Command",
            false,
            &[],
        ),
        (
            PROD,
            US_EAST_1,
            "Riverside-RotateEhrAppCertificates",
            "Automation",
            false,
            &[DEV],
        ),
        (
            PROD,
            US_WEST_2,
            "Riverside-StartDrFailover",
            "Automation",
            false,
            &[],
        ),
        (DEV, US_EAST_1, "Dev-BootstrapSandbox", "Command", true, &[]),
    ];
    for (account, region, name, document_type, public, shared) in docs {
        let doc = SsmDocument {
            document_type: document_type.into(),
            public,
            shared_with: shared.iter().map(|a| (*a).to_string()).collect(),
        };
        demo.add(
            Resource::new(
                format!("arn:aws:ssm:{region}:{account}:document/{name}"),
                account,
                region,
                doc,
            )
            .named(name),
        );
    }
}

/// A subnet: (account, region, id, label, VPC, CIDR, AZ, auto-assign public IP, default for
/// AZ, PHI).
type SubnetRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    bool,
);

/// The application subnets the instances live in (ids as in the compute module), public
/// subnets for the load balancers and NAT gateways (no auto-assigned addresses), and the
/// default subnets of the default VPCs, which assign public IPs.
const SUBNETS: [SubnetRow; 10] = [
    (
        PROD,
        US_EAST_1,
        "subnet-0e1f2a3b4c5d60001",
        "ehr-private-a",
        EHR_VPC,
        "10.10.1.0/24",
        "us-east-1a",
        false,
        false,
        true,
    ),
    (
        PROD,
        US_EAST_1,
        "subnet-0e1f2a3b4c5d61002",
        "ehr-private-b",
        EHR_VPC,
        "10.10.2.0/24",
        "us-east-1b",
        false,
        false,
        true,
    ),
    (
        PROD,
        US_EAST_1,
        "subnet-0e1f2a3b4c5d61101",
        "ehr-public-a",
        EHR_VPC,
        "10.10.101.0/24",
        "us-east-1a",
        false,
        false,
        false,
    ),
    (
        PROD,
        US_EAST_1,
        "subnet-0e1f2a3b4c5d61102",
        "ehr-public-b",
        EHR_VPC,
        "10.10.102.0/24",
        "us-east-1b",
        false,
        false,
        false,
    ),
    (
        PROD,
        US_WEST_2,
        "subnet-0e1f2a3b4c5d60002",
        "dr-private-a",
        DR_VPC,
        "10.20.1.0/24",
        "us-west-2a",
        false,
        false,
        true,
    ),
    (
        PROD,
        US_EAST_1,
        "subnet-0e1f2a3b4c5d61401",
        "default",
        PROD_DEFAULT_VPC,
        "172.31.0.0/20",
        "us-east-1a",
        true,
        true,
        false,
    ),
    (
        PROD,
        EU_WEST_1,
        "subnet-0e1f2a3b4c5d61301",
        "default",
        PROD_EU_VPC,
        "172.31.0.0/20",
        "eu-west-1a",
        true,
        true,
        false,
    ),
    (
        DEV,
        US_EAST_1,
        "subnet-0e1f2a3b4c5d60101",
        "dev-public-a",
        DEV_VPC,
        "10.90.1.0/24",
        "us-east-1a",
        true,
        false,
        false,
    ),
    (
        DEV,
        US_EAST_1,
        "subnet-0e1f2a3b4c5d61202",
        "dev-private-b",
        DEV_VPC,
        "10.90.2.0/24",
        "us-east-1b",
        false,
        false,
        false,
    ),
    (
        DEV,
        EU_WEST_1,
        "subnet-0e1f2a3b4c5d61501",
        "default",
        DEV_EU_VPC,
        "172.31.0.0/20",
        "eu-west-1a",
        true,
        true,
        false,
    ),
];

/// Adds a VPC resource named `id (label)` with its Name tag and, in PHI VPCs, the PHI tag.
fn add_vpc_resource(demo: &mut Demo, resource: Resource, id: &str, label: &str, phi: bool) {
    let mut r = resource.named(format!("{id} ({label})")).tag("Name", label);
    if phi {
        r = r.tag("PHI", "Yes").tag("App", "ehr");
    }
    demo.add(r);
}

fn subnets(demo: &mut Demo) {
    for (account, region, id, label, vpc, cidr, az, public_ip, default_for_az, phi) in SUBNETS {
        let subnet = Subnet {
            vpc_id: vpc.into(),
            cidr_block: cidr.into(),
            availability_zone: az.into(),
            map_public_ip_on_launch: public_ip,
            default_for_az,
        };
        let r = Resource::new(
            format!("arn:aws:ec2:{region}:{account}:subnet/{id}"),
            account,
            region,
            subnet,
        );
        add_vpc_resource(demo, r, id, label, phi);
    }
}

/// An inbound or outbound network ACL entry; `ports` `None` for every port.
fn entry(
    rule_number: i32,
    egress: bool,
    protocol: &str,
    action: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> NetworkAclEntry {
    let (cidr_block, ipv6_cidr_block) = if cidr.contains(':') {
        (None, Some(cidr.to_string()))
    } else {
        (Some(cidr.to_string()), None)
    };
    NetworkAclEntry {
        rule_number,
        egress,
        protocol: protocol.into(),
        rule_action: action.into(),
        cidr_block,
        ipv6_cidr_block,
        port_from: ports.map(|p| p.0),
        port_to: ports.map(|p| p.1),
    }
}

/// What a VPC's default network ACL holds: everything allowed both ways.
fn allow_all() -> Vec<NetworkAclEntry> {
    vec![
        entry(100, false, "-1", "allow", "0.0.0.0/0", None),
        entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
        entry(100, true, "-1", "allow", "0.0.0.0/0", None),
        entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
    ]
}

/// Inbound from `source` on the given TCP ports plus ephemeral return traffic from anywhere;
/// everything out.
fn tight(source: &str, ports: &[(i32, i32)]) -> Vec<NetworkAclEntry> {
    let mut entries: Vec<NetworkAclEntry> = ports
        .iter()
        .enumerate()
        .map(|(i, p)| entry(100 + 10 * i as i32, false, "6", "allow", source, Some(*p)))
        .collect();
    entries.push(entry(
        900,
        false,
        "6",
        "allow",
        "0.0.0.0/0",
        Some((1024, 65535)),
    ));
    entries.push(entry(32767, false, "-1", "deny", "0.0.0.0/0", None));
    entries.push(entry(100, true, "-1", "allow", "0.0.0.0/0", None));
    entries.push(entry(32767, true, "-1", "deny", "0.0.0.0/0", None));
    entries
}

/// Custom ACLs on the EHR and DR subnets; the EHR VPC's default ACL is left unassociated; the
/// unused production default VPC in us-east-1 was locked down; the eu-west-1 default VPCs
/// keep their allow-all default ACLs; development's ACL lets all IPv6 traffic in.
#[expect(
    clippy::type_complexity,
    reason = "a literal table of demo rows; naming the tuple would not make it clearer"
)]
fn network_acls(demo: &mut Demo) {
    let mut dev_entries = tight("203.0.113.0/24", &[(22, 22)]);
    dev_entries.push(entry(101, false, "-1", "allow", "::/0", None));
    let acls: [(
        &str,
        &str,
        &str,
        &str,
        &str,
        bool,
        Vec<NetworkAclEntry>,
        &[&str],
        bool,
    ); 9] = [
        (
            PROD,
            US_EAST_1,
            "acl-0e1f2a3b4c5d60001",
            "ehr-default",
            EHR_VPC,
            true,
            allow_all(),
            &[],
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "acl-0e1f2a3b4c5d61001",
            "ehr-private",
            EHR_VPC,
            false,
            tight("10.10.0.0/16", &[(443, 443), (5432, 5432)]),
            &["subnet-0e1f2a3b4c5d60001", "subnet-0e1f2a3b4c5d61002"],
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "acl-0e1f2a3b4c5d61101",
            "ehr-public",
            EHR_VPC,
            false,
            tight("0.0.0.0/0", &[(80, 80), (443, 443)]),
            &["subnet-0e1f2a3b4c5d61101", "subnet-0e1f2a3b4c5d61102"],
            false,
        ),
        (
            PROD,
            US_WEST_2,
            "acl-0e1f2a3b4c5d60002",
            "dr-default",
            DR_VPC,
            true,
            allow_all(),
            &[],
            true,
        ),
        (
            PROD,
            US_WEST_2,
            "acl-0e1f2a3b4c5d61003",
            "dr-private",
            DR_VPC,
            false,
            tight("10.20.0.0/16", &[(443, 443), (5432, 5432)]),
            &["subnet-0e1f2a3b4c5d60002"],
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "acl-0e1f2a3b4c5d60004",
            "default",
            PROD_DEFAULT_VPC,
            true,
            vec![
                entry(50, false, "-1", "deny", "0.0.0.0/0", None),
                entry(100, false, "-1", "allow", "0.0.0.0/0", None),
                entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
                entry(50, true, "-1", "deny", "0.0.0.0/0", None),
                entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
            ],
            &["subnet-0e1f2a3b4c5d61401"],
            false,
        ),
        (
            PROD,
            EU_WEST_1,
            "acl-0e1f2a3b4c5d60003",
            "default",
            PROD_EU_VPC,
            true,
            allow_all(),
            &["subnet-0e1f2a3b4c5d61301"],
            false,
        ),
        (
            DEV,
            US_EAST_1,
            "acl-0e1f2a3b4c5d61201",
            "dev-baseline",
            DEV_VPC,
            false,
            dev_entries,
            &["subnet-0e1f2a3b4c5d60101", "subnet-0e1f2a3b4c5d61202"],
            false,
        ),
        (
            DEV,
            EU_WEST_1,
            "acl-0e1f2a3b4c5d60102",
            "default",
            DEV_EU_VPC,
            true,
            allow_all(),
            &["subnet-0e1f2a3b4c5d61501"],
            false,
        ),
    ];
    for (account, region, id, label, vpc, is_default, entries, subnets, phi) in acls {
        let acl = NetworkAcl {
            vpc_id: vpc.into(),
            is_default,
            entries,
            subnets: subnets.iter().map(|s| (*s).to_string()).collect(),
        };
        let r = Resource::new(
            format!("arn:aws:ec2:{region}:{account}:network-acl/{id}"),
            account,
            region,
            acl,
        );
        add_vpc_resource(demo, r, id, label, phi);
    }
}

fn route(destination: &str, target: &str) -> Route {
    Route {
        destination: destination.into(),
        target: target.into(),
        state: "active".into(),
    }
}

/// Private subnets leave through NAT gateways; the EHR public subnets route to the internet
/// gateway by design (a waiver candidate); the eu-west-1 default VPCs and development's main
/// table route everything to internet gateways; the locked-down default VPC lost its route.
#[expect(
    clippy::type_complexity,
    reason = "a literal table of demo rows; naming the tuple would not make it clearer"
)]
fn route_tables(demo: &mut Demo) {
    let tables: [(
        &str,
        &str,
        &str,
        &str,
        &str,
        bool,
        &[&str],
        Vec<Route>,
        bool,
    ); 9] = [
        (
            PROD,
            US_EAST_1,
            "rtb-0e1f2a3b4c5d60001",
            "ehr-main",
            EHR_VPC,
            true,
            &[],
            vec![route("10.10.0.0/16", "local")],
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "rtb-0e1f2a3b4c5d61001",
            "ehr-private",
            EHR_VPC,
            false,
            &["subnet-0e1f2a3b4c5d60001", "subnet-0e1f2a3b4c5d61002"],
            vec![
                route("10.10.0.0/16", "local"),
                route("0.0.0.0/0", "nat-0e1f2a3b4c5d60001"),
                route("pl-63a5400a", "vpce-0e1f2a3b4c5d60001"),
            ],
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "rtb-0e1f2a3b4c5d61101",
            "ehr-public",
            EHR_VPC,
            false,
            &["subnet-0e1f2a3b4c5d61101", "subnet-0e1f2a3b4c5d61102"],
            vec![
                route("10.10.0.0/16", "local"),
                route("0.0.0.0/0", "igw-0e1f2a3b4c5d60001"),
            ],
            false,
        ),
        (
            PROD,
            US_WEST_2,
            "rtb-0e1f2a3b4c5d60002",
            "dr-main",
            DR_VPC,
            true,
            &[],
            vec![route("10.20.0.0/16", "local")],
            true,
        ),
        (
            PROD,
            US_WEST_2,
            "rtb-0e1f2a3b4c5d61003",
            "dr-private",
            DR_VPC,
            false,
            &["subnet-0e1f2a3b4c5d60002"],
            vec![
                route("10.20.0.0/16", "local"),
                route("10.10.0.0/16", "pcx-0e1f2a3b4c5d60001"),
                route("0.0.0.0/0", "nat-0e1f2a3b4c5d60002"),
            ],
            true,
        ),
        (
            PROD,
            US_EAST_1,
            "rtb-0e1f2a3b4c5d60004",
            "default",
            PROD_DEFAULT_VPC,
            true,
            &[],
            vec![route("172.31.0.0/16", "local")],
            false,
        ),
        (
            PROD,
            EU_WEST_1,
            "rtb-0e1f2a3b4c5d60003",
            "default",
            PROD_EU_VPC,
            true,
            &[],
            vec![
                route("172.31.0.0/16", "local"),
                route("0.0.0.0/0", "igw-0e1f2a3b4c5d60003"),
            ],
            false,
        ),
        (
            DEV,
            US_EAST_1,
            "rtb-0e1f2a3b4c5d60101",
            "dev-main",
            DEV_VPC,
            true,
            &[],
            vec![
                route("10.90.0.0/16", "local"),
                route("0.0.0.0/0", "igw-0e1f2a3b4c5d60101"),
                route("::/0", "igw-0e1f2a3b4c5d60101"),
            ],
            false,
        ),
        (
            DEV,
            EU_WEST_1,
            "rtb-0e1f2a3b4c5d60102",
            "default",
            DEV_EU_VPC,
            true,
            &[],
            vec![
                route("172.31.0.0/16", "local"),
                route("0.0.0.0/0", "igw-0e1f2a3b4c5d60102"),
            ],
            false,
        ),
    ];
    for (account, region, id, label, vpc, main, subnets, routes, phi) in tables {
        let table = RouteTable {
            vpc_id: vpc.into(),
            main,
            subnets: subnets.iter().map(|s| (*s).to_string()).collect(),
            routes,
        };
        let r = Resource::new(
            format!("arn:aws:ec2:{region}:{account}:route-table/{id}"),
            account,
            region,
            table,
        );
        add_vpc_resource(demo, r, id, label, phi);
    }
}
