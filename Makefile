# Ollama Workshop Platform — the commands a developer and CI use.
CARGO ?= cargo
NEXTEST_FLAGS ?= --workspace --all-features --no-fail-fast

.PHONY: run test test-rust lint fmt fmt-check layering build bench

## Build and serve on SQLite at http://127.0.0.1:8080 (data in ./data).
run:
	$(CARGO) build --release -p owp-gateway --bin owp
	./target/release/owp serve

## Everything CI checks: formatting, lints, layering, all tests on SQLite and PostgreSQL.
test: fmt-check lint layering test-rust

test-rust:
	$(CARGO) nextest run $(NEXTEST_FLAGS)

lint:
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

layering:
	bash scripts/check-layering.sh

build:
	$(CARGO) build --workspace --all-targets --all-features

## Performance figures (release build): sign-in latency, JWT vs API-key read throughput and p99;
## streamed chat time to first token through the gateway vs direct, concurrent streams and RSS.
bench:
	$(CARGO) bench -p owp-gateway --bench auth
	$(CARGO) bench -p owp-gateway --bench streaming
