# Custom phiguard control: PHI data stores are encrypted with a customer-managed KMS key.
# Like the AWS Config custom rule many HIPAA programmes add: an AWS-managed key cannot be
# disabled, scheduled for deletion or restricted by a key policy you write.
package phiguard.custom.phi_cmk

import rego.v1

metadata := {
	"id": "CUSTOM-001",
	"slug": "phi-data-stores-use-customer-managed-keys",
	"title": "PHI S3 buckets and DynamoDB tables are encrypted with a customer-managed KMS key",
	"severity": "high",
	"seed_area": "encryption",
	"shared_area": "data_protection",
	"citations": ["312(a)(2)(iv)", "312(e)(2)(ii)"],
	"resource_kinds": ["s3_bucket", "dynamodb_table", "kms_key"],
	"remediation": "Create a customer-managed key (or reuse one) and make it the default encryption key of the bucket or table.\n\n- Console: KMS → Customer managed keys → Create key; then S3 → bucket → Properties → Default encryption → SSE-KMS with that key, or DynamoDB → table → Additional settings → Encryption → Manage → Customer managed key.\n- CLI: `aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"KEY_ARN\"}}]}'`; `aws dynamodb update-table --table-name TABLE --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY_ARN`\n- Terraform: `aws_s3_bucket_server_side_encryption_configuration` with `kms_master_key_id = aws_kms_key.phi.arn`; `server_side_encryption { enabled = true, kms_key_arn = aws_kms_key.phi.arn }` on `aws_dynamodb_table`.",
}

# ARNs of the customer-managed keys in the inventory.
customer_keys contains k.arn if {
	some k in input.resources
	k.kind == "kms_key"
	k.details.key_manager == "CUSTOMER"
}

key_of(r) := object.get(r.details, ["encryption", "kms_key_id"], null) if r.kind == "s3_bucket"

key_of(r) := object.get(r.details, "kms_key_arn", null) if r.kind == "dynamodb_table"

phi_stores contains r if {
	some r in input.resources
	r.phi
	r.kind in {"s3_bucket", "dynamodb_table"}
}

results contains result if {
	some r in phi_stores
	key_of(r) in customer_keys
	result := {
		"arn": r.arn,
		"status": "pass",
		"reason": "encrypted with a customer-managed KMS key",
		"evidence": {"kms_key": key_of(r)},
	}
}

results contains result if {
	some r in phi_stores
	not key_of(r) in customer_keys
	result := {
		"arn": r.arn,
		"status": "fail",
		"reason": "not encrypted with a customer-managed KMS key from this inventory",
		"evidence": {"kms_key": key_of(r)},
	}
}
