use crate::prelude::*;

control! {
    /// # Requirement
    /// Every EBS volume is encrypted at rest.
    ///
    /// # Rationale
    /// EBS volumes hold the databases, application files, logs and swap of the instances that
    /// process PHI. An encrypted volume keeps its data, its snapshots and the traffic between
    /// the instance and the volume encrypted with a KMS key, so a copied snapshot or a
    /// mis-shared volume does not expose PHI to whoever cannot use the key. HIPAA makes
    /// encryption at rest an addressable specification; on AWS it costs nothing measurable.
    ///
    /// # Evaluation
    /// Reads `encrypted` and `kms_key_id` (ec2:DescribeVolumes) of every EBS volume, attached
    /// or not, in PHI scope or not. Passes when the volume is encrypted; fails otherwise.
    ///
    /// # Remediation
    /// Replace the volume with an encrypted copy, then turn on EBS encryption by default so
    /// that new volumes are encrypted (EC2-002).
    ///
    /// - Console: EC2 → Snapshots → create a snapshot of the volume → Actions → Copy snapshot
    ///   → Encrypt this snapshot (choose your KMS key) → create a volume from the encrypted
    ///   copy → stop the instance, detach the old volume, attach the new one.
    /// - CLI: `aws ec2 create-snapshot --volume-id VOLUME_ID`, then
    ///   `aws ec2 copy-snapshot --source-region REGION --source-snapshot-id SNAP_ID --encrypted
    ///   --kms-key-id KEY_ARN`, then `aws ec2 create-volume --snapshot-id NEW_SNAP_ID
    ///   --availability-zone AZ` and swap the volumes.
    /// - Terraform: `resource "aws_ebs_volume" "data" { encrypted = true kms_key_id =
    ///   aws_kms_key.phi.arn ... }`, and `root_block_device { encrypted = true }` on
    ///   `aws_instance`.
    ///
    /// # References
    /// - AWS Config rule `encrypted-volumes`; Prowler `ec2_ebs_volume_encryption`
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html>
    id: "EC2-001",
    slug: "ebs-volume-encrypted",
    title: "EBS volumes are encrypted",
    severity: Medium,
    seed_area: Encryption,
    shared_area: DataProtection,
    citations: [
        "308(a)(1)(ii)(B)",
        "308(a)(4)(ii)(A)",
        "312(a)(2)(iv)",
        "312(c)(1)",
        "312(c)(2)",
        "312(e)(2)(ii)",
    ],
    config_rules: ["encrypted-volumes"],
    prowler_checks: ["ec2_ebs_volume_encryption"],
    resource_kinds: [EbsVolume],
    inputs: [Regional(Ec2Volumes)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, volume) in ctx.ebs_volumes() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "encrypted" => volume.encrypted,
            "kms_key_id" => volume.kms_key_id.as_deref(),
        ];
        match (volume.encrypted, volume.kms_key_id.as_deref()) {
            (true, Some(key)) => {
                out.pass(
                    subject,
                    format!("volume is encrypted with `{key}`"),
                    evidence,
                );
            }
            (true, None) => out.pass(subject, "volume is encrypted", evidence),
            (false, _) => out.fail(subject, "volume is not encrypted", evidence),
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let volume = |encrypted| {
        resource(
            "arn:aws:ec2:us-east-1:111122223333:volume/vol-0a1b2c3d4e5f60001",
            EbsVolume {
                encrypted,
                state: "in-use".into(),
                ..EbsVolume::default()
            },
        )
        .tag("PHI", "Yes")
    };
    crate::control::Examples {
        pass: Fixture::new().with(volume(true)),
        fail: Fixture::new().with(volume(false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn attached_or_not_every_volume_is_judged() {
        let key = "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000002";
        let rows = Fixture::new()
            .with(resource_in(
                REGION_2,
                "arn:aws:ec2:eu-west-1:111122223333:volume/vol-1",
                EbsVolume {
                    encrypted: true,
                    kms_key_id: Some(key.into()),
                    state: "in-use".into(),
                    attached_instances: vec!["i-0a1b2c3d4e5f60001".into()],
                    ..EbsVolume::default()
                },
            ))
            .with(resource(
                "arn:aws:ec2:us-east-1:111122223333:volume/vol-2",
                EbsVolume {
                    encrypted: false,
                    state: "available".into(),
                    ..EbsVolume::default()
                },
            ))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:ec2:eu-west-1:111122223333:volume/vol-1",
                    Status::Pass
                ),
                (
                    "arn:aws:ec2:us-east-1:111122223333:volume/vol-2",
                    Status::Fail
                ),
            ]
        );
        assert_eq!(rows[0].region, REGION_2);
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn a_gap_in_one_region_only_affects_that_region() {
        let rows = Fixture::new()
            .with(resource_in(
                REGION_2,
                "arn:aws:ec2:eu-west-1:111122223333:volume/vol-1",
                EbsVolume {
                    encrypted: true,
                    ..EbsVolume::default()
                },
            ))
            .coverage(
                Ec2Volumes,
                REGION,
                phiguard_model::CoverageState::Denied {
                    code: "UnauthorizedOperation".into(),
                    message: String::new(),
                },
            )
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:ec2:eu-west-1:111122223333:volume/vol-1",
                    Status::Pass
                ),
                ("AWS::::Account:111122223333/us-east-1", Status::Error),
            ]
        );
    }
}
