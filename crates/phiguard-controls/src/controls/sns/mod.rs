//! Amazon SNS controls: topics are encrypted with KMS.

pub mod sns_topic_kms_encrypted;
