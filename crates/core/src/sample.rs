//! Sample data: owns the deterministic generator of realistic AWS CloudTrail trail files (S3 key
//! layout, compact `{"Records":[...]}` JSON, optional gzip) behind the demo button, benchmarks and
//! tests.
//!
//! Everything derives from [`SampleConfig::seed`] through a tiny SplitMix64, so one config always
//! yields byte-identical files. Records are written straight into reusable `String`s; every emitted
//! string comes from the fixed ASCII tables below or from escape-free alphabets, so no JSON
//! escaping is needed (the tests parse every file to hold us to that).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::Write as _;
use std::ops::Range;

use flate2::write::GzEncoder;
use flate2::Compression;

/// `write!` into a `String`, which cannot fail.
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

/// CloudTrail delivers one file per account and region about every five minutes.
const WINDOW_MS: i64 = 5 * 60 * 1000;
const RECORDS_OPEN: &str = r#"{"Records":["#;
const ACCOUNTS: [&str; 3] = ["314159265358", "271828182845", "161803398874"];
const ACCOUNT_WEIGHTS: [f64; 3] = [0.6, 0.3, 0.1];
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const REGION_WEIGHTS: [f64; 4] = [0.5, 0.22, 0.18, 0.1];
const PROJECTS: [&str; 8] = [
    "checkout",
    "payments",
    "search",
    "ledger",
    "catalog",
    "identity",
    "reporting",
    "ingest",
];
const ENVS: [&str; 3] = ["prod", "staging", "dev"];
const PEOPLE: &str = "alice.nguyen bob.smith carol.jones dan.kim erin.garcia frank.mueller \
    grace.hopper hiro.tanaka ines.silva jamal.ahmed kate.oconnor liam.walsh maria.rossi nora.berg \
    omar.haddad priya.patel quinn.lee rosa.diaz sam.taylor tara.singh umar.khan vera.novak \
    wei.zhang yusuf.demir";
const SERVICE_USERS: &str = "ci-legacy backup-agent datadog-integration svc-reporting-legacy \
    grafana-cloudwatch s3-sync-bot vendor-snowflake github-actions-legacy";
const PERM_SETS: [&str; 5] = [
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "DataEngineer",
    "Billing",
];
const AWS_SERVICES: &str = "lambda ecs-tasks ec2 cloudtrail config elasticloadbalancing \
    autoscaling events states s3 logs ssm backup glue";
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &[u8] = b"0123456789abcdef";

const UA_LAMBDA: &str = "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.219-229.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145";
const UA_ECS: &str = "aws-sdk-go-v2/1.30.3 ua/2.0 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 exec-env/AWS_ECS_FARGATE api/s3#1.58.2";
const UA_EC2: &str = "aws-sdk-java/2.26.25 Linux/5.10.220-209.869.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS Java/17.0.12 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy";
const UA_TERRAFORM: &str = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.72.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.2 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/sts#1.32.2";
const UA_BOTO: &str = "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.1.112 md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36";
const UA_JS: &str = "aws-sdk-js/3.654.0 ua/2.1 os/linux#5.15.0-1071-azure lang/js md/nodejs#20.17.0 api/sts#3.654.0";
const UA_ATTACKER: &str = "Boto3/1.26.54 Python/3.11.2 Linux/6.1.0-kali7-amd64 Botocore/1.29.54";
const UA_CLI: [&str; 2] = [
    "aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#s3.ls",
    "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0-45-generic md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#ec2.describe-instances",
];
const UA_BROWSER: [&str; 3] = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
];
const ATTACKER_IP: &str = "198.51.100.77";

/// The API catalog: `source Name Name…` entries (`<source>.amazonaws.com`), `;` or newline separated.
const SERVICES: &str = "
sts AssumeRole GetCallerIdentity GetSessionToken GetFederationToken DecodeAuthorizationMessage
s3 GetObject PutObject HeadObject ListObjects DeleteObject CopyObject ListBuckets GetBucketAcl GetBucketLocation GetBucketPolicy PutBucketPolicy CreateBucket GetBucketVersioning GetBucketEncryption
ec2 DescribeInstances DescribeSecurityGroups DescribeVpcs DescribeSubnets DescribeVolumes DescribeImages DescribeRegions RunInstances StartInstances StopInstances TerminateInstances CreateTags AuthorizeSecurityGroupIngress
iam ListUsers ListRoles GetRole GetUser GetPolicy ListAttachedRolePolicies CreateRole AttachRolePolicy PutRolePolicy CreateUser CreateAccessKey ListAccessKeys
kms Decrypt GenerateDataKey Encrypt DescribeKey ListAliases CreateGrant
lambda Invoke ListFunctions20150331 GetFunction20150331v2 UpdateFunctionCode20150331v2 CreateFunction20150331
cloudtrail LookupEvents DescribeTrails GetTrailStatus StopLogging
logs CreateLogStream DescribeLogGroups DescribeLogStreams FilterLogEvents StartQuery
monitoring GetMetricData DescribeAlarms PutMetricAlarm
dynamodb DescribeTable ListTables GetItem PutItem Query
sqs GetQueueAttributes ListQueues SetQueueAttributes; sns ListTopics GetTopicAttributes Subscribe
secretsmanager GetSecretValue DescribeSecret ListSecrets PutSecretValue
ssm GetParameter GetParameters GetParametersByPath UpdateInstanceInformation StartSession SendCommand
rds DescribeDBInstances DescribeDBClusters CreateDBSnapshot
ecs DescribeServices DescribeTasks ListClusters UpdateService RegisterTaskDefinition
eks DescribeCluster ListNodegroups
cloudformation DescribeStacks DescribeStackEvents CreateStack UpdateStack
signin ConsoleLogin; guardduty ListDetectors GetFindings
config DescribeConfigRules PutEvaluations; organizations DescribeOrganization ListAccounts
sso ListInstances ListPermissionSets; route53 ListHostedZones ChangeResourceRecordSets
elasticloadbalancing DescribeLoadBalancers DescribeTargetHealth
autoscaling DescribeAutoScalingGroups SetDesiredCapacity
ecr GetAuthorizationToken BatchGetImage GetDownloadUrlForLayer
athena StartQueryExecution GetQueryExecution; glue GetTable GetPartitions; kinesis DescribeStream
firehose DescribeDeliveryStream; apigateway GetRestApis
cloudfront ListDistributions CreateInvalidation; acm DescribeCertificate
events PutRule DescribeRule; states StartExecution; codebuild StartBuild
codepipeline GetPipelineState; elasticfilesystem DescribeFileSystems
access-analyzer ListAnalyzers; backup ListBackupJobs
";
/// The head of the popularity ranking; the rest of the catalog follows in seeded order.
const HOT: &str = "AssumeRole GetObject DescribeInstances Decrypt GetCallerIdentity PutObject \
    GenerateDataKey GetParameter HeadObject GetMetricData DescribeTable GetSecretValue ListBuckets \
    CreateLogStream GetQueueAttributes ListObjects DescribeSecurityGroups Invoke \
    GetAuthorizationToken ConsoleLogin";
const HOT_LEN: usize = 20;

/// Fixed API pools (`source:Name`, one pool per line) for principals that skip the catalog.
const POOLS: &str = "
sts:AssumeRoleWithSAML
sts:AssumeRoleWithWebIdentity
sts:AssumeRole sts:AssumeRole sts:AssumeRole kms:Decrypt kms:GenerateDataKey s3:GetBucketAcl s3:PutObject
kms:RotateKey kms:DeleteExpiredKeyMaterial
backup:BackupJobCompleted
sso:ListAccounts sso:ListAccountRoles sso:GetRoleCredentials sso:ListApplications
signin:CredentialChallenge signin:CredentialVerification signin:UserAuthentication
signin:ConsoleLogin signin:ConsoleLogin iam:GetAccountSummary iam:ListUsers s3:ListBuckets ec2:DescribeInstances
sts:GetCallerIdentity s3:ListBuckets iam:ListUsers iam:ListRoles ec2:DescribeInstances ec2:DescribeRegions secretsmanager:ListSecrets secretsmanager:GetSecretValue rds:DescribeDBInstances lambda:ListFunctions20150331 iam:CreateUser iam:CreateAccessKey s3:GetObject
cloudformation:DescribeStacks cloudformation:DescribeStackEvents cloudformation:UpdateStack iam:GetRole iam:PutRolePolicy lambda:UpdateFunctionCode20150331v2 lambda:GetFunction20150331v2 ecs:RegisterTaskDefinition ecs:UpdateService ecs:DescribeServices ec2:DescribeSecurityGroups ec2:AuthorizeSecurityGroupIngress ec2:CreateTags s3:PutObject sts:GetCallerIdentity
";
const CATALOG: usize = 0;
const SAML: usize = 1;
const WEB_IDENTITY: usize = 2;
const SERVICE: usize = 3;
const KMS_EVENTS: usize = 4;
const BACKUP_EVENTS: usize = 5;
const IDENTITY_CENTER: usize = 6;
const SIGN_IN: usize = 7;
const ROOT: usize = 8;
const RECON: usize = 9;
const DEPLOY: usize = 10;
/// Share of events per principal group (see `Builder::build` for the groups).
const GROUP_WEIGHTS: [f64; 12] = [
    40.0, 10.0, 16.0, 14.0, 2.5, 3.0, 1.5, 1.5, 3.0, 0.8, 0.8, 1.2,
];

/// Payload templates: `source names | requestParameters | responseElements | extra fields |
/// resources`. An empty field is null/absent, `=` echoes the request for mutating calls and `*`
/// is the service default (List* calls and unlisted APIs without a default get nulls). `$` + a
/// letter is expanded per event by [`expand`].
const TEMPLATES: &str = r##"
s3 ListBuckets | {"Host":"s3.$r.amazonaws.com"} | | $X |
s3 PutObject | $O | {"x-amz-server-side-encryption":"aws:kms","x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:$r:$a:key/$K"} | $X | $Q
s3 GetObject HeadObject ListObjects DeleteObject CopyObject | $O | | $X | $Q
s3 * | {"bucketName":"$b","Host":"$b.s3.$r.amazonaws.com"$s} | | $X | {"accountId":"$a","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::$b"}
ec2 DescribeInstances | {"instancesSet":{},"filterSet":{"items":[{"name":"tag:team","valueSet":{"items":[{"value":"$p"}]}}]}} | | |
ec2 StartInstances | $I | {"requestId":"$u","instancesSet":{"items":[{"instanceId":"$i","currentState":{"code":0,"name":"pending"},"previousState":{"code":80,"name":"stopped"}}]}} | |
ec2 StopInstances | $I | {"requestId":"$u","instancesSet":{"items":[{"instanceId":"$i","currentState":{"code":64,"name":"stopping"},"previousState":{"code":16,"name":"running"}}]}} | |
ec2 TerminateInstances | $I | {"requestId":"$u","instancesSet":{"items":[{"instanceId":"$i","currentState":{"code":32,"name":"shutting-down"},"previousState":{"code":16,"name":"running"}}]}} | |
ec2 RunInstances | {"instancesSet":{"items":[{"imageId":"ami-0$h$g","minCount":1,"maxCount":1}]},"instanceType":"t3.medium","subnetId":"subnet-0$g$h","disableApiTermination":false,"clientToken":"$u"} | {"requestId":"$u","reservationId":"r-0$g$h","ownerId":"$a","instancesSet":{"items":[{"instanceId":"$i","imageId":"ami-0$h$g","instanceState":{"code":0,"name":"pending"},"instanceType":"t3.medium"}]}} | |
ec2 CreateTags | {"resourcesSet":{"items":[{"resourceId":"$i"}]},"tagSet":{"items":[{"key":"team","value":"$p"}]}} | {"requestId":"$u","_return":true} | |
ec2 AuthorizeSecurityGroupIngress | {"groupId":"sg-0$h$g","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/16"}]}}]}} | {"requestId":"$u","_return":true} | |
ec2 * | {"maxResults":1000,"filterSet":{}} | | |
iam GetRole ListAttachedRolePolicies | {"roleName":"$p-$e-$o"} | | |
iam CreateRole | {"roleName":"$p-$e-$o","assumeRolePolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"} | {"role":{"path":"/","roleName":"$p-$e-$o","roleId":"AROA$Y","arn":"arn:aws:iam::$a:role/$p-$e-$o","createDate":"$d"}} | |
iam AttachRolePolicy | {"roleName":"$p-$e-$o","policyArn":"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"} | | |
iam PutRolePolicy | {"roleName":"$p-$e-$o","policyName":"$p-inline","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::$b/*\"}]}"} | | |
iam CreateUser | {"userName":"$n"} | {"user":{"path":"/","userName":"$n","userId":"AIDA$Y","arn":"arn:aws:iam::$a:user/$n","createDate":"$d"}} | |
iam CreateAccessKey | {"userName":"$n"} | {"accessKey":{"userName":"$n","accessKeyId":"AKIA$Y","status":"Active","createDate":"$d"}} | |
iam GetPolicy | {"policyArn":"arn:aws:iam::$a:policy/$p-$e-access"} | | |
iam * | {"userName":"$n"} | = | |
sts AssumeRole | {"roleArn":"arn:aws:iam::$a:role/$p-$e-$o","roleSessionName":"botocore-session-$t","durationSeconds":3600} | {$C,"assumedRoleUser":{"assumedRoleId":"AROA$Y:botocore-session-$t","arn":"arn:aws:sts::$a:assumed-role/$p-$e-$o/botocore-session-$t"}} | | {"accountId":"$a","type":"AWS::IAM::Role","ARN":"arn:aws:iam::$a:role/$p-$e-$o"}
sts AssumeRoleWithSAML | {"sAMLAssertionID":"_$h$g$h","roleSessionName":"$n@example.com","durationSeconds":3600,"roleArn":"arn:aws:iam::$a:role/okta-$o","principalArn":"arn:aws:iam::$a:saml-provider/Okta"} | {$C,"assumedRoleUser":{"assumedRoleId":"AROA$Y:$n@example.com","arn":"arn:aws:sts::$a:assumed-role/okta-$o/$n@example.com"},"subject":"$n@example.com","subjectType":"persistent","issuer":"http://www.okta.com/exk$h","audience":"https://signin.aws.amazon.com/saml","nameQualifier":"$Y"} | |
sts AssumeRoleWithWebIdentity | {"roleArn":"arn:aws:iam::$a:role/github-actions-$p","roleSessionName":"GitHubActions","durationSeconds":3600} | {$C,"subjectFromWebIdentityToken":"repo:acme/$p:ref:refs/heads/main","assumedRoleUser":{"assumedRoleId":"AROA$Y:GitHubActions","arn":"arn:aws:sts::$a:assumed-role/github-actions-$p/GitHubActions"},"provider":"arn:aws:iam::$a:oidc-provider/token.actions.githubusercontent.com","audience":"sts.amazonaws.com"} | |
sts GetSessionToken | {"durationSeconds":43200} | {$C} | |
sts GetFederationToken | {"name":"$n","durationSeconds":43200} | {$C,"federatedUser":{"federatedUserId":"$a:$n","arn":"arn:aws:sts::$a:federated-user/$n"}} | |
kms Decrypt | {"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::$b/$k"}} | | | $J
kms GenerateDataKey | {"keyId":"arn:aws:kms:$r:$a:key/$K","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::$b/$k"},"keySpec":"AES_256"} | | | $J
kms CreateGrant | {"keyId":"arn:aws:kms:$r:$a:key/$K","granteePrincipal":"arn:aws:iam::$a:role/$p-$e-$o","operations":["Decrypt"]} | {"grantId":"$h$g$h$g"} | | $J
kms RotateKey DeleteExpiredKeyMaterial | | | ,"serviceEventDetails":{"keyId":"$K"} | $J
kms * | {"keyId":"arn:aws:kms:$r:$a:key/$K"} | | | $J
signin ConsoleLogin | | {"ConsoleLogin":"Success"} | ,"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_$h","MobileVersion":"No","MFAUsed":"$m"} |
signin * | | | ,"additionalEventData":{"AuthWorkflowID":"$u","CredentialType":"PASSWORD","LoginTo":"https://d-9067$h.awsapps.com/start/"} |
lambda Invoke | {"functionName":"arn:aws:lambda:$r:$a:function:$p-$e-handler","invocationType":"RequestResponse"} | | | {"accountId":"$a","type":"AWS::Lambda::Function","ARN":"arn:aws:lambda:$r:$a:function:$p-$e-handler"}
lambda * | {"functionName":"$p-$e-handler"} | = | |
dynamodb GetItem PutItem Query | {"tableName":"$p-$e","key":{"pk":"HIDDEN_DUE_TO_SECURITY_REASONS"},"consistentRead":false} | | | {"accountId":"$a","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:$r:$a:table/$p-$e"}
dynamodb * | {"tableName":"$p-$e"} | = | |
backup BackupJobCompleted | | | ,"serviceEventDetails":{"backupJobId":"$u","backupVaultName":"$e-vault","resourceArn":"arn:aws:dynamodb:$r:$a:table/$p-$e","state":"COMPLETED"} |
logs * | {"logGroupName":"/aws/lambda/$p-$e-handler"} | = | |
monitoring * | {"namespace":"AWS/Lambda","metricName":"Errors","dimensions":[{"name":"FunctionName","value":"$p-$e-handler"}],"period":300} | = | |
sqs * | {"queueUrl":"https://sqs.$r.amazonaws.com/$a/$p-$e-events","attributeNames":["All"]} | = | |
sns * | {"topicArn":"arn:aws:sns:$r:$a:$p-$e-alerts"} | = | |
secretsmanager * | {"secretId":"$e/$p/database"} | = | |
ssm * | {"name":"/$e/$p/config","withDecryption":true} | = | |
rds * | {"dBInstanceIdentifier":"$p-$e-db"} | = | |
ecs * | {"cluster":"$e","services":["$p"]} | = | |
eks * | {"name":"$e-cluster"} | = | |
cloudformation * | {"stackName":"$p-$e"} | = | |
cloudtrail * | {"name":"arn:aws:cloudtrail:us-east-1:$a:trail/org-trail"} | = | |
guardduty * | {"detectorId":"$h$g$h$g"} | = | |
config * | {"configRuleNames":["$p-$e-encrypted-volumes"]} | = | |
organizations * | {"accountId":"$a"} | = | |
sso * | {"instanceArn":"arn:aws:sso:::instance/ssoins-$h$g"} | = | |
route53 * | {"hostedZoneId":"Z0$Y"} | = | |
elasticloadbalancing * | {"loadBalancerArns":["arn:aws:elasticloadbalancing:$r:$a:loadbalancer/app/$p-$e/$h$g"]} | = | |
autoscaling * | {"autoScalingGroupNames":["$p-$e-asg"]} | = | |
ecr * | {"registryId":"$a","repositoryName":"$p"} | = | |
athena * | {"workGroup":"primary","queryExecutionId":"$u"} | = | |
glue * | {"databaseName":"$p_$e","name":"events"} | = | |
kinesis * | {"streamName":"$p-$e-stream"} | = | |
firehose * | {"deliveryStreamName":"$p-$e-to-s3"} | = | |
apigateway * | {"limit":500} | = | |
cloudfront * | {"distributionId":"E$Y"} | = | |
acm * | {"certificateArn":"arn:aws:acm:$r:$a:certificate/$u"} | = | |
events * | {"name":"$p-$e-schedule","eventBusName":"default"} | = | |
states * | {"stateMachineArn":"arn:aws:states:$r:$a:stateMachine:$p-$e-workflow","name":"$u"} | = | |
codebuild * | {"projectName":"$p-build"} | = | |
codepipeline * | {"name":"$p-pipeline"} | = | |
elasticfilesystem * | {"fileSystemId":"fs-0$h"} | = | |
"##;
/// Fragments shared by several templates (`$C`, `$O`, `$X`, `$Q`, `$J`, `$I`).
const CREDENTIALS: &str =
    r#""credentials":{"accessKeyId":"ASIA$Y","sessionToken":"$T","expiration":"$x"}"#;
const S3_OBJECT: &str = r#"{"bucketName":"$b","Host":"$b.s3.$r.amazonaws.com","key":"$k"}"#;
const S3_EXTRA: &str = r#","additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"$z","bytesTransferredOut":$c}"#;
const S3_RESOURCES: &str = r#"{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::$b/$k"},{"accountId":"$a","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::$b"}"#;
const KMS_RESOURCE: &str =
    r#"{"accountId":"$a","type":"AWS::KMS::Key","ARN":"arn:aws:kms:$r:$a:key/$K"}"#;
const EC2_INSTANCES: &str = r#"{"instancesSet":{"items":[{"instanceId":"$i"}]}}"#;

/// What to generate. The same config always yields byte-identical files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleConfig {
    /// Total number of records across all files.
    pub events: usize,
    pub seed: u64,
    /// Epoch milliseconds of the first event.
    pub start_ms: i64,
    /// Gzip each file (`.json.gz`, as CloudTrail writes them) or leave it plain (`.json`).
    pub gzip: bool,
    /// How many times busier than the default organisation: events come this many times closer
    /// together, so the same span of days holds this many times the events per delivery file
    /// (ten million events at pace 10 fill as many files as a million at pace 1).
    pub pace: u32,
}

impl Default for SampleConfig {
    fn default() -> Self {
        let start_ms = days_from_civil(2026, 11, 2) * 86_400_000;
        Self {
            events: 5000,
            seed: 42,
            start_ms,
            gzip: true,
            pace: 1,
        }
    }
}

/// One CloudTrail delivery: its S3 key and its (possibly gzipped) `{"Records":[...]}` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Yields the trail files one by one (so a million events never sit in memory at once).
///
/// Files come in delivery order: by five-minute window, then account, then region. The time in a
/// file name is the end of its window, as CloudTrail names files by delivery time.
///
/// Always inlined, so a caller that asks for plain files in a literal config (the browser's sample
/// button) never names the gzip encoder and the site's wasm carries no deflate code.
#[inline(always)]
pub fn generate(config: &SampleConfig) -> SampleFiles {
    if config.gzip {
        generate_with(config, Some(gzip_fast))
    } else {
        generate_with(config, None)
    }
}

/// What turns a file's JSON into its gzipped body.
type Gzip = fn(&[u8]) -> Vec<u8>;

/// A sample file's body gzipped as CloudTrail delivers it.
fn gzip_fast(json: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::fast());
    gz.write_all(json).expect("writing to a Vec cannot fail");
    gz.finish().expect("writing to a Vec cannot fail")
}

fn generate_with(config: &SampleConfig, gzip: Option<Gzip>) -> SampleFiles {
    let n = config.events;
    let (deploy, incident) = (n * 30 / 100, n * 62 / 100);
    SampleFiles {
        world: World::new(config.seed),
        rng: Rng(mix(config.seed ^ 0x7472_6169_6c67_6c61)),
        seed: config.seed,
        gzip,
        total: n,
        emitted: 0,
        clock: config.start_ms,
        pace: f64::from(config.pace.max(1)),
        window: config.start_ms.div_euclid(WINDOW_MS),
        buckets: vec![(RECORDS_OPEN.to_owned(), 0); ACCOUNTS.len() * REGIONS.len()],
        pending: VecDeque::new(),
        time: (i64::MIN, String::new()),
        deploy: deploy..deploy + (n / 25).min(6000),
        incident: incident..incident + (n / 40).min(4000),
    }
}

/// Iterator over generated trail files; see [`generate`].
pub struct SampleFiles {
    world: World,
    rng: Rng,
    seed: u64,
    /// The encoder each file's body goes through, if gzipped.
    gzip: Option<Gzip>,
    total: usize,
    emitted: usize,
    /// Time of the next event, epoch ms.
    clock: i64,
    /// The divisor of every gap between events (see [`SampleConfig::pace`]).
    pace: f64,
    window: i64,
    /// Open `{"Records":[` buffer and record count per account x region.
    buckets: Vec<(String, usize)>,
    pending: VecDeque<SampleFile>,
    /// Cached `eventTime` text for one second.
    time: (i64, String),
    /// Event-index ranges of the CI deployment burst and of the AccessDenied incident.
    deploy: Range<usize>,
    incident: Range<usize>,
}

impl Iterator for SampleFiles {
    type Item = SampleFile;

    fn next(&mut self) -> Option<SampleFile> {
        loop {
            if let Some(file) = self.pending.pop_front() {
                return Some(file);
            }
            if self.emitted < self.total {
                self.step();
            } else if self.buckets.iter().any(|b| b.1 > 0) {
                self.flush();
            } else {
                return None;
            }
        }
    }
}

impl SampleFiles {
    fn step(&mut self) {
        let (i, t) = (self.emitted, self.clock);
        let in_incident = self.incident.contains(&i);
        let bursting = in_incident || self.deploy.contains(&i);
        let phase = match (bursting && self.rng.chance(0.8), in_incident) {
            (false, _) => CATALOG,
            (true, true) => RECON,
            (true, false) => DEPLOY,
        };
        let mean = if bursting { 200.0 } else { mean_gap_ms(t) } / self.pace;
        self.clock += (-(1.0 - self.rng.unit()).ln() * mean) as i64;
        let draw = self.world.draw(&mut self.rng, phase);
        if t.div_euclid(WINDOW_MS) != self.window {
            self.flush();
            self.window = t.div_euclid(WINDOW_MS);
        }
        if t.div_euclid(1000) != self.time.0 {
            self.time.0 = t.div_euclid(1000);
            self.time.1.clear();
            push_time(&mut self.time.1, t);
        }
        let account = self.world.principals[draw.principal].account;
        let (json, count) = &mut self.buckets[account * REGIONS.len() + draw.region];
        if *count > 0 {
            json.push(',');
        }
        *count += 1;
        self.world
            .write_event(json, &mut self.rng, &draw, t, &self.time.1);
        self.emitted += 1;
    }

    /// Closes every non-empty bucket of the current window into a file.
    fn flush(&mut self) {
        let [y, mo, d, h, mi, _] = civil((self.window + 1) * WINDOW_MS);
        for (b, (json, count)) in self.buckets.iter_mut().enumerate() {
            if *count == 0 {
                continue;
            }
            let (acct, region) = (ACCOUNTS[b / REGIONS.len()], REGIONS[b % REGIONS.len()]);
            let mut path = format!("AWSLogs/{acct}/CloudTrail/{region}/{y:04}/{mo:02}/{d:02}/{acct}_CloudTrail_{region}_{y:04}{mo:02}{d:02}T{h:02}{mi:02}Z_");
            let mut name_rng = Rng(self.seed ^ mix(self.window as u64) ^ b as u64);
            push_rand(&mut path, &mut name_rng, ALNUM, 16);
            path.push_str(if self.gzip.is_some() {
                ".json.gz"
            } else {
                ".json"
            });
            json.push_str("]}");
            let bytes = if let Some(gzip) = self.gzip {
                gzip(json.as_bytes())
            } else {
                let capacity = json.capacity();
                std::mem::replace(json, String::with_capacity(capacity)).into_bytes()
            };
            json.clear();
            json.push_str(RECORDS_OPEN);
            *count = 0;
            self.pending.push_back(SampleFile { path, bytes });
        }
    }
}

/// Mean gap to the next event: ~1 event/s, busier in the UTC afternoon, plus a nightly batch spike.
fn mean_gap_ms(t: i64) -> f64 {
    let ms_of_day = t.rem_euclid(86_400_000);
    let day_fraction = ms_of_day as f64 / 86_400_000.0;
    let diurnal = 1.0 + 0.6 * ((day_fraction - 0.375) * std::f64::consts::TAU).sin();
    let batch = if (7_200_000..8_100_000).contains(&ms_of_day) {
        4.0
    } else {
        1.0
    };
    1000.0 / (diurnal * batch)
}

/// The SplitMix64 output function.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (((self.u64() >> 32) * n as u64) >> 32) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let mut u = self.unit() * weights.iter().sum::<f64>();
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        weights.len() - 1
    }
}

/// Cumulative Zipf weights (exponent 1) over ranks `0..n`.
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize) -> Self {
        let mut cumulative = Vec::with_capacity(n);
        let mut acc = 0.0;
        for k in 1..=n {
            acc += 1.0 / k as f64;
            cumulative.push(acc);
        }
        Self(cumulative)
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit() * self.0.last().copied().unwrap_or(0.0);
        self.0
            .partition_point(|&c| c <= u)
            .min(self.0.len().saturating_sub(1))
    }
}

#[derive(Clone, Copy)]
struct Api {
    source: &'static str,
    name: &'static str,
    read_only: bool,
    data: bool,
    global: bool,
    /// `[requestParameters, responseElements, extra fields, resources]` templates.
    templates: [&'static str; 4],
}

impl Api {
    fn new(source: &'static str, name: &'static str) -> Self {
        const READ: &str = "Get List Describe Head Lookup BatchGet Query Filter Decrypt \
            GenerateDataKey AssumeRole";
        let read_only = READ.split(' ').any(|p| name.starts_with(p));
        const DATA: &str =
            "s3:GetObject s3:PutObject s3:HeadObject s3:ListObjects s3:DeleteObject \
            s3:CopyObject lambda:Invoke dynamodb:GetItem dynamodb:PutItem dynamodb:Query";
        const GLOBAL: &str = "iam organizations route53 cloudfront signin";
        let data = DATA
            .split_whitespace()
            .any(|e| e.split_once(':') == Some((source, name)));
        let global = GLOBAL.split(' ').any(|s| s == source);
        let rule = |wild: bool| {
            TEMPLATES.lines().find(|line| {
                let mut head = line
                    .split_once('|')
                    .unwrap_or_default()
                    .0
                    .split_whitespace();
                head.next() == Some(source) && head.any(|n| n == name || (wild && n == "*"))
            })
        };
        let bare = name.starts_with("List") || name == "GetCallerIdentity";
        let mut templates = [""; 4];
        if let Some(line) = rule(false).or_else(|| if bare { None } else { rule(true) }) {
            for (slot, field) in templates.iter_mut().zip(line.split('|').skip(1)) {
                *slot = field.trim();
            }
        }
        if templates[1] == "=" {
            templates[1] = if read_only { "" } else { templates[0] };
        }
        Self {
            source,
            name,
            read_only,
            data,
            global,
            templates,
        }
    }
}

struct Principal {
    /// Signs in with a bare identity (IAM user, root) rather than its session.
    bare_login: bool,
    /// Emits `AwsServiceEvent`s: only `accountId` + `invokedBy`, no `type`.
    service_event: bool,
    account: usize,
    region: usize,
    /// `userIdentity` JSON up to (not including) `accessKeyId`.
    pre: String,
    key: Key,
    /// Rest of `userIdentity`; leaves `sessionContext` open when `mfa` is `Some`.
    mid: String,
    mfa: Option<bool>,
    /// ARN quoted in AccessDenied messages; empty for principals that never fail.
    arn: String,
    ip: String,
    /// User agent; empty means "same as `ip`" (AWS services calling with their own name).
    ua: &'static str,
    /// A human with a browser session: may `ConsoleLogin`, gets `sessionCredentialFromConsole`.
    console: bool,
    pool: usize,
    /// Rotation of the catalog's long tail, so each principal has its own favourite APIs.
    rot: usize,
    salt: u64,
    /// Preferred (project, environment) for resource names.
    home: Option<(usize, usize)>,
    /// The role's ARN, for role sessions another principal may assume into.
    role_arn: String,
}

#[derive(PartialEq, Eq)]
enum Key {
    None,
    Long(String),
    /// Temporary `ASIA…` key that rotates with the hourly session.
    Session,
}

struct Draw {
    principal: usize,
    api: Api,
    region: usize,
    fail: bool,
    attacker: bool,
}

struct World {
    principals: Vec<Principal>,
    groups: Vec<(Zipf, Vec<usize>)>,
    catalog: Vec<Api>,
    zipf: Zipf,
    pools: Vec<Vec<Api>>,
    incident: usize,
    deploy: usize,
    /// Role sessions an `AssumeRole` hands credentials to, by principal index.
    chain_targets: Vec<usize>,
}

impl World {
    fn new(seed: u64) -> Self {
        let mut rng = Rng(mix(seed ^ 0x5eed));
        let mut rest: Vec<Api> = SERVICES
            .split([';', '\n'])
            .filter_map(|entry| entry.trim().split_once(' '))
            .flat_map(|(source, names)| names.split_whitespace().map(move |n| Api::new(source, n)))
            .collect();
        let mut catalog = Vec::with_capacity(rest.len());
        for hot in HOT.split_whitespace() {
            let i = rest
                .iter()
                .position(|a| a.name == hot)
                .expect("hot API is in the catalog");
            catalog.push(rest.remove(i));
        }
        shuffle(&mut rest, &mut rng);
        catalog.extend(rest);
        let pool = |line: &'static str| {
            let api = |e: &'static str| e.split_once(':').map(|(s, n)| Api::new(s, n));
            line.split_whitespace().filter_map(api).collect()
        };
        let pools = POOLS.split('\n').map(pool).collect();
        let mut b = Builder {
            rng,
            list: Vec::new(),
            groups: vec![Vec::new(); GROUP_WEIGHTS.len()],
        };
        let (incident, deploy) = b.build();
        let mut groups = b.groups;
        groups.iter_mut().for_each(|g| shuffle(g, &mut b.rng));
        let groups = groups.into_iter().map(|g| (Zipf::new(g.len()), g));
        let zipf = Zipf::new(catalog.len());
        let chain_targets = (0..b.list.len())
            .filter(|&i| !b.list[i].role_arn.is_empty())
            .collect();
        Self {
            chain_targets,
            principals: b.list,
            groups: groups.collect(),
            catalog,
            zipf,
            pools,
            incident,
            deploy,
        }
    }

    fn draw(&self, rng: &mut Rng, phase: usize) -> Draw {
        let pick = |rng: &mut Rng, pool: &[Api]| pool[rng.below(pool.len())];
        let (principal, api) = match phase {
            RECON => (self.incident, pick(rng, &self.pools[RECON])),
            DEPLOY => (self.deploy, pick(rng, &self.pools[DEPLOY])),
            _ => {
                let (zipf, members) = &self.groups[rng.weighted(&GROUP_WEIGHTS)];
                let principal = members[zipf.sample(rng)];
                let p = &self.principals[principal];
                let api = match p.pool {
                    CATALOG => self.catalog_api(rng, p),
                    pool => pick(rng, &self.pools[pool]),
                };
                (principal, api)
            }
        };
        let (p, attacker) = (&self.principals[principal], phase == RECON);
        let region = match () {
            _ if api.global => 0,
            _ if attacker => rng.below(REGIONS.len()),
            _ if rng.chance(0.8) => p.region,
            _ => rng.weighted(&REGION_WEIGHTS),
        };
        let can_fail =
            !p.arn.is_empty() && !matches!(api.name, "GetCallerIdentity" | "ConsoleLogin");
        let fail = can_fail && rng.chance(if attacker { 0.93 } else { 0.065 });
        Draw {
            principal,
            api,
            region,
            fail,
            attacker,
        }
    }

    /// Zipf over the catalog, with the long tail rotated per principal.
    fn catalog_api(&self, rng: &mut Rng, p: &Principal) -> Api {
        let tail = self.catalog.len() - HOT_LEN;
        for _ in 0..4 {
            let rank = self.zipf.sample(rng);
            let i = if rank < HOT_LEN {
                rank
            } else {
                HOT_LEN + (rank - HOT_LEN + p.rot) % tail
            };
            if self.catalog[i].name != "ConsoleLogin" || p.console {
                return self.catalog[i];
            }
        }
        self.catalog[0]
    }

    /// The role session an `AssumeRole` by `caller` hands its credentials
    /// to: a later principal, so chains end (sessions of earlier ones are
    /// never issued by later ones, and lineage has no cycles to show).
    fn chain_target(&self, caller: usize, sel: u64) -> Option<&Principal> {
        let later = self.chain_targets.partition_point(|&i| i <= caller);
        let choices = &self.chain_targets[later..];
        (!choices.is_empty())
            .then(|| &self.principals[choices[(mix(sel) % choices.len() as u64) as usize]])
    }

    fn write_event(&self, out: &mut String, rng: &mut Rng, d: &Draw, t: i64, time: &str) {
        let (p, api) = (&self.principals[d.principal], &d.api);
        let login = api.name == "ConsoleLogin";
        let sel = rng.u64();
        let (proj, env) = match p.home {
            Some(home) if sel & 7 != 0 => home,
            _ => (
                ((sel >> 8) % PROJECTS.len() as u64) as usize,
                [0, 0, 0, 1, 1, 2][((sel >> 16) % 6) as usize],
            ),
        };
        let (bits, uuid) = (rng.u64(), (rng.u64(), rng.u64()));
        let region = REGIONS[d.region];
        let c = Ctx {
            account: p.account,
            region,
            name: api.name,
            proj,
            env,
            secs: t.div_euclid(1000),
            sel,
            bits,
            uuid,
            mfa: p.mfa == Some(true),
        };
        let (ip, ua) = match () {
            _ if d.attacker => (ATTACKER_IP, UA_ATTACKER),
            _ if p.console && !login && rng.chance(0.15) => ("AWS Internal", "AWS Internal"),
            _ if p.ua.is_empty() => (p.ip.as_str(), p.ip.as_str()),
            _ => (p.ip.as_str(), p.ua),
        };
        let version = if (sel >> 60) < 5 { "1.08" } else { "1.09" };
        put!(out, r#"{{"eventVersion":"{version}","userIdentity":"#);
        write_identity(out, p, t, login);
        put!(
            out,
            r#","eventTime":"{time}","eventSource":"{}.amazonaws.com","eventName":"{}","awsRegion":"{region}","sourceIPAddress":"{ip}","userAgent":"{ua}""#,
            api.source,
            api.name
        );
        let login_failed = login && rng.chance(0.1);
        if d.fail {
            write_error(out, rng, p, api, d.attacker);
        } else if login_failed {
            out.push_str(r#","errorMessage":"Failed authentication""#);
        }
        let [req, resp, extra, resources] = api.templates;
        let resp = match () {
            _ if d.fail => "",
            _ if login_failed => r#"{"ConsoleLogin":"Failure"}"#,
            _ => resp,
        };
        // A successful AssumeRole issues the key its target session uses, so
        // the sample shows session lineage (same random draws as before).
        let chained = (api.name == "AssumeRole" && !d.fail)
            .then(|| self.chain_target(d.principal, sel))
            .flatten();
        out.push_str(r#","requestParameters":"#);
        match chained {
            Some(target) => put!(
                out,
                r#"{{"roleArn":"{}","roleSessionName":"{}","durationSeconds":3600}}"#,
                target.role_arn,
                target.arn.rsplit('/').next().unwrap_or_default()
            ),
            None => expand_or_null(out, req, &c, rng),
        }
        out.push_str(r#","responseElements":"#);
        match chained {
            Some(target) => write_assumed(out, resp, &c, rng, target, t),
            None => expand_or_null(out, resp, &c, rng),
        }
        expand(out, extra, &c, rng);
        if !p.service_event {
            out.push_str(r#","requestID":""#);
            match api.source {
                "s3" => push_rand(out, rng, UPPER, 16),
                _ => push_uuid(out, rng.u64(), rng.u64()),
            }
            out.push('"');
        }
        out.push_str(r#","eventID":""#);
        push_uuid(out, rng.u64(), rng.u64());
        put!(out, r#"","readOnly":{}"#, api.read_only);
        if let Some(target) = chained {
            let account = &target.role_arn["arn:aws:iam::".len()..][..12];
            put!(
                out,
                r#","resources":[{{"accountId":"{account}","type":"AWS::IAM::Role","ARN":"{}"}}]"#,
                target.role_arn
            );
        } else if !resources.is_empty() {
            out.push_str(r#","resources":["#);
            expand(out, resources, &c, rng);
            out.push(']');
        }
        let event_type = match api.source {
            _ if p.service_event => "AwsServiceEvent",
            "signin" => "AwsConsoleSignIn",
            _ => "AwsApiCall",
        };
        let category = if api.data { "Data" } else { "Management" };
        put!(
            out,
            r#","eventType":"{event_type}","managementEvent":{},"recipientAccountId":"{}","eventCategory":"{category}""#,
            !api.data,
            ACCOUNTS[p.account]
        );
        let tls = !ip.ends_with(".com") && ip != "AWS Internal" && api.source != "signin";
        if tls && (sel >> 56) & 7 != 0 {
            let (tls, suite) = match (sel >> 59) & 3 {
                0 => ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"),
                _ => ("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
            };
            let (host, dot) = if api.global { ("", "") } else { (region, ".") };
            put!(
                out,
                r#","tlsDetails":{{"tlsVersion":"{tls}","cipherSuite":"{suite}","clientProvidedHostHeader":"{}.{host}{dot}amazonaws.com"}}"#,
                api.source
            );
        }
        if p.console && !login && p.key == Key::Session {
            out.push_str(r#","sessionCredentialFromConsole":"true""#);
        }
        out.push('}');
    }
}

/// Start of the hourly session `p` is in at `t`: staggered per principal.
fn session_start(p: &Principal, t: i64) -> i64 {
    let offset = (p.salt % 3_600_000) as i64;
    (t - offset).div_euclid(3_600_000) * 3_600_000 + offset
}

/// The 16 characters after `ASIA` of `p`'s key in the session starting at `session`.
fn push_session_key(out: &mut String, p: &Principal, session: i64) {
    push_rand(out, &mut Rng(p.salt ^ session as u64), UPPER, 16);
}

/// An `AssumeRole` response handing `target` the key of its session at `t`:
/// the template is expanded as usual (the same random draws), then its key
/// and `assumedRoleUser` are the target's.
fn write_assumed(out: &mut String, resp: &str, c: &Ctx, rng: &mut Rng, target: &Principal, t: i64) {
    let mut scratch = String::new();
    expand(&mut scratch, resp, c, rng);
    let key_at = scratch.find(r#""accessKeyId":"ASIA"#).map(|at| at + 19);
    let user_at = scratch.find(r#","assumedRoleUser""#);
    let (Some(key_at), Some(user_at)) = (key_at, user_at) else {
        out.push_str(&scratch);
        return;
    };
    out.push_str(&scratch[..key_at]);
    push_session_key(out, target, session_start(target, t));
    out.push_str(&scratch[key_at + 16..user_at]);
    let id = target
        .pre
        .split_once(r#""principalId":""#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or("", |(id, _)| id);
    put!(
        out,
        r#","assumedRoleUser":{{"assumedRoleId":"{id}","arn":"{}"}}}}"#,
        target.arn
    );
}

fn write_identity(out: &mut String, p: &Principal, t: i64, login: bool) {
    out.push_str(&p.pre);
    if login && p.bare_login {
        out.push('}');
        return;
    }
    // Sessions last an hour, staggered per principal; key and creationDate follow the session.
    let session = session_start(p, t);
    match &p.key {
        Key::None => {}
        Key::Long(key) => put!(out, r#","accessKeyId":"{key}""#),
        Key::Session => {
            out.push_str(r#","accessKeyId":"ASIA"#);
            push_session_key(out, p, session);
            out.push('"');
        }
    }
    out.push_str(&p.mid);
    if let Some(mfa) = p.mfa {
        out.push_str(r#","attributes":{"creationDate":""#);
        push_time(out, session);
        put!(out, r#"","mfaAuthenticated":"{mfa}"}}}}"#);
    }
    out.push('}');
}

fn write_error(out: &mut String, rng: &mut Rng, p: &Principal, api: &Api, attacker: bool) {
    let service = if api.source == "monitoring" {
        "cloudwatch"
    } else {
        api.source
    };
    let action = api.name.find("2015").map_or(api.name, |i| &api.name[..i]);
    let query_api = "iam sts s3 cloudformation rds autoscaling elasticloadbalancing sns sqs \
        cloudwatch cloudfront route53";
    let roll = if attacker { 99 } else { rng.below(100) };
    let (code, message) = match (roll, service) {
        (0..20, "ec2") => ("Client.RequestLimitExceeded", "Request limit exceeded."),
        (0..20, s) if s != "iam" && s != "sts" => ("ThrottlingException", "Rate exceeded"),
        (20..32, "s3") => ("NoSuchBucket", "The specified bucket does not exist"),
        (20..32, "ec2") => (
            "Client.InvalidInstanceID.NotFound",
            "The instance ID does not exist",
        ),
        (20..32, "iam") => ("NoSuchEntity", "The specified entity does not exist."),
        (20..32, _) => ("ResourceNotFoundException", "Requested resource not found"),
        (_, "s3") => ("AccessDenied", "Access Denied"),
        (_, "ec2") => (
            "Client.UnauthorizedOperation",
            "You are not authorized to perform this operation. ",
        ),
        (_, s) if query_api.split(' ').any(|q| q == s) => ("AccessDenied", ""),
        _ => ("AccessDeniedException", ""),
    };
    put!(out, r#","errorCode":"{code}","errorMessage":"{message}"#);
    if message.is_empty() || message.ends_with(". ") {
        let (arn, action) = (&p.arn, format!("{service}:{action}"));
        put!(out, "User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action");
    }
    out.push('"');
}

/// Per-event values for the `$` tokens of the templates.
struct Ctx {
    account: usize,
    region: &'static str,
    name: &'static str,
    proj: usize,
    env: usize,
    secs: i64,
    /// Random bits picking names (person, role, bucket, folder); `bits` and `uuid` make ids.
    sel: u64,
    bits: u64,
    uuid: (u64, u64),
    mfa: bool,
}

fn expand_or_null(out: &mut String, template: &str, c: &Ctx, rng: &mut Rng) {
    match template {
        "" => out.push_str("null"),
        _ => expand(out, template, c, rng),
    }
}

/// Writes `template`, replacing each `$` + letter token with its value from `c` (or fresh
/// randomness for secrets and opaque ids).
fn expand(out: &mut String, template: &str, c: &Ctx, rng: &mut Rng) {
    let mut parts = template.split('$');
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        let (proj, env, sel) = (PROJECTS[c.proj], ENVS[c.env], c.sel);
        match part.as_bytes()[0] {
            b'a' => out.push_str(ACCOUNTS[c.account]),
            b'r' => out.push_str(c.region),
            b'p' => out.push_str(proj),
            b'e' => out.push_str(env),
            b'n' => out.push_str(person(((sel >> 24) & 0xffff_ffff) as usize)),
            b'o' => out
                .push_str(["deploy", "readonly", "etl", "lambda-role"][((sel >> 32) % 4) as usize]),
            b'b' => put!(
                out,
                "acme-{proj}-{env}-{}",
                ["data", "assets", "logs", "exports"][((sel >> 36) % 4) as usize]
            ),
            b'k' => put!(
                out,
                "{}/{proj}/part-{:05x}.json.gz",
                ["raw", "reports", "uploads"][((sel >> 40) % 3) as usize],
                c.bits >> 44
            ),
            b's' => {
                if let Some((_, sub)) = c.name.split_once("Bucket").filter(|(_, s)| !s.is_empty()) {
                    put!(out, r#","{}":"""#, sub.to_ascii_lowercase());
                }
            }
            b'h' => push_hex(out, c.bits, 8),
            b'g' => push_hex(out, c.bits >> 32, 8),
            b'i' => {
                out.push_str("i-0");
                push_hex(out, mix(c.bits), 16);
            }
            b'u' => push_uuid(out, c.uuid.0, c.uuid.1),
            b'K' => push_uuid(
                out,
                mix(c.proj as u64 + 0x6b6d73),
                mix(c.account as u64 + 0x6b6579),
            ),
            b't' => put!(out, "{}", c.secs),
            b'T' => {
                out.push_str("IQoJb3JpZ2luX2VjE");
                push_rand(out, rng, B64, 60);
            }
            b'x' => push_human_time(out, (c.secs + 3600) * 1000),
            b'd' => push_human_time(out, c.secs * 1000),
            b'Y' => push_rand(out, rng, UPPER, 16),
            b'z' => push_rand(out, rng, B64, 40),
            b'c' => put!(out, "{}", c.bits % 2_000_000),
            b'm' => out.push_str(if c.mfa { "Yes" } else { "No" }),
            b'C' => expand(out, CREDENTIALS, c, rng),
            b'O' => expand(out, S3_OBJECT, c, rng),
            b'X' => expand(out, S3_EXTRA, c, rng),
            b'Q' => expand(out, S3_RESOURCES, c, rng),
            b'J' => expand(out, KMS_RESOURCE, c, rng),
            b'I' => expand(out, EC2_INSTANCES, c, rng),
            other => unreachable!("unknown template token ${}", other as char),
        }
        out.push_str(&part[1..]);
    }
}

fn push_hex(out: &mut String, v: u64, digits: u32) {
    out.extend(
        (0..digits)
            .rev()
            .map(|i| HEX[(v >> (4 * i)) as usize & 15] as char),
    );
}

fn push_uuid(out: &mut String, hi: u64, lo: u64) {
    let (hi, lo) = ((hi & !0xf000) | 0x4000, (lo & !(3 << 62)) | (2 << 62));
    push_hex(out, hi >> 32, 8);
    out.push('-');
    push_hex(out, hi >> 16, 4);
    out.push('-');
    push_hex(out, hi, 4);
    out.push('-');
    push_hex(out, lo >> 48, 4);
    out.push('-');
    push_hex(out, lo, 12);
}

fn push_rand(out: &mut String, rng: &mut Rng, alphabet: &[u8], n: usize) {
    let mut bits = 0;
    for i in 0..n {
        if i % 10 == 0 {
            bits = rng.u64();
        }
        out.push(alphabet[(bits & 63) as usize % alphabet.len()] as char);
        bits >>= 6;
    }
}

fn person(i: usize) -> &'static str {
    PEOPLE.split_whitespace().nth(i % 24).unwrap_or_default()
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// `[year, month, day, hour, minute, second]` (UTC) of epoch milliseconds.
fn civil(ms: i64) -> [i64; 6] {
    let secs = ms.div_euclid(1000);
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let d = doy - (153 * mp + 2) / 5 + 1;
    let sod = secs.rem_euclid(86_400);
    [y, m, d, sod / 3600, sod / 60 % 60, sod % 60]
}

/// RFC 3339 with second precision, as in `eventTime`: `2026-11-02T00:00:07Z`.
fn push_time(out: &mut String, ms: i64) {
    let [y, mo, d, h, mi, s] = civil(ms);
    put!(out, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
}

/// The format STS and IAM use inside responseElements: `Nov 2, 2026, 1:00:07 AM`.
fn push_human_time(out: &mut String, ms: i64) {
    let [y, mo, d, h, mi, s] = civil(ms);
    let (h12, half) = ((h + 11) % 12 + 1, if h < 12 { "AM" } else { "PM" });
    put!(
        out,
        "{} {d}, {y}, {h12}:{mi:02}:{s:02} {half}",
        MONTHS[(mo - 1) as usize]
    );
}

fn session_context(issuer: &str) -> String {
    format!(r#","sessionContext":{{"sessionIssuer":{issuer},"webIdFederationData":{{}}"#)
}

/// Builds the ~200 principals into the groups of [`GROUP_WEIGHTS`].
struct Builder {
    rng: Rng,
    list: Vec<Principal>,
    groups: Vec<Vec<usize>>,
}

impl Builder {
    fn chars(&mut self, prefix: &str, alphabet: &[u8], n: usize) -> String {
        let mut s = prefix.to_owned();
        push_rand(&mut s, &mut self.rng, alphabet, n);
        s
    }

    fn uuid(&mut self) -> String {
        let mut s = String::new();
        push_uuid(&mut s, self.rng.u64(), self.rng.u64());
        s
    }

    fn account(&mut self) -> usize {
        self.rng.weighted(&ACCOUNT_WEIGHTS)
    }

    fn push(&mut self, group: usize, account: usize, pre: String) -> &mut Principal {
        let net = ["192.0.2", "198.51.100", "203.0.113"][self.rng.below(3)];
        let principal = Principal {
            bare_login: false,
            service_event: false,
            account,
            region: self.rng.weighted(&REGION_WEIGHTS),
            pre,
            key: Key::None,
            mid: String::new(),
            mfa: None,
            arn: String::new(),
            ip: format!("{net}.{}", 1 + self.rng.below(254)),
            ua: UA_BOTO,
            console: false,
            pool: CATALOG,
            rot: self.rng.below(1000),
            salt: self.rng.u64(),
            home: None,
            role_arn: String::new(),
        };
        self.groups[group].push(self.list.len());
        self.list.push(principal);
        self.list.last_mut().expect("just pushed")
    }

    /// A principal on temporary credentials; `issuer` is the `sessionIssuer` object.
    fn session(&mut self, group: usize, a: usize, pre: String, issuer: &str) -> &mut Principal {
        let p = self.push(group, a, pre);
        p.mid = session_context(issuer);
        (p.key, p.mfa) = (Key::Session, Some(false));
        p
    }

    fn role(
        &mut self,
        group: usize,
        a: usize,
        path: &str,
        role: &str,
        session: &str,
    ) -> &mut Principal {
        let (acct, id) = (ACCOUNTS[a], self.chars("AROA", UPPER, 17));
        let arn = format!("arn:aws:sts::{acct}:assumed-role/{role}/{session}");
        let pre = format!(
            r#"{{"type":"AssumedRole","principalId":"{id}:{session}","arn":"{arn}","accountId":"{acct}""#
        );
        let issuer = format!(
            r#"{{"type":"Role","principalId":"{id}","arn":"arn:aws:iam::{acct}:role/{path}{role}","accountId":"{acct}","userName":"{role}"}}"#
        );
        let p = self.session(group, a, pre, &issuer);
        p.arn = arn;
        if !path.starts_with("aws-") {
            p.role_arn = format!("arn:aws:iam::{acct}:role/{path}{role}");
        }
        p
    }

    /// A person in a browser session with MFA.
    fn human(&mut self, group: usize, a: usize, pre: String, arn: String) -> &mut Principal {
        let p = self.session(group, a, pre, "{}");
        (p.arn, p.mfa, p.console) = (arn, Some(true), true);
        p.ua = UA_BROWSER[(p.salt % UA_BROWSER.len() as u64) as usize];
        p
    }

    /// Returns the incident principal and the CI deployer.
    fn build(&mut self) -> (usize, usize) {
        // 0: workloads (Lambda, ECS tasks, EC2 instance profiles), CI and service-linked roles.
        for (kind, ua) in [
            ("lambda-role", UA_LAMBDA),
            ("task-role", UA_ECS),
            ("ec2-role", UA_EC2),
        ] {
            for (pi, proj) in PROJECTS.iter().enumerate() {
                for (ei, env) in ENVS.iter().enumerate() {
                    let session = match kind {
                        "lambda-role" => format!("{proj}-{env}-handler"),
                        "task-role" => self.chars("", HEX, 32),
                        _ => self.chars("i-0", HEX, 16),
                    };
                    let a = self.account();
                    let p = self.role(0, a, "", &format!("{proj}-{env}-{kind}"), &session);
                    (p.ua, p.home) = (ua, Some((pi, ei)));
                }
            }
        }
        let deploy = self.list.len() + 1;
        let ci = [
            ("github-actions-deploy", UA_JS),
            ("terraform-apply", UA_TERRAFORM),
            ("atlantis-plan", UA_TERRAFORM),
            ("jenkins-build", UA_CLI[1]),
        ];
        for (role, ua) in ci {
            let session = format!("{role}-{}", self.rng.below(9000) + 1000);
            self.role(0, 0, "", role, &session).ua = ua;
        }
        for (service, role, session) in [
            ("autoscaling", "AutoScaling", "AutoScaling"),
            ("ecs", "ECS", "ecs-service-scheduler"),
            ("config", "Config", "AWSConfig-Describe"),
            ("guardduty", "AmazonGuardDuty", "AmazonGuardDuty"),
        ] {
            let (a, host) = (self.account(), format!("{service}.amazonaws.com"));
            let path = format!("aws-service-role/{host}/");
            let p = self.role(0, a, &path, &format!("AWSServiceRoleFor{role}"), session);
            p.mid.insert_str(0, &format!(r#","invokedBy":"{host}""#));
            (p.ip, p.ua, p.arn) = (host, "", String::new());
        }
        // 1: AWS services acting on an account's behalf.
        for service in AWS_SERVICES.split_whitespace() {
            let a = self.account();
            let host = format!("{service}.amazonaws.com");
            let p = self.push(
                1,
                a,
                format!(r#"{{"type":"AWSService","invokedBy":"{host}""#),
            );
            (p.ip, p.ua, p.pool) = (host, "", SERVICE);
        }
        // 2: people through IAM Identity Center permission sets, plus classic human roles.
        for (i, person) in PEOPLE.split_whitespace().enumerate() {
            for k in 0..1 + usize::from(i % 3 == 0) {
                let (a, perm) = (self.account(), (i + 2 * k) % PERM_SETS.len());
                let suffix = mix((a * 8 + perm) as u64 + 0x73736f);
                let role = format!("AWSReservedSSO_{}_{suffix:016x}", PERM_SETS[perm]);
                let session = format!("{person}@example.com");
                let p = self.role(2, a, "aws-reserved/sso.amazonaws.com/", &role, &session);
                (p.mfa, p.console) = (Some(true), i % 4 != 3);
                p.ua = if p.console {
                    UA_BROWSER[i % 3]
                } else {
                    UA_CLI[i % 2]
                };
            }
        }
        let roles = "OrganizationAccountAccessRole BreakGlassAdmin OrganizationAccountAccessRole";
        for (a, role) in roles.split(' ').enumerate() {
            let p = self.role(2, a, "", role, person(a * 5));
            (p.mfa, p.console, p.ua) = (Some(true), true, UA_BROWSER[a]);
        }
        // 3: IAM users: console humans, CLI humans and service users with long-term keys.
        let mut incident = 0;
        let users = PEOPLE
            .split_whitespace()
            .chain(SERVICE_USERS.split_whitespace());
        for (i, name) in users.enumerate() {
            let a = if name == "svc-reporting-legacy" {
                0
            } else {
                self.account()
            };
            let (acct, id) = (ACCOUNTS[a], self.chars("AIDA", UPPER, 17));
            let arn = format!("arn:aws:iam::{acct}:user/{name}");
            let pre = format!(
                r#"{{"type":"IAMUser","principalId":"{id}","arn":"{arn}","accountId":"{acct}","userName":"{name}""#
            );
            if i < 16 {
                let p = self.human(3, a, pre, arn);
                (p.bare_login, p.mfa) = (true, Some(i % 5 != 0));
                continue;
            }
            if name == "svc-reporting-legacy" {
                incident = self.list.len();
            }
            let key = Key::Long(self.chars("AKIA", UPPER, 16));
            let p = self.push(3, a, pre);
            (p.key, p.arn, p.ua) = (key, arn, [UA_CLI[0], UA_CLI[1], UA_BOTO, UA_JS][i % 4]);
        }
        // 4: other AWS accounts (cross-account access).
        for _ in 0..4 {
            let (a, ext) = (self.account(), self.chars("", b"0123456789", 12));
            let id = self.chars("AIDA", UPPER, 17);
            self.push(
                4,
                a,
                format!(r#"{{"type":"AWSAccount","principalId":"{id}","accountId":"{ext}""#),
            );
        }
        // 5: federated users (GetFederationToken through a broker IAM user).
        for name in PEOPLE.split_whitespace().skip(3).step_by(4) {
            let (a, id) = (self.account(), self.chars("AIDA", UPPER, 17));
            let acct = ACCOUNTS[a];
            let arn = format!("arn:aws:sts::{acct}:federated-user/{name}");
            let pre = format!(
                r#"{{"type":"FederatedUser","principalId":"{acct}:{name}","arn":"{arn}","accountId":"{acct}""#
            );
            let issuer = format!(
                r#"{{"type":"IAMUser","principalId":"{id}","arn":"arn:aws:iam::{acct}:user/federation-broker","accountId":"{acct}","userName":"federation-broker"}}"#
            );
            let p = self.human(5, a, pre, arn);
            (p.mid, p.mfa) = (session_context(&issuer), Some(false));
        }
        // 6: SAML and 7: web identity (GitHub OIDC, Cognito) callers of AssumeRoleWith*.
        for (i, name) in PEOPLE.split_whitespace().skip(1).step_by(5).enumerate() {
            let (a, idp) = (self.account(), self.chars("", B64, 22));
            let pre = format!(
                r#"{{"type":"SAMLUser","principalId":"{idp}==:{name}@example.com","userName":"{name}@example.com","identityProvider":"{idp}==""#
            );
            let p = self.push(6, a, pre);
            (p.pool, p.ua) = (SAML, UA_BROWSER[i % 3]);
        }
        for (i, repo) in PROJECTS.iter().take(5).enumerate() {
            let (a, pool, user) = (self.account(), self.uuid(), self.uuid());
            let idp = format!(
                "arn:aws:iam::{}:oidc-provider/token.actions.githubusercontent.com",
                ACCOUNTS[a]
            );
            let pre = match i {
                0..3 => format!(
                    r#"{{"type":"WebIdentityUser","principalId":"{idp}:sts.amazonaws.com:repo:acme/{repo}:ref:refs/heads/main","userName":"repo:acme/{repo}:ref:refs/heads/main","identityProvider":"{idp}""#
                ),
                _ => format!(
                    r#"{{"type":"WebIdentityUser","principalId":"cognito-identity.amazonaws.com:us-east-1:{pool}:us-east-1:{user}","userName":"us-east-1:{user}","identityProvider":"cognito-identity.amazonaws.com""#
                ),
            };
            let p = self.push(7, a, pre);
            (p.pool, p.ua) = (WEB_IDENTITY, UA_JS);
        }
        // 8: IAM Identity Center users acting directly (access portal, Identity Center APIs).
        for i in 0..6 {
            let (a, user, store) = (self.account(), self.uuid(), self.chars("d-90", HEX, 8));
            let (acct, credential) = (ACCOUNTS[a], self.chars("", ALNUM, 40));
            let pre = format!(
                r#"{{"type":"IdentityCenterUser","accountId":"{acct}","onBehalfOf":{{"userId":"{user}","identityStoreArn":"arn:aws:identitystore::{acct}:identitystore/{store}"}},"credentialId":"{credential}""#
            );
            let p = self.push(8, a, pre);
            (p.pool, p.ua) = (IDENTITY_CENTER, UA_BROWSER[i % 3]);
        }
        // 9: AwsServiceEvent emitters (no `type`), 10: root, 11: Unknown (Identity Center sign-in).
        for (a, acct) in ACCOUNTS.into_iter().enumerate() {
            for (service, pool) in [("kms", KMS_EVENTS), ("backup", BACKUP_EVENTS)] {
                let host = format!("{service}.amazonaws.com");
                let p = self.push(
                    9,
                    a,
                    format!(r#"{{"accountId":"{acct}","invokedBy":"{host}""#),
                );
                (p.ip, p.ua, p.pool, p.service_event) = (host, "", pool, true);
            }
            let arn = format!("arn:aws:iam::{acct}:root");
            let pre = format!(
                r#"{{"type":"Root","principalId":"{acct}","arn":"{arn}","accountId":"{acct}""#
            );
            let p = self.human(10, a, pre, arn);
            (p.pool, p.bare_login) = (ROOT, true);
            let name = person(a * 7);
            let pre = format!(
                r#"{{"type":"Unknown","principalId":"{acct}","arn":"","accountId":"{acct}","accessKeyId":"","userName":"{name}""#
            );
            let p = self.push(11, a, pre);
            (p.pool, p.ua) = (SIGN_IN, UA_BROWSER[a]);
        }
        (incident, deploy)
    }
}

#[cfg(test)]
mod tests;
