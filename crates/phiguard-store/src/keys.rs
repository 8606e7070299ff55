//! The Ed25519 key that signs audit checkpoints. It lives in a file outside the database
//! (created with mode 0600), so someone who can rewrite the database cannot forge
//! checkpoints. Verifiers need only the public key.

use std::fs;
use std::io::Write;
use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::{StoreError, sha256_hex};

const SECRET_TAG: &str = "phiguard-ed25519-secret-v1";
const PUBLIC_TAG: &str = "phiguard-ed25519-public-v1";

/// A checkpoint signing key.
#[derive(Debug, Clone)]
pub struct Key {
    signing: SigningKey,
}

/// A public key that verifies checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl Key {
    /// A key from a 32-byte seed.
    pub fn from_seed(seed: [u8; 32]) -> Key {
        Key {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// A fresh random key.
    pub fn generate() -> Result<Key, StoreError> {
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| StoreError::Key {
            path: String::new(),
            message: format!("no randomness available: {e}"),
        })?;
        Ok(Key::from_seed(seed))
    }

    /// Loads a key file.
    pub fn load(path: &Path) -> Result<Key, StoreError> {
        let shown = path.display().to_string();
        let text = fs::read_to_string(path).map_err(|e| StoreError::Key {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        let bad = |message: &str| StoreError::Key {
            path: shown.clone(),
            message: message.to_string(),
        };
        let hex_seed = text
            .trim()
            .strip_prefix(SECRET_TAG)
            .ok_or_else(|| {
                bad(&format!(
                    "not a phiguard signing key (expected `{SECRET_TAG} <hex>`)"
                ))
            })?
            .trim();
        let bytes = hex::decode(hex_seed).map_err(|_| bad("the key is not hexadecimal"))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| bad("the key is not 32 bytes"))?;
        Ok(Key::from_seed(seed))
    }

    /// Loads the key file, creating it (mode 0600, parent directories too) if missing.
    pub fn load_or_create(path: &Path) -> Result<Key, StoreError> {
        if path.exists() {
            return Key::load(path);
        }
        let key = Key::generate()?;
        key.save_new(path)?;
        Ok(key)
    }

    /// Writes the key to a new file (refuses to overwrite).
    pub fn save_new(&self, path: &Path) -> Result<(), StoreError> {
        let io = |source: std::io::Error| StoreError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io)?;
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io)?;
        writeln!(
            file,
            "{SECRET_TAG} {}",
            hex::encode(self.signing.to_bytes())
        )
        .and_then(|()| file.sync_all())
        .map_err(io)
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey {
            key: self.signing.verifying_key(),
        }
    }

    /// Signs `message`; the signature in hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }
}

impl PublicKey {
    /// Key id: the first 16 hex digits of SHA-256 of the public key bytes.
    pub fn id(&self) -> String {
        sha256_hex(self.key.as_bytes())[..16].to_string()
    }

    /// Hex of the 32 public key bytes.
    pub fn to_hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    /// The one-line file form: `phiguard-ed25519-public-v1 <hex>`.
    pub fn to_line(&self) -> String {
        format!("{PUBLIC_TAG} {}", self.to_hex())
    }

    /// Parses the hex of the key bytes, or the one-line file form.
    pub fn parse(text: &str) -> Option<PublicKey> {
        let text = text.trim();
        let text = text.strip_prefix(PUBLIC_TAG).unwrap_or(text).trim();
        let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes)
            .ok()
            .map(|key| PublicKey { key })
    }

    /// Whether `signature` (hex) signs `message`.
    pub fn verify(&self, message: &[u8], signature: &str) -> bool {
        let Ok(bytes) = hex::decode(signature) else {
            return false;
        };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes) else {
            return false;
        };
        self.key
            .verify(message, &Signature::from_bytes(&bytes))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_files_and_sign() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/key");
        let key = Key::load_or_create(&path).unwrap();
        let again = Key::load_or_create(&path).unwrap();
        assert_eq!(key.public(), again.public());
        let sig = key.sign(b"hello");
        assert!(key.public().verify(b"hello", &sig));
        assert!(!key.public().verify(b"hellO", &sig));
        assert_eq!(
            PublicKey::parse(&key.public().to_line()),
            Some(key.public())
        );
        assert!(key.save_new(&path).is_err(), "never overwrites a key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::write(dir.path().join("bad"), "nonsense").unwrap();
        let err = Key::load(&dir.path().join("bad")).unwrap_err();
        assert!(
            err.to_string().contains("not a phiguard signing key"),
            "{err}"
        );
    }
}
