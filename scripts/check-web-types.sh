#!/usr/bin/env bash
# Fails when web/src/api/schema.d.ts (committed) differs from the types generated from the
# OpenAPI document of the given `owp` binary. Fix with `make web-types`.
set -euo pipefail
cd "$(dirname "$0")/.."
owp="${1:-${CARGO_TARGET_DIR:-target}/debug/owp}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$owp" openapi > "$tmp/openapi.json"
(cd web && npx --no-install openapi-typescript "$tmp/openapi.json" -o "$tmp/schema.d.ts" >/dev/null)
if ! diff -u web/src/api/schema.d.ts "$tmp/schema.d.ts" > "$tmp/diff"; then
  head -n 40 "$tmp/diff" >&2
  echo "web/src/api/schema.d.ts is out of date with \`owp openapi\`: run \`make web-types\` and commit it" >&2
  exit 1
fi
echo "web API types match the OpenAPI document"
