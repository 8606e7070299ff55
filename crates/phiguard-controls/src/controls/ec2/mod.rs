//! Amazon EC2 and EBS controls: volumes, snapshots, instances, security groups.

pub mod ebs_encryption_by_default;
pub mod ebs_snapshot_not_public;
pub mod ebs_volume_encrypted;
pub mod ec2_enclave_host_not_exposed;
pub mod ec2_imdsv2_required;
pub mod ec2_instance_in_vpc;
pub mod ec2_instance_no_public_ip;
pub mod ec2_instance_not_stale;
pub mod ec2_instance_profile_attached;
pub mod security_group_authorized_ports_only;
pub mod security_group_no_open_admin_ports;
pub mod vpc_default_security_group_closed;
