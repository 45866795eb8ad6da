#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo fuzz, libFuzzer, nightly) of every parser of
# outside bytes: trail files and archives (ingest; parts: the same loaded in
# pieces), the query language (query), segments from another worker
# (segment), rule files (sigma), and case, digest and public-key files
# (evidence). Each starts from the fixtures and from the corpus its
# campaigns kept (fuzz/seeds/TARGET, see scripts/fuzz-campaign.sh). Any
# crash fails the run; libFuzzer writes the input to fuzz/artifacts/<target>/,
# to become a regression test.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   (make test runs 30 s each; scripts/fuzz-campaign.sh runs for hours)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/fuzz/targets.sh
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${FUZZ_TARGETS[@]}")
fuzz_build
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  fuzz_seed "$target" "$corpus"
  echo "fuzzing $target for ${seconds}s"
  mkdir -p "fuzz/artifacts/$target"
  "$(fuzz_binary "$target")" "$corpus" -artifact_prefix="fuzz/artifacts/$target/" \
    -max_total_time="$seconds" -max_len="${FUZZ_MAX_LEN[$target]}" -rss_limit_mb=2048 \
    -timeout=20 -print_final_stats=1 2>&1 | tail -n 12
done
