#!/usr/bin/env python3
"""Copy as SQL, run for real: every search example below is given to
`trailglass search` over the invictus-ir and stratus-red-team fixtures,
which prints the count Trailglass finds and the Athena SQL it writes.
The SQL must parse as Athena's engine reads it (Trino, with sqlglot);
then, transpiled to DuckDB, it runs over the same events laid out as
Athena's CloudTrail table (the DDL of the CloudTrail docs: lowercase
columns, `useridentity` and `resources` as structs, the request and
response as JSON text) and must count what Trailglass counted. Where the
SQL says in a `-- note:` that it cannot be exact, a different count is
allowed and reported.

    target/bench-venv/bin/python tests/sql/athena_check.py TRAILGLASS_BINARY
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

import duckdb
import sqlglot
from sqlglot import exp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FOLDERS = [os.path.join(ROOT, 'tests', 'fixtures', f) for f in ('invictus-ir', 'stratus-red-team')]

# The query language's forms, as the README and the semantics tests use them.
EXAMPLES = [
    '',
    'eventName:ConsoleLogin',
    'eventName:Get*',
    'eventName:Delete* OR eventName:Put*',
    'action:/^(Put|Delete)/',
    'errorCode:*',
    '-errorCode:*',
    'error:AccessDenied',
    '-error:AccessDenied',
    'errorCode:"Client.UnauthorizedOperation"',
    'readOnly:false',
    'readOnly:true service:s3.amazonaws.com',
    'region:us-east-1 service:ec2.amazonaws.com',
    'kind:AssumedRole',
    'kind:IAMUser',
    'kind:AWSService OR kind:Root',
    'requestParameters.bucketName:*',
    'requestParameters.bucketName:stratus*',
    'requestParameters.instancesSet.items.instanceId:*',
    'resources.ARN:*',
    'userIdentity.sessionContext.sessionIssuer.userName:/admin/',
    'userIdentity.arn:*stratus*',
    'time:2023-07-10 NOT (service:sts.amazonaws.com OR service:s3.amazonaws.com)',
    'time>=2024-07-30T00:00Z time<2024-08-01',
    'ip:/^10\\./ OR agent:*boto3*',
    'agent:/boto3\\/1\\./',
    'AccessDenied',
    '"iam.amazonaws.com" -readOnly:true',
    'principal:benjamin',
    'action:Describe* AND NOT region:us-east-1',
]

STRING_JSON = ('requestparameters', 'responseelements', 'additionaleventdata', 'serviceeventdetails')


def records(path):
    data = open(path, 'rb').read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    value = json.loads(data)
    if isinstance(value, dict) and 'Records' in value:
        return value['Records']
    return value if isinstance(value, list) else [value]


def lower_keys(value):
    if isinstance(value, dict):
        return {k.lower(): lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lower_keys(v) for v in value]
    return value


def athena_row(event):
    """One event as Athena's CloudTrail SerDe presents it."""
    row = {}
    for key, value in event.items():
        name = key.lower()
        if name in STRING_JSON:
            row[name] = None if value is None else json.dumps(value, separators=(',', ':'))
        elif name == 'useridentity':
            row[name] = lower_keys(value)
        elif name == 'resources':
            row[name] = lower_keys(value)
        elif isinstance(value, bool):
            row[name] = 'true' if value else 'false'
        elif isinstance(value, (dict, list)):
            row[name] = json.dumps(value, separators=(',', ':'))
        else:
            row[name] = None if value is None else str(value)
    return row


IDENTITY = ("STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, "
            "accesskeyid VARCHAR, username VARCHAR, sessioncontext STRUCT(attributes STRUCT(mfaauthenticated VARCHAR, "
            "creationdate VARCHAR), sessionissuer STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, "
            "username VARCHAR), sourceidentity VARCHAR), onbehalfof STRUCT(userid VARCHAR, identitystorearn VARCHAR))")
COLUMNS = {
    'eventversion': 'VARCHAR', 'useridentity': IDENTITY, 'eventtime': 'VARCHAR', 'eventsource': 'VARCHAR',
    'eventname': 'VARCHAR', 'awsregion': 'VARCHAR', 'sourceipaddress': 'VARCHAR', 'useragent': 'VARCHAR',
    'errorcode': 'VARCHAR', 'errormessage': 'VARCHAR', 'requestparameters': 'VARCHAR', 'responseelements': 'VARCHAR',
    'additionaleventdata': 'VARCHAR', 'requestid': 'VARCHAR', 'eventid': 'VARCHAR', 'readonly': 'VARCHAR',
    'resources': 'STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[]', 'eventtype': 'VARCHAR',
    'apiversion': 'VARCHAR', 'recipientaccountid': 'VARCHAR', 'serviceeventdetails': 'VARCHAR',
    'sharedeventid': 'VARCHAR', 'vpcendpointid': 'VARCHAR', 'eventcategory': 'VARCHAR',
}


def table(db, folder_files):
    seen = set()
    rows = []
    for path in folder_files:
        for event in records(path):
            if not isinstance(event, dict):
                continue
            # Trailglass counts a repeated delivery once: so must the table.
            key = (event.get('eventID'), event.get('eventName'), event.get('eventTime'), event.get('recipientAccountId'))
            if event.get('eventID') and key in seen:
                continue
            seen.add(key)
            rows.append(athena_row(event))
    with tempfile.NamedTemporaryFile('w', suffix='.ndjson', delete=False) as out:
        for row in rows:
            out.write(json.dumps(row) + '\n')
        name = out.name
    columns = ', '.join(f"'{k}': '{v}'" for k, v in COLUMNS.items())
    db.execute(f"CREATE TABLE cloudtrail_logs AS SELECT * FROM read_json('{name}', format='newline_delimited', "
               f"columns={{{columns}}})")
    os.unlink(name)
    return len(rows)


def counted(sql):
    """The SELECT parsed as Athena (Trino) reads it, as a count without its LIMIT, in DuckDB's SQL."""
    select = sqlglot.parse_one(sql, read='trino')
    select.set('limit', None)
    select.set('order', None)
    return exp.select('count(*)').from_(select.subquery('q')).sql(dialect='duckdb')


def main():
    binary = sys.argv[1]
    files = sorted(os.path.join(f, n) for f in FOLDERS for n in os.listdir(f) if n.endswith(('.json', '.json.gz')))
    db = duckdb.connect()
    events = table(db, files)
    failures = []
    for query in EXAMPLES:
        out = subprocess.run([binary, 'search', query or '*', *FOLDERS], capture_output=True, text=True)
        if out.returncode != 0:
            failures.append(f'{query!r}: trailglass search failed: {out.stderr.strip()}')
            continue
        answer = json.loads(out.stdout)
        if answer['events'] != events:
            failures.append(f'the table holds {events} events, Trailglass loaded {answer["events"]}')
            break
        sql = answer['athena_sql']
        try:
            duck = counted(sql)
        except sqlglot.errors.ParseError as error:
            failures.append(f'{query!r}: the Athena SQL does not parse as Trino: {error}\n{sql}')
            continue
        got = db.execute(duck).fetchone()[0]
        noted = '-- note:' in sql
        mark = 'same' if got == answer['count'] else ('differs, as its note says' if noted else 'DIFFERS')
        print(f'{query or "*"!s:70} trailglass {answer["count"]:5}  athena-sql {got:5}  {mark}')
        if got != answer['count'] and not noted:
            failures.append(f'{query!r}: Trailglass counts {answer["count"]}, the SQL {got}\n{sql}\n-- as DuckDB: {duck}')
    print(f'{len(EXAMPLES)} searches over {events} events')
    if failures:
        print('\n'.join(['FAILED:'] + failures))
        sys.exit(1)


if __name__ == '__main__':
    main()
