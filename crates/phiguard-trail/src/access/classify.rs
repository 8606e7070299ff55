//! What kind of access an API call is, from its event source and name.
//!
//! | kind | S3 (`s3`) | DynamoDB (`dynamodb`) | KMS (`kms`) | RDS (`rds`, `rds-data`) |
//! |---|---|---|---|---|
//! | `read` (data leaves the resource) | GetObject, HeadObject, GetObjectAttributes, GetObjectTorrent, SelectObjectContent; the *source* of CopyObject / UploadPartCopy | GetItem, BatchGetItem, Query, Scan, TransactGetItems, ExportTableToPointInTime | Decrypt | StartExportTask, CopyDBSnapshot, CopyDBClusterSnapshot |
//! | `write` (data is created or changed) | PutObject, CopyObject, UploadPart, UploadPartCopy, CreateMultipartUpload, CompleteMultipartUpload, AbortMultipartUpload, RestoreObject, WriteGetObjectResponse | PutItem, UpdateItem, BatchWriteItem, TransactWriteItems, RestoreTableFromBackup, RestoreTableToPointInTime, ImportTable | Encrypt, GenerateDataKey\*, ReEncrypt | RestoreDBInstanceFromDBSnapshot, RestoreDBClusterFromSnapshot |
//! | `delete` | DeleteObject, DeleteObjects, DeleteBucket | DeleteItem, DeleteTable | ScheduleKeyDeletion | DeleteDBInstance, DeleteDBCluster, DeleteDBSnapshot, DeleteDBClusterSnapshot |
//! | `list` (names, which may identify patients) | ListObjects, ListObjectsV2, ListObjectVersions, ListMultipartUploads, ListParts | any `List*` | any `List*` | any `List*` |
//! | `other` (reads or writes, not told apart by the event) | | ExecuteStatement, BatchExecuteStatement, ExecuteTransaction (PartiQL) | | rds-data ExecuteStatement, BatchExecuteStatement, ExecuteSql, BeginTransaction, CommitTransaction |
//! | `manage` | everything else on a PHI resource: configuration reads and changes (GetBucketPolicy, PutBucketPolicy, PutObjectAcl, GetObjectTagging, UpdateTable, DisableKey, ModifyDBInstance, ...) | | | |
//!
//! Other services: `List*` is `list`, anything else `manage`.

use serde::Serialize;

/// The kind of an access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// Data left the resource.
    Read,
    /// Data was created or changed.
    Write,
    /// Data or the resource was deleted.
    Delete,
    /// Names were listed.
    List,
    /// Configuration read or changed.
    Manage,
    /// A read or a write, not told apart by the event (PartiQL, RDS Data API).
    Other,
}

impl AccessKind {
    /// Every kind, in report order.
    pub const ALL: [AccessKind; 6] = [
        AccessKind::Read,
        AccessKind::Write,
        AccessKind::Delete,
        AccessKind::List,
        AccessKind::Manage,
        AccessKind::Other,
    ];

    /// `read`, `write`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Read => "read",
            AccessKind::Write => "write",
            AccessKind::Delete => "delete",
            AccessKind::List => "list",
            AccessKind::Manage => "manage",
            AccessKind::Other => "other",
        }
    }
}

/// Classifies a call by `eventSource` (`s3.amazonaws.com`) and `eventName`.
pub fn classify(event_source: &str, event_name: &str) -> AccessKind {
    let service = event_source
        .strip_suffix(".amazonaws.com")
        .unwrap_or(event_source);
    let found = match service {
        "s3" => match event_name {
            "GetObject"
            | "HeadObject"
            | "GetObjectAttributes"
            | "GetObjectTorrent"
            | "SelectObjectContent" => Some(AccessKind::Read),
            "PutObject"
            | "CopyObject"
            | "UploadPart"
            | "UploadPartCopy"
            | "CreateMultipartUpload"
            | "CompleteMultipartUpload"
            | "AbortMultipartUpload"
            | "RestoreObject"
            | "WriteGetObjectResponse" => Some(AccessKind::Write),
            "DeleteObject" | "DeleteObjects" | "DeleteBucket" => Some(AccessKind::Delete),
            "ListObjects"
            | "ListObjectsV2"
            | "ListObjectVersions"
            | "ListMultipartUploads"
            | "ListParts" => Some(AccessKind::List),
            _ => None,
        },
        "dynamodb" => match event_name {
            "GetItem"
            | "BatchGetItem"
            | "Query"
            | "Scan"
            | "TransactGetItems"
            | "ExportTableToPointInTime" => Some(AccessKind::Read),
            "PutItem"
            | "UpdateItem"
            | "BatchWriteItem"
            | "TransactWriteItems"
            | "RestoreTableFromBackup"
            | "RestoreTableToPointInTime"
            | "ImportTable" => Some(AccessKind::Write),
            "DeleteItem" | "DeleteTable" => Some(AccessKind::Delete),
            "ExecuteStatement" | "BatchExecuteStatement" | "ExecuteTransaction" => {
                Some(AccessKind::Other)
            }
            _ => None,
        },
        "kms" => match event_name {
            "Decrypt" => Some(AccessKind::Read),
            "Encrypt"
            | "GenerateDataKey"
            | "GenerateDataKeyWithoutPlaintext"
            | "GenerateDataKeyPair"
            | "GenerateDataKeyPairWithoutPlaintext"
            | "ReEncrypt" => Some(AccessKind::Write),
            "ScheduleKeyDeletion" => Some(AccessKind::Delete),
            _ => None,
        },
        "rds" => match event_name {
            "StartExportTask" | "CopyDBSnapshot" | "CopyDBClusterSnapshot" => {
                Some(AccessKind::Read)
            }
            "RestoreDBInstanceFromDBSnapshot" | "RestoreDBClusterFromSnapshot" => {
                Some(AccessKind::Write)
            }
            "DeleteDBInstance"
            | "DeleteDBCluster"
            | "DeleteDBSnapshot"
            | "DeleteDBClusterSnapshot" => Some(AccessKind::Delete),
            _ => None,
        },
        "rds-data" => match event_name {
            "ExecuteStatement"
            | "BatchExecuteStatement"
            | "ExecuteSql"
            | "BeginTransaction"
            | "CommitTransaction"
            | "RollbackTransaction" => Some(AccessKind::Other),
            _ => None,
        },
        _ => None,
    };
    found.unwrap_or(if event_name.starts_with("List") {
        AccessKind::List
    } else {
        AccessKind::Manage
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_service_and_name() {
        assert_eq!(classify("s3.amazonaws.com", "GetObject"), AccessKind::Read);
        assert_eq!(classify("s3.amazonaws.com", "PutObject"), AccessKind::Write);
        assert_eq!(
            classify("s3.amazonaws.com", "DeleteObjects"),
            AccessKind::Delete
        );
        assert_eq!(
            classify("s3.amazonaws.com", "ListObjectsV2"),
            AccessKind::List
        );
        assert_eq!(
            classify("s3.amazonaws.com", "PutBucketPolicy"),
            AccessKind::Manage
        );
        assert_eq!(
            classify("dynamodb.amazonaws.com", "Query"),
            AccessKind::Read
        );
        assert_eq!(
            classify("dynamodb.amazonaws.com", "ExecuteStatement"),
            AccessKind::Other
        );
        assert_eq!(classify("kms.amazonaws.com", "Decrypt"), AccessKind::Read);
        assert_eq!(
            classify("kms.amazonaws.com", "GenerateDataKey"),
            AccessKind::Write
        );
        assert_eq!(
            classify("kms.amazonaws.com", "DisableKey"),
            AccessKind::Manage
        );
        assert_eq!(
            classify("rds.amazonaws.com", "DeleteDBInstance"),
            AccessKind::Delete
        );
        assert_eq!(
            classify("rds.amazonaws.com", "ListTagsForResource"),
            AccessKind::List
        );
    }
}
