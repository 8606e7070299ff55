//! What a control sees: the inventory through per-kind indexes, settings, the PHI scope, the
//! clock; and where it writes its evaluations.

use std::any::Any;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use phiguard_model::kinds::*;
use phiguard_model::{
    Account, CoverageState, DataSource, Details, Evaluation, Evidence, Inventory, Resource,
    ResourceKind, Status, Subject, Timestamp,
};

use crate::settings::Settings;

/// Indexes built once per scan and shared by every control.
pub struct Index<'a> {
    by_kind: Vec<Vec<u32>>,
    phi: Vec<bool>,
    /// Accounts with at least one PHI resource.
    phi_accounts: HashSet<&'a str>,
    /// Coverage by (account, region, source); the first entry wins, as in a linear search.
    coverage: FastMap<(&'a str, &'a str, DataSource), &'a CoverageState>,
    by_arn: OnceLock<FastMap<&'a str, u32>>,
    /// Per kind, the resources of each (account, region), in inventory order; built the
    /// first time a control asks for that kind by place.
    by_place: Vec<OnceLock<Places<'a>>>,
    /// Values the controls of this scan share, by key (see [`Ctx::shared`]): owned by the
    /// scan and dropped with it.
    shared: Mutex<HashMap<String, Arc<OnceLock<Shared>>>>,
    inventory: &'a Inventory,
}

/// A value shared by the controls of one scan.
type Shared = Arc<dyn Any + Send + Sync>;

/// Resource positions by account, then region.
type Places<'a> = FastMap<&'a str, FastMap<&'a str, Vec<u32>>>;

/// A hash map for lookups only (foldhash: several times cheaper than SipHash on ARNs; never
/// iterate one where order could reach the output).
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A hash set for lookups only (see [`FastMap`]).
pub(crate) type FastSet<T> = HashSet<T, foldhash::fast::RandomState>;

impl<'a> Index<'a> {
    /// Builds the per-kind index, PHI flags and PHI accounts in one pass, and the coverage
    /// lookup.
    pub fn new(inventory: &'a Inventory, settings: &Settings) -> Index<'a> {
        let mut by_kind = vec![Vec::new(); ResourceKind::ALL.len()];
        let mut phi = Vec::with_capacity(inventory.resources.len());
        let mut phi_accounts = HashSet::new();
        // Resources mostly come account by account: hash an account once per run of them.
        let mut last_phi_account: Option<&str> = None;
        for (i, r) in inventory.resources.iter().enumerate() {
            by_kind[r.kind().index()].push(u32::try_from(i).unwrap_or(u32::MAX));
            let is_phi =
                settings.phi_tags.matches(&r.tags) || settings.phi_accounts.contains(&r.account);
            if is_phi && last_phi_account != Some(r.account.as_str()) {
                phi_accounts.insert(r.account.as_str());
                last_phi_account = Some(r.account.as_str());
            }
            phi.push(is_phi);
        }
        let mut coverage = FastMap::with_capacity_and_hasher(
            inventory.coverage.len(),
            foldhash::fast::RandomState::default(),
        );
        for c in &inventory.coverage {
            coverage
                .entry((c.account.as_str(), c.region.as_str(), c.source))
                .or_insert(&c.state);
        }
        Index {
            by_kind,
            phi,
            phi_accounts,
            coverage,
            by_arn: OnceLock::new(),
            by_place: (0..ResourceKind::ALL.len())
                .map(|_| OnceLock::new())
                .collect(),
            shared: Mutex::new(HashMap::new()),
            inventory,
        }
    }

    fn resource(&self, i: u32) -> &'a Resource {
        &self.inventory.resources[i as usize]
    }

    /// Positions of the resources of `kind` in `account` and `region`, in inventory order.
    fn placed(&self, kind: ResourceKind, account: &str, region: &str) -> &[u32] {
        let Some(cell) = self.by_place.get(kind.index()) else {
            return &[];
        };
        let places = cell.get_or_init(|| {
            let mut places: Places<'a> = FastMap::default();
            for i in &self.by_kind[kind.index()] {
                let r = self.resource(*i);
                places
                    .entry(r.account.as_str())
                    .or_default()
                    .entry(r.region.as_str())
                    .or_default()
                    .push(*i);
            }
            places
        });
        places
            .get(account)
            .and_then(|regions| regions.get(region))
            .map_or(&[][..], Vec::as_slice)
    }
}

/// The evaluation context handed to a control.
pub struct Ctx<'a> {
    /// The inventory.
    pub inventory: &'a Inventory,
    /// Settings from `phiguard.toml` and the command line.
    pub settings: &'a Settings,
    index: Arc<Index<'a>>,
}

macro_rules! kind_accessors {
    ($($method:ident, $placed:ident => $variant:ident($ty:ty)),* $(,)?) => {
        impl<'a> Ctx<'a> {
            $(
            #[doc = concat!("Every `", stringify!($variant), "` resource with its details.")]
            pub fn $method(&self) -> impl Iterator<Item = (&'a Resource, &'a $ty)> + '_ {
                let index = &*self.index;
                index.by_kind[ResourceKind::$variant.index()].iter().filter_map(move |i| {
                    let r = index.resource(*i);
                    match &r.details {
                        Details::$variant(d) => Some((r, d)),
                        _ => None,
                    }
                })
            }

            #[doc = concat!("The `", stringify!($variant), "` resources of one account and region (`global` for global ones), in inventory order: what `", stringify!($method), "()` filtered on both gives, through an index built once per scan.")]
            pub fn $placed(
                &self,
                account: &str,
                region: &str,
            ) -> impl Iterator<Item = (&'a Resource, &'a $ty)> + '_ {
                let index = &*self.index;
                index
                    .placed(ResourceKind::$variant, account, region)
                    .iter()
                    .filter_map(move |i| {
                        let r = index.resource(*i);
                        match &r.details {
                            Details::$variant(d) => Some((r, d)),
                            _ => None,
                        }
                    })
            }
            )*
        }
    };
}

kind_accessors! {
    s3_buckets, s3_buckets_in => S3Bucket(S3Bucket),
    iam_users, iam_users_in => IamUser(IamUser),
    iam_groups, iam_groups_in => IamGroup(IamGroup),
    iam_roles, iam_roles_in => IamRole(IamRole),
    iam_policies, iam_policies_in => IamPolicy(IamPolicy),
    kms_keys, kms_keys_in => KmsKey(KmsKey),
    ebs_volumes, ebs_volumes_in => EbsVolume(EbsVolume),
    ebs_snapshots, ebs_snapshots_in => EbsSnapshot(EbsSnapshot),
    ec2_instances, ec2_instances_in => Ec2Instance(Ec2Instance),
    security_groups, security_groups_in => SecurityGroup(SecurityGroup),
    vpcs, vpcs_in => Vpc(Vpc),
    rds_instances, rds_instances_in => RdsInstance(RdsInstance),
    rds_clusters, rds_clusters_in => RdsCluster(RdsCluster),
    rds_snapshots, rds_snapshots_in => RdsSnapshot(RdsSnapshot),
    dynamodb_tables, dynamodb_tables_in => DynamodbTable(DynamodbTable),
    trails, trails_in => Trail(Trail),
    log_groups, log_groups_in => LogGroup(LogGroup),
    cloudwatch_alarms, cloudwatch_alarms_in => CloudwatchAlarm(CloudwatchAlarm),
    sns_topics, sns_topics_in => SnsTopic(SnsTopic),
    guardduty_detectors, guardduty_detectors_in => GuarddutyDetector(GuarddutyDetector),
    config_recorders, config_recorders_in => ConfigRecorder(ConfigRecorder),
    security_hubs, security_hubs_in => SecurityHub(SecurityHubHub),
    backup_plans, backup_plans_in => BackupPlan(BackupPlan),
    backup_vaults, backup_vaults_in => BackupVault(BackupVault),
    load_balancers, load_balancers_in => LoadBalancer(LoadBalancer),
    distributions, distributions_in => Distribution(Distribution),
    secrets, secrets_in => Secret(Secret),
    lambda_functions, lambda_functions_in => LambdaFunction(LambdaFunction),
    access_analyzers, access_analyzers_in => AccessAnalyzer(AccessAnalyzer),
    macie_sessions, macie_sessions_in => MacieSession(MacieSession),
    inspector_statuses, inspector_statuses_in => InspectorStatus(InspectorStatus),
    ssm_managed_instances, ssm_managed_instances_in => SsmManagedInstance(SsmManagedInstance),
    ssm_documents, ssm_documents_in => SsmDocument(SsmDocument),
    subnets, subnets_in => Subnet(Subnet),
    network_acls, network_acls_in => NetworkAcl(NetworkAcl),
    route_tables, route_tables_in => RouteTable(RouteTable),
    rds_parameter_groups, rds_parameter_groups_in => RdsParameterGroup(RdsParameterGroup),
    opensearch_domains, opensearch_domains_in => OpensearchDomain(OpensearchDomain),
    redshift_clusters, redshift_clusters_in => RedshiftCluster(RedshiftCluster),
    apigateway_stages, apigateway_stages_in => ApigatewayStage(ApigatewayStage),
    apigateway_domains, apigateway_domains_in => ApigatewayDomain(ApigatewayDomain),
    efs_file_systems, efs_file_systems_in => EfsFileSystem(EfsFileSystem),
    classic_load_balancers, classic_load_balancers_in => ClassicLoadBalancer(ClassicLoadBalancer),
    service_control_policies, service_control_policies_in => ServiceControlPolicy(ServiceControlPolicy),
    backup_restore_testing_plans, backup_restore_testing_plans_in => BackupRestoreTestingPlan(BackupRestoreTestingPlan),
    tagged, tagged_in => Tagged(phiguard_model::resource::Tagged),
}

impl<'a> Ctx<'a> {
    /// A context over a prepared index.
    pub fn new(inventory: &'a Inventory, settings: &'a Settings, index: Arc<Index<'a>>) -> Ctx<'a> {
        Ctx {
            inventory,
            settings,
            index,
        }
    }

    /// Every resource, of every kind, with its PHI flag.
    pub fn all_resources(&self) -> impl Iterator<Item = (&'a Resource, bool)> + '_ {
        let index = &*self.index;
        self.inventory
            .resources
            .iter()
            .zip(index.phi.iter().copied())
    }

    /// Resources of one kind.
    pub fn resources_of(&self, kind: ResourceKind) -> impl Iterator<Item = &'a Resource> + '_ {
        let index = &*self.index;
        index.by_kind[kind.index()]
            .iter()
            .map(move |i| index.resource(*i))
    }

    /// The accounts scanned.
    pub fn accounts(&self) -> &'a [Account] {
        &self.inventory.accounts
    }

    /// Whether a resource is in PHI scope (by tag or by account).
    pub fn is_phi(&self, resource: &Resource) -> bool {
        let base = self.inventory.resources.as_ptr() as usize;
        let at = resource as *const Resource as usize;
        let size = size_of::<Resource>();
        if at >= base && size > 0 {
            let i = (at - base) / size;
            if let Some(flag) = self.index.phi.get(i)
                && std::ptr::eq(&self.inventory.resources[i], resource)
            {
                return *flag;
            }
        }
        self.settings.phi_tags.matches(&resource.tags) || self.is_phi_account(&resource.account)
    }

    /// Whether a whole account is declared PHI scope in the settings.
    pub fn is_phi_account(&self, account: &str) -> bool {
        self.settings.phi_accounts.iter().any(|a| a == account)
    }

    /// Whether an account holds any PHI resource (or is declared PHI scope).
    pub fn account_holds_phi(&self, account: &str) -> bool {
        self.is_phi_account(account) || self.index.phi_accounts.contains(account)
    }

    /// Accounts with at least one resource in PHI scope (by tag, or by an account declared PHI
    /// scope in the settings), computed once per scan. Accounts declared PHI scope that have
    /// no resource are not in it: see [`Ctx::is_phi_account`].
    pub fn accounts_with_phi_resources(&self) -> &HashSet<&'a str> {
        &self.index.phi_accounts
    }

    /// The subject for a resource, with its PHI flag.
    pub fn subject(&self, resource: &'a Resource) -> Subject<'a> {
        Subject::resource(resource, self.is_phi(resource))
    }

    /// The subject for a whole account.
    pub fn account_subject(&self, account: &'a Account) -> Subject<'a> {
        Subject::account(&account.id, self.account_holds_phi(&account.id))
    }

    /// The subject for one region of an account.
    pub fn region_subject(&self, account: &'a Account, region: &'a str) -> Subject<'a> {
        Subject::region(&account.id, region, self.account_holds_phi(&account.id))
    }

    /// The resource with this ARN.
    pub fn by_arn(&self, arn: &str) -> Option<&'a Resource> {
        let index = &*self.index;
        let map = index.by_arn.get_or_init(|| {
            index
                .inventory
                .resources
                .iter()
                .enumerate()
                .map(|(i, r)| (r.arn.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
                .collect()
        });
        map.get(arn).map(|i| index.resource(*i))
    }

    /// What coverage says about a data source in an account and region (`global` for global
    /// sources); `None` if it was never collected.
    pub fn coverage(
        &self,
        account: &str,
        region: &str,
        source: DataSource,
    ) -> Option<&'a CoverageState> {
        self.index.coverage.get(&(account, region, source)).copied()
    }

    /// A value computed once per scan and shared by every control that asks for `key` (the
    /// first computes it with `init`, the others wait for it): e.g. the Rego input custom
    /// controls over the same resource kinds share. It lives as long as the scan's index, so
    /// a later scan, of the same inventory or another, computes its own. `None` when `key`
    /// already holds a value of another type.
    pub fn shared<T: Any + Send + Sync>(
        &self,
        key: &str,
        init: impl FnOnce() -> T,
    ) -> Option<Arc<T>> {
        let cell = {
            // A poisoned lock only means another control panicked mid-insert: the map is
            // still consistent (an insert either happened or not).
            let mut map = self
                .index
                .shared
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(map.entry(key.to_string()).or_default())
        };
        let value: &Shared = cell.get_or_init(|| Arc::new(init()));
        Arc::clone(value).downcast::<T>().ok()
    }

    /// The scan's clock.
    pub fn now(&self) -> Timestamp {
        self.settings.now
    }

    /// Whole days from `then` to the scan's clock (0 if in the future).
    pub fn days_since(&self, then: Timestamp) -> i64 {
        (self.settings.now.as_second() - then.as_second()).max(0) / 86_400
    }
}

/// Where a control writes its evaluations.
#[derive(Default)]
pub struct Findings<'a> {
    pub(crate) items: Vec<Evaluation<'a>>,
    /// Indexes of items that rest on an attestation rather than on collected data, and so are
    /// not gated by coverage.
    pub(crate) attested: Vec<usize>,
}

impl<'a> Findings<'a> {
    /// An empty set.
    pub fn new() -> Findings<'a> {
        Findings {
            items: Vec::new(),
            attested: Vec::new(),
        }
    }

    /// Records an evaluation.
    pub fn push(
        &mut self,
        subject: Subject<'a>,
        status: Status,
        reason: impl Into<Cow<'a, str>>,
        evidence: Evidence<'a>,
    ) {
        self.items.push(Evaluation {
            subject,
            status,
            reason: reason.into(),
            evidence,
        });
    }

    /// Records a pass.
    pub fn pass(
        &mut self,
        subject: Subject<'a>,
        reason: impl Into<Cow<'a, str>>,
        evidence: Evidence<'a>,
    ) {
        self.push(subject, Status::Pass, reason, evidence);
    }

    /// Records a failure.
    pub fn fail(
        &mut self,
        subject: Subject<'a>,
        reason: impl Into<Cow<'a, str>>,
        evidence: Evidence<'a>,
    ) {
        self.push(subject, Status::Fail, reason, evidence);
    }

    /// Records pass or fail depending on `ok`.
    pub fn check(
        &mut self,
        subject: Subject<'a>,
        ok: bool,
        pass_reason: impl Into<Cow<'a, str>>,
        fail_reason: impl Into<Cow<'a, str>>,
        evidence: Evidence<'a>,
    ) {
        if ok {
            self.pass(subject, pass_reason, evidence);
        } else {
            self.fail(subject, fail_reason, evidence);
        }
    }

    /// Records that the data needed was missing.
    pub fn error(
        &mut self,
        subject: Subject<'a>,
        reason: impl Into<Cow<'a, str>>,
        evidence: Evidence<'a>,
    ) {
        self.push(subject, Status::Error, reason, evidence);
    }

    /// Records that the requirement does not apply.
    pub fn not_applicable(
        &mut self,
        subject: Subject<'a>,
        reason: impl Into<Cow<'a, str>>,
        evidence: Evidence<'a>,
    ) {
        self.push(subject, Status::NotApplicable, reason, evidence);
    }

    /// Records that a human attestation is needed.
    pub fn manual(
        &mut self,
        subject: Subject<'a>,
        reason: impl Into<Cow<'a, str>>,
        evidence: Evidence<'a>,
    ) {
        self.push(subject, Status::Manual, reason, evidence);
    }

    /// Records a pass that rests on a human attestation from the configuration (a BAA signed
    /// on paper), not on collected data: coverage gaps do not turn it into `error`. The
    /// evidence must say who attested and where the record is.
    pub fn attested(
        &mut self,
        subject: Subject<'a>,
        reason: impl Into<Cow<'a, str>>,
        evidence: Evidence<'a>,
    ) {
        self.attested.push(self.items.len());
        self.push(subject, Status::Pass, reason, evidence);
    }

    /// The evaluations so far.
    pub fn items(&self) -> &[Evaluation<'a>] {
        &self.items
    }

    /// Takes the evaluations.
    pub fn into_items(self) -> Vec<Evaluation<'a>> {
        self.items
    }

    /// Takes the evaluations with their "attested" flags.
    pub(crate) fn into_parts(self) -> (Vec<Evaluation<'a>>, Vec<usize>) {
        (self.items, self.attested)
    }
}

#[cfg(test)]
mod tests {
    use phiguard_model::{CoverageEntry, DataSource, GLOBAL};

    use super::*;
    use crate::testkit::*;

    #[test]
    fn phi_accounts_and_coverage_lookups() {
        let mut fixture = Fixture::new()
            .with(s3_bucket("phi", |_| {}).tag("PHI", "Yes"))
            .with(Resource::new(
                "arn:aws:s3:::other",
                OTHER_ACCOUNT,
                REGION,
                S3Bucket::default(),
            ));
        // A duplicate entry: the first one counts, as a linear search would find it.
        fixture.inventory.coverage.push(CoverageEntry {
            account: ACCOUNT.into(),
            region: REGION.into(),
            source: DataSource::KmsKeys,
            state: CoverageState::Failed {
                message: "late duplicate".into(),
            },
        });
        let inventory = &fixture.inventory;
        let settings = &fixture.settings;
        let ctx = Ctx::new(
            inventory,
            settings,
            Arc::new(Index::new(inventory, settings)),
        );
        assert!(ctx.account_holds_phi(ACCOUNT));
        assert!(!ctx.account_holds_phi(OTHER_ACCOUNT));
        assert_eq!(
            ctx.accounts_with_phi_resources()
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            [ACCOUNT]
        );
        assert_eq!(
            ctx.coverage(ACCOUNT, REGION, DataSource::KmsKeys),
            Some(&CoverageState::Collected)
        );
        assert_eq!(
            ctx.coverage(ACCOUNT, GLOBAL, DataSource::IamUsers),
            Some(&CoverageState::Collected)
        );
        assert_eq!(
            ctx.coverage(OTHER_ACCOUNT, REGION, DataSource::KmsKeys),
            None
        );
        assert_eq!(
            ctx.coverage(ACCOUNT, "ap-south-1", DataSource::KmsKeys),
            None
        );

        // Accounts declared PHI scope hold PHI even without a tagged resource.
        let mut settings = fixture.settings.clone();
        settings.phi_accounts = vec![OTHER_ACCOUNT.into()];
        let ctx = Ctx::new(
            inventory,
            &settings,
            Arc::new(Index::new(inventory, &settings)),
        );
        assert!(ctx.account_holds_phi(OTHER_ACCOUNT));
        assert_eq!(ctx.accounts_with_phi_resources().len(), 2);
    }

    #[test]
    fn shared_values_live_with_the_scan() {
        let fixture = Fixture::new();
        let inventory = &fixture.inventory;
        let settings = &fixture.settings;
        let index = Arc::new(Index::new(inventory, settings));
        let one = Ctx::new(inventory, settings, Arc::clone(&index));
        let two = Ctx::new(inventory, settings, Arc::clone(&index));
        let mut calls = 0;
        let a = one.shared("k", || {
            calls += 1;
            vec![1, 2, 3]
        });
        let b = two.shared("k", || {
            calls += 1;
            vec![9]
        });
        assert_eq!(calls, 1);
        assert_eq!(a.as_deref(), Some(&vec![1, 2, 3]));
        assert!(a.zip(b).is_some_and(|(a, b)| Arc::ptr_eq(&a, &b)));
        // Another type under the same key: none, not a wrong value.
        assert!(one.shared("k", || "text").is_none());
        assert_eq!(one.shared("other", || 7u8).as_deref(), Some(&7));
        // Another scan (another index) computes its own.
        let later = Ctx::new(
            inventory,
            settings,
            Arc::new(Index::new(inventory, settings)),
        );
        assert_eq!(later.shared("k", || vec![4]).as_deref(), Some(&vec![4]));
    }
}
