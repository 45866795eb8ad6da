#!/usr/bin/env bash
# Minimise a campaign's corpus into the repository again (fuzz/seeds/TARGET),
# e.g. after the way it is minimised changed, without running the campaign.
# Usage: scripts/fuzz-keep.sh TARGET [CORPUS_DIR]   (default fuzz/corpus/TARGET)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/fuzz/targets.sh
target=$1
corpus=${2:-fuzz/corpus/$target}
fuzz_build >/dev/null 2>&1 || fuzz_build
fuzz_keep "$target" "$corpus"
echo "$target: kept $(ls "fuzz/seeds/$target" | wc -l) inputs ($(cat "fuzz/seeds/$target"/* | wc -c) bytes) from $(ls "$corpus" | wc -l)"
