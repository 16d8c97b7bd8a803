#!/usr/bin/env bash
# Enforces DESIGN §2's crate order: domain crates under crates/ never depend on actix (so other
# Rust services can reuse them without a web framework), and the gateway never writes SQL.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
for manifest in crates/*/Cargo.toml; do
  package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n 1)
  if cargo tree -p "$package" -e normal,build --prefix none --all-features | grep -qE '^actix'; then
    echo "layering: $package depends on actix; domain crates must stay framework-free:" >&2
    cargo tree -p "$package" -e normal,build -i actix-web --all-features >&2 || true
    status=1
  fi
  if cargo tree -p "$package" -e normal,build --prefix none --all-features | grep -qE '^owp-gateway '; then
    echo "layering: $package depends on owp-gateway; nothing may import the gateway" >&2
    status=1
  fi
done

if grep -rnE 'diesel::(prelude|dsl|insert_into|update|delete|sql_query)|\.load::<|\.get_result' apps/gateway/src; then
  echo "layering: apps/gateway/src writes database queries; move them into a domain crate" >&2
  status=1
fi

[ "$status" -eq 0 ] && echo "layering: ok"
exit "$status"
