"""Writes a generated trail folder as one JSON Lines file, the way an export
from CloudTrail Lake or CloudWatch Logs holds a trail: every record of every
delivery (gunzipped) on a line of its own, in the folder's order. Streams
file by file. With --broken-after N, a record cut off is written after the
Nth record (the load report must name its line).

    python jsonl_trail.py FOLDER OUT.jsonl [--broken-after N]"""
import gzip
import json
import pathlib
import sys

folder = pathlib.Path(sys.argv[1])
out = pathlib.Path(sys.argv[2])
broken_after = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--broken-after" else None
BROKEN = '{"eventVersion":"1.08","eventName":"CutOff","eventTime":'
records = 0
with open(out, "w", encoding="utf-8") as lines:
    for path in sorted(folder.rglob("*.json.gz")):
        with gzip.open(path) as source:
            for record in json.load(source)["Records"]:
                lines.write(json.dumps(record, separators=(",", ":")) + "\n")
                records += 1
                if records == broken_after:
                    lines.write(BROKEN + "\n")
print(f"wrote {records} records into {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
