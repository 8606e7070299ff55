use phiguard_model::kinds::{BackupPlan, BackupSelection};

use crate::controls::cloudwatch::filter_pattern::glob;
use crate::ctx::FastMap;
use crate::prelude::*;

control! {
    /// # Requirement
    /// Every PHI database, table, volume and instance (RDS instances and clusters, DynamoDB
    /// tables, EBS volumes, EC2 instances) is assigned to an AWS Backup plan that has at least
    /// one backup rule.
    ///
    /// # Rationale
    /// HIPAA requires a data backup plan: procedures to create and maintain retrievable exact
    /// copies of ePHI, and a disaster recovery plan to restore it. Service-level features
    /// (RDS automated backups, DynamoDB PITR) keep days or weeks; an AWS Backup plan adds a
    /// schedule, long retention, cross-region or cross-account copies and vault lock, and is
    /// the evidence an auditor can read. A resource that no selection reaches is backed up by
    /// nobody, whatever the plan says.
    ///
    /// # Evaluation
    /// For each RDS instance (except members of an Aurora cluster, which are backed up through
    /// the cluster), RDS cluster, DynamoDB table, EBS volume and EC2 instance in PHI scope,
    /// reads the backup plans of the same account and region (`selections`, `rules`). A
    /// selection assigns the resource when no `not_resources` pattern matches its ARN and:
    /// its `resources` patterns (exact ARN, `*`, or ARN patterns with `*` wildcards such as
    /// `arn:aws:rds:*:*:db:*`) match the ARN, if any are given, and its tag conditions
    /// (`key`, optionally `aws:ResourceTag/key`, and `value`; any one suffices) match the
    /// resource's tags, if any are given (resources and tags together must both match, as AWS
    /// Backup filters resource types first). A selection with neither is not counted (what it
    /// selects depends on service opt-in, which is not collected). An EBS volume attached to a
    /// covered EC2 instance is covered through it (instance backups include attached volumes).
    /// Passes when an assigning plan has a rule; fails otherwise; `error` when the selections
    /// of a plan in that region could not be read. Resources outside PHI scope are not
    /// applicable.
    ///
    /// # Remediation
    /// Assign the resources to a backup plan, most robustly by tag (for example `PHI=Yes`), so
    /// new PHI resources are covered when they are created.
    ///
    /// - Console: AWS Backup → Backup plans → plan → Assign resources → Include specific
    ///   resource types or all, and add a tag condition (`PHI` equals `Yes`).
    /// - CLI: `aws backup create-backup-selection --backup-plan-id PLAN_ID --backup-selection '{"SelectionName":"phi","IamRoleArn":"arn:aws:iam::ACCOUNT:role/service-role/AWSBackupDefaultServiceRole","Resources":["*"],"Conditions":{"StringEquals":[{"ConditionKey":"aws:ResourceTag/PHI","ConditionValue":"Yes"}]}}'`
    /// - Terraform: `resource "aws_backup_selection" "phi" { plan_id = aws_backup_plan.phi.id
    ///   iam_role_arn = aws_iam_role.backup.arn resources = ["*"] condition { string_equals {
    ///   key = "aws:ResourceTag/PHI" value = "Yes" } } }`
    /// - CloudFormation: `AWS::Backup::BackupSelection` with `ListOfTags` or `Conditions`.
    ///
    /// # References
    /// - AWS Config rules `rds-in-backup-plan`, `aurora-resources-protected-by-backup-plan`,
    ///   `dynamodb-in-backup-plan`, `ebs-in-backup-plan`, `ec2-resources-protected-by-backup-plan`
    /// - <https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources-json.html>
    id: "BACKUP-001",
    slug: "backup-plan-covers-phi-resources",
    title: "PHI databases, tables, volumes and instances are in an AWS Backup plan",
    severity: High,
    seed_area: BackupsDr,
    shared_area: DataProtection,
    citations: [
        "308(a)(7)(i)", "308(a)(7)(ii)(A)", "308(a)(7)(ii)(B)", "308(a)(7)(ii)(C)",
        "310(d)(2)(iv)", "312(a)(2)(ii)",
    ],
    config_rules: [
        "rds-in-backup-plan", "aurora-resources-protected-by-backup-plan",
        "dynamodb-in-backup-plan", "ebs-in-backup-plan", "ec2-resources-protected-by-backup-plan",
    ],
    prowler_checks: [],
    resource_kinds: [RdsInstance, RdsCluster, DynamodbTable, EbsVolume, Ec2Instance],
    inputs: [
        Regional(BackupPlans), Regional(RdsInstances), Regional(RdsClusters),
        Regional(DynamodbTables), Regional(Ec2Volumes), Regional(Ec2Instances),
    ],
}

/// Whether a selection assigns the resource.
fn selects(selection: &BackupSelection, resource: &Resource) -> bool {
    if selection
        .not_resources
        .iter()
        .any(|p| glob(p, &resource.arn))
    {
        return false;
    }
    if selection.resources.is_empty() && selection.tags.is_empty() {
        return false;
    }
    let by_arn = selection.resources.is_empty()
        || selection.resources.iter().any(|p| glob(p, &resource.arn));
    let by_tag = selection.tags.is_empty()
        || selection.tags.iter().any(|c| {
            let key = c.key.strip_prefix("aws:ResourceTag/").unwrap_or(&c.key);
            resource.tags.get(key) == Some(&c.value)
        });
    by_arn && by_tag
}

/// The plan and selection that assign the resource, preferring a plan with rules.
fn covering<'a>(
    plans: &[(&'a Resource, &'a BackupPlan)],
    resource: &Resource,
) -> Option<(&'a Resource, &'a BackupPlan, &'a BackupSelection)> {
    let mut found = None;
    for (plan_resource, plan) in plans {
        if let Some(selection) = plan.selections.iter().find(|s| selects(s, resource)) {
            if !plan.rules.is_empty() {
                return Some((plan_resource, plan, selection));
            }
            found.get_or_insert((*plan_resource, *plan, selection));
        }
    }
    found
}

/// The last path segment of an ARN (`i-0123` of `arn:aws:ec2:...:instance/i-0123`).
fn short_id(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

fn evaluate<'a>(ctx: &Ctx<'a>, out: &mut Findings<'a>) {
    // Lookup-only maps (never iterated), hashed with foldhash: a million lookups.
    let mut plans: FastMap<(&'a str, &'a str), Vec<(&'a Resource, &'a BackupPlan)>> =
        FastMap::default();
    for (r, plan) in ctx.backup_plans() {
        plans
            .entry((r.account.as_str(), r.region.as_str()))
            .or_default()
            .push((r, plan));
    }
    let instances: Vec<&'a Resource> = ctx.ec2_instances().map(|(r, _)| r).collect();
    // Instances by (account, region, instance id), to follow a volume's attachments.
    let mut by_id: FastMap<(&'a str, &'a str, &'a str), &'a Resource> = FastMap::default();
    for r in &instances {
        for id in [Some(short_id(&r.arn)), r.name.as_deref()]
            .into_iter()
            .flatten()
        {
            by_id.insert((r.account.as_str(), r.region.as_str(), id), r);
        }
    }
    let mut targets: Vec<(&'a Resource, Option<&'a [String]>)> = Vec::new();
    for (r, instance) in ctx.rds_instances() {
        if let Some(cluster) = instance.cluster_identifier.as_deref()
            && ctx.is_phi(r)
        {
            out.not_applicable(
                ctx.subject(r),
                format!("backed up through its cluster `{cluster}`"),
                evidence!["cluster_identifier" => cluster],
            );
            continue;
        }
        targets.push((r, None));
    }
    targets.extend(ctx.rds_clusters().map(|(r, _)| (r, None)));
    targets.extend(ctx.dynamodb_tables().map(|(r, _)| (r, None)));
    targets.extend(
        ctx.ebs_volumes()
            .map(|(r, v)| (r, Some(v.attached_instances.as_slice()))),
    );
    targets.extend(instances.iter().map(|r| (*r, None)));
    let none = Vec::new();
    for (resource, attached) in targets {
        let subject = ctx.subject(resource);
        if !subject.phi {
            out.not_applicable(subject, "resource is not in PHI scope", evidence![]);
            continue;
        }
        let local = plans
            .get(&(resource.account.as_str(), resource.region.as_str()))
            .unwrap_or(&none);
        let mut hit = covering(local, resource);
        let mut via: Option<&'a Resource> = None;
        if hit.as_ref().is_none_or(|(_, p, _)| p.rules.is_empty()) {
            for id in attached.unwrap_or_default() {
                let key = (
                    resource.account.as_str(),
                    resource.region.as_str(),
                    id.as_str(),
                );
                if let Some(instance) = by_id.get(&key).copied()
                    && let Some(found) = covering(local, instance)
                    && !found.1.rules.is_empty()
                {
                    hit = Some(found);
                    via = Some(instance);
                    break;
                }
            }
        }
        let unreadable = local.iter().find_map(|(p, _)| {
            p.field_error("selections")
                .or(p.field_error("rules"))
                .map(|e| (p, e))
        });
        match hit {
            Some((plan_resource, plan, selection)) if !plan.rules.is_empty() => {
                let through = via
                    .map(|i| format!(" through attached instance `{}`", i.display_name()))
                    .unwrap_or_default();
                out.pass(
                    subject,
                    format!(
                        "assigned{through} by selection `{}` of backup plan `{}` ({} rule(s))",
                        selection.name,
                        plan_resource.display_name(),
                        plan.rules.len()
                    ),
                    evidence![
                        "backup_plan" => plan_resource.arn.as_str(),
                        "selection" => selection.name.as_str(),
                        "rules" => plan.rules.len(),
                        "via_instance" => via.map(|i| i.arn.as_str()),
                    ],
                );
            }
            _ if unreadable.is_some() => {
                if let Some((p, e)) = unreadable {
                    out.error(
                        subject,
                        format!(
                            "`{}` of backup plan `{}` could not be read ({})",
                            e.field,
                            p.display_name(),
                            e.code
                        ),
                        evidence![],
                    );
                }
            }
            Some((plan_resource, _, selection)) => out.fail(
                subject,
                format!(
                    "assigned by selection `{}` of backup plan `{}`, which has no backup rule",
                    selection.name,
                    plan_resource.display_name()
                ),
                evidence![
                    "backup_plan" => plan_resource.arn.as_str(),
                    "selection" => selection.name.as_str(),
                    "rules" => 0usize,
                ],
            ),
            None => out.fail(
                subject,
                format!(
                    "no backup plan in `{}` assigns this resource ({} plan(s) there)",
                    resource.region,
                    local.len()
                ),
                evidence!["backup_plan" => Value::Null],
            ),
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Backup plan builders.

    use phiguard_model::Resource;
    use phiguard_model::kinds::{BackupPlan, BackupRule, BackupSelection, BackupTagCondition};

    use crate::testkit::{ACCOUNT, REGION, resource};

    /// A daily rule to vault `phi`.
    pub fn daily() -> BackupRule {
        BackupRule {
            name: "daily".into(),
            schedule_expression: Some("cron(0 5 ? * * *)".into()),
            target_vault: "phi".into(),
            delete_after_days: Some(2192),
            copy_actions: Vec::new(),
        }
    }

    /// A selection by ARN patterns.
    pub fn by_arn(name: &str, resources: &[&str], not: &[&str]) -> BackupSelection {
        BackupSelection {
            name: name.into(),
            resources: resources.iter().map(|r| (*r).to_string()).collect(),
            not_resources: not.iter().map(|r| (*r).to_string()).collect(),
            tags: Vec::new(),
        }
    }

    /// A selection by one tag condition.
    pub fn by_tag(name: &str, key: &str, value: &str) -> BackupSelection {
        BackupSelection {
            name: name.into(),
            tags: vec![BackupTagCondition {
                key: key.into(),
                value: value.into(),
            }],
            ..BackupSelection::default()
        }
    }

    /// A plan in [`REGION`] with `rules` and `selections`.
    pub fn plan(name: &str, rules: Vec<BackupRule>, selections: Vec<BackupSelection>) -> Resource {
        resource(
            &format!("arn:aws:backup:{REGION}:{ACCOUNT}:backup-plan:{name}"),
            BackupPlan { rules, selections },
        )
        .named(name)
    }
}

#[cfg(test)]
fn examples() -> crate::control::Examples {
    use crate::testkit::*;
    use fixtures::*;
    let db = || {
        resource(
            "arn:aws:rds:us-east-1:111122223333:db:patients",
            RdsInstance {
                engine: "postgres".into(),
                storage_encrypted: true,
                backup_retention_period: 7,
                ..RdsInstance::default()
            },
        )
        .named("patients")
        .tag("PHI", "Yes")
    };
    crate::control::Examples {
        pass: Fixture::new().with(db()).with(plan(
            "phi",
            vec![daily()],
            vec![by_tag("phi", "PHI", "Yes")],
        )),
        fail: Fixture::new().with(db()).with(plan(
            "phi",
            vec![daily()],
            vec![by_tag("phi", "backup", "daily")],
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::testkit::*;
    use phiguard_model::FieldError;

    const DB: &str = "arn:aws:rds:us-east-1:111122223333:db:patients";

    fn db() -> Resource {
        resource(DB, RdsInstance::default())
            .named("patients")
            .tag("PHI", "Yes")
    }

    fn status(selection: BackupSelection) -> Status {
        Fixture::new()
            .with(db())
            .with(plan("p", vec![daily()], vec![selection]))
            .run(&CONTROL)[0]
            .status
    }

    #[test]
    fn selection_variants() {
        assert_eq!(status(by_arn("exact", &[DB], &[])), Status::Pass);
        assert_eq!(status(by_arn("all", &["*"], &[])), Status::Pass);
        assert_eq!(
            status(by_arn("rds", &["arn:aws:rds:*:*:db:*"], &[])),
            Status::Pass
        );
        assert_eq!(
            status(by_arn("service", &["arn:aws:rds:*"], &[])),
            Status::Pass
        );
        assert_eq!(
            status(by_arn("ebs", &["arn:aws:ec2:*:*:volume/*"], &[])),
            Status::Fail
        );
        assert_eq!(status(by_arn("excluded", &["*"], &[DB])), Status::Fail);
        assert_eq!(
            status(by_arn("excluded-all-rds", &["*"], &["arn:aws:rds:*"])),
            Status::Fail
        );
        assert_eq!(status(by_tag("tag", "PHI", "Yes")), Status::Pass);
        assert_eq!(
            status(by_tag("condition", "aws:ResourceTag/PHI", "Yes")),
            Status::Pass
        );
        assert_eq!(
            status(by_tag("case", "PHI", "yes")),
            Status::Fail,
            "tag values are case-sensitive"
        );
        let mut both = by_tag("both", "PHI", "Yes");
        both.resources = vec!["arn:aws:ec2:*:*:volume/*".into()];
        assert_eq!(
            status(both),
            Status::Fail,
            "resource types and tags must both match"
        );
        assert_eq!(
            status(BackupSelection {
                name: "empty".into(),
                ..BackupSelection::default()
            }),
            Status::Fail
        );
    }

    #[test]
    fn plan_without_rules_fails_and_other_regions_do_not_count() {
        let rows = Fixture::new()
            .with(db())
            .with(plan("empty", vec![], vec![by_arn("all", &["*"], &[])]))
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(
            rows[0].reason,
            "assigned by selection `all` of backup plan `empty`, which has no backup rule"
        );
        let mut elsewhere = plan("eu", vec![daily()], vec![by_arn("all", &["*"], &[])]);
        elsewhere.region = REGION_2.into();
        let rows = Fixture::new().with(db()).with(elsewhere).run(&CONTROL);
        assert_eq!(
            rows[0].reason,
            "no backup plan in `us-east-1` assigns this resource (0 plan(s) there)"
        );
    }

    #[test]
    fn cluster_members_and_non_phi_are_not_applicable() {
        let member = resource(
            "arn:aws:rds:us-east-1:111122223333:db:aurora-1",
            RdsInstance {
                cluster_identifier: Some("aurora".into()),
                ..RdsInstance::default()
            },
        )
        .tag("PHI", "Yes");
        let cluster = resource(
            "arn:aws:rds:us-east-1:111122223333:cluster:aurora",
            RdsCluster::default(),
        )
        .tag("PHI", "Yes");
        let table = resource(
            "arn:aws:dynamodb:us-east-1:111122223333:table/sessions",
            DynamodbTable::default(),
        );
        let rows = Fixture::new()
            .with(member)
            .with(cluster)
            .with(table)
            .with(plan(
                "p",
                vec![daily()],
                vec![by_arn("clusters", &["arn:aws:rds:*:*:cluster:*"], &[])],
            ))
            .run(&CONTROL);
        assert_eq!(
            statuses(&rows),
            [
                (
                    "arn:aws:rds:us-east-1:111122223333:db:aurora-1",
                    Status::NotApplicable
                ),
                (
                    "arn:aws:rds:us-east-1:111122223333:cluster:aurora",
                    Status::Pass
                ),
                (
                    "arn:aws:dynamodb:us-east-1:111122223333:table/sessions",
                    Status::NotApplicable
                ),
            ]
        );
    }

    #[test]
    fn volume_covered_through_its_instance() {
        let instance = resource(
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",
            Ec2Instance {
                state: "running".into(),
                ..Ec2Instance::default()
            },
        )
        .tag("PHI", "Yes");
        let volume = resource(
            "arn:aws:ec2:us-east-1:111122223333:volume/vol-0def",
            EbsVolume {
                encrypted: true,
                attached_instances: vec!["i-0abc".into()],
                ..EbsVolume::default()
            },
        )
        .tag("PHI", "Yes");
        let rows = Fixture::new()
            .with(instance)
            .with(volume)
            .with(plan(
                "p",
                vec![daily()],
                vec![by_arn("instances", &["arn:aws:ec2:*:*:instance/*"], &[])],
            ))
            .run(&CONTROL);
        assert_eq!(
            rows.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Status::Pass, Status::Pass]
        );
        insta::assert_snapshot!(render(&rows));
    }

    #[test]
    fn unreadable_selections_are_an_error() {
        let mut p = plan("p", vec![daily()], vec![]);
        p.errors.push(FieldError {
            field: "selections".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        });
        let rows = Fixture::new().with(db()).with(p).run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }

    #[test]
    fn a_gap_in_any_input_of_the_region_is_an_error() {
        let rows = Fixture::new()
            .with(db())
            .with(plan("p", vec![daily()], vec![by_arn("all", &["*"], &[])]))
            .coverage(
                Ec2Volumes,
                REGION,
                phiguard_model::CoverageState::Failed {
                    message: "throttled".into(),
                },
            )
            .run(&CONTROL);
        assert_eq!(rows[0].status, Status::Error);
    }
}
