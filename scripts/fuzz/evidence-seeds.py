#!/usr/bin/env python3
"""Writes seeds for the `evidence` fuzz target (fuzz/fuzz_targets/evidence.rs)
into the folder given: case files behind an even first byte, and the signed
digest fixtures (digests, their logs, the key list and a signature line, cut
at 0xFF) behind an odd one."""
import gzip
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parents[2]
out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
signed = root / "tests/fixtures/signed-digests"

case = {
    "format": "trailglass-case",
    "version": 1,
    "title": "<b>case</b>",
    "events": [
        {
            "key": "e1",
            "time": "2024-05-01T00:00:00Z",
            "event_name": "DeleteTrail",
            "event_source": "cloudtrail.amazonaws.com",
            "principal": "alice",
            "source_ip": "192.0.2.1",
            "error_code": "",
            "starred": True,
            "tags": ["a", "<script>"],
            "note": "<img src=x onerror=alert(1)>",
            "json": '{"eventID":"e1","eventName":"DeleteTrail"}',
        }
    ],
    "principals": [{"principal": "alice", "note": "first"}],
}
(out / "case-one").write_bytes(b"\x00" + json.dumps(case).encode())
(out / "case-empty").write_bytes(b"\x00" + json.dumps({"format": "trailglass-case", "version": 1}).encode())


def plain(path):
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


digests = sorted((signed / "AWSLogs").rglob("*Digest*.json.gz"))
logs = sorted(p for p in (signed / "AWSLogs").rglob("*.json.gz") if "Digest" not in p.name)
keys = (signed / "public-keys.json").read_bytes()
newest = (signed / "newest-signature.txt").read_bytes()
for n, digest in enumerate(digests):
    named = json.loads(plain(digest))["logFiles"]
    mine = [p for p in logs if any(p.name in f["s3Object"] for f in named)][:2]
    parts = [plain(digest)] + [plain(p) for p in mine] + [keys, newest]
    (out / f"signed-{n}").write_bytes(b"\x01" + b"\xff".join(parts))
pair = [plain(digests[0]), plain(digests[1]), keys, b""]
(out / "signed-chain").write_bytes(b"\x01" + b"\xff".join(pair))
