"""DuckDB (the Python package, native, every core) on a trail folder: runs
principal-summary.sql over every gzipped file and prints one JSON line with
the principal count and the total of their events."""
import json
import pathlib
import sys
import time

import duckdb

folder = pathlib.Path(sys.argv[1])
sql = (pathlib.Path(__file__).parent / "principal-summary.sql").read_text()
started = time.perf_counter()
rows = duckdb.sql(sql.replace("{files}", repr(str(folder / "**" / "*.json.gz")))).fetchall()
elapsed = time.perf_counter() - started
print(json.dumps({
    "principals": len(rows),
    "events": sum(row[1] for row in rows),
    "seconds": elapsed,
    "threads": duckdb.sql("SELECT current_setting('threads')").fetchall()[0][0],
}))
