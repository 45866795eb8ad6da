#!/usr/bin/env bash
# Native benchmarks of the core, as Markdown tables:
#   ingest: MB/s of uncompressed JSON and events/s, plain and gzipped, store bytes per event
#   query:  filter + count + timeline + facets, free text, JSON path, per-principal breakdown
#   per core: a parse worker's batches natively and in wasm under Node (scripts/bench-wasm.mjs, 100k events)
# Usage: scripts/bench.sh [EVENTS...]   (default: 100000 1000000 for ingest, 1000000 for query)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000 1000000}")
echo "## Ingest"
cargo bench --quiet --bench ingest -- ${sizes[*]}
echo
echo "## Query"
largest=$(printf '%s\n' ${sizes[*]} | sort -n | tail -1)
cargo bench --quiet --bench query -- "$largest"
echo
echo "## Per core, native and wasm"
if command -v wasm-bindgen >/dev/null && command -v node >/dev/null; then
  node scripts/bench-wasm.mjs 100000 5
else
  echo "(skipped: needs node and the wasm-bindgen CLI; make bench-wasm installs what is missing)"
fi
