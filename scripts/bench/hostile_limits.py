#!/usr/bin/env python3
"""Writes the inputs built to blow up the view (make bench-limits), each a
folder under OUT, scaled by SCALE (1 is the full size):

  principals/   1,000,000 events, each by a different IAM user
  event-names/  1,000,000 events, each of a different event name
  user-agent/   100 ordinary events and one with a 10 MB user agent
  many-files/   100,000 delivery files of one event each
  big-record/   one record of 500 MB (its request parameters)

Files are gzipped deliveries of 10,000 events (level 1: the shape, not the
compression, is what is tested). Usage: hostile_limits.py OUT [SCALE]"""
import gzip
import json
import pathlib
import sys

out = pathlib.Path(sys.argv[1])
scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0


def event(n, name="GetObject", user=None, agent="aws-cli/2.15.0", params=None):
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": f"AIDA{n:016d}",
            "arn": f"arn:aws:iam::111122223333:user/{user or 'alice'}",
            "accountId": "111122223333",
            "userName": user or "alice",
        },
        "eventTime": f"2024-05-01T{(n // 3600) % 24:02d}:{(n // 60) % 60:02d}:{n % 60:02d}Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": agent,
        "requestParameters": params or {"bucketName": "b"},
        "eventID": f"00000000-0000-0000-0000-{n:012d}",
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333",
    }


def deliveries(folder, events, per_file=10_000):
    folder.mkdir(parents=True, exist_ok=True)
    batch, count = [], 0
    for e in events:
        batch.append(e)
        if len(batch) == per_file:
            write(folder, count, batch)
            batch, count = [], count + 1
    if batch:
        write(folder, count, batch)


def write(folder, n, records):
    name = folder / f"111122223333_CloudTrail_us-east-1_20240501T0000Z_{n:06d}.json.gz"
    with gzip.open(name, "wt", compresslevel=1) as f:
        json.dump({"Records": records}, f)


def done(name):
    (out / f"{name}.complete").touch()


def missing(name):
    return not (out / f"{name}.complete").exists()


millions = int(1_000_000 * scale)
if missing("principals"):
    deliveries(out / "principals", (event(n, user=f"user-{n:07d}") for n in range(millions)))
    done("principals")
if missing("event-names"):
    deliveries(out / "event-names", (event(n, name=f"Action{n:07d}") for n in range(millions)))
    done("event-names")
if missing("user-agent"):
    ordinary = [event(n) for n in range(100)]
    deliveries(out / "user-agent", ordinary + [event(100, agent="Mozilla/5.0 " + "A" * (10 << 20))])
    done("user-agent")
if missing("many-files"):
    deliveries(out / "many-files", (event(n) for n in range(int(100_000 * scale))), per_file=1)
    done("many-files")
if missing("big-record"):
    folder = out / "big-record"
    folder.mkdir(parents=True, exist_ok=True)
    size = int((500 << 20) * scale)
    with gzip.open(folder / "big-record.json.gz", "wt", compresslevel=1) as f:
        head = json.dumps({"Records": [event(0, params={"policy": "@@"})]})
        before, after = head.split("@@")
        f.write(before)
        chunk = "x" * (1 << 20)
        for _ in range(size >> 20):
            f.write(chunk)
        f.write(after)
    done("big-record")
