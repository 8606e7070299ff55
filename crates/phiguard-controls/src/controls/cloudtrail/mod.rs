//! CloudTrail controls: a multi-region trail recording management events, log file validation
//! and encryption, delivery to CloudWatch Logs, S3 data events on PHI buckets and six-year
//! retention of the trail bucket. Shared helpers (which trails record an account, what their
//! event selectors select) live below the module list; the CloudWatch controls use them too.

pub mod cloudtrail_bucket_retention_6_years;
pub mod cloudtrail_cloudwatch_logs;
pub mod cloudtrail_kms_encryption;
pub mod cloudtrail_log_file_validation;
pub mod cloudtrail_multi_region_logging;
pub mod cloudtrail_s3_data_events_phi_buckets;

use std::collections::HashSet;

use phiguard_model::kinds::{AdvancedEventSelector, FieldSelector, Trail};
use phiguard_model::{FieldError, Resource};

use crate::ctx::Ctx;

/// The trails that record an account's events: the account's own trails and every
/// organisation trail in the inventory (phiguard scans one organisation, so an organisation
/// trail records every scanned account). A trail listed twice (an organisation trail seen
/// from several accounts) is returned once.
pub(crate) fn trails_for<'a>(ctx: &Ctx<'a>, account: &str) -> Vec<(&'a Resource, &'a Trail)> {
    let mut seen = HashSet::new();
    ctx.trails()
        .filter(|(r, t)| r.account == account || t.is_organization_trail)
        .filter(|(r, _)| seen.insert(r.arn.as_str()))
        .collect()
}

/// The trail's home region (the resource's region when the collector left it empty).
pub(crate) fn home_region<'a>(resource: &'a Resource, trail: &'a Trail) -> &'a str {
    if trail.home_region.is_empty() {
        &resource.region
    } else {
        &trail.home_region
    }
}

/// The first of `fields` the collector could not read for this resource.
pub(crate) fn unread<'a>(resource: &'a Resource, fields: &[&str]) -> Option<&'a FieldError> {
    fields.iter().find_map(|f| resource.field_error(f))
}

/// The trail fields that decide what a trail records.
pub(crate) const SELECTOR_FIELDS: [&str; 3] =
    ["is_logging", "event_selectors", "advanced_event_selectors"];

/// Whether one field selector admits a value: it matches one of the positive operators
/// (`Equals`, `StartsWith`, `EndsWith`; none given = any value) and none of the negative ones.
fn admits(selector: &FieldSelector, value: &str) -> bool {
    let positive = selector.equals.iter().any(|v| v == value)
        || selector
            .starts_with
            .iter()
            .any(|p| value.starts_with(p.as_str()))
        || selector
            .ends_with
            .iter()
            .any(|s| value.ends_with(s.as_str()));
    let any_positive = !selector.equals.is_empty()
        || !selector.starts_with.is_empty()
        || !selector.ends_with.is_empty();
    let negative = selector.not_equals.iter().any(|v| v == value)
        || selector
            .not_starts_with
            .iter()
            .any(|p| value.starts_with(p.as_str()))
        || selector
            .not_ends_with
            .iter()
            .any(|s| value.ends_with(s.as_str()));
    (positive || !any_positive) && !negative
}

/// Whether every field selector on `field` admits `value` (true when there is none).
fn field_admits(selector: &AdvancedEventSelector, field: &str, value: &str) -> bool {
    selector
        .field_selectors
        .iter()
        .filter(|f| f.field == field)
        .all(|f| admits(f, value))
}

/// Whether the selector has an `Equals` condition on `field` naming `value`.
fn field_equals(selector: &AdvancedEventSelector, field: &str, value: &str) -> bool {
    selector
        .field_selectors
        .iter()
        .any(|f| f.field == field && f.equals.iter().any(|v| v == value))
}

/// What a trail records of one kind of event: read events, write events, and why a selector
/// that would have counted did not.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    /// Read-only events are recorded.
    pub read: bool,
    /// Write events are recorded.
    pub write: bool,
    /// Why selectors that cover only part of what is needed were not counted.
    pub partial: Vec<String>,
}

impl Recorded {
    fn both() -> Recorded {
        Recorded {
            read: true,
            write: true,
            partial: Vec::new(),
        }
    }

    /// Read and write events.
    pub fn complete(&self) -> bool {
        self.read && self.write
    }

    fn add_read_write(&mut self, read_write_type: &str) {
        match read_write_type {
            "All" => {
                self.read = true;
                self.write = true;
            }
            "ReadOnly" => self.read = true,
            "WriteOnly" => self.write = true,
            other => self
                .partial
                .push(format!("unknown ReadWriteType `{other}` was not counted")),
        }
    }

    fn add_read_only_field(&mut self, selector: &AdvancedEventSelector) {
        self.read |= field_admits(selector, "readOnly", "true");
        self.write |= field_admits(selector, "readOnly", "false");
    }
}

fn selector_name(selector: &AdvancedEventSelector) -> String {
    if selector.name.is_empty() {
        "an unnamed advanced selector".to_string()
    } else {
        format!("advanced selector `{}`", selector.name)
    }
}

/// The management events a trail records. With no selectors at all a trail records every
/// management event (the CloudTrail default). Basic selectors count when they include
/// management events (`ReadWriteType` `All`, or `ReadOnly` plus `WriteOnly`); advanced
/// selectors count when `eventCategory` equals `Management` and they filter on nothing but
/// `readOnly` (an `eventSource` exclusion such as `kms.amazonaws.com` drops KMS key use, which
/// HIPAA audit trails need, so it is reported as partial).
pub(crate) fn management_events(trail: &Trail) -> Recorded {
    if trail.event_selectors.is_empty() && trail.advanced_event_selectors.is_empty() {
        return Recorded::both();
    }
    let mut recorded = Recorded::default();
    if !trail.advanced_event_selectors.is_empty() {
        for selector in &trail.advanced_event_selectors {
            if !field_equals(selector, "eventCategory", "Management") {
                continue;
            }
            let other = selector
                .field_selectors
                .iter()
                .find(|f| f.field != "eventCategory" && f.field != "readOnly");
            if let Some(other) = other {
                recorded.partial.push(format!(
                    "{} filters management events on `{}`",
                    selector_name(selector),
                    other.field
                ));
                continue;
            }
            recorded.add_read_only_field(selector);
        }
        return recorded;
    }
    for selector in trail
        .event_selectors
        .iter()
        .filter(|s| s.include_management_events)
    {
        recorded.add_read_write(&selector.read_write_type);
    }
    recorded
}

/// Why a trail does not record all management events, or `None` when it does.
pub(crate) fn management_gap(trail: &Trail) -> Option<String> {
    let recorded = management_events(trail);
    if recorded.complete() {
        return None;
    }
    let mut why = match (recorded.read, recorded.write) {
        (false, false) => "records no management events".to_string(),
        (true, false) => "records only read-only management events".to_string(),
        (false, true) => "records only write management events".to_string(),
        (true, true) => String::new(),
    };
    if let Some(partial) = recorded.partial.first() {
        why.push_str(&format!(" ({partial})"));
    }
    Some(why)
}

/// How an ARN condition covers every object ARN under `prefix`.
enum Cover {
    All,
    Part(String),
    None,
}

/// How one `resources.ARN` field selector covers every ARN starting with `prefix`.
fn arn_cover(selector: &FieldSelector, prefix: &str) -> Cover {
    let any_positive = !selector.equals.is_empty()
        || !selector.starts_with.is_empty()
        || !selector.ends_with.is_empty();
    let mut cover = if !any_positive
        || selector
            .starts_with
            .iter()
            .any(|p| prefix.starts_with(p.as_str()))
    {
        Cover::All
    } else if let Some(p) = selector
        .starts_with
        .iter()
        .chain(&selector.equals)
        .find(|p| p.starts_with(prefix))
    {
        Cover::Part(format!("selects only `{p}`"))
    } else if let Some(s) = selector.ends_with.first() {
        Cover::Part(format!("selects only ARNs ending with `{s}`"))
    } else {
        Cover::None
    };
    if matches!(cover, Cover::None) {
        return cover;
    }
    if let Some(p) = selector
        .not_starts_with
        .iter()
        .find(|p| prefix.starts_with(p.as_str()))
    {
        return Cover::Part(format!("excludes the bucket with NotStartsWith `{p}`"));
    }
    let exclusion = selector
        .not_starts_with
        .iter()
        .chain(&selector.not_equals)
        .find(|p| p.starts_with(prefix))
        .map(|p| format!("excludes `{p}`"))
        .or_else(|| {
            selector
                .not_ends_with
                .first()
                .map(|s| format!("excludes ARNs ending with `{s}`"))
        });
    if let (Some(why), Cover::All) = (exclusion, &cover) {
        cover = Cover::Part(why);
    }
    cover
}

/// The S3 object data events a trail records for the bucket with ARN `bucket_arn`.
///
/// Basic selectors: a `DataResource` of type `AWS::S3::Object` whose value is a prefix of
/// `arn:aws:s3:::BUCKET/` (`arn:aws:s3` selects every bucket), with its `ReadWriteType`.
/// Advanced selectors: `eventCategory` equals `Data`, `resources.type` equals
/// `AWS::S3::Object`, every `resources.ARN` condition selects all of `arn:aws:s3:::BUCKET/`
/// (`StartsWith` a prefix of it, or no positive condition) and excludes none of it
/// (`NotStartsWith`/`NotEquals`/`NotEndsWith`), no filter on `eventName` or any other field;
/// `readOnly` decides read and write. A selector covering only some objects is reported in
/// `partial`, never counted.
pub(crate) fn s3_data_events(trail: &Trail, bucket_arn: &str) -> Recorded {
    let prefix = format!("{bucket_arn}/");
    let mut recorded = Recorded::default();
    if !trail.advanced_event_selectors.is_empty() {
        for selector in &trail.advanced_event_selectors {
            if !field_equals(selector, "eventCategory", "Data")
                || !field_equals(selector, "resources.type", "AWS::S3::Object")
            {
                continue;
            }
            let name = selector_name(selector);
            let mut counted = true;
            for field in &selector.field_selectors {
                match field.field.as_str() {
                    "eventCategory" | "resources.type" | "readOnly" => {}
                    "resources.ARN" => match arn_cover(field, &prefix) {
                        Cover::All => {}
                        Cover::Part(why) => {
                            recorded.partial.push(format!("{name} {why}"));
                            counted = false;
                        }
                        Cover::None => counted = false,
                    },
                    other => {
                        recorded
                            .partial
                            .push(format!("{name} filters data events on `{other}`"));
                        counted = false;
                    }
                }
            }
            if counted {
                recorded.add_read_only_field(selector);
            }
        }
        return recorded;
    }
    for selector in &trail.event_selectors {
        for resource in selector
            .data_resources
            .iter()
            .filter(|d| d.resource_type == "AWS::S3::Object")
        {
            if resource
                .values
                .iter()
                .any(|v| prefix.starts_with(v.as_str()))
            {
                recorded.add_read_write(&selector.read_write_type);
            } else if let Some(v) = resource.values.iter().find(|v| v.starts_with(&prefix)) {
                recorded
                    .partial
                    .push(format!("a basic selector selects only `{v}`"));
            }
        }
    }
    recorded
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Trail builders for the CloudTrail and CloudWatch tests.

    use phiguard_model::Resource;
    use phiguard_model::kinds::{
        AdvancedEventSelector, DataResource, EventSelector, FieldSelector, Trail,
    };

    use crate::testkit::{ACCOUNT, REGION};

    /// A multi-region, logging trail named `name` in [`REGION`] with default selectors,
    /// validation, KMS and CloudWatch Logs delivery, edited by `edit`.
    pub fn trail(name: &str, edit: impl FnOnce(&mut Trail)) -> Resource {
        let mut trail = Trail {
            home_region: REGION.into(),
            is_multi_region: true,
            is_logging: true,
            log_file_validation_enabled: true,
            kms_key_id: Some(format!(
                "arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            )),
            cloudwatch_logs_log_group_arn: Some(format!(
                "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:cloudtrail/{name}:*"
            )),
            latest_cloudwatch_logs_delivery_time: Some(crate::testkit::ts("2026-05-31T23:50:00Z")),
            s3_bucket_name: "org-cloudtrail-logs".into(),
            include_global_service_events: true,
            ..Trail::default()
        };
        edit(&mut trail);
        Resource::new(
            format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}"),
            ACCOUNT,
            REGION,
            trail,
        )
        .named(name)
    }

    /// A basic selector.
    pub fn basic(read_write: &str, management: bool, s3_values: &[&str]) -> EventSelector {
        EventSelector {
            read_write_type: read_write.into(),
            include_management_events: management,
            data_resources: if s3_values.is_empty() {
                Vec::new()
            } else {
                vec![DataResource {
                    resource_type: "AWS::S3::Object".into(),
                    values: s3_values.iter().map(|v| (*v).to_string()).collect(),
                }]
            },
        }
    }

    /// A field selector with `Equals`.
    pub fn equals(field: &str, values: &[&str]) -> FieldSelector {
        FieldSelector {
            field: field.into(),
            equals: values.iter().map(|v| (*v).to_string()).collect(),
            ..FieldSelector::default()
        }
    }

    /// An advanced selector.
    pub fn advanced(name: &str, fields: Vec<FieldSelector>) -> AdvancedEventSelector {
        AdvancedEventSelector {
            name: name.into(),
            field_selectors: fields,
        }
    }

    /// The advanced selector for S3 object data events, plus `extra` conditions.
    pub fn s3_data(extra: Vec<FieldSelector>) -> AdvancedEventSelector {
        let mut fields = vec![
            equals("eventCategory", &["Data"]),
            equals("resources.type", &["AWS::S3::Object"]),
        ];
        fields.extend(extra);
        advanced("s3", fields)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use phiguard_model::Details;

    fn details(r: &Resource) -> &Trail {
        match &r.details {
            Details::Trail(t) => t,
            _ => unreachable!("a trail"),
        }
    }

    #[test]
    fn management_defaults_basic_and_advanced() {
        let t = trail("t", |_| {});
        assert!(management_gap(details(&t)).is_none(), "no selectors = all");

        let t = trail("t", |t| {
            t.event_selectors = vec![basic("WriteOnly", true, &[])]
        });
        assert_eq!(
            management_gap(details(&t)).as_deref(),
            Some("records only write management events")
        );
        let t = trail("t", |t| {
            t.event_selectors = vec![basic("WriteOnly", true, &[]), basic("ReadOnly", true, &[])];
        });
        assert!(
            management_gap(details(&t)).is_none(),
            "read + write selectors"
        );
        let t = trail("t", |t| {
            t.event_selectors = vec![basic("All", false, &["arn:aws:s3"])];
        });
        assert_eq!(
            management_gap(details(&t)).as_deref(),
            Some("records no management events")
        );

        let t = trail("t", |t| {
            t.advanced_event_selectors = vec![advanced(
                "m",
                vec![equals("eventCategory", &["Management"])],
            )];
        });
        assert!(management_gap(details(&t)).is_none());
        let t = trail("t", |t| {
            t.advanced_event_selectors = vec![advanced(
                "m",
                vec![
                    equals("eventCategory", &["Management"]),
                    equals("readOnly", &["true"]),
                ],
            )];
        });
        assert_eq!(
            management_gap(details(&t)).as_deref(),
            Some("records only read-only management events")
        );
        let t = trail("t", |t| {
            t.advanced_event_selectors = vec![advanced(
                "no-kms",
                vec![
                    equals("eventCategory", &["Management"]),
                    FieldSelector {
                        field: "eventSource".into(),
                        not_equals: vec!["kms.amazonaws.com".into()],
                        ..FieldSelector::default()
                    },
                ],
            )];
        });
        assert_eq!(
            management_gap(details(&t)).as_deref(),
            Some(
                "records no management events (advanced selector `no-kms` filters management events on `eventSource`)"
            )
        );
    }

    const BUCKET: &str = "arn:aws:s3:::phi-records";

    fn s3(edit: impl FnOnce(&mut Trail)) -> Recorded {
        let t = trail("t", edit);
        s3_data_events(details(&t), BUCKET)
    }

    #[test]
    fn basic_s3_selectors() {
        assert_eq!(s3(|_| {}), Recorded::default(), "defaults: no data events");
        assert!(s3(|t| t.event_selectors = vec![basic("All", true, &["arn:aws:s3"])]).complete());
        assert!(
            s3(|t| t.event_selectors = vec![basic("All", true, &["arn:aws:s3:::phi-records/"])])
                .complete()
        );
        let other = s3(|t| t.event_selectors = vec![basic("All", true, &["arn:aws:s3:::other/"])]);
        assert!(!other.read && !other.write && other.partial.is_empty());
        let read = s3(|t| t.event_selectors = vec![basic("ReadOnly", true, &["arn:aws:s3"])]);
        assert!(read.read && !read.write);
        let split = s3(|t| {
            t.event_selectors = vec![
                basic("ReadOnly", true, &["arn:aws:s3:::phi-records/"]),
                basic("WriteOnly", false, &["arn:aws:s3"]),
            ];
        });
        assert!(split.complete());
        let prefix = s3(|t| {
            t.event_selectors = vec![basic("All", true, &["arn:aws:s3:::phi-records/scans/"])];
        });
        assert!(!prefix.complete());
        assert_eq!(
            prefix.partial,
            ["a basic selector selects only `arn:aws:s3:::phi-records/scans/`"]
        );
    }

    #[test]
    fn advanced_s3_selectors() {
        let with =
            |extra: Vec<FieldSelector>| s3(|t| t.advanced_event_selectors = vec![s3_data(extra)]);
        assert!(with(vec![]).complete(), "all buckets");
        let starts = |v: &str| FieldSelector {
            field: "resources.ARN".into(),
            starts_with: vec![v.into()],
            ..FieldSelector::default()
        };
        assert!(with(vec![starts("arn:aws:s3:::phi-records/")]).complete());
        assert!(with(vec![starts("arn:aws:s3:::phi-")]).complete());
        let only = with(vec![starts("arn:aws:s3:::phi-records/2026/")]);
        assert_eq!(
            only.partial,
            ["advanced selector `s3` selects only `arn:aws:s3:::phi-records/2026/`"]
        );
        let other = with(vec![starts("arn:aws:s3:::other/")]);
        assert!(!other.read && other.partial.is_empty());
        let exact = with(vec![equals(
            "resources.ARN",
            &["arn:aws:s3:::phi-records/a.txt"],
        )]);
        assert!(!exact.complete());
        let excluded = with(vec![FieldSelector {
            field: "resources.ARN".into(),
            not_starts_with: vec!["arn:aws:s3:::phi-records/".into()],
            ..FieldSelector::default()
        }]);
        assert_eq!(
            excluded.partial,
            [
                "advanced selector `s3` excludes the bucket with NotStartsWith `arn:aws:s3:::phi-records/`"
            ]
        );
        let carve_out = with(vec![FieldSelector {
            field: "resources.ARN".into(),
            not_equals: vec!["arn:aws:s3:::phi-records/tmp.txt".into()],
            ..FieldSelector::default()
        }]);
        assert!(!carve_out.complete());
        let unrelated_exclusion = with(vec![FieldSelector {
            field: "resources.ARN".into(),
            not_starts_with: vec!["arn:aws:s3:::cloudtrail-logs/".into()],
            ..FieldSelector::default()
        }]);
        assert!(unrelated_exclusion.complete());
        let read_only = with(vec![equals("readOnly", &["true"])]);
        assert!(read_only.read && !read_only.write);
        let names = with(vec![equals("eventName", &["GetObject"])]);
        assert_eq!(
            names.partial,
            ["advanced selector `s3` filters data events on `eventName`"]
        );
        let split = s3(|t| {
            t.advanced_event_selectors = vec![
                s3_data(vec![equals("readOnly", &["true"])]),
                s3_data(vec![equals("readOnly", &["false"])]),
            ];
        });
        assert!(split.complete());
        let lambda = s3(|t| {
            t.advanced_event_selectors = vec![advanced(
                "l",
                vec![
                    equals("eventCategory", &["Data"]),
                    equals("resources.type", &["AWS::Lambda::Function"]),
                ],
            )];
        });
        assert_eq!(lambda, Recorded::default());
    }

    #[test]
    fn advanced_selectors_override_basic_ones() {
        let r = s3(|t| {
            t.event_selectors = vec![basic("All", true, &["arn:aws:s3"])];
            t.advanced_event_selectors = vec![advanced(
                "m",
                vec![equals("eventCategory", &["Management"])],
            )];
        });
        assert!(!r.complete());
    }
}
