# Trailglass: the two commands a newcomer needs.
#   make serve   installs what is missing, then serves the app on http://127.0.0.1:8080
#   make test    installs what is missing, then runs every check and test
.PHONY: serve test check build offline bench bench-wasm bench-browser bench-sigma bench-handover bench-limits profile-load profile-query

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

serve:
	./scripts/setup.sh
	# No auto-reload: its injected inline script would break the page's Content-Security-Policy.
	trunk serve --release --no-autoreload --address 127.0.0.1 --port 8080

test:
	./scripts/test.sh

# The quick inner loop between commits (format, lints on both targets, native
# tests); `make test` stays the one command CI runs.
check:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy --workspace --exclude trailglass-cli --all-targets --locked --target wasm32-unknown-unknown -- -D warnings
	cargo test --workspace --locked

build:
	./scripts/setup.sh
	trunk build --release

# One self-contained file for air-gapped machines: dist-offline/trailglass.html (open it from file://).
offline: build
	node scripts/offline.mjs

bench:
	./scripts/bench.sh

# Per core, on one generated trail folder (EVENTS=100000 by default, ROUNDS=5 alternating rounds, best of each): a parse worker's
# work per batch (load, detections, segment) natively on one thread and in wasm under Node, and the ratio.
bench-wasm:
	./scripts/setup.sh
	node scripts/bench-wasm.mjs $(or $(EVENTS),100000) $(or $(ROUNDS),5)

# Side by side on one generated trail folder (EVENTS=100000 by default, EVENTS=1000000 for a million,
# EVENTS=10000000 for the ten-million target, without the slow peers): Trailglass beside Chromium's own
# pick-and-read of the same files, DuckDB-Wasm and a plain JavaScript loader in headless Chromium; the same
# trail as one zip and the public corpus folders; trailglass summary, jq and DuckDB natively.
bench-browser:
	./scripts/setup.sh --bench
	trunk build --release
	cargo build --release --bin trailglass
	node scripts/browser-bench.mjs $(or $(EVENTS),100000)

# Sigma's browser figures alone (EVENTS=100000 by default): a load with the built-in rules, the corpus's
# 850 rule files added after a load, and a load with them on, each beside its target.
bench-sigma:
	./scripts/setup.sh --browser
	trunk build --release
	cargo build --release --bin trailglass
	node scripts/bench/sigma-browser.mjs $(or $(EVENTS),100000)

# How files best cross from a picked folder to parse workers, on a bare page
# (FOLDER=path, default: a generated 90,000-event trail).
bench-handover:
	./scripts/setup.sh --browser
	test -d "$(or $(FOLDER),target/e2e-trail)" || cargo run --release --bin trailglass -- gen --events 90000 --out target/e2e-trail
	node scripts/bench/handover/run.mjs $(or $(FOLDER),target/e2e-trail)

# Inputs built to blow up the view (SCALE=1: a million principals, a million event names, a 10 MB user
# agent, 100,000 files, a 500 MB record): load time, main-thread tasks, what the view holds, the report.
bench-limits:
	./scripts/setup.sh --browser
	trunk build --release
	node scripts/bench/limits.mjs $(or $(SCALE),1)

# Where the page's main thread spends its tasks over 50 ms while a folder loads (FOLDER=path, default: the
# 90,000-event trail): functions from the CPU profile, and the browser's own work (layout, paint) from a trace.
# For wasm function names, add -g to the wasm-opt parameters in index.html first (a bigger wasm).
profile-load:
	./scripts/setup.sh --browser
	test -d "$(or $(FOLDER),target/e2e-trail)" || cargo run --release --bin trailglass -- gen --events 90000 --out target/e2e-trail
	trunk build --release
	node scripts/bench/profile-load.mjs $(or $(FOLDER),target/e2e-trail)

# Where a query's time goes in every thread (page, store worker, each parser), from Chromium's sampling
# profiler (FOLDER=path, default: the 90,000-event trail; QUERIES="AccessDenied" by default, each typed
# in turn). For wasm function names, add -g to the wasm-opt parameters in index.html first.
profile-query:
	./scripts/setup.sh --browser
	test -d "$(or $(FOLDER),target/e2e-trail)" || cargo run --release --bin trailglass -- gen --events 90000 --out target/e2e-trail
	trunk build --release
	node scripts/bench/profile-query.mjs $(or $(FOLDER),target/e2e-trail) $(or $(QUERIES),AccessDenied)
