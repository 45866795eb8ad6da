#!/usr/bin/env bash
# Every check and test of Trailglass, in order, stopping at the first red step:
# format, lints (native and wasm32), native tests, wasm tests in headless
# Chromium, coverage-guided fuzzing, the release build and the one offline
# file made from it, end-to-end tests against both, and a smoke run of the
# side-by-side benchmark.
# Ends with one line over all layers: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

./scripts/setup.sh --browser || { echo "setup failed"; exit 1; }

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
finish() {
  echo
  echo "tests: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "${1:-0}" -eq 0 ]
  exit $?
}
fail_step() { echo "FAILED: $1"; failed=$((failed + ${2:-1})); finish 1; }

# Adds up cargo's "test result: ok. N passed; M failed" lines from the log.
count_cargo() {
  local p f
  p=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
  passed=$((passed + p)); failed=$((failed + f))
}

step "cargo fmt --check"
cargo fmt --all -- --check || fail_step "cargo fmt (run: cargo fmt --all)"

step "cargo clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings || fail_step "clippy native"

step "cargo clippy (wasm32)"
cargo clippy --workspace --exclude trailglass-cli --all-targets --locked --target wasm32-unknown-unknown -- -D warnings || fail_step "clippy wasm32"

step "cargo test (native)"
cargo test --workspace --locked 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count_cargo
[ "$status" -eq 0 ] || fail_step "native tests" 0

step "Copy as SQL, run for real: Trino parse (sqlglot) and counts in DuckDB (tests/sql/athena_check.py)"
cargo build --quiet --locked --bin trailglass || fail_step "trailglass CLI build"
target/bench-venv/bin/python tests/sql/athena_check.py target/debug/trailglass || fail_step "Athena SQL check"
passed=$((passed + 1))

step "wasm-bindgen tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --locked --target wasm32-unknown-unknown --test wasm 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count_cargo
[ "$status" -eq 0 ] || fail_step "wasm tests" 0

step "fuzzing: trail files whole and in parts, queries, segments, rule files, case/digest/key files (cargo fuzz, 30 s each, seeded by the campaigns' corpora)"
if rustup toolchain list | grep -q '^nightly'; then
  ./scripts/fuzz.sh 30 || fail_step "fuzzing found a crash (input saved under fuzz/artifacts/)"
  passed=$((passed + 6))
else
  echo "SKIPPED: no nightly toolchain on this machine, so no cargo fuzz (crates/core/tests/fuzz.rs still ran)"
fi

step "trunk build --release"
trunk build --release || fail_step "release build"
for wasm in dist/*.wasm; do
  printf '%s: %s bytes, %s gzipped\n' "$wasm" "$(stat -c %s "$wasm")" "$(gzip -9c "$wasm" | wc -c)"
done

step "one offline file (scripts/offline.mjs)"
rm -rf dist-offline
node scripts/offline.mjs || fail_step "offline file"

step "generating a trail folder for the end-to-end tests"
if [ ! -f target/e2e-trail.complete ]; then
  rm -rf target/e2e-trail
  cargo run --quiet --locked --bin trailglass -- gen --events 90000 --out target/e2e-trail || fail_step "sample trail"
  touch target/e2e-trail.complete
fi
find target/e2e-trail -name '*.json.gz' | wc -l | xargs printf '%s gzipped trail files\n'

step "end-to-end tests (Playwright, headless Chromium)"
node --test --test-reporter=spec tests/e2e/ 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
p=$(grep -Eo '^ℹ pass [0-9]+' "$log" | awk '{print $3}' | tail -1)
f=$(grep -Eo '^ℹ fail [0-9]+' "$log" | awk '{print $3}' | tail -1)
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
[ "$status" -eq 0 ] || fail_step "end-to-end tests" 0

# The whole benchmark at a small size, so it stays runnable: it must complete, print its
# figures and agree on event counts; timings are not judged here (the machine is noisy).
step "benchmark smoke run: make bench-browser at 20,000 events"
cargo build --quiet --release --locked --bin trailglass || fail_step "release build of trailglass"
node scripts/browser-bench.mjs 20000 || fail_step "benchmark smoke run"
passed=$((passed + 1))

finish 0
