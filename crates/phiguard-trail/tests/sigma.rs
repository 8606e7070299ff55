//! Sigma support: how many of the 58 bundled SigmaHQ CloudTrail rules load, a generated
//! positive and near-miss event per loaded rule, hand-written cases for the tricky ones, the
//! hits on the real CloudTrail data under `tests/data/`, and the errors for bad rules.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions fail the test by panicking"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use phiguard_trail::sigma::condition::{Condition, OfTarget};
use phiguard_trail::sigma::{self, BUNDLED, FieldSpec, Modifier, RuleDoc, SigmaRule, SigmaValue};
use phiguard_trail::{Event, Rule, Ruleset};
use serde_json::{Map, Value, json};

/// The measured number of bundled rules that load.
const LOADED: usize = 56;

#[test]
fn fifty_six_of_fifty_eight_bundled_rules_load() {
    let (rules, rejected) = sigma::bundled_rules();
    assert_eq!(BUNDLED.len(), 58);
    assert_eq!(rules.len(), LOADED, "rejected: {rejected:#?}");
    assert_eq!(rules.len() + rejected.len(), 58);
    let report: String = rejected.iter().map(|r| format!("{r}\n")).collect();
    insta::assert_snapshot!("bundled_rejected", report);
}

#[test]
fn bundled_list_is_the_rules_directory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/sigma");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yml"))
        .collect();
    on_disk.sort();
    let bundled: Vec<&str> = BUNDLED.iter().map(|(f, _)| *f).collect();
    assert_eq!(bundled, on_disk);
    for (file, text) in BUNDLED {
        assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), *text);
    }
    assert!(dir.join("LICENSE").is_file());
}

#[test]
fn rules_load_through_the_trait_api_and_the_index() {
    let (rules, rejected) = sigma::bundled();
    assert_eq!((rules.len(), rejected.len()), (LOADED, 58 - LOADED));
    let mut table = String::new();
    let mut sorted: Vec<&Box<dyn Rule>> = rules.iter().collect();
    sorted.sort_by(|a, b| a.title().cmp(b.title()));
    for rule in sorted {
        assert_eq!(rule.source(), phiguard_trail::RuleSource::Sigma);
        let names = match rule.event_names() {
            Some(names) => names.join(", "),
            None => "(every event)".to_string(),
        };
        writeln!(
            table,
            "{} | {} | {} | {names}",
            rule.title(),
            rule.id(),
            rule.severity().as_str()
        )
        .unwrap();
    }
    insta::assert_snapshot!("bundled_index", table);
}

// ---------------------------------------------------------------------------------------------
// Generated cases: a positive event and near misses per rule, built from the rule's AST.

/// The condition's searches that must be true, and those that must be false, for one way of
/// satisfying it (`positive`) or falsifying it.
fn plan(
    c: &Condition,
    names: &[String],
    positive: bool,
    yes: &mut Vec<String>,
    no: &mut Vec<String>,
) {
    let matching = |target: &OfTarget| -> Vec<String> {
        names
            .iter()
            .filter(|n| match target {
                OfTarget::Them => true,
                OfTarget::Pattern(p) => glob(p, n),
            })
            .cloned()
            .collect()
    };
    match c {
        Condition::Ident(n) => {
            if positive { yes } else { no }.push(n.clone());
        }
        Condition::Not(inner) => plan(inner, names, !positive, yes, no),
        Condition::And(a, b) => {
            plan(a, names, positive, yes, no);
            if positive {
                plan(b, names, positive, yes, no);
            }
        }
        Condition::Or(a, b) => {
            plan(a, names, positive, yes, no);
            if !positive {
                plan(b, names, positive, yes, no);
            }
        }
        Condition::Of { all, target } => {
            let matched = matching(target);
            let take_all = *all == positive;
            let chosen = if take_all {
                &matched[..]
            } else {
                &matched[..1]
            };
            for n in chosen {
                if positive { &mut *yes } else { &mut *no }.push(n.clone());
            }
        }
    }
}

fn glob(p: &str, n: &str) -> bool {
    match p.split_once('*') {
        None => p == n,
        Some((head, tail)) => n.starts_with(head) && n[head.len()..].ends_with(tail),
    }
}

const RAW_ROOTS: [&str; 4] = [
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "tlsDetails",
];

fn set(event: &mut Map<String, Value>, field: &str, value: Value) {
    let path = if RAW_ROOTS.contains(&field) {
        format!("{field}.sigmaTestValue")
    } else {
        field.to_string()
    };
    let segments: Vec<&str> = path.split('.').collect();
    let mut map = event;
    for segment in &segments[..segments.len() - 1] {
        let slot = map.entry(*segment).or_insert_with(|| json!({}));
        if !slot.is_object() {
            *slot = json!({});
        }
        map = slot.as_object_mut().unwrap();
    }
    map.insert(segments[segments.len() - 1].to_string(), value);
}

fn remove(event: &mut Map<String, Value>, field: &str) {
    let segments: Vec<&str> = field.split('.').collect();
    let mut map = event;
    for segment in &segments[..segments.len() - 1] {
        match map.get_mut(*segment).and_then(Value::as_object_mut) {
            Some(next) => map = next,
            None => return,
        }
    }
    map.remove(segments[segments.len() - 1]);
}

/// A literal satisfying a Sigma value (`*` → nothing, `?` → `x`, escapes resolved).
fn literal(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*' | '?' | '\\')) => {
                out.push(chars.next().unwrap())
            }
            '*' => {}
            '?' => out.push('x'),
            c => out.push(c),
        }
    }
    out
}

/// Sample values for the `re` patterns of the bundled rules.
fn regex_sample(pattern: &str) -> (&'static str, &'static str) {
    match pattern {
        ".+:assumed-role/aws:.+" => (
            "arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/i-0123456789abcdef0",
            "arn:aws:sts::111122223333:assumed-role/admin/alice",
        ),
        other => panic!("no sample for the regular expression `{other}`"),
    }
}

/// What to write into the event to make one field spec true; `None` = leave the field out.
fn positive_value(spec: &FieldSpec) -> Option<String> {
    if spec.has(Modifier::Exists) {
        return matches!(spec.values[0], SigmaValue::Bool(true)).then(|| "present".to_string());
    }
    if spec.has(Modifier::FieldRef) {
        return Some("same-as-reference".to_string());
    }
    if spec.has(Modifier::Re) {
        let SigmaValue::Str(p) = &spec.values[0] else {
            unreachable!()
        };
        return Some(regex_sample(p).0.to_string());
    }
    let render = |v: &SigmaValue| -> Option<String> {
        let lit = match v {
            SigmaValue::Null => return None,
            SigmaValue::Bool(b) => b.to_string(),
            SigmaValue::Str(s) => literal(s),
        };
        // Matching is case-insensitive: prove it (the index needs eventName as written).
        let lit = if spec.field == "eventName" || spec.has(Modifier::Cased) {
            lit
        } else {
            lit.to_lowercase()
        };
        Some(if spec.has(Modifier::Contains) {
            format!("pre {lit} post")
        } else if spec.has(Modifier::StartsWith) {
            format!("{lit}Suffix")
        } else if spec.has(Modifier::EndsWith) {
            format!("prefix{lit}")
        } else {
            lit
        })
    };
    if spec.has(Modifier::All) {
        let parts: Vec<String> = spec.values.iter().filter_map(render).collect();
        return Some(parts.join(" "));
    }
    render(&spec.values[0])
}

/// Applies a spec's positive value (and, for `fieldref`, the referenced field).
fn apply_positive(event: &mut Map<String, Value>, spec: &FieldSpec) {
    if let Some(value) = positive_value(spec) {
        set(event, &spec.field, json!(value));
        if spec.has(Modifier::FieldRef) {
            let SigmaValue::Str(other) = &spec.values[0] else {
                unreachable!()
            };
            set(event, other, json!(value));
        }
    }
}

/// A change to one field that makes its spec false.
fn apply_near_miss(event: &mut Map<String, Value>, spec: &FieldSpec) -> String {
    if positive_value(spec).is_none() {
        // `null` or `exists: false`: give the field a value.
        set(event, &spec.field, json!("AccessDenied"));
        return format!("{} set", spec.field);
    }
    let any = spec
        .values
        .iter()
        .all(|v| matches!(v, SigmaValue::Str(s) if literal(s).is_empty()));
    if spec.has(Modifier::Exists) || (any && !spec.has(Modifier::Re)) {
        remove(event, &spec.field);
        if RAW_ROOTS.contains(&spec.field.as_str()) {
            remove(event, &format!("{}.sigmaTestValue", spec.field));
        }
        return format!("{} removed", spec.field);
    }
    let value = if spec.has(Modifier::Re) {
        let SigmaValue::Str(p) = &spec.values[0] else {
            unreachable!()
        };
        regex_sample(p).1.to_string()
    } else if spec.field == "eventName" {
        "ZzNearMiss".to_string()
    } else {
        "zz-near-miss".to_string()
    };
    set(event, &spec.field, json!(value));
    format!("{} = {value}", spec.field)
}

fn base_event() -> Map<String, Value> {
    json!({
        "eventVersion": "1.08",
        "eventTime": "2026-01-01T00:00:00Z",
        "eventSource": "example.amazonaws.com",
        "eventName": "ExampleCall",
        "awsRegion": "us-east-1",
        "eventID": "00000000-0000-4000-8000-000000000000",
        "recipientAccountId": "111122223333"
    })
    .as_object()
    .unwrap()
    .clone()
}

/// Whether the rule matches the event, checked directly and through the index (which must agree).
fn matches(ruleset: &Ruleset, rule: &SigmaRule, event: &Map<String, Value>) -> bool {
    let text = serde_json::to_string(event).unwrap();
    let event: Event<'_> = serde_json::from_str(&text).unwrap();
    let direct = rule.matches(&event);
    let indexed = ruleset.matching(&event).iter().any(|r| r.id() == rule.id());
    assert_eq!(
        direct,
        indexed,
        "{}: index and rule disagree on {text}",
        rule.file()
    );
    direct
}

fn bundled_docs() -> Vec<(SigmaRule, RuleDoc)> {
    let (rules, _) = sigma::bundled_rules();
    rules
        .into_iter()
        .map(|rule| {
            let text = BUNDLED.iter().find(|(f, _)| *f == rule.file()).unwrap().1;
            let doc = sigma::parse_rule(rule.file(), text).unwrap();
            (rule, doc)
        })
        .collect()
}

fn search<'d>(doc: &'d RuleDoc, name: &str) -> &'d [FieldSpec] {
    &doc.searches
        .iter()
        .find(|s| s.name == name)
        .unwrap()
        .alternatives[0]
}

#[test]
fn every_loaded_rule_has_a_generated_positive_and_near_misses() {
    let docs = bundled_docs();
    let mut ruleset = Ruleset::new();
    for rule in sigma::bundled_rules().0 {
        ruleset.add(Box::new(rule));
    }
    let mut report = String::new();
    let mut misses = 0;
    let mut filters = 0;
    for (rule, doc) in &docs {
        let names: Vec<String> = doc.searches.iter().map(|s| s.name.clone()).collect();
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for c in &doc.condition[..1] {
            plan(c, &names, true, &mut yes, &mut no);
        }
        let mut event = base_event();
        for name in &yes {
            for spec in search(doc, name) {
                apply_positive(&mut event, spec);
            }
        }
        assert!(
            matches(&ruleset, rule, &event),
            "{}: generated positive does not match: {}",
            rule.file(),
            Value::Object(event.clone())
        );
        let mut line = format!("{} | true: {}", rule.file(), yes.join(", "));
        // Near misses: break one field of one required search at a time.
        for name in &yes {
            for spec in search(doc, name) {
                let mut near = event.clone();
                let what = apply_near_miss(&mut near, spec);
                assert!(
                    !matches(&ruleset, rule, &near),
                    "{}: near miss ({what}) still matches: {}",
                    rule.file(),
                    Value::Object(near)
                );
                write!(line, " | miss: {what}").unwrap();
                misses += 1;
            }
        }
        // Filters: make each search that must be false true, on top of the positive.
        for name in &no {
            let mut filtered = event.clone();
            for spec in search(doc, name) {
                apply_positive(&mut filtered, spec);
            }
            assert!(
                !matches(&ruleset, rule, &filtered),
                "{}: filter `{name}` made true but the rule still matches: {}",
                rule.file(),
                Value::Object(filtered)
            );
            write!(line, " | filtered: {name}").unwrap();
            filters += 1;
        }
        report.push_str(&line);
        report.push('\n');
    }
    assert_eq!(docs.len(), LOADED);
    assert!(misses >= 2 * LOADED, "{misses} near misses");
    assert!(filters >= 8, "{filters} filter cases");
    insta::assert_snapshot!("generated_cases", report);
}

// ---------------------------------------------------------------------------------------------
// Hand-written cases for the tricky rules.

fn bundled_rule(file: &str) -> SigmaRule {
    let text = BUNDLED.iter().find(|(f, _)| *f == file).unwrap().1;
    sigma::compile_rule(file, text).unwrap()
}

fn event(text: &str) -> Event<'_> {
    serde_json::from_str(text).unwrap()
}

#[test]
fn errorcode_null_means_success() {
    let rule = bundled_rule("aws_cloudtrail_bucket_deleted.yml");
    let ok = r#"{"eventTime":"t","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket"}"#;
    let null = r#"{"eventTime":"t","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","errorCode":null}"#;
    let denied = r#"{"eventTime":"t","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","errorCode":"AccessDenied"}"#;
    assert!(rule.matches(&event(ok)));
    assert!(rule.matches(&event(null)));
    assert!(!rule.matches(&event(denied)));
    assert_eq!(rule.event_names(), Some(vec!["DeleteBucket".to_string()]));
}

#[test]
fn console_login_without_mfa_matches_cloudtrails_spelling() {
    let rule = bundled_rule("aws_cloudtrail_console_login_success_without_mfa.yml");
    let login = |mfa: &str, result: &str| {
        format!(
            r#"{{"eventTime":"t","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin",
            "responseElements":{{"ConsoleLogin":"{result}"}},"additionalEventData":{{"MFAUsed":"{mfa}","LoginTo":"x"}}}}"#
        )
    };
    assert!(rule.matches(&event(&login("No", "Success"))));
    assert!(!rule.matches(&event(&login("Yes", "Success"))));
    assert!(!rule.matches(&event(&login("No", "Failure"))));
}

#[test]
fn root_usage_excludes_service_events() {
    let rule = bundled_rule("aws_root_account_usage.yml");
    let root = |event_type: &str| {
        format!(
            r#"{{"eventTime":"t","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","eventType":"{event_type}","userIdentity":{{"type":"Root"}}}}"#
        )
    };
    assert!(rule.matches(&event(&root("AwsApiCall"))));
    assert!(!rule.matches(&event(&root("AwsServiceEvent"))));
    assert_eq!(rule.event_names(), None);
}

#[test]
fn imds_regex_is_case_sensitive_and_filters_are_ored() {
    let rule = bundled_rule("aws_cloudtrail_imds_malicious_usage.yml");
    let call = |arn: &str, source: &str, ip: &str| {
        format!(
            r#"{{"eventTime":"t","eventSource":"{source}","eventName":"DescribeInstances","sourceIPAddress":"{ip}","userIdentity":{{"arn":"{arn}"}}}}"#
        )
    };
    let stolen = "arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/i-0abc";
    assert!(rule.matches(&event(&call(stolen, "ec2.amazonaws.com", "198.51.100.7"))));
    assert!(!rule.matches(&event(&call(stolen, "ssm.amazonaws.com", "198.51.100.7"))));
    assert!(!rule.matches(&event(&call(stolen, "ec2.amazonaws.com", "AWS Internal"))));
    let upper = "arn:aws:sts::111122223333:ASSUMED-ROLE/aws:ec2-instance/i-0abc";
    assert!(!rule.matches(&event(&call(upper, "ec2.amazonaws.com", "198.51.100.7"))));
}

#[test]
fn contains_all_searches_the_object_text_and_its_strings() {
    let rule = bundled_rule("aws_iam_s3browser_templated_s3_bucket_policy_creation.yml");
    let policy = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::<YOUR-BUCKET-NAME>/*\"}]}"#;
    let call = |policy: &str| {
        format!(
            r#"{{"eventTime":"t","eventSource":"iam.amazonaws.com","eventName":"PutUserPolicy","userAgent":"S3 Browser 11.5.7 https://s3browser.com",
            "requestParameters":{{"userName":"bob","policyName":"p","policyDocument":"{policy}"}}}}"#
        )
    };
    assert!(rule.matches(&event(&call(policy))));
    let deny = policy.replace("Allow", "Deny");
    assert!(!rule.matches(&event(&call(&deny))));
    let named = policy.replace("<YOUR-BUCKET-NAME>", "phi-bucket");
    assert!(!rule.matches(&event(&call(&named))));
}

#[test]
fn paths_cross_arrays() {
    let rule = bundled_rule("aws_ecs_task_definition_cred_endpoint_query.yml");
    let task = |command: &str| {
        format!(
            r#"{{"eventTime":"t","eventSource":"ecs.amazonaws.com","eventName":"RegisterTaskDefinition",
            "requestParameters":{{"family":"f","containerDefinitions":[{{"name":"a","command":["sleep","1"]}},{{"name":"b","command":["sh","-c","{command}"]}}]}}}}"#
        )
    };
    assert!(rule.matches(&event(&task(
        "curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
    ))));
    assert!(!rule.matches(&event(&task("echo hello"))));
    let layers = bundled_rule("aws_new_lambda_layer_attached.yml");
    let update = |layers: &str| {
        format!(
            r#"{{"eventTime":"t","eventSource":"lambda.amazonaws.com","eventName":"UpdateFunctionConfiguration20150331v2",
            "requestParameters":{{"functionName":"f","layers":{layers}}}}}"#
        )
    };
    assert!(layers.matches(&event(&update(
        r#"["arn:aws:lambda:us-east-1:111122223333:layer:x:1"]"#
    ))));
    assert!(!layers.matches(&event(&update("null"))));
    assert!(!layers.matches(&event(&update("[]"))));
}

#[test]
fn fieldref_compares_two_fields() {
    let rule = bundled_rule("aws_update_login_profile.yml");
    let call = |arn: &str, user: &str| {
        format!(
            r#"{{"eventTime":"t","eventSource":"iam.amazonaws.com","eventName":"UpdateLoginProfile",
            "userIdentity":{{"arn":"{arn}"}},"requestParameters":{{"userName":"{user}"}}}}"#
        )
    };
    // Sigma's fieldref is equality: an ARN never equals a user name, so every call fires.
    assert!(rule.matches(&event(&call(
        "arn:aws:iam::111122223333:user/alice",
        "alice"
    ))));
    assert!(!rule.matches(&event(&call("alice", "ALICE"))));
}

#[test]
fn vm_export_fires_only_without_an_error() {
    let rule = bundled_rule("aws_ec2_vm_export_failure.yml");
    let ok = r#"{"eventTime":"t","eventSource":"ec2.amazonaws.com","eventName":"CreateInstanceExportTask","responseElements":{"exportTask":{"state":"active"}}}"#;
    let error = r#"{"eventTime":"t","eventSource":"ec2.amazonaws.com","eventName":"CreateInstanceExportTask","errorCode":"Client.AuthFailure"}"#;
    let failure = r#"{"eventTime":"t","eventSource":"ec2.amazonaws.com","eventName":"CreateInstanceExportTask","responseElements":{"exportTask":{"state":"Failure"}}}"#;
    assert!(rule.matches(&event(ok)));
    assert!(!rule.matches(&event(error)));
    assert!(!rule.matches(&event(failure)));
}

#[test]
fn getsignintoken_filter_treats_dollar_braces_literally() {
    let rule = bundled_rule("aws_console_getsignintoken.yml");
    let call = |agent: &str| {
        format!(
            r#"{{"eventTime":"t","eventSource":"signin.amazonaws.com","eventName":"GetSigninToken","userAgent":"{agent}"}}"#
        )
    };
    assert!(!rule.matches(&event(&call(
        "Jersey/${project.version} (HttpUrlConnection 1.8)"
    ))));
    assert!(rule.matches(&event(&call("python-requests/2.31"))));
}

// ---------------------------------------------------------------------------------------------
// Real data: every loaded rule over the stratus-red-team and invictus-ir logs.

#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, rename = "Records")]
    records: Vec<Event<'a>>,
}

fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        text
    } else {
        String::from_utf8(bytes).unwrap()
    }
}

#[test]
fn hits_per_rule_on_the_real_data() {
    let (rules, _) = sigma::bundled();
    let mut ruleset = Ruleset::new();
    for rule in rules {
        ruleset.add(rule);
    }
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut hits: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
    let mut events = 0;
    let mut files = 0;
    for dataset in ["stratus-red-team", "invictus-ir"] {
        let mut paths: Vec<_> = std::fs::read_dir(data.join(dataset))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.to_string_lossy();
                name.ends_with(".json") || name.ends_with(".json.gz")
            })
            .collect();
        paths.sort();
        for path in paths {
            files += 1;
            let text = read_text(&path);
            let records: Vec<Event<'_>> = if text.trim_start().starts_with('[') {
                serde_json::from_str(&text).unwrap()
            } else {
                serde_json::from_str::<Envelope<'_>>(&text).unwrap().records
            };
            let name = path.file_name().unwrap().to_string_lossy();
            let short = format!(
                "{dataset}/{}",
                name.trim_end_matches(".gz").trim_end_matches(".json")
            );
            for event in &records {
                events += 1;
                for rule in ruleset.matching(event) {
                    *hits
                        .entry((rule.title().to_string(), rule.id().to_string()))
                        .or_default()
                        .entry(short.clone())
                        .or_default() += 1;
                }
            }
        }
    }
    assert!(files >= 80, "{files} files");
    assert!(events >= 3000, "{events} events");
    let mut report = format!("{files} files, {events} events\n");
    for rule in ruleset.rules() {
        let key = (rule.title().to_string(), rule.id().to_string());
        hits.entry(key).or_default();
    }
    for ((title, id), per_file) in &hits {
        let total: usize = per_file.values().sum();
        writeln!(report, "\n{title} [{id}]: {total}").unwrap();
        for (file, n) in per_file {
            writeln!(report, "    {n:>4} {file}").unwrap();
        }
    }
    // The attacks the data was recorded for are found.
    let count = |title: &str| {
        hits.iter()
            .find(|((t, _), _)| t == title)
            .map_or(0, |(_, f)| f.values().sum::<usize>())
    };
    assert!(count("AWS CloudTrail Important Change") >= 2);
    assert!(count("AWS Successful Console Login Without MFA") >= 1);
    assert!(count("AWS IAM Backdoor Users Keys") >= 1);
    insta::assert_snapshot!("real_data_hits", report);
}

// ---------------------------------------------------------------------------------------------
// User rules: load_dir and lint, with a precise error per bad file.

#[test]
fn lint_names_the_file_the_line_and_the_problem() {
    let results = sigma::lint("tests/data/sigma");
    let mut report = String::new();
    for r in &results {
        if r.is_ok() {
            writeln!(
                report,
                "ok   {} [{}] {}",
                r.file,
                r.id.as_deref().unwrap_or("-"),
                r.title.as_deref().unwrap_or("-")
            )
            .unwrap();
        } else {
            writeln!(
                report,
                "FAIL {} [{}]",
                r.file,
                r.id.as_deref().unwrap_or("-")
            )
            .unwrap();
            for p in &r.problems {
                writeln!(report, "     {p}").unwrap();
            }
        }
    }
    assert_eq!(results.len(), 10);
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 2);
    insta::assert_snapshot!("lint_fixtures", report);
}

#[test]
fn load_dir_keeps_the_good_rules_and_rejects_the_rest() {
    let (rules, rejected) = sigma::load_dir("tests/data/sigma");
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].title(), "MFA device deactivated");
    assert_eq!(
        rules[0].event_names(),
        Some(vec![
            "DeactivateMFADevice".to_string(),
            "DeleteVirtualMFADevice".to_string()
        ])
    );
    let by_file: BTreeMap<String, String> = rejected
        .iter()
        .map(|r| {
            (
                r.file.trim_start_matches("tests/data/sigma/").to_string(),
                r.reason.clone(),
            )
        })
        .collect();
    assert_eq!(by_file.len(), 9);
    assert_eq!(
        by_file["good_duplicate_id.yml"],
        "duplicate id: already loaded from tests/data/sigma/good.yml"
    );
    assert!(
        by_file["bad_yaml.yml"].starts_with("line 11: invalid YAML"),
        "{by_file:#?}"
    );
    assert!(by_file["unknown_modifier.yml"].contains(
        "line 11: search `selection`, `eventName|startswithh`: unknown modifier `startswithh`"
    ));
    let deactivate =
        r#"{"eventTime":"t","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice"}"#;
    let failed = r#"{"eventTime":"t","eventSource":"iam.amazonaws.com","eventName":"DeactivateMFADevice","errorCode":"AccessDenied"}"#;
    assert!(rules[0].matches(&event(deactivate)));
    assert!(!rules[0].matches(&event(failed)));
    let (none, missing) = sigma::load_dir("tests/data/no-such-dir");
    assert!(none.is_empty());
    assert_eq!(missing.len(), 1);
    assert!(
        missing[0].reason.starts_with("cannot read directory"),
        "{missing:?}"
    );
}
