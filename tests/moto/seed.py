#!/usr/bin/env python3
"""Seeds a moto server with a small healthcare account ("Lakeside Health") in two regions,
with compliant and non-compliant resources, for phiguard's live-collection test.

Usage: seed.py ENDPOINT_URL

Every value is synthetic: no real account, person, secret or patient data. The expected
results of scanning it are in expected.tsv next to this script; each row says why.
"""
import json
import sys

import boto3

ENDPOINT = sys.argv[1]
ACCOUNT = "123456789012"
HOME, DR = "us-east-1", "eu-west-1"
PHI = [{"Key": "PHI", "Value": "Yes"}]


def client(service, region=HOME):
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def tls_only_policy(bucket):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    })


def seed_kms():
    kms = client("kms")
    good = kms.create_key(Description="PHI records key", Tags=[{"TagKey": "PHI", "TagValue": "Yes"}])
    good_id = good["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=good_id)
    kms.create_alias(AliasName="alias/lakeside-phi", TargetKeyId=good_id)
    stale = kms.create_key(Description="Legacy export key")
    kms.create_alias(AliasName="alias/lakeside-legacy", TargetKeyId=stale["KeyMetadata"]["KeyId"])
    dr = client("kms", DR).create_key(Description="DR key")
    client("kms", DR).enable_key_rotation(KeyId=dr["KeyMetadata"]["KeyId"])
    return good["KeyMetadata"]["Arn"]


def seed_s3(key_arn):
    s3 = client("s3")
    # Compliant PHI bucket: CMK encryption, versioning, Block Public Access, TLS-only policy,
    # access logging.
    s3.create_bucket(Bucket="lakeside-access-logs")
    s3.put_bucket_policy(Bucket="lakeside-access-logs", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::lakeside-access-logs/*",
        }],
    }))
    s3.create_bucket(Bucket="lakeside-phi-records")
    s3.put_bucket_tagging(Bucket="lakeside-phi-records", Tagging={"TagSet": PHI})
    s3.put_bucket_encryption(
        Bucket="lakeside-phi-records",
        ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
            "BucketKeyEnabled": True,
        }]},
    )
    s3.put_bucket_versioning(Bucket="lakeside-phi-records", VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(
        Bucket="lakeside-phi-records",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_policy(Bucket="lakeside-phi-records", Policy=tls_only_policy("lakeside-phi-records"))
    s3.put_bucket_logging(
        Bucket="lakeside-phi-records",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "lakeside-access-logs", "TargetPrefix": "phi-records/"}},
    )
    # Non-compliant PHI bucket: public-read ACL, no Block Public Access, no TLS policy, no
    # logging.
    s3.create_bucket(Bucket="lakeside-phi-exports")
    s3.put_bucket_tagging(Bucket="lakeside-phi-exports", Tagging={"TagSet": PHI})
    s3.delete_public_access_block(Bucket="lakeside-phi-exports")
    s3.put_bucket_ownership_controls(
        Bucket="lakeside-phi-exports",
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]},
    )
    s3.put_bucket_acl(Bucket="lakeside-phi-exports", ACL="public-read")
    # Trail bucket.
    s3.create_bucket(Bucket="lakeside-cloudtrail")
    # A bucket in the DR region.
    client("s3", DR).create_bucket(
        Bucket="lakeside-dr-replica", CreateBucketConfiguration={"LocationConstraint": DR}
    )


def seed_iam():
    iam = client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True)
    # A console user without MFA (non-compliant) and an automation user with an access key.
    iam.create_user(UserName="dr-alvarez")
    iam.create_login_profile(UserName="dr-alvarez", Password="Synthetic-Only-1!")
    iam.create_group(GroupName="clinicians")
    iam.add_user_to_group(GroupName="clinicians", UserName="dr-alvarez")
    read = iam.create_policy(
        PolicyName="lakeside-clinician-read",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
            "Resource": f"arn:aws:dynamodb:{HOME}:{ACCOUNT}:table/patients"}]}),
    )
    iam.attach_group_policy(GroupName="clinicians", PolicyArn=read["Policy"]["Arn"])
    admin = iam.create_policy(
        PolicyName="lakeside-admin-everything",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    )
    iam.create_user(UserName="ci-deployer")
    iam.create_access_key(UserName="ci-deployer")
    iam.attach_user_policy(UserName="ci-deployer", PolicyArn=admin["Policy"]["Arn"])
    # A third-party role trusted without an ExternalId (non-compliant) and one with it.
    def trust(condition):
        stmt = {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
            "Action": "sts:AssumeRole",
        }
        if condition:
            stmt["Condition"] = {"StringEquals": {"sts:ExternalId": "lakeside-billing-7f3a"}}
        return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})
    iam.create_role(RoleName="vendor-billing-no-extid", AssumeRolePolicyDocument=trust(False))
    iam.create_role(RoleName="vendor-billing", AssumeRolePolicyDocument=trust(True))


def seed_logging():
    s3 = client("s3")
    s3.put_bucket_policy(Bucket="lakeside-cloudtrail", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::lakeside-cloudtrail"},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::lakeside-cloudtrail/AWSLogs/{ACCOUNT}/*"},
        ],
    }))
    logs = client("logs")
    logs.create_log_group(logGroupName="/lakeside/cloudtrail")
    logs.put_retention_policy(logGroupName="/lakeside/cloudtrail", retentionInDays=2192)
    logs.create_log_group(logGroupName="/lakeside/app", tags={"PHI": "Yes"})
    logs.put_retention_policy(logGroupName="/lakeside/app", retentionInDays=30)
    ct = client("cloudtrail")
    ct.create_trail(
        Name="lakeside-org-trail", S3BucketName="lakeside-cloudtrail",
        IsMultiRegionTrail=True, EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{HOME}:{ACCOUNT}:log-group:/lakeside/cloudtrail:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs",
    )
    ct.start_logging(Name="lakeside-org-trail")


def seed_data_stores():
    ddb = client("dynamodb")
    ddb.create_table(
        TableName="patients",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=PHI,
    )
    ec2 = client("ec2")
    ec2.create_volume(
        AvailabilityZone=f"{HOME}a", Size=10, Encrypted=False,
        TagSpecifications=[{"ResourceType": "volume", "Tags": PHI}],
    )
    ec2_dr = client("ec2", DR)
    ec2_dr.create_volume(AvailabilityZone=f"{DR}a", Size=10, Encrypted=True)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    sg = ec2.create_security_group(GroupName="ssh-from-anywhere", Description="bad", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=sg["GroupId"],
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    rds = client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="ehr-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="ehradmin", MasterUserPassword="Synthetic-Only-1!",
        AllocatedStorage=20, StorageEncrypted=False, PubliclyAccessible=False,
        BackupRetentionPeriod=7, Tags=PHI,
    )
    sns = client("sns")
    sns.create_topic(Name="lakeside-alerts")


def seed_monitoring():
    client("guardduty").create_detector(Enable=True)
    cfg = client("config")
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default",
        "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config-recorder",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
    })
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "lakeside-access-logs"})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")


def seed_edge_and_compute():
    """Load balancer with a plain-HTTP listener, a CloudFront distribution allowing HTTP, a
    Lambda function with a public resource policy and an unauthenticated function URL."""
    ec2 = client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
    elb = client("elbv2")
    lb = elb.create_load_balancer(Name="lakeside-portal", Subnets=subnets, Type="application",
                                  Scheme="internet-facing")["LoadBalancers"][0]
    tg = elb.create_target_group(Name="lakeside-portal-web", Protocol="HTTP", Port=80,
                                 VpcId=vpc)["TargetGroups"][0]
    elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
    client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": "lakeside-portal-cdn",
        "Comment": "patient portal",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "portal", "DomainName": "lakeside-phi-records.s3.amazonaws.com",
            "S3OriginConfig": {"OriginAccessIdentity": ""},
        }]},
        "DefaultCacheBehavior": {
            "TargetOriginId": "portal", "ViewerProtocolPolicy": "allow-all",
            "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        },
    })
    iam = client("iam")
    role = iam.create_role(RoleName="lakeside-lambda", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    lam = client("lambda")
    import io, zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    for name in ("lakeside-intake", "lakeside-reports"):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                            Handler="handler.handler", Code={"ZipFile": buf.getvalue()})
    lam.add_permission(FunctionName="lakeside-intake", StatementId="public-invoke",
                       Action="lambda:InvokeFunction", Principal="*")
    lam.create_function_url_config(FunctionName="lakeside-intake", AuthType="NONE")


def seed_backups():
    """A backup vault and a daily plan; snapshots of the unencrypted
    EBS volume and RDS instance, both shared publicly."""
    backup = client("backup")
    backup.create_backup_vault(BackupVaultName="lakeside-vault")
    plan = backup.create_backup_plan(BackupPlan={
        "BackupPlanName": "lakeside-daily",
        "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "lakeside-vault",
                   "ScheduleExpression": "cron(0 5 ? * * *)",
                   "Lifecycle": {"DeleteAfterDays": 35}}],
    })
    # moto 5.2.5 does not implement CreateBackupSelection: the plan selects nothing.
    ec2 = client("ec2")
    volume = ec2.describe_volumes(Filters=[{"Name": "encrypted", "Values": ["false"]}])["Volumes"][0]
    snap = ec2.create_snapshot(VolumeId=volume["VolumeId"], Description="ehr volume export")
    ec2.modify_snapshot_attribute(SnapshotId=snap["SnapshotId"], Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])
    rds = client("rds")
    rds.create_db_snapshot(DBSnapshotIdentifier="ehr-db-export", DBInstanceIdentifier="ehr-db")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="ehr-db-export", AttributeName="restore",
                                     ValuesToAdd=["all"])


def main():
    key_arn = seed_kms()
    seed_s3(key_arn)
    seed_iam()
    seed_logging()
    seed_data_stores()
    seed_monitoring()
    seed_edge_and_compute()
    seed_backups()
    print("seeded", ENDPOINT)


if __name__ == "__main__":
    main()
