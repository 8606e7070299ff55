# Custom phiguard control: production S3 buckets holding PHI have Object Lock enabled, so
# records cannot be deleted or overwritten during their retention period.
package phiguard.custom.phi_production_object_lock

import rego.v1

metadata := {
	"id": "CUSTOM-002",
	"slug": "phi-production-buckets-object-lock",
	"title": "Production S3 buckets holding PHI have Object Lock enabled",
	"severity": "medium",
	"seed_area": "backups_dr",
	"shared_area": "data_protection",
	"citations": ["312(c)(1)", "308(a)(7)(ii)(A)"],
	"resource_kinds": ["s3_bucket"],
	"remediation": "Object Lock can only be enabled on a versioned bucket; for an existing bucket enable it, then set a default retention.\n\n- Console: S3 → bucket → Properties → Object Lock → Edit → Enable, then set default retention (COMPLIANCE mode, your retention period).\n- CLI: `aws s3api put-object-lock-configuration --bucket BUCKET --object-lock-configuration '{\"ObjectLockEnabled\":\"Enabled\",\"Rule\":{\"DefaultRetention\":{\"Mode\":\"COMPLIANCE\",\"Years\":6}}}'`\n- Terraform: `object_lock_enabled = true` on `aws_s3_bucket` and an `aws_s3_bucket_object_lock_configuration` with `default_retention { mode = \"COMPLIANCE\", years = 6 }`.",
}

production_phi_buckets contains b if {
	some b in input.resources
	b.kind == "s3_bucket"
	b.phi
	b.tags.Environment == "Production"
}

locked(b) if b.details.object_lock.enabled == true

results contains {"arn": b.arn, "status": "pass", "reason": "Object Lock is enabled", "evidence": {"object_lock": true}} if {
	some b in production_phi_buckets
	locked(b)
}

results contains {"arn": b.arn, "status": "fail", "reason": "production PHI bucket without Object Lock", "evidence": {"object_lock": false}} if {
	some b in production_phi_buckets
	not locked(b)
}
