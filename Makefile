# Trailglass: the two commands a newcomer needs.
#   make serve   installs what is missing, then serves the app on http://127.0.0.1:8080
#   make test    installs what is missing, then runs every check and test
.PHONY: serve test build offline bench bench-wasm bench-browser

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

serve:
	./scripts/setup.sh
	# No auto-reload: its injected inline script would break the page's Content-Security-Policy.
	trunk serve --release --no-autoreload --address 127.0.0.1 --port 8080

test:
	./scripts/test.sh

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

# Side by side on one generated trail folder (EVENTS=100000 by default, EVENTS=1000000 for a million):
# Trailglass, DuckDB-Wasm and a plain JavaScript loader in headless Chromium; trailglass summary, jq and DuckDB natively.
bench-browser:
	./scripts/setup.sh --bench
	trunk build --release
	cargo build --release --bin trailglass
	node scripts/browser-bench.mjs $(or $(EVENTS),100000)
