//! Amazon EFS controls: encryption at rest and automatic backups.

pub mod efs_automatic_backups;
pub mod efs_encrypted;

/// An EFS file system in the fixture account, edited by `edit`; starts compliant.
#[cfg(test)]
pub(crate) fn file_system(
    id: &str,
    edit: impl FnOnce(&mut phiguard_model::kinds::EfsFileSystem),
) -> phiguard_model::Resource {
    let mut fs = phiguard_model::kinds::EfsFileSystem {
        encrypted: true,
        kms_key_id: Some(
            "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-0000-4000-8000-000000000012".into(),
        ),
        backup_policy_enabled: true,
        life_cycle_state: "available".into(),
    };
    edit(&mut fs);
    crate::testkit::resource(
        &format!("arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/{id}"),
        fs,
    )
    .named(id)
}
