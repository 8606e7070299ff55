//! Delivery: a webhook POST (Slack-compatible JSON), an e-mail over SMTP, or an Amazon SNS
//! Publish through [`SnsPublisher`] (the host implements it with the AWS SDK; this crate has
//! none). Secrets (webhook URLs, SMTP passwords) are resolved here, at send time, and never
//! appear in an error message.

use std::time::Duration;

use crate::alert::Alert;
use crate::config::{Destination, DestinationKind, EmailDestination, Secret, SnsDestination};

/// How long one delivery may take.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// Publishes to Amazon SNS (the only AWS write phiguard makes).
pub trait SnsPublisher {
    /// Publishes `message` with `subject` to the destination's topic; returns the message id.
    fn publish(&self, to: &SnsDestination, subject: &str, message: &str) -> Result<String, String>;
}

/// Looks secrets up (the CLI: environment variables).
pub trait Secrets {
    /// The value of the variable `name`.
    fn get(&self, name: &str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> Secrets for F {
    fn get(&self, name: &str) -> Option<String> {
        self(name)
    }
}

fn resolve(secret: &Secret, secrets: &dyn Secrets, what: &str) -> Result<String, String> {
    match secret {
        Secret::Inline(v) => Ok(v.clone()),
        Secret::Env(name) => secrets
            .get(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| format!("the environment variable `{name}` ({what}) is not set")),
    }
}

/// Removes `secret` (and its path part, for URLs) from `text`.
fn redact(text: &str, secret: &str) -> String {
    let mut out = text.replace(secret, "<redacted>");
    if let Some(rest) = secret.split_once("://").map(|(_, r)| r)
        && let Some((_, path)) = rest.split_once('/')
        && path.len() > 1
    {
        out = out.replace(path, "<redacted>");
    }
    out
}

/// Sends `alert` to `to`. Returns a short description of the success (`HTTP 200`, the SNS
/// message id), or why it failed, without secrets.
pub fn send(
    to: &Destination,
    alert: &Alert,
    secrets: &dyn Secrets,
    sns: Option<&dyn SnsPublisher>,
) -> Result<String, String> {
    match &to.kind {
        DestinationKind::Webhook { url } => {
            let url = resolve(url, secrets, "the webhook URL")?;
            webhook(&url, alert).map_err(|e| redact(&e, &url))
        }
        DestinationKind::Email(email) => {
            let password = match &email.password {
                Some(p) => Some(resolve(p, secrets, "the SMTP password")?),
                None => None,
            };
            let result = smtp(email, password.as_deref(), alert);
            match password {
                Some(p) => result.map_err(|e| redact(&e, &p)),
                None => result,
            }
        }
        DestinationKind::Sns(dest) => match sns {
            Some(publisher) => publisher
                .publish(dest, &alert.sns_subject(), &alert.text)
                .map(|id| format!("message id {id}")),
            None => Err(
                "this phiguard was built without AWS support (feature `aws`): cannot publish to SNS"
                    .into(),
            ),
        },
    }
}

fn webhook(url: &str, alert: &Alert) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let body = alert.webhook_json().to_string();
    let response = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header(
            "User-Agent",
            concat!("phiguard/", env!("CARGO_PKG_VERSION")),
        )
        .send(body.as_str())
        .map_err(|e| format!("webhook request failed: {e}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(format!("HTTP {}", status.as_u16()))
    } else {
        Err(format!("the webhook answered HTTP {}", status.as_u16()))
    }
}

fn smtp(to: &EmailDestination, password: Option<&str>, alert: &Alert) -> Result<String, String> {
    use lettre::message::header::ContentType;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::transport::smtp::extension::ClientId;
    use lettre::{Message, SmtpTransport, Transport};

    let mut builder = Message::builder()
        .from(
            to.from
                .parse()
                .map_err(|e| format!("sender `{}`: {e}", to.from))?,
        )
        .subject(alert.title.clone())
        .header(ContentType::TEXT_PLAIN);
    for r in &to.to {
        builder = builder.to(r.parse().map_err(|e| format!("recipient `{r}`: {e}"))?);
    }
    let message = builder
        .body(alert.text.clone())
        .map_err(|e| format!("cannot build the e-mail: {e}"))?;
    let transport = if to.starttls {
        SmtpTransport::starttls_relay(&to.host)
            .map_err(|e| format!("SMTP server `{}`: {e}", to.host))?
    } else {
        SmtpTransport::builder_dangerous(&to.host)
    };
    let mut transport = transport
        .port(to.port)
        .timeout(Some(TIMEOUT))
        .hello_name(ClientId::Domain("phiguard".into()));
    if let Some(user) = &to.username {
        transport = transport.credentials(Credentials::new(
            user.clone(),
            password.unwrap_or_default().into(),
        ));
    }
    let response = transport
        .build()
        .send(&message)
        .map_err(|e| format!("SMTP delivery to `{}:{}` failed: {e}", to.host, to.port))?;
    Ok(format!("SMTP {} to {}", response.code(), to.to.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_the_url_and_its_path() {
        let url = "https://hooks.example.invalid/services/T000/B000/XXXXSECRET";
        let text = format!("error for {url}: and /services/T000/B000/XXXXSECRET");
        let r = redact(&text, url);
        assert!(!r.contains("XXXXSECRET"), "{r}");
        assert!(r.contains("<redacted>"));
    }

    #[test]
    fn a_missing_secret_is_an_error_naming_the_variable_only() {
        let d = Destination {
            name: "hook".into(),
            kind: DestinationKind::Webhook {
                url: Secret::Env("NOPE".into()),
            },
        };
        let none = |_: &str| None;
        let e = send(
            &d,
            &crate::alert::test(jiff::Timestamp::UNIX_EPOCH),
            &none,
            None,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "the environment variable `NOPE` (the webhook URL) is not set"
        );
    }
}
