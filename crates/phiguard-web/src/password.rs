//! Password hashing: argon2id (PHC string format, random salt).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;

/// How expensive hashing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
    Standard,
    /// Cheap parameters for tests only (the hash records its parameters, so verification
    /// is unaffected).
    Test,
}

fn argon2(cost: Cost) -> Result<Argon2<'static>, String> {
    let params = match cost {
        Cost::Standard => Params::new(19 * 1024, 2, 1, None),
        Cost::Test => Params::new(256, 1, 1, None),
    }
    .map_err(|e| e.to_string())?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks a new password against the policy.
pub fn check_policy(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_LENGTH {
        return Err(format!("a password needs at least {MIN_LENGTH} characters"));
    }
    if password.trim().is_empty() {
        return Err("a password cannot be blank".into());
    }
    Ok(())
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str, cost: Cost) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2(cost)?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches a stored hash (a malformed hash matches nothing).
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    if parsed.algorithm.as_str() != "argon2id" {
        return false;
    }
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// A hash to verify against when the user does not exist, so that timing does not tell
/// which user names exist.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Ii2c7JX3s0U7U8c0x5gGm3Kc1wz4m1mX3aYxZ9rRk2A"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery", Cost::Test).unwrap();
        let b = hash("correct horse battery", Cost::Test).unwrap();
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "salts differ");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("anything", "not a hash"));
        assert!(!verify("anything", dummy_hash()));
    }

    #[test]
    fn standard_cost_is_owasp_argon2id() {
        let h = hash("correct horse battery", Cost::Standard).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
    }

    #[test]
    fn policy_wants_twelve_characters() {
        assert!(check_policy("short").is_err());
        assert!(check_policy("            ").is_err());
        assert!(check_policy("twelve chars").is_ok());
    }
}
