#!/usr/bin/env bash
# A long fuzzing campaign for one target, then its corpus minimised into the
# repository (fuzz/seeds/TARGET) to seed the short runs of the test command.
# Writes libFuzzer's log to target/fuzz-campaigns/ and ends with one summary
# line (target, seconds, executions, executions a second, crashes, kept inputs)
# for the README's table. Crashing inputs land in fuzz/artifacts/TARGET/;
# libFuzzer stops at the first, so fix it and run again.
# Usage: scripts/fuzz-campaign.sh TARGET [SECONDS]   (default 7200: two hours)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/fuzz/targets.sh
target=$1
seconds=${2:-7200}
fuzz_build >/dev/null 2>&1 || fuzz_build
corpus="fuzz/corpus/$target"
fuzz_seed "$target" "$corpus"
mkdir -p target/fuzz-campaigns "fuzz/artifacts/$target"
log="target/fuzz-campaigns/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
binary=$(fuzz_binary "$target")
status=0
"$binary" "$corpus" -artifact_prefix="fuzz/artifacts/$target/" \
  -max_total_time="$seconds" -max_len="${FUZZ_MAX_LEN[$target]}" -rss_limit_mb=2048 \
  -timeout=20 -print_final_stats=1 >"$log" 2>&1 || status=$?
# Keep the smallest corpus that covers what this one does.
kept="fuzz/seeds/$target"
fresh=$(mktemp -d)
"$binary" -merge=1 -max_len="${FUZZ_MAX_LEN[$target]}" "$fresh" "$corpus" >>"$log" 2>&1
rm -rf "$kept" && mkdir -p "$kept" && cp "$fresh"/* "$kept/" && rm -rf "$fresh"
stat() { grep -m1 "stat::$1" "$log" | awk '{print $2}'; }
crashes=$(grep -c '^==[0-9]*== ERROR\|^SUMMARY: libFuzzer\|panicked at' "$log" || true)
echo "$target: ${seconds} s, $(stat number_of_executed_units) executions, $(stat average_exec_per_sec)/s, crashes ${crashes}, kept $(ls "$kept" | wc -l) inputs ($(du -sh "$kept" | cut -f1)); log $log"
exit "$status"
