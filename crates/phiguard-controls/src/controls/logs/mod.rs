//! CloudWatch Logs controls: log groups keep their events six years and are encrypted with KMS.

pub mod log_group_kms_encrypted;
pub mod log_group_retention_6_years;

#[cfg(test)]
pub(crate) mod fixtures {
    //! Log group builders.

    use phiguard_model::Resource;
    use phiguard_model::kinds::LogGroup;

    use crate::testkit::{ACCOUNT, REGION, resource};

    /// A log group named `name` in [`REGION`], edited by `edit`.
    pub fn log_group(name: &str, edit: impl FnOnce(&mut LogGroup)) -> Resource {
        let mut group = LogGroup::default();
        edit(&mut group);
        resource(
            &format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"),
            group,
        )
        .named(name)
    }
}
