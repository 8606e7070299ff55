//! Reminders: what to send or do, and when. `phiguard reminders due` lists them; delivery
//! (e-mail, webhooks) comes later.

use jiff::civil::Date;
use serde::Serialize;

use crate::StoreError;
use crate::baa::{self, Agreement};
use crate::store::Store;

/// One thing to send or do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reminder {
    /// When it is (or was) due.
    pub due: Date,
    /// What kind: `agreement_renewal`, `questionnaire_reminder`, ...
    pub kind: String,
    /// The record it is about.
    pub subject: String,
    /// What to say.
    pub message: String,
}

impl Reminder {
    /// A reminder.
    pub fn new(due: Date, kind: &str, subject: &str, message: String) -> Reminder {
        Reminder {
            due,
            kind: kind.to_string(),
            subject: subject.to_string(),
            message,
        }
    }
}

/// Every reminder due on `today` or within `within` days, overdue ones first.
pub fn due(store: &mut Store, today: Date, within: i64) -> Result<Vec<Reminder>, StoreError> {
    let mut out = Vec::new();
    for a in store.list::<Agreement>()? {
        out.extend(baa::reminders(&a, today, within));
    }
    out.extend(crate::questionnaire::reminders(store, today, within)?);
    for a in store.list::<crate::risk::Assessment>()? {
        out.extend(crate::risk::assessment_reminders(&a, today, within));
    }
    for r in store.list::<crate::risk::Risk>()? {
        out.extend(crate::risk::risk_reminders(&r, today, within));
    }
    for e in store.list::<crate::evidence::Evidence>()? {
        if let Some(until) = e.record.valid_until {
            let horizon = today
                .checked_add(jiff::Span::new().days(within))
                .unwrap_or(today);
            if until <= horizon {
                out.push(Reminder::new(
                    until,
                    if until < today {
                        "evidence_expired"
                    } else {
                        "evidence_expiring"
                    },
                    &e.id,
                    format!(
                        "evidence `{}` is valid until {until}: collect a new revision",
                        e.record.title
                    ),
                ));
            }
        }
    }
    out.sort();
    Ok(out)
}
