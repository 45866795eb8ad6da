//! Sample data: owns the deterministic generator of realistic AWS CloudTrail trail files (S3 key
//! layout, compact `{"Records":[...]}` JSON, optional gzip) behind the demo button, benchmarks and tests.
//!
//! Everything derives from [`SampleConfig::seed`] through a tiny SplitMix64, so one config always
//! yields byte-identical files. Records are written straight into reusable `String`s; every emitted
//! string comes from fixed ASCII tables or escape-free alphabets, so no JSON escaping is needed
//! (the tests parse every file to hold us to that).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::Write as _;
use std::ops::Range;

use flate2::write::GzEncoder;
use flate2::Compression;

/// CloudTrail delivers one file per account and region about every five minutes.
const WINDOW_MS: i64 = 5 * 60 * 1000;
const RECORDS_OPEN: &str = r#"{"Records":["#;
const ACCOUNTS: [&str; 3] = ["314159265358", "271828182845", "161803398874"];
const ACCOUNT_WEIGHTS: [f64; 3] = [0.6, 0.3, 0.1];
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const REGION_WEIGHTS: [f64; 4] = [0.5, 0.22, 0.18, 0.1];
const PROJECTS: [&str; 8] = [
    "checkout", "payments", "search", "ledger", "catalog", "identity", "reporting", "ingest",
];
const ENVS: [&str; 3] = ["prod", "staging", "dev"];
const PEOPLE: [&str; 24] = [
    "alice.nguyen", "bob.smith", "carol.jones", "dan.kim", "erin.garcia", "frank.mueller",
    "grace.hopper", "hiro.tanaka", "ines.silva", "jamal.ahmed", "kate.oconnor", "liam.walsh",
    "maria.rossi", "nora.berg", "omar.haddad", "priya.patel", "quinn.lee", "rosa.diaz",
    "sam.taylor", "tara.singh", "umar.khan", "vera.novak", "wei.zhang", "yusuf.demir",
];
const PERM_SETS: [&str; 5] =
    ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "DataEngineer", "Billing"];
const ROLE_SUFFIXES: [&str; 4] = ["deploy", "readonly", "etl", "lambda-role"];
const BUCKET_KINDS: [&str; 4] = ["data", "assets", "logs", "exports"];
const FOLDERS: [&str; 4] = ["exports", "raw", "reports", "uploads"];
const DOC_NETS: [&str; 3] = ["192.0.2", "198.51.100", "203.0.113"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
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
const AWS_SERVICES: [&str; 14] = [
    "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", "cloudtrail.amazonaws.com",
    "config.amazonaws.com", "elasticloadbalancing.amazonaws.com", "autoscaling.amazonaws.com",
    "events.amazonaws.com", "states.amazonaws.com", "s3.amazonaws.com", "logs.amazonaws.com",
    "ssm.amazonaws.com", "backup.amazonaws.com", "glue.amazonaws.com",
];

/// Management and data APIs by service (`<source>.amazonaws.com`), space separated.
const SERVICES: &[(&str, &str)] = &[
    ("sts", "AssumeRole GetCallerIdentity GetSessionToken GetFederationToken DecodeAuthorizationMessage"),
    ("s3", "GetObject PutObject HeadObject ListObjects DeleteObject CopyObject ListBuckets GetBucketAcl GetBucketLocation GetBucketPolicy PutBucketPolicy CreateBucket GetBucketVersioning GetBucketEncryption"),
    ("ec2", "DescribeInstances DescribeSecurityGroups DescribeVpcs DescribeSubnets DescribeVolumes DescribeImages DescribeRegions RunInstances StartInstances StopInstances TerminateInstances CreateTags AuthorizeSecurityGroupIngress"),
    ("iam", "ListUsers ListRoles GetRole GetUser GetPolicy ListAttachedRolePolicies CreateRole AttachRolePolicy PutRolePolicy CreateUser CreateAccessKey ListAccessKeys"),
    ("kms", "Decrypt GenerateDataKey Encrypt DescribeKey ListAliases CreateGrant"),
    ("lambda", "Invoke ListFunctions20150331 GetFunction20150331v2 UpdateFunctionCode20150331v2 CreateFunction20150331"),
    ("cloudtrail", "LookupEvents DescribeTrails GetTrailStatus StopLogging"),
    ("logs", "CreateLogStream DescribeLogGroups DescribeLogStreams FilterLogEvents StartQuery"),
    ("monitoring", "GetMetricData DescribeAlarms PutMetricAlarm"),
    ("dynamodb", "DescribeTable ListTables GetItem PutItem Query"),
    ("sqs", "GetQueueAttributes ListQueues SetQueueAttributes"),
    ("sns", "ListTopics GetTopicAttributes Subscribe"),
    ("secretsmanager", "GetSecretValue DescribeSecret ListSecrets PutSecretValue"),
    ("ssm", "GetParameter GetParameters GetParametersByPath UpdateInstanceInformation StartSession SendCommand"),
    ("rds", "DescribeDBInstances DescribeDBClusters CreateDBSnapshot"),
    ("ecs", "DescribeServices DescribeTasks ListClusters UpdateService RegisterTaskDefinition"),
    ("eks", "DescribeCluster ListNodegroups"),
    ("cloudformation", "DescribeStacks DescribeStackEvents CreateStack UpdateStack"),
    ("signin", "ConsoleLogin"),
    ("guardduty", "ListDetectors GetFindings"),
    ("config", "DescribeConfigRules PutEvaluations"),
    ("organizations", "DescribeOrganization ListAccounts"),
    ("sso", "ListInstances ListPermissionSets"),
    ("route53", "ListHostedZones ChangeResourceRecordSets"),
    ("elasticloadbalancing", "DescribeLoadBalancers DescribeTargetHealth"),
    ("autoscaling", "DescribeAutoScalingGroups SetDesiredCapacity"),
    ("ecr", "GetAuthorizationToken BatchGetImage GetDownloadUrlForLayer"),
    ("athena", "StartQueryExecution GetQueryExecution"),
    ("glue", "GetTable GetPartitions"),
    ("kinesis", "DescribeStream"),
    ("firehose", "DescribeDeliveryStream"),
    ("apigateway", "GetRestApis"),
    ("cloudfront", "ListDistributions CreateInvalidation"),
    ("acm", "DescribeCertificate"),
    ("events", "PutRule DescribeRule"),
    ("states", "StartExecution"),
    ("codebuild", "StartBuild"),
    ("codepipeline", "GetPipelineState"),
    ("elasticfilesystem", "DescribeFileSystems"),
    ("access-analyzer", "ListAnalyzers"),
    ("backup", "ListBackupJobs"),
];
/// The head of the popularity ranking; the rest of the catalog follows in seeded order.
const HOT: &str = "AssumeRole GetObject DescribeInstances Decrypt GetCallerIdentity PutObject GenerateDataKey GetParameter HeadObject GetMetricData DescribeTable GetSecretValue ListBuckets CreateLogStream GetQueueAttributes ListObjects DescribeSecurityGroups Invoke GetAuthorizationToken ConsoleLogin";
const HOT_LEN: usize = 20;

/// Fixed API pools for principals that do not draw from the general catalog.
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
type Pool = &'static [(&'static str, &'static str)];
const POOLS: [Pool; 11] = [
    &[],
    &[("sts", "AssumeRoleWithSAML")],
    &[("sts", "AssumeRoleWithWebIdentity")],
    &[("sts", "AssumeRole"), ("sts", "AssumeRole"), ("sts", "AssumeRole"), ("kms", "Decrypt"), ("kms", "GenerateDataKey"), ("s3", "GetBucketAcl"), ("s3", "PutObject")],
    &[("kms", "RotateKey"), ("kms", "DeleteExpiredKeyMaterial")],
    &[("backup", "BackupJobCompleted")],
    &[("sso", "ListAccounts"), ("sso", "ListAccountRoles"), ("sso", "GetRoleCredentials"), ("sso", "ListApplications")],
    &[("signin", "CredentialChallenge"), ("signin", "CredentialVerification"), ("signin", "UserAuthentication")],
    &[("signin", "ConsoleLogin"), ("signin", "ConsoleLogin"), ("iam", "GetAccountSummary"), ("iam", "ListUsers"), ("s3", "ListBuckets"), ("ec2", "DescribeInstances"), ("organizations", "DescribeOrganization")],
    &[("sts", "GetCallerIdentity"), ("s3", "ListBuckets"), ("iam", "ListUsers"), ("iam", "ListRoles"), ("ec2", "DescribeInstances"), ("ec2", "DescribeRegions"), ("secretsmanager", "ListSecrets"), ("secretsmanager", "GetSecretValue"), ("rds", "DescribeDBInstances"), ("lambda", "ListFunctions20150331"), ("iam", "CreateUser"), ("iam", "CreateAccessKey"), ("s3", "GetObject")],
    &[("cloudformation", "DescribeStacks"), ("cloudformation", "DescribeStackEvents"), ("cloudformation", "UpdateStack"), ("iam", "GetRole"), ("iam", "PutRolePolicy"), ("lambda", "UpdateFunctionCode20150331v2"), ("lambda", "GetFunction20150331v2"), ("ecs", "RegisterTaskDefinition"), ("ecs", "UpdateService"), ("ecs", "DescribeServices"), ("ec2", "DescribeSecurityGroups"), ("ec2", "AuthorizeSecurityGroupIngress"), ("ec2", "CreateTags"), ("s3", "PutObject"), ("sts", "GetCallerIdentity")],
];
/// Share of events per principal group (see `build_principals` for the group numbers).
const GROUP_WEIGHTS: [f64; 12] = [40.0, 10.0, 16.0, 14.0, 2.5, 3.0, 2.0, 2.0, 3.0, 2.0, 0.8, 1.2];

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
}

impl Default for SampleConfig {
    fn default() -> Self {
        Self { events: 5000, seed: 42, start_ms: days_from_civil(2026, 11, 2) * 86_400_000, gzip: true }
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
/// Files come in delivery order: by five-minute window, then account, then region. The time in
/// a file name is the end of its window, as CloudTrail names files by delivery time.
pub fn generate(config: &SampleConfig) -> SampleFiles {
    let n = config.events;
    SampleFiles {
        world: World::new(config.seed),
        rng: Rng(mix(config.seed ^ 0x7261_696c_676c_6173)),
        seed: config.seed,
        gzip: config.gzip,
        total: n,
        emitted: 0,
        clock: config.start_ms,
        window: config.start_ms.div_euclid(WINDOW_MS),
        buckets: vec![(RECORDS_OPEN.to_owned(), 0); ACCOUNTS.len() * REGIONS.len()],
        pending: VecDeque::new(),
        time_sec: i64::MIN,
        time_str: String::new(),
        deploy: n * 30 / 100..n * 30 / 100 + (n / 25).min(6000),
        incident: n * 62 / 100..n * 62 / 100 + (n / 40).min(4000),
    }
}

/// Iterator over generated trail files; see [`generate`].
pub struct SampleFiles {
    world: World,
    rng: Rng,
    seed: u64,
    gzip: bool,
    total: usize,
    emitted: usize,
    /// Time of the next event, epoch ms.
    clock: i64,
    window: i64,
    /// Open `{"Records":[` buffer and record count per account x region.
    buckets: Vec<(String, usize)>,
    pending: VecDeque<SampleFile>,
    time_sec: i64,
    time_str: String,
    /// Event-index ranges of the CI deployment burst and the AccessDenied incident.
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
        let bursting = self.incident.contains(&i) || self.deploy.contains(&i);
        let phase = if bursting && self.rng.chance(0.8) {
            if self.incident.contains(&i) { RECON } else { DEPLOY }
        } else {
            CATALOG
        };
        let mean = if bursting { 200.0 } else { mean_gap_ms(t) };
        self.clock += (-(1.0 - self.rng.unit()).ln() * mean) as i64;
        let draw = self.world.draw(&mut self.rng, phase);
        if t.div_euclid(WINDOW_MS) != self.window {
            self.flush();
            self.window = t.div_euclid(WINDOW_MS);
        }
        if t.div_euclid(1000) != self.time_sec {
            self.time_sec = t.div_euclid(1000);
            self.time_str.clear();
            push_time(&mut self.time_str, t);
        }
        let account = self.world.principals[draw.principal].account;
        let (json, count) = &mut self.buckets[account * REGIONS.len() + draw.region];
        if *count > 0 {
            json.push(',');
        }
        *count += 1;
        self.world.write_event(json, &mut self.rng, &draw, t, &self.time_str);
        self.emitted += 1;
    }

    /// Closes every non-empty bucket of the current window into a file.
    fn flush(&mut self) {
        let end = (self.window + 1) * WINDOW_MS;
        for (b, (json, count)) in self.buckets.iter_mut().enumerate() {
            if *count == 0 {
                continue;
            }
            json.push_str("]}");
            let (acct, region) = (ACCOUNTS[b / REGIONS.len()], REGIONS[b % REGIONS.len()]);
            let [y, mo, d, h, mi, _] = civil(end);
            let mut path = format!("AWSLogs/{acct}/CloudTrail/{region}/{y:04}/{mo:02}/{d:02}/{acct}_CloudTrail_{region}_{y:04}{mo:02}{d:02}T{h:02}{mi:02}Z_");
            let mut name_rng = Rng(mix(self.seed ^ mix(self.window as u64) ^ b as u64));
            push_rand(&mut path, &mut name_rng, ALNUM, 16);
            path.push_str(if self.gzip { ".json.gz" } else { ".json" });
            let bytes = if self.gzip {
                let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::fast());
                gz.write_all(json.as_bytes()).expect("writing to a Vec cannot fail");
                gz.finish().expect("writing to a Vec cannot fail")
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

/// Mean gap to the next event: ~1 event/s, busier in the (UTC) afternoon, with a nightly batch spike.
fn mean_gap_ms(t: i64) -> f64 {
    let ms_of_day = t.rem_euclid(86_400_000);
    let day_fraction = ms_of_day as f64 / 86_400_000.0;
    let diurnal = 1.0 + 0.6 * ((day_fraction - 0.375) * std::f64::consts::TAU).sin();
    let batch = if (7_200_000..8_100_000).contains(&ms_of_day) { 4.0 } else { 1.0 };
    1000.0 / (diurnal * batch)
}

const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// SplitMix64.
#[derive(Clone)]
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

/// Cumulative Zipf weights over ranks `0..n`.
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut acc = 0.0;
        Self((1..=n).map(|k| { acc += (k as f64).powf(-s); acc }).collect())
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit() * self.0.last().copied().unwrap_or(0.0);
        self.0.partition_point(|&c| c <= u).min(self.0.len().saturating_sub(1))
    }
}

#[derive(Clone, Copy)]
struct Api {
    source: &'static str,
    name: &'static str,
    read_only: bool,
    data: bool,
    global: bool,
}

impl Api {
    fn new(source: &'static str, name: &'static str) -> Self {
        const READ: [&str; 11] = ["Get", "List", "Describe", "Head", "Lookup", "BatchGet", "Query", "Filter", "Decrypt", "GenerateDataKey", "AssumeRole"];
        let data = matches!(
            (source, name),
            ("s3", "GetObject" | "PutObject" | "HeadObject" | "ListObjects" | "DeleteObject" | "CopyObject")
                | ("lambda", "Invoke")
                | ("dynamodb", "GetItem" | "PutItem" | "Query")
        );
        let read_only = READ.iter().any(|p| name.starts_with(p));
        let global = matches!(source, "iam" | "organizations" | "route53" | "cloudfront" | "signin");
        Self { source, name, read_only, data, global }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    IamUser,
    AssumedRole,
    Other,
    /// `AwsServiceEvent` caller: only `accountId` + `invokedBy`, no `type`.
    ServiceEvent,
}

#[derive(PartialEq, Eq)]
enum Key {
    None,
    Long(String),
    /// Temporary `ASIA…` key that rotates with the hourly session.
    Session,
}

struct Principal {
    kind: Kind,
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
    ua: &'static str,
    /// A human with a browser session: may `ConsoleLogin`, gets `sessionCredentialFromConsole`.
    console: bool,
    pool: usize,
    rot: usize,
    salt: u64,
    home: Option<(usize, usize)>,
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
    groups: Vec<(Vec<usize>, Zipf)>,
    catalog: Vec<Api>,
    zipf: Zipf,
    pools: Vec<Vec<Api>>,
    incident: usize,
    deploy: usize,
}

impl World {
    fn new(seed: u64) -> Self {
        let mut rng = Rng(mix(seed ^ 0x5eed));
        let mut rest: Vec<Api> = SERVICES
            .iter()
            .flat_map(|&(source, names)| names.split_whitespace().map(move |n| Api::new(source, n)))
            .collect();
        let mut catalog = Vec::with_capacity(rest.len());
        for hot in HOT.split_whitespace() {
            let i = rest.iter().position(|a| a.name == hot).expect("hot API is in the catalog");
            catalog.push(rest.remove(i));
        }
        for i in (1..rest.len()).rev() {
            rest.swap(i, rng.below(i + 1));
        }
        catalog.extend(rest);
        let pools = POOLS.iter().map(|p| p.iter().map(|&(s, n)| Api::new(s, n)).collect()).collect();
        let mut b = Builder { rng, list: Vec::new(), groups: vec![Vec::new(); GROUP_WEIGHTS.len()] };
        let (incident, deploy) = b.build();
        let Builder { mut rng, list, groups } = b;
        let groups = groups
            .into_iter()
            .map(|mut g| {
                for i in (1..g.len()).rev() {
                    g.swap(i, rng.below(i + 1));
                }
                let zipf = Zipf::new(g.len(), 1.0);
                (g, zipf)
            })
            .collect();
        let zipf = Zipf::new(catalog.len(), 1.0);
        Self { principals: list, groups, catalog, zipf, pools, incident, deploy }
    }

    fn draw(&self, rng: &mut Rng, phase: usize) -> Draw {
        let pick = |rng: &mut Rng, pool: usize| self.pools[pool][rng.below(self.pools[pool].len())];
        let (principal, api, attacker) = match phase {
            RECON => (self.incident, pick(rng, RECON), true),
            DEPLOY => (self.deploy, pick(rng, DEPLOY), false),
            _ => {
                let (members, zipf) = &self.groups[rng.weighted(&GROUP_WEIGHTS)];
                let principal = members[zipf.sample(rng)];
                let p = &self.principals[principal];
                let api = if p.pool == CATALOG { self.catalog_api(rng, p) } else { pick(rng, p.pool) };
                (principal, api, false)
            }
        };
        let p = &self.principals[principal];
        let region = if api.global {
            0
        } else if attacker {
            rng.below(REGIONS.len())
        } else if rng.chance(0.8) {
            p.region
        } else {
            rng.weighted(&REGION_WEIGHTS)
        };
        let can_fail = !p.arn.is_empty() && !matches!(api.name, "GetCallerIdentity" | "ConsoleLogin");
        let fail = can_fail && rng.chance(if attacker { 0.93 } else { 0.05 });
        Draw { principal, api, region, fail, attacker }
    }

    /// Zipf over the catalog; each principal rotates the long tail to get its own favourites.
    fn catalog_api(&self, rng: &mut Rng, p: &Principal) -> Api {
        for _ in 0..4 {
            let rank = self.zipf.sample(rng);
            let tail = self.catalog.len() - HOT_LEN;
            let api = self.catalog[if rank < HOT_LEN { rank } else { HOT_LEN + (rank - HOT_LEN + p.rot) % tail }];
            if api.name != "ConsoleLogin" || p.console {
                return api;
            }
        }
        self.catalog[0]
    }

    fn write_event(&self, out: &mut String, rng: &mut Rng, d: &Draw, t: i64, time: &str) {
        let p = &self.principals[d.principal];
        let api = d.api;
        let login = api.name == "ConsoleLogin";
        let service_event = p.kind == Kind::ServiceEvent;
        let sel = rng.u64();
        let (proj, env) = match p.home {
            Some(home) if sel & 7 != 0 => home,
            _ => ((sel >> 8) as usize % PROJECTS.len(), [0, 0, 0, 1, 1, 2][(sel >> 16) as usize % 6]),
        };
        let c = Ctx {
            account: p.account,
            region: REGIONS[d.region],
            name: api.name,
            proj,
            env: ENVS[env],
            person: PEOPLE[(sel >> 24) as usize % PEOPLE.len()],
            role: ROLE_SUFFIXES[(sel >> 32) as usize % 4],
            bucket: BUCKET_KINDS[(sel >> 36) as usize % 4],
            folder: FOLDERS[(sel >> 40) as usize % 4],
            secs: t.div_euclid(1000),
            bits: rng.u64(),
            uuid: (rng.u64(), rng.u64()),
            mfa: p.mfa.unwrap_or(false),
        };
        let (ip, ua) = if d.attacker {
            (ATTACKER_IP, UA_ATTACKER)
        } else if p.console && !login && rng.chance(0.15) {
            ("AWS Internal", "AWS Internal")
        } else {
            (p.ip.as_str(), p.ua)
        };
        let version = if (sel >> 60) < 5 { "1.08" } else { "1.09" };
        cat(out, &[r#"{"eventVersion":""#, version, r#"","userIdentity":"#]);
        write_identity(out, p, t, login);
        cat(out, &[r#","eventTime":""#, time, r#"","eventSource":""#, api.source, r#".amazonaws.com","eventName":""#, api.name]);
        cat(out, &[r#"","awsRegion":""#, c.region, r#"","sourceIPAddress":""#, ip, r#"","userAgent":""#, ua, "\""]);
        let login_failed = login && rng.chance(0.1);
        if d.fail {
            write_error(out, rng, p, api, d.attacker);
        } else if login_failed {
            out.push_str(r#","errorMessage":"Failed authentication""#);
        }
        let [req, resp, extra, resources] = payload(api, login_failed);
        out.push_str(r#","requestParameters":"#);
        expand_or_null(out, req, &c, rng);
        out.push_str(r#","responseElements":"#);
        expand_or_null(out, if d.fail { "" } else { resp }, &c, rng);
        expand(out, extra, &c, rng);
        if !service_event {
            out.push_str(r#","requestID":""#);
            if api.source == "s3" {
                push_rand(out, rng, UPPER, 16);
            } else {
                push_uuid(out, rng.u64(), rng.u64());
            }
            out.push('"');
        }
        out.push_str(r#","eventID":""#);
        push_uuid(out, rng.u64(), rng.u64());
        cat(out, &[r#"","readOnly":"#, if api.read_only { "true" } else { "false" }]);
        if !resources.is_empty() {
            out.push_str(r#","resources":["#);
            expand(out, resources, &c, rng);
            out.push(']');
        }
        let event_type = match (service_event, api.source) {
            (true, _) => "AwsServiceEvent",
            (_, "signin") => "AwsConsoleSignIn",
            _ => "AwsApiCall",
        };
        cat(out, &[r#","eventType":""#, event_type, r#"","managementEvent":"#, if api.data { "false" } else { "true" }]);
        cat(out, &[r#","recipientAccountId":""#, ACCOUNTS[p.account], r#"","eventCategory":""#, if api.data { "Data" } else { "Management" }, "\""]);
        if !ip.ends_with(".com") && ip != "AWS Internal" && (sel >> 56) & 7 != 0 {
            let (tls, suite) = if (sel >> 59) & 3 == 0 { ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256") } else { ("TLSv1.3", "TLS_AES_128_GCM_SHA256") };
            cat(out, &[r#","tlsDetails":{"tlsVersion":""#, tls, r#"","cipherSuite":""#, suite, r#"","clientProvidedHostHeader":""#, api.source, "."]);
            cat(out, &[if api.global { "" } else { c.region }, if api.global { "" } else { "." }, r#"amazonaws.com"}"#]);
        }
        if p.console && !login && p.key == Key::Session {
            out.push_str(r#","sessionCredentialFromConsole":"true""#);
        }
        out.push('}');
    }
}

fn write_identity(out: &mut String, p: &Principal, t: i64, login: bool) {
    out.push_str(&p.pre);
    if login && matches!(p.kind, Kind::IamUser | Kind::Root) {
        out.push('}');
        return;
    }
    // Sessions last an hour, staggered per principal; key and creationDate follow the session.
    let offset = (p.salt % 3_600_000) as i64;
    let session = (t - offset).div_euclid(3_600_000) * 3_600_000 + offset;
    match &p.key {
        Key::None => {}
        Key::Long(key) => cat(out, &[r#","accessKeyId":""#, key, "\""]),
        Key::Session => {
            out.push_str(r#","accessKeyId":"ASIA"#);
            push_rand(out, &mut Rng(p.salt ^ session as u64), UPPER, 16);
            out.push('"');
        }
    }
    out.push_str(&p.mid);
    if let Some(mfa) = p.mfa {
        out.push_str(r#","attributes":{"creationDate":""#);
        push_time(out, session);
        cat(out, &[r#"","mfaAuthenticated":""#, if mfa { "true" } else { "false" }, r#""}}"#]);
    }
    out.push('}');
}

fn write_error(out: &mut String, rng: &mut Rng, p: &Principal, api: Api, attacker: bool) {
    let service = if api.source == "monitoring" { "cloudwatch" } else { api.source };
    let action = api.name.find("2015").map_or(api.name, |i| &api.name[..i]);
    let roll = if attacker { 99 } else { rng.below(100) };
    let query_protocol = matches!(service, "iam" | "sts" | "s3" | "cloudformation" | "rds" | "autoscaling" | "elasticloadbalancing" | "sns" | "sqs" | "cloudwatch" | "cloudfront" | "route53");
    let (code, message): (&str, &str) = match (roll, service) {
        (0..20, "ec2") => ("Client.RequestLimitExceeded", "Request limit exceeded."),
        (0..20, s) if s != "iam" && s != "sts" => ("ThrottlingException", "Rate exceeded"),
        (20..32, "s3") => ("NoSuchBucket", "The specified bucket does not exist"),
        (20..32, "ec2") => ("Client.InvalidInstanceID.NotFound", "The instance ID does not exist"),
        (20..32, "iam") => ("NoSuchEntityException", "The specified entity does not exist."),
        (20..32, _) => ("ResourceNotFoundException", "Requested resource not found"),
        (_, "s3") => ("AccessDenied", "Access Denied"),
        (_, "ec2") => ("Client.UnauthorizedOperation", "You are not authorized to perform this operation. "),
        (_, _) if query_protocol => ("AccessDenied", ""),
        _ => ("AccessDeniedException", ""),
    };
    cat(out, &[r#","errorCode":""#, code, r#"","errorMessage":""#, message]);
    if message.is_empty() || message.ends_with(". ") {
        cat(out, &["User: ", &p.arn, " is not authorized to perform: ", service, ":", action]);
        cat(out, &[" because no identity-based policy allows the ", service, ":", action, " action"]);
    }
    out.push('"');
}

macro_rules! creds {
    () => {
        r#""credentials":{"accessKeyId":"ASIA$Y","sessionToken":"$T","expiration":"$x"}"#
    };
}
const S3_OBJECT: &str = r#"{"bucketName":"$b","Host":"$b.s3.$r.amazonaws.com","key":"$k"}"#;
const S3_EXTRA: &str = r#","additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"$z","bytesTransferredOut":$c}"#;
const S3_OBJECT_RES: &str = r#"{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::$b/$k"},{"accountId":"$a","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::$b"}"#;
const EC2_INSTANCE: &str = r#"{"instancesSet":{"items":[{"instanceId":"$i"}]}}"#;
const EC2_OK: &str = r#"{"requestId":"$u","_return":true}"#;
const IAM_ROLE: &str = r#"{"roleName":"$p-$e-$o"}"#;
const IAM_USER: &str = r#"{"userName":"$n"}"#;
const KMS_RES: &str = r#"{"accountId":"$a","type":"AWS::KMS::Key","ARN":"arn:aws:kms:$r:$a:key/$K"}"#;
const ASSUME_ROLE: &str = r#"{"roleArn":"arn:aws:iam::$a:role/$p-$e-$o","roleSessionName":"botocore-session-$t","durationSeconds":3600}"#;
/// Resource identifiers for services without a hand-written case.
const TARGETS: &[(&str, &str)] = &[
    ("lambda", r#"{"functionName":"$p-$e-handler"}"#),
    ("logs", r#"{"logGroupName":"/aws/lambda/$p-$e-handler"}"#),
    ("monitoring", r#"{"namespace":"AWS/Lambda","metricName":"Errors","dimensions":[{"name":"FunctionName","value":"$p-$e-handler"}],"period":300}"#),
    ("dynamodb", r#"{"tableName":"$p-$e"}"#),
    ("sqs", r#"{"queueUrl":"https://sqs.$r.amazonaws.com/$a/$p-$e-events","attributeNames":["All"]}"#),
    ("sns", r#"{"topicArn":"arn:aws:sns:$r:$a:$p-$e-alerts"}"#),
    ("secretsmanager", r#"{"secretId":"$e/$p/database"}"#),
    ("ssm", r#"{"name":"/$e/$p/config","withDecryption":true}"#),
    ("rds", r#"{"dBInstanceIdentifier":"$p-$e-db"}"#),
    ("ecs", r#"{"cluster":"$e","services":["$p"]}"#),
    ("eks", r#"{"name":"$e-cluster"}"#),
    ("cloudformation", r#"{"stackName":"$p-$e"}"#),
    ("cloudtrail", r#"{"name":"arn:aws:cloudtrail:us-east-1:$a:trail/org-trail"}"#),
    ("guardduty", r#"{"detectorId":"$h$g$h$g"}"#),
    ("config", r#"{"configRuleNames":["$p-$e-encrypted-volumes"]}"#),
    ("organizations", r#"{"accountId":"$a"}"#),
    ("sso", r#"{"instanceArn":"arn:aws:sso:::instance/ssoins-$h$g"}"#),
    ("route53", r#"{"hostedZoneId":"Z0$Y"}"#),
    ("elasticloadbalancing", r#"{"loadBalancerArns":["arn:aws:elasticloadbalancing:$r:$a:loadbalancer/app/$p-$e/$h$g"]}"#),
    ("autoscaling", r#"{"autoScalingGroupNames":["$p-$e-asg"]}"#),
    ("ecr", r#"{"registryId":"$a","repositoryName":"$p"}"#),
    ("athena", r#"{"workGroup":"primary","queryExecutionId":"$u"}"#),
    ("glue", r#"{"databaseName":"$p_$e","name":"events"}"#),
    ("kinesis", r#"{"streamName":"$p-$e-stream"}"#),
    ("firehose", r#"{"deliveryStreamName":"$p-$e-to-s3"}"#),
    ("apigateway", r#"{"limit":500}"#),
    ("cloudfront", r#"{"distributionId":"E$Y"}"#),
    ("acm", r#"{"certificateArn":"arn:aws:acm:$r:$a:certificate/$u"}"#),
    ("events", r#"{"name":"$p-$e-schedule","eventBusName":"default"}"#),
    ("states", r#"{"stateMachineArn":"arn:aws:states:$r:$a:stateMachine:$p-$e-workflow","name":"$u"}"#),
    ("codebuild", r#"{"projectName":"$p-build"}"#),
    ("codepipeline", r#"{"name":"$p-pipeline"}"#),
    ("elasticfilesystem", r#"{"fileSystemId":"fs-0$h"}"#),
    ("access-analyzer", r#"{"type":"ACCOUNT"}"#),
    ("iam", IAM_USER),
];

/// Templates for `[requestParameters, responseElements, extra fields, resources]`; "" is null/absent.
fn payload(api: Api, login_failed: bool) -> [&'static str; 4] {
    match (api.source, api.name) {
        ("s3", "ListBuckets") => [r#"{"Host":"s3.$r.amazonaws.com"}"#, "", S3_EXTRA, ""],
        ("s3", "PutObject") => [S3_OBJECT, r#"{"x-amz-server-side-encryption":"aws:kms","x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:$r:$a:key/$K"}"#, S3_EXTRA, S3_OBJECT_RES],
        ("s3", _) if api.data => [S3_OBJECT, "", S3_EXTRA, S3_OBJECT_RES],
        ("s3", _) => [r#"{"bucketName":"$b","Host":"$b.s3.$r.amazonaws.com"$s}"#, "", S3_EXTRA, r#"{"accountId":"$a","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::$b"}"#],
        ("ec2", "DescribeInstances") => [r#"{"instancesSet":{},"filterSet":{"items":[{"name":"tag:team","valueSet":{"items":[{"value":"$p"}]}}]}}"#, "", "", ""],
        ("ec2", "StartInstances") => [EC2_INSTANCE, r#"{"requestId":"$u","instancesSet":{"items":[{"instanceId":"$i","currentState":{"code":0,"name":"pending"},"previousState":{"code":80,"name":"stopped"}}]}}"#, "", ""],
        ("ec2", "StopInstances") => [EC2_INSTANCE, r#"{"requestId":"$u","instancesSet":{"items":[{"instanceId":"$i","currentState":{"code":64,"name":"stopping"},"previousState":{"code":16,"name":"running"}}]}}"#, "", ""],
        ("ec2", "TerminateInstances") => [EC2_INSTANCE, r#"{"requestId":"$u","instancesSet":{"items":[{"instanceId":"$i","currentState":{"code":32,"name":"shutting-down"},"previousState":{"code":16,"name":"running"}}]}}"#, "", ""],
        ("ec2", "RunInstances") => [r#"{"instancesSet":{"items":[{"imageId":"ami-0$h$g","minCount":1,"maxCount":1}]},"instanceType":"t3.medium","subnetId":"subnet-0$g$h","disableApiTermination":false,"clientToken":"$u"}"#, r#"{"requestId":"$u","reservationId":"r-0$g$h","ownerId":"$a","instancesSet":{"items":[{"instanceId":"$i","imageId":"ami-0$h$g","instanceState":{"code":0,"name":"pending"},"instanceType":"t3.medium"}]}}"#, "", ""],
        ("ec2", "CreateTags") => [r#"{"resourcesSet":{"items":[{"resourceId":"$i"}]},"tagSet":{"items":[{"key":"team","value":"$p"}]}}"#, EC2_OK, "", ""],
        ("ec2", "AuthorizeSecurityGroupIngress") => [r#"{"groupId":"sg-0$h$g","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/16"}]}}]}}"#, EC2_OK, "", ""],
        ("ec2", _) => [r#"{"maxResults":1000,"filterSet":{}}"#, "", "", ""],
        ("iam", "GetRole" | "ListAttachedRolePolicies") => [IAM_ROLE, "", "", ""],
        ("iam", "CreateRole") => [r#"{"roleName":"$p-$e-$o","assumeRolePolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}"#, r#"{"role":{"path":"/","roleName":"$p-$e-$o","roleId":"AROA$Y","arn":"arn:aws:iam::$a:role/$p-$e-$o","createDate":"$d"}}"#, "", ""],
        ("iam", "AttachRolePolicy") => [r#"{"roleName":"$p-$e-$o","policyArn":"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}"#, "", "", ""],
        ("iam", "PutRolePolicy") => [r#"{"roleName":"$p-$e-$o","policyName":"$p-inline","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":\"arn:aws:s3:::$b/*\"}]}"}"#, "", "", ""],
        ("iam", "CreateUser") => [IAM_USER, r#"{"user":{"path":"/","userName":"$n","userId":"AIDA$Y","arn":"arn:aws:iam::$a:user/$n","createDate":"$d"}}"#, "", ""],
        ("iam", "CreateAccessKey") => [IAM_USER, r#"{"accessKey":{"userName":"$n","accessKeyId":"AKIA$Y","status":"Active","createDate":"$d"}}"#, "", ""],
        ("iam", "GetPolicy") => [r#"{"policyArn":"arn:aws:iam::$a:policy/$p-$e-access"}"#, "", "", ""],
        ("sts", "AssumeRole") => [ASSUME_ROLE, concat!("{", creds!(), r#","assumedRoleUser":{"assumedRoleId":"AROA$Y:botocore-session-$t","arn":"arn:aws:sts::$a:assumed-role/$p-$e-$o/botocore-session-$t"}}"#), "", r#"{"accountId":"$a","type":"AWS::IAM::Role","ARN":"arn:aws:iam::$a:role/$p-$e-$o"}"#],
        ("sts", "AssumeRoleWithSAML") => [r#"{"sAMLAssertionID":"_$h$g$h","roleSessionName":"$n@example.com","durationSeconds":3600,"roleArn":"arn:aws:iam::$a:role/okta-$o","principalArn":"arn:aws:iam::$a:saml-provider/Okta"}"#, concat!("{", creds!(), r#","assumedRoleUser":{"assumedRoleId":"AROA$Y:$n@example.com","arn":"arn:aws:sts::$a:assumed-role/okta-$o/$n@example.com"},"subject":"$n@example.com","subjectType":"persistent","issuer":"http://www.okta.com/exk$h","audience":"https://signin.aws.amazon.com/saml","nameQualifier":"$Y"}"#), "", ""],
        ("sts", "AssumeRoleWithWebIdentity") => [r#"{"roleArn":"arn:aws:iam::$a:role/github-actions-$p","roleSessionName":"GitHubActions","durationSeconds":3600}"#, concat!("{", creds!(), r#","subjectFromWebIdentityToken":"repo:acme/$p:ref:refs/heads/main","assumedRoleUser":{"assumedRoleId":"AROA$Y:GitHubActions","arn":"arn:aws:sts::$a:assumed-role/github-actions-$p/GitHubActions"},"provider":"arn:aws:iam::$a:oidc-provider/token.actions.githubusercontent.com","audience":"sts.amazonaws.com"}"#), "", ""],
        ("sts", "GetSessionToken") => [r#"{"durationSeconds":43200}"#, concat!("{", creds!(), "}"), "", ""],
        ("sts", "GetFederationToken") => [r#"{"name":"$n","durationSeconds":43200}"#, concat!("{", creds!(), r#","federatedUser":{"federatedUserId":"$a:$n","arn":"arn:aws:sts::$a:federated-user/$n"}}"#), "", ""],
        ("kms", "Decrypt") => [r#"{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::$b/$k"}}"#, "", "", KMS_RES],
        ("kms", "GenerateDataKey") => [r#"{"keyId":"arn:aws:kms:$r:$a:key/$K","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::$b/$k"},"keySpec":"AES_256"}"#, "", "", KMS_RES],
        ("kms", "RotateKey" | "DeleteExpiredKeyMaterial") => ["", "", r#","serviceEventDetails":{"keyId":"$K"}"#, KMS_RES],
        ("kms", "CreateGrant") => [r#"{"keyId":"arn:aws:kms:$r:$a:key/$K","granteePrincipal":"arn:aws:iam::$a:role/$p-$e-$o","operations":["Decrypt"]}"#, r#"{"grantId":"$h$g$h$g"}"#, "", KMS_RES],
        ("kms", "Encrypt" | "DescribeKey") => [r#"{"keyId":"arn:aws:kms:$r:$a:key/$K"}"#, "", "", KMS_RES],
        ("signin", "ConsoleLogin") => ["", if login_failed { r#"{"ConsoleLogin":"Failure"}"# } else { r#"{"ConsoleLogin":"Success"}"# }, r#","additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_$h","MobileVersion":"No","MFAUsed":"$m"}"#, ""],
        ("signin", _) => ["", "", r#","additionalEventData":{"AuthWorkflowID":"$u","CredentialType":"PASSWORD","LoginTo":"https://d-9067$h.awsapps.com/start/"}"#, ""],
        ("lambda", "Invoke") => [r#"{"functionName":"arn:aws:lambda:$r:$a:function:$p-$e-handler","invocationType":"RequestResponse"}"#, "", "", r#"{"accountId":"$a","type":"AWS::Lambda::Function","ARN":"arn:aws:lambda:$r:$a:function:$p-$e-handler"}"#],
        ("dynamodb", "GetItem" | "PutItem" | "Query") => [r#"{"tableName":"$p-$e","key":{"pk":"HIDDEN_DUE_TO_SECURITY_REASONS"},"consistentRead":false}"#, "", "", r#"{"accountId":"$a","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:$r:$a:table/$p-$e"}"#],
        ("backup", "BackupJobCompleted") => ["", "", r#","serviceEventDetails":{"backupJobId":"$u","backupVaultName":"$e-vault","resourceArn":"arn:aws:dynamodb:$r:$a:table/$p-$e","state":"COMPLETED"}"#, ""],
        (_, name) if name.starts_with("List") || matches!(name, "GetCallerIdentity" | "GetAccountSummary") => ["", "", "", ""],
        (source, _) => {
            let target = TARGETS.iter().find(|t| t.0 == source).map_or("", |t| t.1);
            [target, if api.read_only { "" } else { target }, "", ""]
        }
    }
}

/// Per-event values for the `$x` tokens of the templates.
struct Ctx<'a> {
    account: usize,
    region: &'a str,
    name: &'a str,
    proj: usize,
    env: &'a str,
    person: &'a str,
    role: &'a str,
    bucket: &'a str,
    folder: &'a str,
    secs: i64,
    bits: u64,
    uuid: (u64, u64),
    mfa: bool,
}

fn expand_or_null(out: &mut String, template: &str, c: &Ctx, rng: &mut Rng) {
    if template.is_empty() {
        out.push_str("null");
    } else {
        expand(out, template, c, rng);
    }
}

/// Writes `template`, replacing each `$` + letter token by its value from `c` (or fresh randomness).
fn expand(out: &mut String, template: &str, c: &Ctx, rng: &mut Rng) {
    let mut parts = template.split('$');
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        let Some(token) = part.bytes().next() else { continue };
        let proj = PROJECTS[c.proj];
        match token {
            b'a' => out.push_str(ACCOUNTS[c.account]),
            b'r' => out.push_str(c.region),
            b'p' => out.push_str(proj),
            b'e' => out.push_str(c.env),
            b'n' => out.push_str(c.person),
            b'o' => out.push_str(c.role),
            b'b' => cat(out, &["acme-", proj, "-", c.env, "-", c.bucket]),
            b'k' => {
                cat(out, &[c.folder, "/", proj, "/part-"]);
                push_hex(out, c.bits >> 40, 5);
                out.push_str(".json.gz");
            }
            b's' => {
                if let Some((_, sub)) = c.name.split_once("Bucket").filter(|(_, s)| !s.is_empty()) {
                    out.push_str(",\"");
                    out.extend(sub.chars().map(|ch| ch.to_ascii_lowercase()));
                    out.push_str("\":\"\"");
                }
            }
            b'h' => push_hex(out, c.bits, 8),
            b'g' => push_hex(out, c.bits >> 32, 8),
            b'i' => {
                out.push_str("i-0");
                push_hex(out, mix(c.bits), 16);
            }
            b'u' => push_uuid(out, c.uuid.0, c.uuid.1),
            b'K' => push_uuid(out, mix(c.proj as u64), mix(c.account as u64 + 0x6b6d73)),
            b't' => {
                let _ = write!(out, "{}", c.secs);
            }
            b'T' => {
                out.push_str("IQoJb3JpZ2luX2VjE");
                push_rand(out, rng, B64, 120);
            }
            b'x' => push_human_time(out, (c.secs + 3600) * 1000),
            b'd' => push_human_time(out, c.secs * 1000),
            b'Y' => push_rand(out, rng, UPPER, 16),
            b'z' => push_rand(out, rng, B64, 56),
            b'c' => {
                let _ = write!(out, "{}", c.bits % 2_000_000);
            }
            b'm' => out.push_str(if c.mfa { "Yes" } else { "No" }),
            _ => unreachable!("unknown template token ${}", token as char),
        }
        out.push_str(&part[1..]);
    }
}

fn cat(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

fn push_hex(out: &mut String, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        out.push(HEX[(v >> (4 * i)) as usize & 15] as char);
    }
}

fn push_uuid(out: &mut String, hi: u64, lo: u64) {
    let hi = (hi & !0xf000) | 0x4000;
    let lo = (lo & !(3 << 62)) | (2 << 62);
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
    let sod = secs.rem_euclid(86_400);
    [yoe + era * 400 + i64::from(m <= 2), m, doy - (153 * mp + 2) / 5 + 1, sod / 3600, sod / 60 % 60, sod % 60]
}

/// RFC 3339 with second precision, as in `eventTime`: `2026-11-02T00:00:07Z`.
fn push_time(out: &mut String, ms: i64) {
    let [y, mo, d, h, mi, s] = civil(ms);
    let _ = write!(out, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
}

/// The format STS and IAM use inside responseElements: `Nov 2, 2026, 1:00:07 AM`.
fn push_human_time(out: &mut String, ms: i64) {
    let [y, mo, d, h, mi, s] = civil(ms);
    let (h12, half) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    let _ = write!(out, "{} {d}, {y}, {h12}:{mi:02}:{s:02} {half}", MONTHS[(mo - 1) as usize]);
}

/// Builds the ~200 principals into the 12 groups of [`GROUP_WEIGHTS`].
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

    fn push(&mut self, group: usize, kind: Kind, account: usize, pre: String) -> &mut Principal {
        let ip = format!("{}.{}", DOC_NETS[self.rng.below(3)], 1 + self.rng.below(254));
        let principal = Principal {
            kind,
            account,
            region: self.rng.weighted(&REGION_WEIGHTS),
            pre,
            key: Key::None,
            mid: String::new(),
            mfa: None,
            arn: String::new(),
            ip,
            ua: UA_BOTO,
            console: false,
            pool: CATALOG,
            rot: self.rng.below(1000),
            salt: self.rng.u64(),
            home: None,
        };
        self.groups[group].push(self.list.len());
        self.list.push(principal);
        self.list.last_mut().expect("just pushed")
    }

    fn role(&mut self, group: usize, a: usize, path: &str, role: &str, session: &str) -> &mut Principal {
        let acct = ACCOUNTS[a];
        let id = self.chars("AROA", UPPER, 17);
        let arn = format!("arn:aws:sts::{acct}:assumed-role/{role}/{session}");
        let pre = format!(r#"{{"type":"AssumedRole","principalId":"{id}:{session}","arn":"{arn}","accountId":"{acct}""#);
        let p = self.push(group, Kind::AssumedRole, a, pre);
        p.mid = format!(r#","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"{id}","arn":"arn:aws:iam::{acct}:role/{path}{role}","accountId":"{acct}","userName":"{role}"}},"webIdFederationData":{{}}"#);
        (p.key, p.mfa, p.arn) = (Key::Session, Some(false), arn);
        p
    }

    fn human(&mut self, group: usize, kind: Kind, a: usize, pre: String, arn: String, ua: usize) -> &mut Principal {
        let p = self.push(group, kind, a, pre);
        p.mid = r#","sessionContext":{"sessionIssuer":{},"webIdFederationData":{}"#.to_owned();
        (p.key, p.mfa, p.arn, p.console, p.ua) = (Key::Session, Some(true), arn, true, UA_BROWSER[ua % 3]);
        p
    }

    /// Returns the incident principal and the CI deployer.
    fn build(&mut self) -> (usize, usize) {
        // 0: workload roles (Lambda, ECS tasks, EC2 instance profiles), CI, service-linked roles.
        for kind in 0..3 {
            for (pi, proj) in PROJECTS.iter().enumerate() {
                for (ei, env) in ENVS.iter().enumerate() {
                    let a = self.account();
                    let (role, session, ua) = match kind {
                        0 => (format!("{proj}-{env}-lambda-role"), format!("{proj}-{env}-handler"), UA_LAMBDA),
                        1 => (format!("{proj}-{env}-task-role"), self.chars("", &HEX[..], 32), UA_ECS),
                        _ => (format!("{proj}-{env}-ec2-role"), self.chars("i-0", &HEX[..], 16), UA_EC2),
                    };
                    let p = self.role(0, a, "", &role, &session);
                    (p.ua, p.home) = (ua, Some((pi, ei)));
                }
            }
        }
        let deploy = self.list.len() + 1;
        for (role, session, ua) in [("github-actions-deploy", "GitHubActions", UA_JS), ("terraform-apply", "terraform-run", UA_TERRAFORM), ("atlantis-plan", "atlantis", UA_TERRAFORM), ("jenkins-build", "jenkins", UA_CLI[1])] {
            self.role(0, 0, "", role, session).ua = ua;
        }
        for (role, session, host) in [("AWSServiceRoleForAutoScaling", "AutoScaling", "autoscaling.amazonaws.com"), ("AWSServiceRoleForECS", "ecs-service-scheduler", "ecs.amazonaws.com"), ("AWSServiceRoleForConfig", "AWSConfig-Describe", "config.amazonaws.com"), ("AWSServiceRoleForElasticLoadBalancing", "ElasticLoadBalancing", "elasticloadbalancing.amazonaws.com"), ("AWSServiceRoleForAmazonGuardDuty", "AmazonGuardDuty", "guardduty.amazonaws.com")] {
            let a = self.account();
            let p = self.role(0, a, &format!("aws-service-role/{host}/"), role, session);
            p.mid.insert_str(0, &format!(r#","invokedBy":"{host}""#));
            (p.ip, p.ua, p.arn) = (host.to_owned(), host, String::new());
        }
        // 1: AWS services acting on the account's behalf.
        for host in AWS_SERVICES {
            let a = self.account();
            let p = self.push(1, Kind::Other, a, format!(r#"{{"type":"AWSService","invokedBy":"{host}""#));
            (p.ip, p.ua, p.pool) = (host.to_owned(), host, SERVICE);
        }
        // 2: people through IAM Identity Center permission sets, plus a few classic human roles.
        for (i, person) in PEOPLE.iter().enumerate() {
            for k in 0..1 + usize::from(i % 3 == 0) {
                let a = self.account();
                let perm = (i + 2 * k) % PERM_SETS.len();
                let role = format!("AWSReservedSSO_{}_{:016x}", PERM_SETS[perm], mix((a * 8 + perm) as u64));
                let p = self.role(2, a, "aws-reserved/sso.amazonaws.com/", &role, &format!("{person}@example.com"));
                (p.mfa, p.console) = (Some(true), i % 4 != 3);
                p.ua = if p.console { UA_BROWSER[i % 3] } else { UA_CLI[i % 2] };
            }
        }
        for (i, role) in ["OrganizationAccountAccessRole", "OrganizationAccountAccessRole", "BreakGlassAdmin"].iter().enumerate() {
            let p = self.role(2, i % 3, "", role, PEOPLE[i * 5]);
            (p.mfa, p.console, p.ua) = (Some(true), true, UA_BROWSER[i % 3]);
        }
        // 3: IAM users: console humans, CLI humans with long-term keys, service users.
        let mut incident = 0;
        let service_users = ["ci-legacy", "backup-agent", "datadog-integration", "svc-reporting-legacy", "grafana-cloudwatch", "s3-sync-bot", "vendor-snowflake", "github-actions-legacy"];
        for (i, name) in PEOPLE.iter().chain(service_users.iter()).enumerate() {
            let a = if *name == "svc-reporting-legacy" { 0 } else { self.account() };
            let (acct, id) = (ACCOUNTS[a], self.chars("AIDA", UPPER, 17));
            let arn = format!("arn:aws:iam::{acct}:user/{name}");
            let pre = format!(r#"{{"type":"IAMUser","principalId":"{id}","arn":"{arn}","accountId":"{acct}","userName":"{name}""#);
            if i < 16 {
                self.human(3, Kind::IamUser, a, pre, arn, i).mfa = Some(i % 5 != 0);
                continue;
            }
            let key = Key::Long(self.chars("AKIA", UPPER, 16));
            if *name == "svc-reporting-legacy" {
                incident = self.list.len();
            }
            let p = self.push(3, Kind::IamUser, a, pre);
            (p.key, p.arn) = (key, arn);
            p.ua = [UA_CLI[0], UA_CLI[1], UA_BOTO, UA_JS][i % 4];
        }
        // 4: other AWS accounts (cross-account access).
        for _ in 0..4 {
            let (a, ext, id) = (self.account(), self.chars("", b"0123456789", 12), self.chars("AIDA", UPPER, 17));
            self.push(4, Kind::Other, a, format!(r#"{{"type":"AWSAccount","principalId":"{id}","accountId":"{ext}""#));
        }
        // 5: federated users (GetFederationToken through a broker user).
        for (i, name) in PEOPLE.iter().skip(3).step_by(4).enumerate() {
            let (a, id) = (self.account(), self.chars("AIDA", UPPER, 17));
            let acct = ACCOUNTS[a];
            let arn = format!("arn:aws:sts::{acct}:federated-user/{name}");
            let pre = format!(r#"{{"type":"FederatedUser","principalId":"{acct}:{name}","arn":"{arn}","accountId":"{acct}""#);
            let p = self.human(5, Kind::Other, a, pre, arn, i);
            p.mid = format!(r#","sessionContext":{{"sessionIssuer":{{"type":"IAMUser","principalId":"{id}","arn":"arn:aws:iam::{acct}:user/federation-broker","accountId":"{acct}","userName":"federation-broker"}},"webIdFederationData":{{}}"#);
            p.mfa = Some(false);
        }
        // 6: SAML and 7: web identity (OIDC) callers of AssumeRoleWith*.
        for (i, name) in PEOPLE.iter().skip(1).step_by(5).enumerate() {
            let (a, idp) = (self.account(), self.chars("", B64, 22));
            let p = self.push(6, Kind::Other, a, format!(r#"{{"type":"SAMLUser","principalId":"{idp}==:{name}@example.com","userName":"{name}@example.com","identityProvider":"{idp}==""#));
            (p.pool, p.ua) = (SAML, UA_BROWSER[i % 3]);
        }
        for i in 0..5 {
            let a = self.account();
            let pre = if i < 3 {
                let (acct, repo) = (ACCOUNTS[a], PROJECTS[i]);
                let idp = format!("arn:aws:iam::{acct}:oidc-provider/token.actions.githubusercontent.com");
                format!(r#"{{"type":"WebIdentityUser","principalId":"{idp}:sts.amazonaws.com:repo:acme/{repo}:ref:refs/heads/main","userName":"repo:acme/{repo}:ref:refs/heads/main","identityProvider":"{idp}""#)
            } else {
                let (pool, user) = (self.uuid(), self.uuid());
                format!(r#"{{"type":"WebIdentityUser","principalId":"cognito-identity.amazonaws.com:us-east-1:{pool}:us-east-1:{user}","userName":"us-east-1:{user}","identityProvider":"cognito-identity.amazonaws.com""#)
            };
            let p = self.push(7, Kind::Other, a, pre);
            (p.pool, p.ua) = (WEB_IDENTITY, UA_JS);
        }
        // 8: IAM Identity Center users acting directly (portal, Identity Center APIs).
        for i in 0..6 {
            let (a, user, store, cred) = (self.account(), self.uuid(), self.chars("d-90", &HEX[..], 8), self.chars("", ALNUM, 40));
            let acct = ACCOUNTS[a];
            let pre = format!(r#"{{"type":"IdentityCenterUser","accountId":"{acct}","onBehalfOf":{{"userId":"{user}","identityStoreArn":"arn:aws:identitystore::{acct}:identitystore/{store}"}},"credentialId":"{cred}""#);
            let p = self.push(8, Kind::Other, a, pre);
            (p.pool, p.ua) = (IDENTITY_CENTER, UA_BROWSER[i % 3]);
        }
        // 9: AwsServiceEvent emitters (no `type`), 10: root, 11: Unknown (Identity Center sign-in).
        for (a, acct) in ACCOUNTS.iter().enumerate() {
            for (host, pool) in [("kms.amazonaws.com", KMS_EVENTS), ("backup.amazonaws.com", BACKUP_EVENTS)] {
                let p = self.push(9, Kind::ServiceEvent, a, format!(r#"{{"accountId":"{acct}","invokedBy":"{host}""#));
                (p.ip, p.ua, p.pool) = (host.to_owned(), host, pool);
            }
            let pre = format!(r#"{{"type":"Root","principalId":"{acct}","arn":"arn:aws:iam::{acct}:root","accountId":"{acct}""#);
            self.human(10, Kind::Root, a, pre, format!("arn:aws:iam::{acct}:root"), a).pool = ROOT;
            let pre = format!(r#"{{"type":"Unknown","principalId":"{acct}","arn":"","accountId":"{acct}","accessKeyId":"","userName":"{}""#, PEOPLE[a * 7]);
            let p = self.push(11, Kind::Other, a, pre);
            (p.pool, p.ua) = (SIGN_IN, UA_BROWSER[a]);
        }
        (incident, deploy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::HashSet;
    use std::io::Read as _;
    use std::sync::OnceLock;

    fn config(events: usize) -> SampleConfig {
        SampleConfig { events, ..SampleConfig::default() }
    }

    fn decode(file: &SampleFile) -> Vec<Value> {
        let mut json = Vec::new();
        if file.path.ends_with(".gz") {
            flate2::read::GzDecoder::new(&file.bytes[..]).read_to_end(&mut json).expect("valid gzip");
        } else {
            json.clone_from(&file.bytes);
        }
        let doc: Value = serde_json::from_slice(&json).expect("valid JSON");
        doc["Records"].as_array().expect("Records array").clone()
    }

    /// The default 5000-event sample, decoded once: (path, records) per file.
    fn sample() -> &'static [(String, Vec<Value>)] {
        static SAMPLE: OnceLock<Vec<(String, Vec<Value>)>> = OnceLock::new();
        SAMPLE.get_or_init(|| generate(&config(5000)).map(|f| (f.path.clone(), decode(&f))).collect())
    }

    fn records() -> impl Iterator<Item = &'static Value> {
        sample().iter().flat_map(|(_, r)| r)
    }

    #[test]
    fn same_config_gives_identical_bytes() {
        let a: Vec<SampleFile> = generate(&config(3000)).collect();
        assert_eq!(a, generate(&config(3000)).collect::<Vec<_>>());
        let other = SampleConfig { seed: 7, ..config(3000) };
        assert_ne!(a, generate(&other).collect::<Vec<_>>());
    }

    #[test]
    fn total_events_match_config() {
        for n in [0, 1, 999, 5000] {
            for gzip in [true, false] {
                let files: Vec<SampleFile> = generate(&SampleConfig { gzip, ..config(n) }).collect();
                assert_eq!(files.iter().map(|f| decode(f).len()).sum::<usize>(), n, "{n} events, gzip {gzip}");
                assert!(files.iter().all(|f| f.bytes.starts_with(if gzip { b"\x1f\x8b" } else { b"{\"Records\":[" })));
            }
        }
        assert_eq!(generate(&config(0)).count(), 0);
    }

    #[test]
    fn paths_follow_the_s3_layout() {
        let mut seen = HashSet::new();
        for (path, recs) in sample() {
            let parts: Vec<&str> = path.split('/').collect();
            assert_eq!(parts.len(), 8, "{path}");
            let (acct, region, name) = (parts[1], parts[3], parts[7]);
            assert_eq!([parts[0], parts[2]], ["AWSLogs", "CloudTrail"]);
            assert!(acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()), "{path}");
            let stem = name.strip_suffix(".json.gz").expect("gzip extension");
            let fields: Vec<&str> = stem.split('_').collect();
            assert_eq!(fields.len(), 5, "{path}");
            assert_eq!([fields[0], fields[1], fields[2]], [acct, "CloudTrail", region]);
            let date = format!("{}{}{}", parts[4], parts[5], parts[6]);
            assert_eq!(fields[3].len(), 14, "{path}");
            assert!(fields[3].starts_with(&date) && fields[3].as_bytes()[8] == b'T' && fields[3].ends_with('Z'));
            assert!(fields[4].len() == 16 && fields[4].bytes().all(|b| b.is_ascii_alphanumeric()));
            assert!(seen.insert(path.clone()), "duplicate path {path}");
            for r in recs {
                assert_eq!(r["recipientAccountId"], acct);
                assert_eq!(r["awsRegion"], region);
            }
        }
        let plain: Vec<SampleFile> = generate(&SampleConfig { gzip: false, ..config(50) }).collect();
        assert!(!plain.is_empty() && plain.iter().all(|f| f.path.ends_with(".json") && !f.path.ends_with(".gz.json")));
    }

    #[test]
    fn events_sorted_within_files_and_windows() {
        let mut last_window = i64::MIN;
        for (path, recs) in sample() {
            let times: Vec<&str> = recs.iter().map(|r| r["eventTime"].as_str().expect("eventTime")).collect();
            assert!(!times.is_empty());
            assert!(times.windows(2).all(|w| w[0] <= w[1]), "unsorted {path}");
            assert!(times.iter().all(|t| t.len() == 20 && t.ends_with('Z') && &t[10..11] == "T"));
            // All events of a file share one five-minute window, which ends at the file-name time.
            let window = |t: &str| t[..15].to_owned() + &((t.as_bytes()[15] - b'0') / 5 * 5).to_string();
            assert_eq!(window(times[0]), window(times[times.len() - 1]), "{path}");
            let start = days_from_civil(2026, 11, 2) * 86_400_000;
            let minute: i64 = times[0][14..16].parse().expect("minute");
            let hour: i64 = times[0][11..13].parse().expect("hour");
            assert!(start + (hour * 60 + minute) * 60_000 >= last_window);
            last_window = start + (hour * 60 + minute / 5 * 5) * 60_000;
        }
        let first = records().filter_map(|r| r["eventTime"].as_str()).min();
        assert_eq!(first, Some("2026-11-02T00:00:00Z"));
    }

    #[test]
    fn every_user_identity_type_appears() {
        let mut types = HashSet::new();
        for r in records() {
            let id = &r["userIdentity"];
            match id["type"].as_str() {
                Some(t) => types.insert(t.to_owned()),
                None => {
                    assert!(id["invokedBy"].is_string() && id["accountId"].is_string());
                    assert_eq!(r["eventType"], "AwsServiceEvent");
                    types.insert("(service event)".to_owned())
                }
            };
            if id["type"] == "AWSService" {
                assert!(id["invokedBy"].is_string() && id.get("principalId").is_none());
            }
        }
        for t in ["Root", "IAMUser", "AssumedRole", "FederatedUser", "SAMLUser", "WebIdentityUser", "AWSService", "AWSAccount", "IdentityCenterUser", "Unknown", "(service event)"] {
            assert!(types.contains(t), "missing {t} in {types:?}");
        }
        let sso = records().find(|r| r["userIdentity"]["arn"].as_str().is_some_and(|a| a.contains("assumed-role/AWSReservedSSO_"))).expect("an SSO session");
        let arn = sso["userIdentity"]["arn"].as_str().expect("arn");
        assert!(arn.ends_with("@example.com"), "{arn}");
        assert_eq!(sso["userIdentity"]["sessionContext"]["sessionIssuer"]["type"], "Role");
    }

    #[test]
    fn event_ids_are_unique_uuids() {
        let mut ids = HashSet::new();
        for r in records() {
            let id = r["eventID"].as_str().expect("eventID");
            let lens: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(lens, [8, 4, 4, 4, 12], "{id}");
            assert!(ids.insert(id), "duplicate {id}");
        }
        assert_eq!(ids.len(), 5000);
    }

    #[test]
    fn size_and_error_share_are_realistic() {
        let bytes: usize = generate(&SampleConfig { gzip: false, ..config(5000) }).map(|f| f.bytes.len()).sum();
        let per_event = bytes / 5000;
        assert!((900..1700).contains(&per_event), "{per_event} bytes/event");
        let errors = records().filter(|r| r.get("errorCode").is_some()).count();
        assert!((150..400).contains(&errors), "{errors} errors in 5000");
        assert!(records().filter(|r| r.get("errorCode").is_some()).all(|r| r["errorMessage"].is_string()));
        let denied = records().filter(|r| r["errorCode"].as_str().is_some_and(|c| c.starts_with("AccessDenied"))).count();
        assert!(denied * 2 > errors, "{denied} of {errors} errors are AccessDenied");
    }

    #[test]
    fn catalog_is_broad_and_skewed() {
        let mut names = std::collections::HashMap::new();
        let mut sources = HashSet::new();
        for r in records() {
            *names.entry(r["eventName"].as_str().expect("eventName")).or_insert(0) += 1;
            sources.insert(r["eventSource"].as_str().expect("eventSource"));
        }
        assert!(names.len() >= 100, "{} event names", names.len());
        assert!(sources.len() >= 35, "{} sources", sources.len());
        assert!(names["AssumeRole"] > names["CreateStack"] * 10);
        let principals: HashSet<&str> = records().filter_map(|r| r["userIdentity"]["arn"].as_str()).collect();
        assert!(principals.len() >= 120, "{} principals", principals.len());
    }

    #[test]
    fn console_logins_data_events_and_incident_look_real() {
        let logins: Vec<&Value> = records().filter(|r| r["eventName"] == "ConsoleLogin").collect();
        assert!(!logins.is_empty());
        for r in &logins {
            assert_eq!(r["eventType"], "AwsConsoleSignIn");
            assert_eq!(r["eventSource"], "signin.amazonaws.com");
            let outcome = r["responseElements"]["ConsoleLogin"].as_str().expect("outcome");
            assert_eq!(outcome == "Failure", r["errorMessage"] == "Failed authentication");
            assert!(r["additionalEventData"]["MFAUsed"].is_string());
        }
        let data = records().find(|r| r["eventCategory"] == "Data" && r["eventName"] == "GetObject").expect("S3 data event");
        assert_eq!(data["managementEvent"], false);
        assert_eq!(data["resources"][0]["type"], "AWS::S3::Object");
        // The incident: one principal, one source IP, a burst of AccessDenied.
        let burst = records().filter(|r| r["sourceIPAddress"] == ATTACKER_IP && r.get("errorCode").is_some()).count();
        assert!(burst >= 60, "{burst} incident errors");
        let who: HashSet<&str> = records().filter(|r| r["sourceIPAddress"] == ATTACKER_IP).filter_map(|r| r["userIdentity"]["arn"].as_str()).collect();
        assert_eq!(who.len(), 1, "{who:?}");
    }

    #[test]
    fn civil_time_round_trips() {
        let ms = days_from_civil(2026, 11, 2) * 86_400_000 + 3_607_000;
        assert_eq!(civil(ms), [2026, 11, 2, 1, 0, 7]);
        let mut s = String::new();
        push_human_time(&mut s, ms);
        assert_eq!(s, "Nov 2, 2026, 1:00:07 AM");
        assert_eq!(civil(days_from_civil(2024, 2, 29) * 86_400_000), [2024, 2, 29, 0, 0, 0]);
    }
}
