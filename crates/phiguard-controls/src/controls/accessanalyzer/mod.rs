//! IAM Access Analyzer controls: analyzers on, and no unreviewed external access to PHI.

pub mod access_analyzer_enabled;
pub mod access_analyzer_no_external_access_to_phi;

#[cfg(test)]
pub(crate) mod fixtures {
    //! Analyzers and findings for the tests.

    use phiguard_model::Resource;
    use phiguard_model::kinds::{AccessAnalyzer, AccessFinding};

    use crate::testkit::resource_in;

    /// An analyzer of `analyzer_type` and `status` in `region` with `findings`.
    pub fn analyzer(
        region: &str,
        analyzer_type: &str,
        status: &str,
        findings: Vec<AccessFinding>,
    ) -> Resource {
        resource_in(
            region,
            &format!("arn:aws:access-analyzer:{region}:111122223333:analyzer/external"),
            AccessAnalyzer {
                analyzer_type: analyzer_type.into(),
                status: status.into(),
                active_findings: findings,
            },
        )
        .named("external")
    }

    /// An active finding on `resource`.
    pub fn finding(resource: &str, public: bool) -> AccessFinding {
        AccessFinding {
            id: "0a1b2c3d-0000-4000-8000-00000000000f".into(),
            resource: resource.into(),
            resource_type: "AWS::S3::Bucket".into(),
            is_public: public,
            principals: vec![if public {
                "*".into()
            } else {
                "444455556666".into()
            }],
        }
    }
}
