"""Packs a generated trail folder as one zip archive, the way a person sends
a trail to someone: every delivery's JSON (gunzipped) as a deflated member,
under its path in the folder (CloudTrail's S3 layout, .gz dropped). Streams
file by file, so a trail of any size packs in little memory.

    python zip_trail.py FOLDER OUT.zip"""
import gzip
import pathlib
import shutil
import sys
import zipfile

folder = pathlib.Path(sys.argv[1])
out = pathlib.Path(sys.argv[2])
members = 0
with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
    for path in sorted(folder.rglob("*.json.gz")):
        name = path.relative_to(folder).as_posix()[: -len(".gz")]
        with gzip.open(path) as source, archive.open(name, "w") as member:
            shutil.copyfileobj(source, member, 1 << 20)
        members += 1
print(f"packed {members} files into {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
