//! The catalogue: every built-in control, in report order. Registering a control is one line
//! here; the invariants test fails for a control file that is not registered.

use crate::control::Control;
use crate::controls;

/// Every built-in control, in report order (grouped by seed area).
pub static CATALOGUE: &[&Control] = &[
    // --- BAA, eligible services, MFA & IAM, RBAC, third parties, risk (governance & identity) ---
    &controls::iam::root_account_mfa_enabled::CONTROL,
    // --- encryption and network exposure ---
    // --- logging, monitoring, backups ---
    &controls::s3::s3_bucket_versioning_enabled::CONTROL,
];

/// Finds a control by id or slug, case-insensitively.
pub fn find(name: &str) -> Option<&'static Control> {
    let name = name.trim();
    CATALOGUE
        .iter()
        .copied()
        .find(|c| c.id().eq_ignore_ascii_case(name) || c.slug().eq_ignore_ascii_case(name))
}

/// The id or slug closest to an unknown name, for "did you mean".
pub fn suggest(name: &str) -> Option<&'static str> {
    let name = name.trim().to_ascii_lowercase();
    CATALOGUE
        .iter()
        .flat_map(|c| [c.id(), c.slug()])
        .map(|candidate| {
            (
                edit_distance(&name, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(d, candidate)| *d <= (candidate.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_id_or_slug_and_suggests() {
        assert_eq!(
            find("s3-bucket-versioning-enabled").map(|c| c.id()),
            find("S3-007").map(|c| c.id())
        );
        assert!(find("nope").is_none());
        assert_eq!(
            suggest("s3-bucket-versioning-enable"),
            Some("s3-bucket-versioning-enabled")
        );
        assert_eq!(suggest("zzzzzzzzzzzzzzzzzz"), None);
    }
}
