#!/usr/bin/env bash
# A long fuzzing campaign for one target, then its corpus minimised into the
# repository (fuzz/seeds/TARGET) to seed the short runs of the test command.
# Writes libFuzzer's log to target/fuzz-campaigns/ and ends with one summary
# line (target, seconds, executions, executions a second, crashes, kept inputs)
# for the README's table. Crashing inputs land in fuzz/artifacts/TARGET/;
# libFuzzer stops at the first, so fix it and run again. Its timeout is wall
# time: a campaign at low priority on a busy machine gets little of a core,
# so the limit is generous (a sigma campaign beside the test command once
# stopped on an input that takes 0.9 s alone).
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
  -timeout=120 -print_final_stats=1 >"$log" 2>&1 || status=$?
fuzz_keep "$target" "$corpus" "$log"
kept="fuzz/seeds/$target"
stat() { grep -m1 "stat::$1" "$log" | awk '{print $2}'; }
crashes=$(grep -c '^==[0-9]*== ERROR\|^SUMMARY: libFuzzer\|panicked at' "$log" || true)
echo "$target: ${seconds} s, $(stat number_of_executed_units) executions, $(stat average_exec_per_sec)/s, crashes ${crashes}, kept $(ls "$kept" | wc -l) inputs ($(du -sh "$kept" | cut -f1)); log $log"
exit "$status"
