use crate::prelude::*;

control! {
    /// # Requirement
    /// No EBS snapshot owned by the account can be restored by everyone.
    ///
    /// # Rationale
    /// A public snapshot can be copied into any AWS account in the world and mounted as a
    /// disk: every file of the source volume, including database files and logs with PHI,
    /// is then in a stranger's hands. Researchers routinely find such snapshots by listing
    /// public snapshots per region. HIPAA requires access to ePHI to be limited to
    /// authorised persons.
    ///
    /// # Evaluation
    /// Reads `public` (the `createVolumePermission` attribute includes the group `all`) and
    /// `shared_with` of every EBS snapshot the account owns. Passes when the snapshot is not
    /// public (sharing with named accounts is shown in the evidence but is not public);
    /// fails when it is.
    ///
    /// # Remediation
    /// Remove the public create-volume permission, then turn on EBS snapshot Block Public
    /// Access for the region.
    ///
    /// - Console: EC2 → Snapshots → snapshot → Actions → Snapshot settings → Modify
    ///   permissions → Private → Save changes.
    /// - CLI: `aws ec2 modify-snapshot-attribute --snapshot-id SNAP_ID --attribute
    ///   createVolumePermission --operation-type remove --group-names all`, then
    ///   `aws ec2 enable-snapshot-block-public-access --state block-all-sharing`
    /// - Terraform: remove any `aws_snapshot_create_volume_permission` granting `all`, and
    ///   `resource "aws_ebs_snapshot_block_public_access" "this" { state = "block-all-sharing" }`.
    ///
    /// # References
    /// - AWS Config rule `ebs-snapshot-public-restorable-check`; Prowler `ec2_ebs_public_snapshot`
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html>
    id: "EC2-003",
    slug: "ebs-snapshot-not-public",
    title: "EBS snapshots are not public",
    severity: High,
    seed_area: Rbac,
    shared_area: AccessManagement,
    citations: ["308(a)(1)(ii)(B)", "308(a)(3)(i)", "312(a)(1)"],
    config_rules: ["ebs-snapshot-public-restorable-check"],
    prowler_checks: ["ec2_ebs_public_snapshot"],
    resource_kinds: [EbsSnapshot],
    inputs: [Regional(Ec2Snapshots)],
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    for (resource, snapshot) in ctx.ebs_snapshots() {
        let subject = ctx.subject(resource);
        let evidence = evidence![
            "public" => snapshot.public,
            "shared_with" => &snapshot.shared_with,
        ];
        if snapshot.public {
            out.fail(subject, "snapshot can be restored by everyone", evidence);
        } else if snapshot.shared_with.is_empty() {
            out.pass(subject, "snapshot is private", evidence);
        } else {
            out.pass(
                subject,
                format!(
                    "snapshot is not public (shared with {} named account(s))",
                    snapshot.shared_with.len()
                ),
                evidence,
            );
        }
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    let snapshot = |public| {
        resource(
            "arn:aws:ec2:us-east-1:111122223333:snapshot/snap-0a1b2c3d4e5f60001",
            EbsSnapshot {
                encrypted: false,
                public,
                ..EbsSnapshot::default()
            },
        )
    };
    crate::control::Examples {
        pass: Fixture::new().with(snapshot(false)),
        fail: Fixture::new().with(snapshot(true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    #[test]
    fn private_shared_and_public() {
        let snap = |id: &str, public: bool, shared: &[&str]| {
            resource(
                &format!("arn:aws:ec2:us-east-1:111122223333:snapshot/{id}"),
                EbsSnapshot {
                    encrypted: true,
                    public,
                    shared_with: shared.iter().map(|s| (*s).to_string()).collect(),
                    ..EbsSnapshot::default()
                },
            )
            .tag("PHI", "Yes")
        };
        let rows = Fixture::new()
            .with(snap("snap-private", false, &[]))
            .with(snap("snap-shared", false, &[OTHER_ACCOUNT]))
            .with(snap("snap-public", true, &[]))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Pass, Status::Fail]
        );
        assert!(rows.iter().all(|r| r.phi));
        insta::assert_snapshot!(render(&rows));
    }
}
