//! The ten customer responsibilities ("seed areas") and the shared-responsibility areas.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The ten customer responsibilities under the AWS shared responsibility model for HIPAA.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SeedArea {
    /// A Business Associate Addendum with AWS (and every vendor touching PHI).
    Baa,
    /// PHI only in HIPAA-eligible services.
    EligibleServices,
    /// MFA and identity hygiene.
    MfaIam,
    /// Encryption at rest and in transit.
    Encryption,
    /// Audit logging and its retention.
    Logging,
    /// Threat detection and configuration monitoring.
    Monitoring,
    /// Role- and attribute-based access control, least privilege, network exposure.
    Rbac,
    /// Backups and disaster recovery.
    BackupsDr,
    /// Continuous risk assessment.
    RiskAssessment,
    /// Third-party and vendor access.
    ThirdParties,
}

impl SeedArea {
    /// Every seed area, in report order.
    pub const ALL: [SeedArea; 10] = [
        SeedArea::Baa,
        SeedArea::EligibleServices,
        SeedArea::MfaIam,
        SeedArea::Encryption,
        SeedArea::Logging,
        SeedArea::Monitoring,
        SeedArea::Rbac,
        SeedArea::BackupsDr,
        SeedArea::RiskAssessment,
        SeedArea::ThirdParties,
    ];

    /// The wire name (`mfa_iam`).
    pub fn as_str(self) -> &'static str {
        match self {
            SeedArea::Baa => "baa",
            SeedArea::EligibleServices => "eligible_services",
            SeedArea::MfaIam => "mfa_iam",
            SeedArea::Encryption => "encryption",
            SeedArea::Logging => "logging",
            SeedArea::Monitoring => "monitoring",
            SeedArea::Rbac => "rbac",
            SeedArea::BackupsDr => "backups_dr",
            SeedArea::RiskAssessment => "risk_assessment",
            SeedArea::ThirdParties => "third_parties",
        }
    }

    /// A human title ("MFA & IAM").
    pub fn title(self) -> &'static str {
        match self {
            SeedArea::Baa => "Business Associate Addendum",
            SeedArea::EligibleServices => "HIPAA-eligible services",
            SeedArea::MfaIam => "MFA & IAM",
            SeedArea::Encryption => "Encryption",
            SeedArea::Logging => "Logging",
            SeedArea::Monitoring => "Monitoring",
            SeedArea::Rbac => "Access control (RBAC/ABAC)",
            SeedArea::BackupsDr => "Backups & disaster recovery",
            SeedArea::RiskAssessment => "Risk assessment",
            SeedArea::ThirdParties => "Third-party access",
        }
    }
}

/// The areas of the AWS shared responsibility model for HIPAA, each split between AWS and the
/// customer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SharedArea {
    /// Data protection: encryption, backups, integrity.
    DataProtection,
    /// Access management: identities, MFA, permissions.
    AccessManagement,
    /// Monitoring and auditing: logs, detections, reviews.
    MonitoringAuditing,
    /// Software and patching of what the customer runs.
    SoftwarePatching,
    /// Network security: exposure, TLS, segmentation.
    NetworkSecurity,
    /// Governance: agreements, eligible services, risk management.
    Governance,
}

impl SharedArea {
    /// Every shared-responsibility area, in report order.
    pub const ALL: [SharedArea; 6] = [
        SharedArea::DataProtection,
        SharedArea::AccessManagement,
        SharedArea::MonitoringAuditing,
        SharedArea::SoftwarePatching,
        SharedArea::NetworkSecurity,
        SharedArea::Governance,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SharedArea::DataProtection => "data_protection",
            SharedArea::AccessManagement => "access_management",
            SharedArea::MonitoringAuditing => "monitoring_auditing",
            SharedArea::SoftwarePatching => "software_patching",
            SharedArea::NetworkSecurity => "network_security",
            SharedArea::Governance => "governance",
        }
    }

    /// A human title.
    pub fn title(self) -> &'static str {
        match self {
            SharedArea::DataProtection => "Data protection",
            SharedArea::AccessManagement => "Access management",
            SharedArea::MonitoringAuditing => "Monitoring & auditing",
            SharedArea::SoftwarePatching => "Software & patching",
            SharedArea::NetworkSecurity => "Network security",
            SharedArea::Governance => "Governance",
        }
    }

    /// What AWS is responsible for in this area (the "of the cloud" half).
    pub fn aws_part(self) -> &'static str {
        match self {
            SharedArea::DataProtection => {
                "Physical media destruction, storage durability, encryption features and KMS HSMs"
            }
            SharedArea::AccessManagement => {
                "Data-centre access, host and hypervisor administration, IAM as a service"
            }
            SharedArea::MonitoringAuditing => {
                "Infrastructure logging, CloudTrail and GuardDuty as services, SOC reports"
            }
            SharedArea::SoftwarePatching => {
                "Hypervisor, managed-service engines and the hardware they run on"
            }
            SharedArea::NetworkSecurity => {
                "Global network, DDoS protection of the edge, isolation between customers"
            }
            SharedArea::Governance => {
                "Offering the BAA, keeping services HIPAA-eligible, third-party audits"
            }
        }
    }

    /// What the customer is responsible for in this area (the "in the cloud" half).
    pub fn customer_part(self) -> &'static str {
        match self {
            SharedArea::DataProtection => {
                "Turn on encryption with the right keys, back up and protect PHI, version and lock it"
            }
            SharedArea::AccessManagement => {
                "MFA, least privilege, credential rotation, no root use"
            }
            SharedArea::MonitoringAuditing => {
                "Enable and retain CloudTrail and logs six years, alarm on them, review activity"
            }
            SharedArea::SoftwarePatching => "Patch guest operating systems and applications",
            SharedArea::NetworkSecurity => {
                "Security groups, no public exposure of PHI, TLS 1.2 or later in transit"
            }
            SharedArea::Governance => {
                "Accept the BAA, keep PHI in eligible services, assess risk and vendors"
            }
        }
    }
}
