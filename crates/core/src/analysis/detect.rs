//! Owns the built-in detections: a table of rules, each a query in the
//! search language (so a person can open, read and edit it) plus, for the
//! few that a filter cannot express, a condition over the matching events;
//! and evaluating them all over the store into findings.

use crate::query::filter::{row_matches, select, Filter};
use crate::query::Query;
use crate::store::EventStore;
use crate::time::{format_utc, EpochMs};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

/// What a rule asks of the events its query matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Every matching event is a finding.
    Each,
    /// At least `events` matching events from one principal within `minutes`.
    Burst { events: usize, minutes: i64 },
    /// Events in a region whose first matching event comes after the first
    /// quarter of the loaded span, and at least an hour after its start.
    NewRegion,
    /// `requestParameters.userName` names someone other than the caller.
    OtherUser,
    /// `CreateUser` and `CreateAccessKey` for the same user name: both events.
    NewUserWithKey,
}

impl Condition {
    /// Whether it looks into the events' JSON.
    fn reads_json(self) -> bool {
        matches!(self, Condition::OtherUser | Condition::NewUserWithKey)
    }

    /// What the panel says besides the query.
    pub fn describe(self) -> Option<String> {
        match self {
            Condition::Each => None,
            Condition::Burst { events, minutes } => Some(format!(
                "{events} or more from one principal within {minutes} minutes"
            )),
            Condition::NewRegion => Some(
                "in a region first seen after the first quarter of the loaded time span".into(),
            ),
            Condition::OtherUser => Some("the user named is not the caller".into()),
            Condition::NewUserWithKey => {
                Some("a user created and given an access key in the loaded logs".into())
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    /// MITRE ATT&CK technique id.
    pub technique: &'static str,
    pub query: &'static str,
    pub condition: Condition,
}

const fn rule(
    id: &'static str,
    title: &'static str,
    severity: Severity,
    technique: &'static str,
    query: &'static str,
) -> Rule {
    Rule {
        id,
        title,
        severity,
        technique,
        query,
        condition: Condition::Each,
    }
}

const fn with(rule: Rule, condition: Condition) -> Rule {
    Rule { condition, ..rule }
}

use Severity::{Critical, High, Low, Medium};

/// The built-in rules, in id order.
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    rule("TG-001", "Root account used", High, "T1078.004",
        "kind:Root -userIdentity.invokedBy:*"),
    rule("TG-002", "Console login without MFA", Medium, "T1078.004",
        "action:ConsoleLogin responseElements.ConsoleLogin:Success additionalEventData.MFAUsed:No (kind:IAMUser OR kind:Root)"),
    rule("TG-003", "Failed console login", Low, "T1110",
        "action:ConsoleLogin responseElements.ConsoleLogin:Failure"),
    rule("TG-004", "CloudTrail logging stopped", Critical, "T1562.008",
        "service:cloudtrail.amazonaws.com action:StopLogging"),
    rule("TG-005", "CloudTrail trail deleted", Critical, "T1562.008",
        "service:cloudtrail.amazonaws.com action:DeleteTrail"),
    rule("TG-006", "CloudTrail trail or event selectors changed", High, "T1562.008",
        "service:cloudtrail.amazonaws.com (action:PutEventSelectors OR action:UpdateTrail OR action:PutInsightSelectors)"),
    rule("TG-007", "GuardDuty disabled or detached", High, "T1562.001",
        "service:guardduty.amazonaws.com (action:DeleteDetector OR action:DisassociateFromMasterAccount OR action:DisassociateFromAdministratorAccount OR action:StopMonitoringMembers OR (action:UpdateDetector requestParameters.enable:false))"),
    rule("TG-008", "AWS Config recording stopped or deleted", High, "T1562.001",
        "service:config.amazonaws.com (action:StopConfigurationRecorder OR action:DeleteConfigurationRecorder OR action:DeleteDeliveryChannel)"),
    rule("TG-009", "Security Hub disabled", High, "T1562.001",
        "service:securityhub.amazonaws.com (action:DisableSecurityHub OR action:BatchDisableStandards OR action:DisassociateFromAdministratorAccount)"),
    with(rule("TG-010", "Access key created for another user", High, "T1098.001",
        "service:iam.amazonaws.com action:CreateAccessKey requestParameters.userName:*"), Condition::OtherUser),
    rule("TG-011", "Console password created or changed for a user", High, "T1098",
        "service:iam.amazonaws.com (action:CreateLoginProfile OR action:UpdateLoginProfile)"),
    rule("TG-012", "Administrator policy attached", High, "T1098.003",
        "service:iam.amazonaws.com (action:AttachUserPolicy OR action:AttachRolePolicy OR action:AttachGroupPolicy) requestParameters.policyArn:*/AdministratorAccess"),
    rule("TG-013", "Inline policy allowing every action", High, "T1098.003",
        r#"service:iam.amazonaws.com (action:PutUserPolicy OR action:PutRolePolicy OR action:PutGroupPolicy) requestParameters.policyDocument:/"Action"\s*:\s*(\[\s*)?"\*"/"#),
    with(rule("TG-014", "New IAM user given an access key", Medium, "T1136.003",
        "service:iam.amazonaws.com (action:CreateUser OR action:CreateAccessKey)"), Condition::NewUserWithKey),
    rule("TG-015", "S3 bucket policy open to everyone", High, "T1530",
        r#"service:s3.amazonaws.com action:PutBucketPolicy (requestParameters.bucketPolicy.Statement.Principal:"*" OR requestParameters.bucketPolicy.Statement.Principal.AWS:"*")"#),
    rule("TG-016", "S3 ACL grants public access", High, "T1530",
        "service:s3.amazonaws.com (action:PutBucketAcl OR action:PutObjectAcl) (requestParameters.AccessControlPolicy.AccessControlList.Grant.Grantee.URI:/AllUsers|AuthenticatedUsers/ OR requestParameters.x-amz-acl:public-* OR requestParameters.x-amz-acl:authenticated-read)"),
    rule("TG-017", "S3 Block Public Access removed", Medium, "T1530",
        "service:s3.amazonaws.com (action:DeleteBucketPublicAccessBlock OR action:DeleteAccountPublicAccessBlock)"),
    rule("TG-018", "KMS key scheduled for deletion or disabled", High, "T1485",
        "service:kms.amazonaws.com (action:ScheduleKeyDeletion OR action:DisableKey)"),
    rule("TG-019", "Security group opened to the internet", High, "T1562.007",
        "service:ec2.amazonaws.com action:AuthorizeSecurityGroupIngress (requestParameters.cidrIp:*/0 OR requestParameters.ipPermissions.items.ipRanges.items.cidrIp:*/0 OR requestParameters.ipPermissions.items.ipv6Ranges.items.cidrIpv6:*/0)"),
    rule("TG-020", "EC2 instance user data changed", High, "T1059",
        "service:ec2.amazonaws.com action:ModifyInstanceAttribute requestParameters.userData:*"),
    rule("TG-021", "Lambda function opened to any principal", High, "T1098",
        r#"service:lambda.amazonaws.com action:AddPermission* requestParameters.principal:"*""#),
    with(rule("TG-022", "Secrets read in bulk", High, "T1555.006",
        "service:secretsmanager.amazonaws.com (action:GetSecretValue OR action:BatchGetSecretValue) -kind:AWSService"), Condition::Burst { events: 10, minutes: 10 }),
    rule("TG-023", "Secrets read in a batch", Medium, "T1555.006",
        "service:secretsmanager.amazonaws.com action:BatchGetSecretValue"),
    with(rule("TG-024", "SSM SecureString parameters decrypted in bulk", Medium, "T1552",
        "service:ssm.amazonaws.com (action:GetParameter OR action:GetParameters OR action:GetParametersByPath) requestParameters.withDecryption:true -kind:AWSService"), Condition::Burst { events: 5, minutes: 10 }),
    rule("TG-025", "EBS snapshot shared with another account", High, "T1537",
        "service:ec2.amazonaws.com action:ModifySnapshotAttribute (requestParameters.createVolumePermission.add.items.userId:* OR requestParameters.createVolumePermission.add.items.group:all)"),
    rule("TG-026", "AMI shared with another account", High, "T1537",
        "service:ec2.amazonaws.com action:ModifyImageAttribute (requestParameters.launchPermission.add.items.userId:* OR requestParameters.launchPermission.add.items.group:all)"),
    rule("TG-027", "RDS snapshot shared with another account", High, "T1537",
        "service:rds.amazonaws.com (action:ModifyDBSnapshotAttribute OR action:ModifyDBClusterSnapshotAttribute) requestParameters.attributeName:restore requestParameters.valuesToAdd:*"),
    with(rule("TG-028", "Burst of AccessDenied from one principal", Medium, "T1580",
        "(error:*AccessDenied* OR error:*Unauthorized* OR error:Forbidden) -kind:AWSService"), Condition::Burst { events: 10, minutes: 5 }),
    with(rule("TG-029", "Activity in a region not used before", Medium, "T1535",
        "region:* -kind:AWSService"), Condition::NewRegion),
    rule("TG-030", "DNS query logging deleted", Medium, "T1562.008",
        "service:route53resolver.amazonaws.com (action:DeleteResolverQueryLogConfig OR action:DisassociateResolverQueryLogConfig)"),
    rule("TG-031", "VPC flow logs deleted", Medium, "T1562.008",
        "service:ec2.amazonaws.com action:DeleteFlowLogs"),
    rule("TG-032", "Account asked to leave its organization", High, "T1666",
        "service:organizations.amazonaws.com action:LeaveOrganization"),
    rule("TG-033", "Role trust policy changed", Medium, "T1098.003",
        "service:iam.amazonaws.com action:UpdateAssumeRolePolicy"),
    rule("TG-034", "SSH key pushed to an instance", Medium, "T1021.004",
        "service:ec2-instance-connect.amazonaws.com (action:SendSSHPublicKey OR action:SendSerialConsoleSSHPublicKey)"),
    rule("TG-035", "EC2 serial console access enabled", Medium, "T1021",
        "service:ec2.amazonaws.com action:EnableSerialConsoleAccess"),
    rule("TG-036", "Windows password data retrieved", Medium, "T1552",
        "service:ec2.amazonaws.com action:GetPasswordData"),
    rule("TG-037", "SSM command sent to instances", Low, "T1651",
        "service:ssm.amazonaws.com action:SendCommand"),
    rule("TG-038", "SSM session started on an instance", Low, "T1651",
        "service:ssm.amazonaws.com action:StartSession"),
    rule("TG-039", "Federation token obtained", Medium, "T1550.001",
        "service:sts.amazonaws.com action:GetFederationToken"),
    rule("TG-040", "IAM Roles Anywhere trust anchor or profile created", High, "T1098.003",
        "service:rolesanywhere.amazonaws.com (action:CreateTrustAnchor OR action:UpdateTrustAnchor OR action:CreateProfile)"),
    rule("TG-041", "Lambda function code or layers replaced", Low, "T1525",
        "service:lambda.amazonaws.com (action:UpdateFunctionCode* OR (action:UpdateFunctionConfiguration* requestParameters.layers:*))"),
    rule("TG-042", "GPU or very large instances launched", Medium, "T1496",
        r"service:ec2.amazonaws.com action:RunInstances requestParameters.instanceType:/^(p[0-9]|g[0-9]|inf[0-9]|trn[0-9]|dl[0-9]|x[0-9]|u-|.*\.(metal|[0-9]{2}xlarge))/"),
    rule("TG-043", "Bedrock model access enabled", Low, "T1496",
        "service:bedrock.amazonaws.com (action:PutFoundationModelEntitlement OR action:PutUseCaseForModelAccess OR action:CreateFoundationModelAgreement)"),
    rule("TG-044", "MFA device deactivated or deleted", Medium, "T1556.006",
        "service:iam.amazonaws.com (action:DeactivateMFADevice OR action:DeleteVirtualMFADevice)"),
    rule("TG-045", "CloudWatch log group or stream deleted", Low, "T1070",
        "service:logs.amazonaws.com (action:DeleteLogGroup OR action:DeleteLogStream)"),
];

/// Aggregate findings are narrowed for the search with one term per
/// principal window, region or user; past this many the search shows the
/// rule's query alone (and says it is wider).
const MAX_NARROWING_TERMS: usize = 24;

/// One rule's hits over the loaded events.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Index into [`RULES`].
    pub rule: usize,
    /// Matching store rows, in time order.
    pub rows: Vec<u32>,
    /// The search that shows these events: the rule's query, narrowed for
    /// aggregate rules.
    pub search: String,
    /// Whether `search` selects exactly `rows` (checked, not assumed).
    pub exact: bool,
}

/// Runs every rule; rules without hits are left out. `order` is `view::time_order`.
pub fn evaluate(store: &EventStore, order: &[u32]) -> Vec<Finding> {
    let (hits, json) = match_all(store, order);
    findings(store, hits, json)
}

/// Which rules' queries each row matches (bit `i` for `RULES[i]`), rows
/// matching none left out. A parse worker computes this for its own batch,
/// in parallel with the others, so the store worker's findings need no pass
/// over the raw JSON (see [`evaluate_with_masks`]).
pub fn row_masks(store: &EventStore) -> Vec<(u32, u64)> {
    let order: Vec<u32> = (0..store.len() as u32).collect();
    let (hits, _) = match_all(store, &order);
    let mut masks: FxHashMap<u32, u64> = FxHashMap::default();
    for (rule, rows) in hits.iter().enumerate() {
        for &row in rows {
            *masks.entry(row).or_default() |= 1 << rule;
        }
    }
    let mut masks: Vec<(u32, u64)> = masks.into_iter().collect();
    masks.sort_unstable();
    masks
}

const _: () = assert!(RULES.len() <= 64, "a row's rules fit one u64 mask");

/// [`evaluate`] from per-row masks computed when the events were parsed:
/// the same findings, reading raw JSON only for the hits of rules whose
/// condition needs it.
pub fn evaluate_with_masks(
    store: &EventStore,
    order: &[u32],
    masks: &FxHashMap<u32, u64>,
) -> Vec<Finding> {
    MaskedDetection::new(store, order, masks).evaluate(store)
}

/// The JSON of some rows the conditions read: (row, rule, the event's JSON).
pub type ReadJson = Vec<(u32, usize, Vec<u8>)>;

/// [`evaluate_with_masks`] in steps, for a store whose raw JSON lives in
/// other workers: the events the conditions read are taken a few raw blocks
/// at a time ([`MaskedDetection::read_next`]), so a caller never needs more
/// than those blocks fetched at once, however many events the rules hit.
pub struct MaskedDetection {
    /// Each rule's rows, in `order`.
    hits: Vec<Vec<u32>>,
    /// The (row, rule) pairs whose JSON a condition reads, by row: by block.
    to_read: Vec<(u32, usize)>,
    json: Vec<EventJson>,
    /// How many of `to_read` are read.
    read: usize,
    /// The store's size when planned: rows only mean the same while it holds.
    rows: usize,
}

impl MaskedDetection {
    pub fn new(store: &EventStore, order: &[u32], masks: &FxHashMap<u32, u64>) -> Self {
        let mut hits: Vec<Vec<u32>> = vec![Vec::new(); RULES.len()];
        for &row in order {
            if let Some(&mask) = masks.get(&row) {
                let mut bits = mask;
                while bits != 0 {
                    let rule = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if let Some(rows) = hits.get_mut(rule) {
                        rows.push(row);
                    }
                }
            }
        }
        let mut to_read: Vec<(u32, usize)> = Vec::new();
        for (rule, rows) in hits.iter().enumerate() {
            if RULES[rule].condition.reads_json() {
                to_read.extend(rows.iter().map(|&row| (row, rule)));
            }
        }
        to_read.sort_unstable();
        Self {
            hits,
            to_read,
            json: vec![EventJson::default(); RULES.len()],
            read: 0,
            rows: store.len(),
        }
    }

    /// Whether every event the conditions read is read.
    pub fn done(&self) -> bool {
        self.read >= self.to_read.len()
    }

    /// Reads the JSON of the next events to read that lie in at most `blocks`
    /// raw blocks (at least one event): how far that reaches, and what it
    /// read, for [`Self::keep`]. Only reads, so it can run again when some of
    /// those blocks had to be fetched first. `None` when `store` is no longer
    /// the one it was planned on.
    pub fn read_next(&self, store: &EventStore, blocks: usize) -> Option<(usize, ReadJson)> {
        if store.len() != self.rows {
            return None;
        }
        let mut reader = store.raw_reader();
        let (mut at, mut read, mut seen, mut last) = (self.read, Vec::new(), 0, None);
        while let Some(&(row, rule)) = self.to_read.get(at) {
            let event = &store.rows[row as usize];
            if last != Some(event.raw_block) {
                if seen == blocks.max(1) {
                    break;
                }
                seen += 1;
                last = Some(event.raw_block);
            }
            read.push((row, rule, reader.json(event).to_vec()));
            at += 1;
        }
        Some((at, read))
    }

    /// Takes what [`Self::read_next`] read.
    pub fn keep(&mut self, upto: usize, read: ReadJson) {
        for (row, rule, json) in read {
            self.json[rule].insert(row, json);
        }
        self.read = self.read.max(upto);
    }

    /// The findings, once [`Self::done`]; `None` when `store` is no longer
    /// the one it was planned on.
    pub fn finish(self, store: &EventStore) -> Option<Vec<Finding>> {
        (store.len() == self.rows).then(|| findings(store, self.hits, self.json))
    }

    /// Every step at once: the findings, reading raw JSON from `store`.
    pub fn evaluate(mut self, store: &EventStore) -> Vec<Finding> {
        if let Some((upto, read)) = self.read_next(store, usize::MAX) {
            self.keep(upto, read);
        }
        self.finish(store).unwrap_or_default()
    }
}

fn findings(store: &EventStore, all_hits: Vec<Vec<u32>>, all_json: Vec<EventJson>) -> Vec<Finding> {
    RULES
        .iter()
        .zip(all_hits.into_iter().zip(all_json))
        .enumerate()
        .filter_map(|(index, (rule, (hits, json)))| {
            if hits.is_empty() {
                return None;
            }
            let (rows, narrowing) = apply_condition(store, rule.condition, &hits, &json);
            if rows.is_empty() {
                return None;
            }
            let narrowing = narrowing.filter(|terms| terms.len() <= MAX_NARROWING_TERMS);
            let (search, exact) = match narrowing {
                None => (rule.query.to_owned(), rows == hits),
                Some(terms) => {
                    let narrowing = terms.join(" OR ");
                    let query = crate::query::parse(&narrowing).expect("narrowing terms parse");
                    // The search is the rule's query and this, so it selects
                    // exactly the hits this matches.
                    let selected: Vec<u32> = hits
                        .iter()
                        .copied()
                        .filter(|&r| {
                            let event = json.get(&r).map_or(&[][..], Vec::as_slice);
                            row_matches(store, r as usize, event, &query)
                        })
                        .collect();
                    (format!("({}) ({narrowing})", rule.query), selected == rows)
                }
            };
            Some(Finding {
                rule: index,
                rows,
                search,
                exact,
            })
        })
        .collect()
}

/// Every rule's matching rows, in time order. Terms on the indexed columns
/// narrow each rule's candidates first; then the raw JSON is read once,
/// block by block, for all rules whose queries need it (one pass instead
/// of one per rule: inflating blocks is most of the cost).
/// Alongside, the raw JSON of the hits of rules whose condition reads it.
fn match_all(store: &EventStore, order: &[u32]) -> (Vec<Vec<u32>>, Vec<EventJson>) {
    let queries: Vec<Query> = RULES
        .iter()
        .map(|rule| crate::query::parse(rule.query).expect("built-in rule queries parse"))
        .collect();
    let mut hits: Vec<Vec<u32>> = queries
        .iter()
        .map(|query| {
            let filter = Filter {
                query: without_raw_terms(query),
                ..Filter::default()
            };
            select(store, order, &filter)
        })
        .collect();
    let mut to_read: Vec<(u32, u16)> = Vec::new();
    for (rule, candidates) in hits.iter().enumerate() {
        if crate::query::filter::reads_raw(&queries[rule]) || RULES[rule].condition.reads_json() {
            to_read.extend(candidates.iter().map(|&row| (row, rule as u16)));
        }
    }
    to_read.sort_unstable();
    let mut passed: Vec<EventJson> = vec![EventJson::default(); RULES.len()];
    let mut reader = store.raw_reader();
    for (row, rule) in to_read {
        let json = reader.json(&store.rows[row as usize]);
        if row_matches(store, row as usize, json, &queries[rule as usize]) {
            let keep = RULES[rule as usize].condition.reads_json();
            passed[rule as usize].insert(row, if keep { json.to_vec() } else { Vec::new() });
        }
    }
    for (rule, rows) in hits.iter_mut().enumerate() {
        if crate::query::filter::reads_raw(&queries[rule]) || RULES[rule].condition.reads_json() {
            rows.retain(|row| passed[rule].contains_key(row));
        }
        if !RULES[rule].condition.reads_json() {
            passed[rule] = EventJson::default();
        }
    }
    (hits, passed)
}

/// Raw JSON by row.
type EventJson = FxHashMap<u32, Vec<u8>>;

/// A query that matches at least what `query` does, without reading raw
/// JSON: each part that would is taken as matching everything.
fn without_raw_terms(query: &Query) -> Query {
    if !crate::query::filter::reads_raw(query) {
        return query.clone();
    }
    match query {
        Query::And(parts) => Query::And(parts.iter().map(without_raw_terms).collect()),
        Query::Or(parts) => Query::Or(parts.iter().map(without_raw_terms).collect()),
        // Text, a path, or a negation of something that reads them.
        _ => Query::All,
    }
}

/// The rows a condition keeps (time order preserved) and, for aggregate
/// conditions, search terms of which one holds for each kept row.
fn apply_condition(
    store: &EventStore,
    condition: Condition,
    hits: &[u32],
    json: &EventJson,
) -> (Vec<u32>, Option<Vec<String>>) {
    match condition {
        Condition::Each => (hits.to_vec(), None),
        Condition::Burst { events, minutes } => burst(store, hits, events, minutes * 60_000),
        Condition::NewRegion => new_region(store, hits),
        Condition::OtherUser => other_user(hits, json),
        Condition::NewUserWithKey => new_user_with_key(store, hits, json),
    }
}

fn burst(
    store: &EventStore,
    hits: &[u32],
    threshold: usize,
    window_ms: EpochMs,
) -> (Vec<u32>, Option<Vec<String>>) {
    let mut by_principal: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for &row in hits {
        if store.rows[row as usize].time_ms != i64::MIN {
            by_principal
                .entry(store.rows[row as usize].principal)
                .or_default()
                .push(row);
        }
    }
    let mut kept = FxHashSet::default();
    let mut terms = Vec::new();
    let mut principals: Vec<_> = by_principal.into_iter().collect();
    principals.sort_unstable_by_key(|(principal, _)| *principal);
    for (principal, rows) in principals {
        let time = |i: usize| store.rows[rows[i] as usize].time_ms;
        // Runs of rows inside some window holding `threshold` events, as index ranges.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        for end in 0..rows.len() {
            while time(end) - time(start) > window_ms {
                start += 1;
            }
            if end + 1 - start >= threshold {
                match runs.last_mut() {
                    Some(run) if run.1 + 1 >= start => run.1 = end,
                    _ => runs.push((start, end)),
                }
            }
        }
        let name = &store.principals[principal as usize].principal.name;
        for (from, to) in runs {
            kept.extend(rows[from..=to].iter().copied());
            terms.push(format!(
                "(principal:{} time>={} time<={})",
                quoted(name),
                format_utc(time(from)),
                format_utc(time(to))
            ));
        }
    }
    let rows = hits.iter().copied().filter(|r| kept.contains(r)).collect();
    (rows, Some(terms))
}

fn new_region(store: &EventStore, hits: &[u32]) -> (Vec<u32>, Option<Vec<String>>) {
    const HOUR_MS: EpochMs = 3_600_000;
    let Some((start, end)) = store.time_span() else {
        return (Vec::new(), None);
    };
    let settled = start + ((end - start) / 4).max(HOUR_MS);
    let mut first_seen: FxHashMap<u32, EpochMs> = FxHashMap::default();
    for &row in hits {
        let row = &store.rows[row as usize];
        if row.time_ms != i64::MIN {
            first_seen.entry(row.region).or_insert(row.time_ms);
        }
    }
    let new: FxHashSet<u32> = first_seen
        .into_iter()
        .filter(|&(_, first)| first >= settled)
        .map(|(region, _)| region)
        .collect();
    let rows: Vec<u32> = hits
        .iter()
        .copied()
        .filter(|&r| new.contains(&store.rows[r as usize].region))
        .collect();
    let mut names: Vec<&str> = new.iter().map(|&id| store.strings.get(id)).collect();
    names.sort_unstable();
    let terms = names
        .into_iter()
        .map(|name| format!("region:{}", quoted(name)))
        .collect();
    (rows, Some(terms))
}

/// A string at a path of one event's JSON.
fn text_at(json: &[u8], path: &[&str]) -> Option<String> {
    let path: Vec<String> = path.iter().map(|p| (*p).to_owned()).collect();
    let raw = crate::input::scan::value_at_path(json, &path)?;
    serde_json::from_slice::<String>(raw).ok()
}

fn other_user(hits: &[u32], json: &EventJson) -> (Vec<u32>, Option<Vec<String>>) {
    let mut targets = std::collections::BTreeSet::new();
    let rows = hits
        .iter()
        .copied()
        .filter(|row| {
            let event = &json[row];
            let Some(target) = text_at(event, &["requestParameters", "userName"]) else {
                return false;
            };
            let other =
                text_at(event, &["userIdentity", "userName"]).as_deref() != Some(target.as_str());
            if other {
                targets.insert(target);
            }
            other
        })
        .collect();
    (rows, Some(user_names_term(targets.iter())))
}

/// One term for many user names: a single regex, so the search reads each
/// event once rather than once per name.
fn user_names_term<'n>(names: impl Iterator<Item = &'n String>) -> Vec<String> {
    let alternatives: Vec<String> = names
        .map(|name| regex_lite::escape(name).replace('/', "\\/"))
        .collect();
    if alternatives.is_empty() {
        return Vec::new();
    }
    let pattern = alternatives.join("|");
    vec![format!("requestParameters.userName:/^({pattern})$/")]
}

fn new_user_with_key(
    store: &EventStore,
    hits: &[u32],
    json: &EventJson,
) -> (Vec<u32>, Option<Vec<String>>) {
    let mut created = FxHashSet::default();
    let mut keyed = FxHashSet::default();
    let mut user_of: FxHashMap<u32, String> = FxHashMap::default();
    for &row in hits {
        if let Some(user) = text_at(&json[&row], &["requestParameters", "userName"]) {
            match store.strings.get(store.rows[row as usize].event_name) {
                "CreateUser" => created.insert(user.clone()),
                _ => keyed.insert(user.clone()),
            };
            user_of.insert(row, user);
        }
    }
    let both: std::collections::BTreeSet<&String> = created.intersection(&keyed).collect();
    let rows = hits
        .iter()
        .copied()
        .filter(|r| user_of.get(r).is_some_and(|u| both.contains(u)))
        .collect();
    (rows, Some(user_names_term(both.into_iter())))
}

/// A value as an exact query term: quoted, with `\` and `"` escaped.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Which rules each row matched (indexes into [`RULES`]), built once per
/// load so table rows carry badges without re-running queries.
pub fn rules_by_row(findings: &[Finding]) -> FxHashMap<u32, Vec<u16>> {
    let mut by_row: FxHashMap<u32, Vec<u16>> = FxHashMap::default();
    for finding in findings {
        for &row in &finding.rows {
            by_row.entry(row).or_default().push(finding.rule as u16);
        }
    }
    by_row
}

/// What a table row shows when detection rules matched it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleBadge {
    /// The highest severity among the rules.
    pub severity: Severity,
    /// Each rule as "id title".
    pub rules: Vec<String>,
}

/// The badge for one row, from [`rules_by_row`].
pub fn badge(by_row: &FxHashMap<u32, Vec<u16>>, row: u32) -> Option<RuleBadge> {
    let rules = by_row.get(&row)?;
    let severity = rules.iter().map(|&r| RULES[r as usize].severity).max()?;
    let rules = rules
        .iter()
        .map(|&r| format!("{} {}", RULES[r as usize].id, RULES[r as usize].title))
        .collect();
    Some(RuleBadge { severity, rules })
}
