//! AWS KMS controls: customer managed keys rotate and are not about to be deleted.

pub mod kms_cmk_rotation_enabled;
pub mod kms_key_not_pending_deletion;

#[cfg(test)]
pub(crate) mod fixtures {
    //! KMS key builders.

    use phiguard_model::Resource;
    use phiguard_model::kinds::KmsKey;

    use crate::testkit::{ACCOUNT, REGION, resource};

    /// An enabled customer managed symmetric key with rotation on, edited by `edit`.
    pub fn key(id: &str, edit: impl FnOnce(&mut KmsKey)) -> Resource {
        let mut key = KmsKey {
            key_manager: "CUSTOMER".into(),
            key_state: "Enabled".into(),
            key_spec: "SYMMETRIC_DEFAULT".into(),
            key_usage: "ENCRYPT_DECRYPT".into(),
            origin: "AWS_KMS".into(),
            rotation_enabled: Some(true),
            deletion_date: None,
            aliases: vec![format!("alias/{id}")],
        };
        edit(&mut key);
        resource(&format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"), key).named(id)
    }
}
