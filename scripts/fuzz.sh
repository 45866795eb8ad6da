#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo fuzz, libFuzzer, nightly) of the ingest path,
# the query parser and segment decoding (bytes from another worker), seeded
# from tests/fixtures. Any crash fails the run;
# libFuzzer writes the input to fuzz/artifacts/<target>/, to become a regression test.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (make test runs 45 s each; run longer by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
for target in ingest query segment; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  if [ "$target" != query ]; then
    find tests/fixtures -type f ! -name '*.md' ! -name 'LICENSE' -size -256k -exec cp -n {} "$corpus/" \;
  else
    printf '%s' 'eventName:Delete* -errorCode:*' > "$corpus/seed1"
    printf '%s' '(service:s3.amazonaws.com OR "Access Denied") time>=2024-05-01T10:00Z' > "$corpus/seed2"
    printf '%s' 'requestParameters.bucketName:/^prod-/ AND NOT kind:Root' > "$corpus/seed3"
  fi
  echo "fuzzing $target for ${seconds}s"
  cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$corpus" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 2>&1 | tail -n 12
done
