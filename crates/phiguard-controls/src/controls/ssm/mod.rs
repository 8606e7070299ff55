//! AWS Systems Manager controls: EC2 instances under management, patched and configured;
//! documents not public.

pub mod ssm_document_not_public;
pub mod ssm_ec2_instance_managed;
pub mod ssm_managed_instance_association_compliant;
pub mod ssm_managed_instance_patch_compliant;

#[cfg(test)]
pub(crate) mod fixtures {
    //! Managed nodes and EC2 instances for the tests.

    use phiguard_model::Resource;
    use phiguard_model::kinds::{Ec2Instance, SsmManagedInstance};

    use crate::testkit::resource;

    /// A managed node for instance `id`.
    pub fn node(id: &str, edit: impl FnOnce(&mut SsmManagedInstance)) -> Resource {
        let mut node = SsmManagedInstance {
            instance_id: id.into(),
            ping_status: "Online".into(),
            platform_type: "Linux".into(),
            patch_compliance: Some("COMPLIANT".into()),
            association_compliance: None,
            non_compliant: Vec::new(),
        };
        edit(&mut node);
        resource(
            &format!("arn:aws:ssm:us-east-1:111122223333:managed-instance/{id}"),
            node,
        )
        .named(id)
    }

    /// An EC2 instance `id` in `state`.
    pub fn instance(id: &str, state: &str) -> Resource {
        resource(
            &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
            Ec2Instance {
                state: state.into(),
                ..Ec2Instance::default()
            },
        )
        .named(id)
    }
}
