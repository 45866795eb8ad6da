#!/usr/bin/env bash
# Installs whatever is missing to build Trailglass; with --browser, to test it
# (which includes the benchmark's smoke run); with --bench, to run the
# side-by-side benchmark (make bench-browser).
# Idempotent: a second run installs nothing. Versions are pinned here, in Cargo.lock and package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
DUCKDB_PY_VERSION=2.0.0
# Parses Copy as SQL as Athena's engine (Trino) reads it, in the test command.
SQLGLOT_VERSION=30.31.0
BENCH_VENV=target/bench-venv
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
# Release-mode tool builds without LTO: minutes faster, same tools.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup first" >&2
  exit 1
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if ! rustup component list --installed | grep -q '^clippy'; then rustup component add clippy; fi
if ! rustup component list --installed | grep -q '^rustfmt'; then rustup component add rustfmt; fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock)"
  # Not --locked: its own lock pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@duckdb/duckdb-wasm ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm"
    apt-get update -qq && apt-get install -y -qq nodejs npm
  fi
  say "installing npm packages (wasm-opt, playwright-core, duckdb-wasm for the benchmark)"
  npm ci --no-audit --no-fund
fi

apt_install() {
  say "installing Debian $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

install_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then apt_install chromium chromium-driver; fi
}

# The benchmark's native side and the SQL check: jq, and DuckDB's and
# sqlglot's Python packages in a venv under target/.
bench_tools() {
  if ! command -v jq >/dev/null; then apt_install jq; fi
  if ! "$BENCH_VENV/bin/python" -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$DUCKDB_PY_VERSION')" 2>/dev/null; then
    if ! command -v python3 >/dev/null; then apt_install python3 python3-venv; fi
    rm -rf "$BENCH_VENV"
    if ! python3 -m venv "$BENCH_VENV" 2>/dev/null; then
      rm -rf "$BENCH_VENV"
      apt_install python3-venv
      python3 -m venv "$BENCH_VENV"
    fi
    say "installing DuckDB $DUCKDB_PY_VERSION (Python) into $BENCH_VENV"
    "$BENCH_VENV/bin/pip" install -q --disable-pip-version-check "duckdb==$DUCKDB_PY_VERSION"
  fi
  if ! "$BENCH_VENV/bin/python" -c "import sqlglot, sys; sys.exit(sqlglot.__version__ != '$SQLGLOT_VERSION')" 2>/dev/null; then
    say "installing sqlglot $SQLGLOT_VERSION (Python) into $BENCH_VENV"
    "$BENCH_VENV/bin/pip" install -q --disable-pip-version-check "sqlglot==$SQLGLOT_VERSION"
  fi
}

case "${1:-}" in
  --browser)
    # Fuzzing (cargo fuzz) needs a nightly compiler for its sanitizer flags.
    if ! rustup toolchain list | grep -q '^nightly'; then
      say "installing the nightly toolchain (for cargo fuzz)"
      # Not fatal: where no nightly can be had, the test run says fuzzing was skipped.
      rustup toolchain install nightly --profile minimal || say "no nightly toolchain: fuzzing will be skipped"
    fi
    if ! cargo fuzz --version >/dev/null 2>&1; then
      say "installing cargo-fuzz"
      cargo install cargo-fuzz --locked
    fi
    install_chromium
    bench_tools
    ;;
  --bench)
    install_chromium
    bench_tools
    ;;
esac
