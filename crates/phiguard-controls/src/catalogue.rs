//! The catalogue: every built-in control, in report order. Registering a control is one line
//! here; the invariants test fails for a control file that is not registered.

use crate::control::Control;
use crate::controls;

/// Every built-in control, in report order (grouped by seed area).
pub static CATALOGUE: &[&Control] = &[
    // --- BAA, eligible services, MFA & IAM, RBAC, third parties, risk (governance & identity) ---
    &controls::iam::root_account_mfa_enabled::CONTROL,
    &controls::artifact::aws_baa_accepted::CONTROL,
    &controls::records::baa_required_clauses::CONTROL,
    &controls::phi::phi_only_in_hipaa_eligible_services::CONTROL,
    &controls::organizations::scp_restricts_regions::CONTROL,
    &controls::iam::iam_root_account_hardware_mfa::CONTROL,
    &controls::iam::iam_root_account_no_access_keys::CONTROL,
    &controls::iam::iam_root_account_not_used::CONTROL,
    &controls::iam::iam_user_console_mfa::CONTROL,
    &controls::iam::iam_phi_access_requires_mfa::CONTROL,
    &controls::iam::iam_access_keys_rotated_90_days::CONTROL,
    &controls::iam::iam_unused_credentials_disabled::CONTROL,
    &controls::iam::iam_password_policy_strong::CONTROL,
    &controls::secretsmanager::secretsmanager_rotation_enabled::CONTROL,
    // Secrets' encryption sits next to their rotation rather than in the encryption section.
    &controls::secretsmanager::secretsmanager_uses_customer_managed_key::CONTROL,
    &controls::iam::iam_no_admin_star_policies::CONTROL,
    &controls::iam::iam_no_service_wildcard_actions::CONTROL,
    &controls::iam::iam_user_permissions_via_groups::CONTROL,
    &controls::iam::iam_no_inline_policies::CONTROL,
    &controls::iam::iam_no_kms_decrypt_on_all_keys::CONTROL,
    &controls::lambda::lambda_function_not_public::CONTROL,
    &controls::iam::iam_third_party_role_requires_external_id::CONTROL,
    &controls::accessanalyzer::access_analyzer_enabled::CONTROL,
    &controls::accessanalyzer::access_analyzer_no_external_access_to_phi::CONTROL,
    &controls::iam::iam_no_wildcard_marketplace_subscribe::CONTROL,
    &controls::risk::risk_assessment_current::CONTROL,
    &controls::records::vendor_phi_baa_and_assessment::CONTROL,
    &controls::records::vendor_findings_not_overdue::CONTROL,
    &controls::macie::macie_phi_buckets_inspected::CONTROL,
    // --- encryption and network exposure ---
    &controls::s3::s3_bucket_default_encryption::CONTROL,
    &controls::s3::s3_phi_bucket_sse_kms::CONTROL,
    &controls::s3::s3_bucket_tls_only::CONTROL,
    &controls::ec2::ebs_volume_encrypted::CONTROL,
    &controls::ec2::ebs_encryption_by_default::CONTROL,
    &controls::rds::rds_storage_encrypted::CONTROL,
    &controls::rds::rds_snapshot_encrypted::CONTROL,
    &controls::dynamodb::dynamodb_table_kms_encrypted::CONTROL,
    &controls::elb::elbv2_listener_tls_1_2::CONTROL,
    &controls::cloudfront::cloudfront_viewer_tls_1_2::CONTROL,
    &controls::rds::rds_tls_enforced::CONTROL,
    &controls::opensearch::opensearch_encrypted_at_rest::CONTROL,
    &controls::opensearch::opensearch_node_to_node_encryption::CONTROL,
    &controls::opensearch::opensearch_https_tls_1_2::CONTROL,
    &controls::redshift::redshift_encrypted::CONTROL,
    &controls::redshift::redshift_require_tls::CONTROL,
    &controls::apigateway::apigateway_domain_tls_1_2::CONTROL,
    &controls::apigateway::apigateway_stage_client_certificate::CONTROL,
    &controls::efs::efs_encrypted::CONTROL,
    &controls::elb::classic_elb_tls_listeners_only::CONTROL,
    &controls::elb::classic_elb_tls_1_2_policy::CONTROL,
    &controls::elb::classic_elb_acm_certificate::CONTROL,
    &controls::s3::s3_account_public_access_block::CONTROL,
    &controls::s3::s3_bucket_not_public::CONTROL,
    &controls::s3::s3_bucket_acls_disabled::CONTROL,
    &controls::ec2::ebs_snapshot_not_public::CONTROL,
    &controls::ec2::security_group_no_open_admin_ports::CONTROL,
    &controls::ec2::security_group_authorized_ports_only::CONTROL,
    &controls::ec2::ec2_enclave_host_not_exposed::CONTROL,
    &controls::ec2::ec2_instance_in_vpc::CONTROL,
    &controls::vpc::network_acl_no_open_ingress::CONTROL,
    &controls::vpc::subnet_no_auto_public_ip::CONTROL,
    &controls::vpc::route_table_no_internet_gateway_default_route::CONTROL,
    &controls::opensearch::opensearch_in_vpc::CONTROL,
    &controls::redshift::redshift_not_public::CONTROL,
    &controls::apigateway::apigateway_stage_waf::CONTROL,
    &controls::ssm::ssm_document_not_public::CONTROL,
    &controls::ec2::ec2_imdsv2_required::CONTROL,
    &controls::ec2::ec2_instance_no_public_ip::CONTROL,
    &controls::ec2::vpc_default_security_group_closed::CONTROL,
    &controls::ec2::ec2_instance_profile_attached::CONTROL,
    &controls::rds::rds_instance_not_public::CONTROL,
    &controls::rds::rds_snapshot_not_public::CONTROL,
    &controls::s3::s3_bucket_server_access_logging::CONTROL,
    &controls::elb::elbv2_access_logs_enabled::CONTROL,
    &controls::elb::classic_elb_access_logs::CONTROL,
    &controls::apigateway::apigateway_stage_execution_logging::CONTROL,
    &controls::opensearch::opensearch_logs_to_cloudwatch::CONTROL,
    &controls::rds::rds_instance_logs_exported::CONTROL,
    &controls::rds::rds_enhanced_monitoring_enabled::CONTROL,
    &controls::rds::rds_backup_retention::CONTROL,
    &controls::dynamodb::dynamodb_pitr_enabled::CONTROL,
    &controls::s3::s3_phi_bucket_object_lock_or_replication::CONTROL,
    &controls::rds::rds_multi_az::CONTROL,
    &controls::rds::rds_deletion_protection::CONTROL,
    &controls::elb::elbv2_deletion_protection::CONTROL,
    &controls::elb::classic_elb_cross_zone::CONTROL,
    &controls::redshift::redshift_automated_snapshots::CONTROL,
    &controls::efs::efs_automatic_backups::CONTROL,
    // --- logging, monitoring, backups ---
    &controls::cloudtrail::cloudtrail_multi_region_logging::CONTROL,
    &controls::cloudtrail::cloudtrail_log_file_validation::CONTROL,
    &controls::cloudtrail::cloudtrail_kms_encryption::CONTROL,
    &controls::cloudtrail::cloudtrail_cloudwatch_logs::CONTROL,
    &controls::cloudtrail::cloudtrail_s3_data_events_phi_buckets::CONTROL,
    &controls::cloudtrail::cloudtrail_bucket_retention_6_years::CONTROL,
    &controls::logs::log_group_retention_6_years::CONTROL,
    &controls::logs::log_group_kms_encrypted::CONTROL,
    &controls::vpc::vpc_flow_logs_enabled::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_unauthorized_api_calls::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_console_sign_in_without_mfa::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_root_account_usage::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_iam_policy_changes::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_cloudtrail_changes::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_console_auth_failures::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_mfa_device_deactivation::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_network_acl_changes::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_network_gateway_changes::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_route_table_changes::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_vpc_changes::CONTROL,
    &controls::cloudwatch::cloudwatch_alarm_has_actions::CONTROL,
    &controls::guardduty::guardduty_enabled_all_regions::CONTROL,
    &controls::guardduty::guardduty_no_high_severity_findings::CONTROL,
    &controls::config::config_recorder_all_regions::CONTROL,
    &controls::securityhub::securityhub_enabled::CONTROL,
    &controls::rds::rds_auto_minor_version_upgrade::CONTROL,
    &controls::ec2::ec2_instance_not_stale::CONTROL,
    &controls::ssm::ssm_ec2_instance_managed::CONTROL,
    &controls::ssm::ssm_managed_instance_patch_compliant::CONTROL,
    &controls::ssm::ssm_managed_instance_association_compliant::CONTROL,
    &controls::inspector::inspector_ec2_scanning_enabled::CONTROL,
    &controls::redshift::redshift_maintenance_settings::CONTROL,
    &controls::backup::backup_plan_covers_phi_resources::CONTROL,
    &controls::backup::backup_vault_lock_enabled::CONTROL,
    &controls::backup::backup_plan_daily_35_day_retention::CONTROL,
    &controls::backup::backup_plan_offsite_copy::CONTROL,
    &controls::backup::backup_restore_testing::CONTROL,
    &controls::redshift::redshift_audit_logging::CONTROL,
    &controls::kms::kms_cmk_rotation_enabled::CONTROL,
    &controls::kms::kms_key_not_pending_deletion::CONTROL,
    &controls::sns::sns_topic_kms_encrypted::CONTROL,
    &controls::s3::s3_bucket_versioning_enabled::CONTROL,
    &controls::s3::s3_versioned_bucket_lifecycle::CONTROL,
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
    closest(name, CATALOGUE.iter().flat_map(|c| [c.id(), c.slug()]))
}

/// The candidate closest to `name` by edit distance (case-insensitive), if close enough to be
/// a likely typo. Shared by every "did you mean" (control ids, config keys).
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let name = name.trim().to_ascii_lowercase();
    candidates
        .into_iter()
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
