//! The built-in CIS and HIPAA detections over the real CloudTrail data copied under
//! `tests/data/`: the Stratus Red Team detonation logs (one attack technique per file, JSON
//! arrays; Apache-2.0) and the invictus-ir dataset (55 trail files of a Stratus run with
//! background noise, gzipped as delivered to S3; MIT). Licences are next to the files.
//!
//! `EXPECTED` lists, for **every** file, the hits per rule id. It was derived from the events
//! (the comment above each row lists the events behind the counts, `[errorCode]` marking failed
//! calls), not from the detector's output:
//! - denied calls (`*UnauthorizedOperation`, `AccessDenied*`) → CIS-4.1;
//! - CIS 4.4–4.15 count every attempt listed in the filters, failed ones included, so
//!   `StopLogging [TrailNotFoundException]` is a CIS-4.5 hit but not a HIPAA one, and
//!   `CreateVpc [Client.VpcLimitExceeded]` is a CIS-4.14 hit;
//! - the HIPAA rules count successful changes only: `PutEventSelectors` and successful
//!   `StopLogging`/`DeleteTrail` → HIPAA-CLOUDTRAIL-TAMPERING; `PutBucketPolicy` /
//!   `DeleteBucketPolicy` → HIPAA-BUCKET-ACCESS-CHANGED (no PHI bucket list: any bucket);
//! - the only sign-ins without MFA are the two IAM-user `ConsoleLogin`s with `MFAUsed: "No"`;
//!   the other invictus `ConsoleLogin` used MFA;
//! - not detected by design (no CIS or HIPAA rule covers them; the Sigma set does): IAM
//!   backdoors by `CreateAccessKey`/`UpdateAssumeRolePolicy`/`CreateLoginProfile`, snapshot and
//!   AMI sharing, secret and parameter reads, flow-log and DNS-log deletion, SSM and Lambda
//!   persistence. The data holds no root activity, KMS, Config, GuardDuty or MFA-device events
//!   and no failed sign-ins: those rules are covered by the synthetic tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use phiguard_trail::Ruleset;
use phiguard_trail::detect::{DetectConfig, builtin_analyzers, builtin_rules};
use phiguard_trail::scan::{ScanOptions, scan_files};

type Expected = &'static [(&'static str, &'static [(&'static str, usize)])];

#[rustfmt::skip]
const EXPECTED: Expected = &[
    // denied: AssumeRole AccessDenied×2, GetPasswordData Client.UnauthorizedOperation×30
    ("aws.credential-access.ec2-get-password-data.json", &[("CIS-4.1", 32)]),
    ("aws.credential-access.ec2-steal-instance-credentials.json", &[]),
    ("aws.credential-access.secretsmanager-batch-retrieve-secrets.json", &[]),
    ("aws.credential-access.secretsmanager-retrieve-secrets.json", &[]),
    ("aws.credential-access.ssm-retrieve-securestring-parameters.json", &[]),
    // DeleteTrail
    ("aws.defense-evasion.cloudtrail-delete.json", &[("CIS-4.5", 1), ("HIPAA-CLOUDTRAIL-TAMPERING", 1)]),
    // PutEventSelectors
    ("aws.defense-evasion.cloudtrail-event-selectors.json", &[("HIPAA-CLOUDTRAIL-TAMPERING", 1)]),
    // StopLogging
    ("aws.defense-evasion.cloudtrail-stop.json", &[("CIS-4.5", 1), ("HIPAA-CLOUDTRAIL-TAMPERING", 1)]),
    ("aws.defense-evasion.dns-delete-logs.json", &[]),
    // LeaveOrganization [AccessDenied]; denied: LeaveOrganization AccessDenied
    ("aws.defense-evasion.organizations-leave.json", &[("CIS-4.1", 1), ("CIS-4.15", 1)]),
    ("aws.defense-evasion.vpc-remove-flow-logs.json", &[]),
    // denied: AssumeRole AccessDenied×2, DescribeInstanceAttribute
    // Client.UnauthorizedOperation×15
    ("aws.discovery.ec2-download-user-data.json", &[("CIS-4.1", 17)]),
    // denied: RunInstances Client.UnauthorizedOperation
    ("aws.execution.ec2-launch-unusual-instances.json", &[("CIS-4.1", 1)]),
    ("aws.execution.ec2-user-data.json", &[]),
    ("aws.execution.ssm-send-command.json", &[]),
    ("aws.execution.ssm-start-session.json", &[]),
    // AuthorizeSecurityGroupIngress
    ("aws.exfiltration.ec2-security-group-open-port-22-ingress.json", &[("CIS-4.10", 1)]),
    ("aws.exfiltration.ec2-share-ami.json", &[]),
    ("aws.exfiltration.ec2-share-ebs-snapshot.json", &[]),
    ("aws.exfiltration.rds-share-snapshot.json", &[]),
    ("aws.impact.bedrock-invoke-model.json", &[]),
    // ConsoleLogin of an IAM user, MFAUsed "No", Success
    ("aws.initial-access.console-login-without-mfa.json", &[("CIS-4.2", 1), ("HIPAA-CONSOLE-SIGNIN-NO-MFA", 1)]),
    ("aws.lateral-movement.ec2-instance-connect.json", &[]),
    ("aws.lateral-movement.ec2-serial-console-send-ssh-public-key.json", &[]),
    ("aws.persistence.iam-backdoor-role.json", &[]),
    ("aws.persistence.iam-backdoor-user.json", &[]),
    // AttachUserPolicy
    ("aws.persistence.iam-create-admin-user.json", &[("CIS-4.4", 1)]),
    // AttachRolePolicy
    ("aws.persistence.iam-create-backdoor-role.json", &[("CIS-4.4", 1)]),
    ("aws.persistence.iam-create-user-login-profile.json", &[]),
    ("aws.persistence.lambda-backdoor-function.json", &[]),
    ("aws.persistence.lambda-layer-extension.json", &[]),
    ("aws.persistence.lambda-overwrite-code.json", &[]),
    ("aws.persistence.rolesanywhere-create-trust-anchor.json", &[]),
    ("aws.persistence.sts-federation-token.json", &[]),
    ("aws.privilege-escalation.iam-update-user-login-profile.json", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1145Z_s7dpHbl38neqZbm2.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1150Z_1vnLavRRp0ek1mP4.json.gz", &[]),
    // AttachRolePolicy, CreateRoute×2, CreateRouteTable, CreateVpc, PutRolePolicy; denied:
    // AssumeRole AccessDenied×3, GetPasswordData Client.UnauthorizedOperation×24
    ("218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json.gz", &[("CIS-4.1", 27), ("CIS-4.4", 2), ("CIS-4.13", 3), ("CIS-4.14", 1)]),
    // AttachInternetGateway, CreateInternetGateway, CreateRouteTable, PutRolePolicy; denied:
    // GetPasswordData Client.UnauthorizedOperation×5
    ("218007301253_CloudTrail_us-east-1_20230710T1200Z_x9kHmzMa7cx6l9wM.json.gz", &[("CIS-4.1", 5), ("CIS-4.4", 1), ("CIS-4.12", 2), ("CIS-4.13", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1205Z_1dM7GQM67kudSyGD.json.gz", &[]),
    // CreateRouteTable
    ("218007301253_CloudTrail_us-east-1_20230710T1205Z_86g9Vok9HiUCgSI7.json.gz", &[("CIS-4.13", 1)]),
    // CreateTrail, StartLogging, StopLogging [TrailNotFoundException]
    ("218007301253_CloudTrail_us-east-1_20230710T1205Z_SjF3IkuNXJkoHyar.json.gz", &[("CIS-4.5", 3)]),
    // CreateTrail, PutBucketPolicy, PutEventSelectors, PutRolePolicy, StartLogging, StopLogging
    // [TrailNotFoundException]×2; denied: AssumeRole AccessDenied, DescribeInstanceAttribute
    // Client.UnauthorizedOperation×15
    ("218007301253_CloudTrail_us-east-1_20230710T1205Z_UljXNp9xLp8nsAGc.json.gz", &[("CIS-4.1", 16), ("CIS-4.4", 1), ("CIS-4.5", 4), ("CIS-4.8", 1), ("HIPAA-BUCKET-ACCESS-CHANGED", 1), ("HIPAA-CLOUDTRAIL-TAMPERING", 1)]),
    // CreateVpc, PutRolePolicy; denied: AssumeRole AccessDenied
    ("218007301253_CloudTrail_us-east-1_20230710T1205Z_dOIWyEekdNWhkpqY.json.gz", &[("CIS-4.1", 1), ("CIS-4.4", 1), ("CIS-4.14", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1205Z_lKy08gyrqqRJyzsn.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1205Z_nx9Yx1FyJdBaTqKj.json.gz", &[]),
    // DeleteTrail [TrailNotFoundException], LeaveOrganization [AccessDenied],
    // PutBucketLifecycle, PutBucketPolicy, PutRolePolicy; denied: AssumeRole AccessDenied×3,
    // LeaveOrganization AccessDenied
    ("218007301253_CloudTrail_us-east-1_20230710T1205Z_zs3JGxETHr59VpkX.json.gz", &[("CIS-4.1", 4), ("CIS-4.4", 1), ("CIS-4.5", 1), ("CIS-4.8", 2), ("CIS-4.15", 1), ("HIPAA-BUCKET-ACCESS-CHANGED", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1210Z_2ru8PrDKZmsO3yWC.json.gz", &[]),
    // AttachInternetGateway, AttachRolePolicy, CreateInternetGateway, CreatePolicy, CreateRoute,
    // CreateRouteTable, DeleteBucketLifecycle, DeletePolicy, DeleteRolePolicy, DeleteRoute,
    // DeleteRouteTable×2, DeleteTrail, DisassociateRouteTable×2; denied: AssumeRole AccessDenied
    ("218007301253_CloudTrail_us-east-1_20230710T1210Z_6CICdbJQM3beT7n3.json.gz", &[("CIS-4.1", 1), ("CIS-4.4", 4), ("CIS-4.5", 1), ("CIS-4.8", 1), ("CIS-4.12", 2), ("CIS-4.13", 7), ("HIPAA-CLOUDTRAIL-TAMPERING", 1)]),
    // CreateRouteTable, CreateVpc, DeleteRoute, StartLogging [TrailNotFoundException]
    ("218007301253_CloudTrail_us-east-1_20230710T1210Z_QY5iPRtGUt0EpVaH.json.gz", &[("CIS-4.5", 1), ("CIS-4.13", 2), ("CIS-4.14", 1)]),
    // AttachRolePolicy
    ("218007301253_CloudTrail_us-east-1_20230710T1210Z_RBxlxVrF890sGHGg.json.gz", &[("CIS-4.4", 1)]),
    // CreateRoute
    ("218007301253_CloudTrail_us-east-1_20230710T1210Z_ZgEBhdXGdLTXGoIe.json.gz", &[("CIS-4.13", 1)]),
    // denied: AssumeRole AccessDenied
    ("218007301253_CloudTrail_us-east-1_20230710T1210Z_bXGZYqBeCCsqWq1U.json.gz", &[("CIS-4.1", 1)]),
    // CreateRouteTable, CreateVpc, DeleteInternetGateway, DeleteRoute, DeleteVpc×2,
    // DisassociateRouteTable, PutEventSelectors; denied: AssumeRole AccessDenied
    ("218007301253_CloudTrail_us-east-1_20230710T1210Z_vj0QE0Tf5ZmzMsCo.json.gz", &[("CIS-4.1", 1), ("CIS-4.12", 1), ("CIS-4.13", 3), ("CIS-4.14", 3), ("HIPAA-CLOUDTRAIL-TAMPERING", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1215Z_5f9a6SYejzdNeREZ.json.gz", &[]),
    // DeleteRouteTable, DisassociateRouteTable
    ("218007301253_CloudTrail_us-east-1_20230710T1215Z_MifI13MOmOjRfXzJ.json.gz", &[("CIS-4.13", 2)]),
    // AuthorizeSecurityGroupEgress, RevokeSecurityGroupIngress; denied: AssumeRole AccessDenied,
    // GetCostForecast AccessDenied
    ("218007301253_CloudTrail_us-east-1_20230710T1215Z_P0WZuP2zvLW2RcUo.json.gz", &[("CIS-4.1", 2), ("CIS-4.10", 2)]),
    // AuthorizeSecurityGroupIngress×2, CreateInternetGateway, CreatePolicy, CreateRouteTable,
    // CreateSecurityGroup, CreateVpc, CreateVpc [Client.VpcLimitExceeded],
    // DeleteInternetGateway, DeleteRoute, DeleteSecurityGroup, DetachInternetGateway,
    // DisassociateRouteTable, StartLogging [TrailNotFoundException]; denied: AssumeRole
    // AccessDenied
    ("218007301253_CloudTrail_us-east-1_20230710T1215Z_YMDRJwtmC82bUwAo.json.gz", &[("CIS-4.1", 1), ("CIS-4.4", 1), ("CIS-4.5", 1), ("CIS-4.10", 4), ("CIS-4.12", 3), ("CIS-4.13", 3), ("CIS-4.14", 2)]),
    // CreateVpc [Client.VpcLimitExceeded]
    ("218007301253_CloudTrail_us-east-1_20230710T1215Z_YxpR6PTmNBivhnJJ.json.gz", &[("CIS-4.14", 1)]),
    // AttachInternetGateway, CreateInternetGateway, CreateVpc [Client.VpcLimitExceeded],
    // DeleteRolePolicy×2, DeleteRoute, DeleteRouteTable×2, DetachRolePolicy,
    // RevokeSecurityGroupEgress [Client.InvalidPermission.NotFound]
    ("218007301253_CloudTrail_us-east-1_20230710T1215Z_Z8x5aqgtcXn5NEG9.json.gz", &[("CIS-4.4", 3), ("CIS-4.10", 1), ("CIS-4.12", 2), ("CIS-4.13", 3), ("CIS-4.14", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1215Z_dTTFsx4I2m3om5Oy.json.gz", &[]),
    // AttachInternetGateway, AttachRolePolicy×2, CreateRoute×2, CreateRouteTable, CreateVpc,
    // DeleteRolePolicy, DeleteRouteTable×2, DeleteTrail, DetachRolePolicy×2,
    // DisassociateRouteTable×2, RevokeSecurityGroupEgress
    ("218007301253_CloudTrail_us-east-1_20230710T1215Z_nBsuPO1qSTEVerMD.json.gz", &[("CIS-4.4", 5), ("CIS-4.5", 1), ("CIS-4.10", 1), ("CIS-4.12", 1), ("CIS-4.13", 7), ("CIS-4.14", 1), ("HIPAA-CLOUDTRAIL-TAMPERING", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1220Z_8sBQhbu5YO94UV8p.json.gz", &[]),
    // CreateRouteTable
    ("218007301253_CloudTrail_us-east-1_20230710T1220Z_AkYyuTYmKtOUB1Lx.json.gz", &[("CIS-4.13", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1220Z_WMiHxZgr5Hdd6UDc.json.gz", &[]),
    // CreateVpc, DeletePolicy, DetachInternetGateway, DetachRolePolicy
    ("218007301253_CloudTrail_us-east-1_20230710T1220Z_ovtmbuX3ENJ119uH.json.gz", &[("CIS-4.4", 2), ("CIS-4.12", 1), ("CIS-4.14", 1)]),
    // CreateRouteTable, DeleteVpc; denied: GetCostAndUsage AccessDenied
    ("218007301253_CloudTrail_us-east-1_20230710T1220Z_r7NFD65BgeDMqD23.json.gz", &[("CIS-4.1", 1), ("CIS-4.13", 1), ("CIS-4.14", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1220Z_sM25jC0Ku0QcGkDa.json.gz", &[]),
    // ConsoleLogin of an IAM user, MFAUsed "No", Success
    ("218007301253_CloudTrail_us-east-1_20230710T1225Z_4iD2boYSOwmb6sWd.json.gz", &[("CIS-4.2", 1), ("HIPAA-CONSOLE-SIGNIN-NO-MFA", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1225Z_QqgbBkK0L13H8Wbv.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1225Z_RL8g7SsRoNFvvVBW.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1225Z_qWyTCPHzELqDMshA.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1225Z_vMAR90Iiaqr6M5sR.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_04rtp9DpvIpSZzMr.json.gz", &[]),
    // DeleteRouteTable
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_9JM8uKEITHqwJKXr.json.gz", &[("CIS-4.13", 1)]),
    // DeleteVpc×2
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_9SJSsrxJ0ChF5VFb.json.gz", &[("CIS-4.14", 2)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_9dKPuRzdLzqZRjqm.json.gz", &[]),
    // ConsoleLogin with MFAUsed "Yes": no hit
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_AvIajGd5rkz6vTy4.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_GyyPwrInk2rgv8V0.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_KV9LZlfXqBel7nqf.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_OU6Ha25B4GGhUIMr.json.gz", &[]),
    // AttachRolePolicy, AttachUserPolicy, PutBucketPolicy
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_ZtUNbBkwAu98FPZb.json.gz", &[("CIS-4.4", 2), ("CIS-4.8", 1), ("HIPAA-BUCKET-ACCESS-CHANGED", 1)]),
    // DeleteBucketPolicy, DeleteRouteTable, DetachRolePolicy, DetachUserPolicy
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_lHgkh3VeI3XnjZSL.json.gz", &[("CIS-4.4", 2), ("CIS-4.8", 1), ("CIS-4.13", 1), ("HIPAA-BUCKET-ACCESS-CHANGED", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_s2m4APJ8BhmXSIE6.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1230Z_soULWstxp7lqsODg.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1235Z_Vp7r3boWJKtPb3wM.json.gz", &[]),
    // DeleteInternetGateway×2, DeleteRouteTable, DeleteVpc, DetachInternetGateway,
    // DisassociateRouteTable×2, StartLogging [TrailNotFoundException]
    ("218007301253_CloudTrail_us-east-1_20230710T1235Z_YbVFCP9AYzJDhHV9.json.gz", &[("CIS-4.5", 1), ("CIS-4.12", 3), ("CIS-4.13", 3), ("CIS-4.14", 1)]),
    ("218007301253_CloudTrail_us-east-1_20230710T1235Z_kboLbHJlz2H6cLyo.json.gz", &[]),
    ("218007301253_CloudTrail_us-east-1_20230710T1240Z_C1qUFaqvZS64BcIN.json.gz", &[]),
];

#[cfg(test)]
mod support {
    use super::*;

    pub fn data_files() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let mut files = Vec::new();
        for dir in ["stratus-red-team", "invictus-ir"] {
            let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|path| {
                    let name = path.to_string_lossy();
                    name.ends_with(".json") || name.ends_with(".json.gz")
                })
                .collect();
            found.sort();
            files.extend(found);
        }
        files
    }

    pub fn base_name(path: &str) -> String {
        Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn ruleset() -> Ruleset {
        let mut rules = Ruleset::new();
        for rule in builtin_rules() {
            rules.add(rule);
        }
        rules
    }
}

use support::*;

#[test]
fn expected_hits_per_file() {
    let files = data_files();
    let output = scan_files(
        &files,
        &ruleset(),
        builtin_analyzers(),
        &ScanOptions::default(),
    );
    assert!(output.errors.is_empty(), "{:?}", output.errors);
    assert_eq!(output.files, 35 + 55);
    assert_eq!(output.events, 310 + 2900);

    let mut actual: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for file in &files {
        actual.insert(base_name(&file.to_string_lossy()), BTreeMap::new());
    }
    for hit in &output.hits {
        *actual
            .entry(base_name(&hit.file))
            .or_default()
            .entry(hit.rule_id.clone())
            .or_default() += 1;
    }
    let expected: BTreeMap<String, BTreeMap<String, usize>> = EXPECTED
        .iter()
        .map(|(file, hits)| {
            let hits = hits.iter().map(|(id, n)| ((*id).to_string(), *n)).collect();
            ((*file).to_string(), hits)
        })
        .collect();
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        actual.keys().collect::<Vec<_>>(),
        "the table must list every data file"
    );
    let mut diffs = Vec::new();
    for (file, want) in &expected {
        let got = &actual[file];
        if got != want {
            diffs.push(format!("{file}:\n  expected {want:?}\n  actual   {got:?}"));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn attack_techniques_are_detected() {
    // The acceptance examples of issue 5, spelled out.
    let hit = |file: &str, rule: &str| {
        EXPECTED
            .iter()
            .find(|(f, _)| *f == file)
            .is_some_and(|(_, hits)| hits.iter().any(|(id, n)| *id == rule && *n > 0))
    };
    assert!(hit(
        "aws.defense-evasion.cloudtrail-stop.json",
        "HIPAA-CLOUDTRAIL-TAMPERING"
    ));
    assert!(hit("aws.defense-evasion.cloudtrail-delete.json", "CIS-4.5"));
    assert!(hit(
        "aws.defense-evasion.cloudtrail-event-selectors.json",
        "HIPAA-CLOUDTRAIL-TAMPERING"
    ));
    assert!(hit(
        "aws.initial-access.console-login-without-mfa.json",
        "CIS-4.2"
    ));
    assert!(hit("aws.persistence.iam-create-admin-user.json", "CIS-4.4"));
    assert!(hit(
        "aws.persistence.iam-create-backdoor-role.json",
        "CIS-4.4"
    ));
    assert!(hit(
        "aws.defense-evasion.organizations-leave.json",
        "CIS-4.15"
    ));
    assert!(hit(
        "aws.exfiltration.ec2-security-group-open-port-22-ingress.json",
        "CIS-4.10"
    ));
}

#[test]
fn phi_bucket_knowledge_narrows_the_bucket_rule() {
    // invictus changes the policies of three buckets; name the backdoored one as PHI.
    let config = DetectConfig {
        phi_buckets: ["stratus-red-team-bdbp-lhfzvgcamn".to_string()].into(),
        ..DetectConfig::default()
    };
    let mut rules = Ruleset::new();
    for rule in config.rules() {
        rules.add(rule);
    }
    let output = scan_files(
        &data_files(),
        &rules,
        config.analyzers(),
        &ScanOptions::default(),
    );
    let bucket_hits: Vec<_> = output
        .hits
        .iter()
        .filter(|h| h.rule_id.contains("BUCKET-ACCESS"))
        .map(|h| (h.rule_id.as_str(), h.event_name.as_str()))
        .collect();
    assert_eq!(
        bucket_hits,
        [
            ("HIPAA-PHI-BUCKET-ACCESS-CHANGED", "PutBucketPolicy"),
            ("HIPAA-PHI-BUCKET-ACCESS-CHANGED", "DeleteBucketPolicy"),
        ]
    );
}

#[test]
fn snapshot_of_all_hits() {
    let files = data_files();
    let output = scan_files(
        &files,
        &ruleset(),
        builtin_analyzers(),
        &ScanOptions::default(),
    );
    let lines: Vec<String> = output
        .hits
        .iter()
        .map(|h| {
            format!(
                "{} {:<28} {:<8} {} {} {}",
                h.event_time,
                h.rule_id,
                format!("{:?}", h.severity),
                h.event_name,
                h.principal.as_deref().unwrap_or("-"),
                base_name(&h.file),
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}
