//! A small IAM evaluator, enough to check the generated policies: explicit deny wins over
//! allow; `Action`/`NotAction` with wildcards; `Resource`/`NotResource` with wildcards and
//! `${aws:username}`; the condition operators the generators emit (`Bool`, `StringEquals`,
//! `StringNotEquals`, `ArnLike`, `ArnNotLike`, `NumericLessThan`, `NumericGreaterThan`, each
//! optionally `...IfExists`). Principals are not matched: a statement applies to the request
//! as if the caller were in scope. Any other operator is an error, never a guess.

use std::collections::BTreeMap;

use phiguard_model::policy::{Effect, PolicyDocument, Statement, resource_matches};

/// A request: the action, the resource, and the request context (condition keys).
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `s3:GetObject`.
    pub action: String,
    /// The resource ARN; `*` when the action has no resource.
    pub resource: String,
    /// Condition keys (matched case-insensitively) and their values.
    pub context: BTreeMap<String, String>,
}

impl Request {
    /// A request for `action` on every resource (`*`), with an empty context.
    pub fn new(action: &str) -> Request {
        Request {
            action: action.to_string(),
            resource: "*".to_string(),
            context: BTreeMap::new(),
        }
    }

    /// Sets the resource ARN.
    #[must_use]
    pub fn on(mut self, resource: &str) -> Request {
        self.resource = resource.to_string();
        self
    }

    /// Adds a condition key to the context.
    #[must_use]
    pub fn with(mut self, key: &str, value: &str) -> Request {
        self.context
            .insert(key.to_ascii_lowercase(), value.to_string());
        self
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.context
            .get(&key.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// An Allow statement matched and no Deny did.
    Allow,
    /// A Deny statement matched.
    ExplicitDeny,
    /// Nothing matched.
    ImplicitDeny,
}

/// Why a policy could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// A condition operator this evaluator does not implement.
    #[error("unsupported condition operator `{0}`")]
    Operator(String),
}

/// Evaluates `request` against policies that apply together (one identity's policies, or
/// the SCPs attached at one level): explicit deny wins, then any allow.
pub fn evaluate(docs: &[PolicyDocument], request: &Request) -> Result<Decision, EvalError> {
    let mut allowed = false;
    for statement in docs.iter().flat_map(|d| &d.statements) {
        if matches(statement, request)? {
            match statement.effect {
                Effect::Deny => return Ok(Decision::ExplicitDeny),
                Effect::Allow => allowed = true,
            }
        }
    }
    Ok(if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    })
}

/// Evaluates deny-only SCPs the way they are meant to be attached: next to AWS's
/// `FullAWSAccess` policy, so anything not denied is allowed.
pub fn evaluate_with_full_access(
    docs: &[PolicyDocument],
    request: &Request,
) -> Result<Decision, EvalError> {
    Ok(match evaluate(docs, request)? {
        Decision::ExplicitDeny => Decision::ExplicitDeny,
        Decision::Allow | Decision::ImplicitDeny => Decision::Allow,
    })
}

fn matches(statement: &Statement, request: &Request) -> Result<bool, EvalError> {
    if !statement.covers_action(&request.action) {
        return Ok(false);
    }
    let resource = |pattern: &String| {
        let pattern = match request.get("aws:username") {
            Some(user) => pattern.replace("${aws:username}", user),
            None => pattern.clone(),
        };
        resource_matches(&pattern, &request.resource)
    };
    if !statement.resource.is_empty() && !statement.resource.iter().any(resource) {
        return Ok(false);
    }
    if statement.not_resource.iter().any(resource) {
        return Ok(false);
    }
    for (operator, keys) in &statement.condition {
        for (key, values) in keys {
            if !condition(operator, request.get(key), &values.0)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

fn condition(operator: &str, actual: Option<&str>, values: &[String]) -> Result<bool, EvalError> {
    let (base, if_exists) = match operator.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (operator, false),
    };
    let negated = matches!(base, "StringNotEquals" | "ArnNotLike");
    let test: fn(&str, &str) -> bool = match base {
        "Bool" => |v, a| v.eq_ignore_ascii_case(a),
        "StringEquals" | "StringNotEquals" => |v, a| v == a,
        "ArnLike" | "ArnNotLike" => |v, a| resource_matches(v, a),
        "NumericLessThan" => |v, a| numeric(a, v).is_some_and(|(a, v)| a < v),
        "NumericGreaterThan" => |v, a| numeric(a, v).is_some_and(|(a, v)| a > v),
        _ => return Err(EvalError::Operator(operator.to_string())),
    };
    let Some(actual) = actual else {
        // A missing key matches `...IfExists` and negated operators, nothing else.
        return Ok(if_exists || negated);
    };
    let any = values.iter().any(|v| test(v, actual));
    Ok(if negated { !any } else { any })
}

fn numeric(actual: &str, value: &str) -> Option<(f64, f64)> {
    Some((actual.parse().ok()?, value.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> PolicyDocument {
        PolicyDocument::from_json(json).unwrap()
    }

    #[test]
    fn deny_wins_and_nothing_matching_is_implicit() {
        let d = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
                {"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}"#,
        );
        let eval = |a| evaluate(std::slice::from_ref(&d), &Request::new(a)).unwrap();
        assert_eq!(eval("s3:GetObject"), Decision::Allow);
        assert_eq!(eval("s3:DeleteObject"), Decision::ExplicitDeny);
        assert_eq!(eval("ec2:RunInstances"), Decision::ImplicitDeny);
    }

    #[test]
    fn operators_and_missing_keys() {
        let v = |s: &str| vec![s.to_string()];
        assert!(condition("Bool", Some("FALSE"), &v("false")).unwrap());
        assert!(!condition("Bool", None, &v("false")).unwrap());
        assert!(condition("BoolIfExists", None, &v("false")).unwrap());
        assert!(condition("NumericLessThan", Some("1.1"), &v("1.2")).unwrap());
        assert!(!condition("NumericLessThan", Some("1.2"), &v("1.2")).unwrap());
        assert!(!condition("NumericLessThan", Some("x"), &v("1.2")).unwrap());
        assert!(condition("NumericGreaterThan", Some("3601"), &v("3600")).unwrap());
        assert!(!condition("NumericGreaterThan", None, &v("3600")).unwrap());
        let regions = vec!["eu-west-1".to_string(), "eu-central-1".to_string()];
        assert!(condition("StringNotEquals", Some("us-east-1"), &regions).unwrap());
        assert!(!condition("StringNotEquals", Some("eu-west-1"), &regions).unwrap());
        assert!(condition("StringNotEquals", None, &regions).unwrap());
        let role = v("arn:aws:iam::*:role/Breakglass");
        assert!(
            !condition(
                "ArnNotLike",
                Some("arn:aws:iam::111122223333:role/Breakglass"),
                &role
            )
            .unwrap()
        );
        assert!(
            condition(
                "ArnNotLike",
                Some("arn:aws:iam::111122223333:role/Dev"),
                &role
            )
            .unwrap()
        );
        assert!(
            condition(
                "ArnLike",
                Some("arn:aws:iam::111122223333:role/Breakglass"),
                &role
            )
            .unwrap()
        );
        assert_eq!(
            condition("IpAddress", Some("10.0.0.1"), &v("10.0.0.0/8")),
            Err(EvalError::Operator("IpAddress".into()))
        );
    }

    #[test]
    fn resources_and_username() {
        let d = doc(
            r#"{"Statement":{"Effect":"Allow","Action":"iam:CreateVirtualMFADevice","Resource":"arn:aws:iam::*:mfa/${aws:username}"}}"#,
        );
        let req =
            Request::new("iam:CreateVirtualMFADevice").on("arn:aws:iam::111122223333:mfa/alice");
        let docs = std::slice::from_ref(&d);
        assert_eq!(
            evaluate(docs, &req.clone().with("aws:username", "alice")).unwrap(),
            Decision::Allow
        );
        assert_eq!(
            evaluate(docs, &req.with("aws:username", "bob")).unwrap(),
            Decision::ImplicitDeny
        );
    }
}
