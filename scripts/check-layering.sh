#!/usr/bin/env bash
# Enforces DESIGN §2's crate order: domain crates under crates/ never depend on actix (so other
# Rust services can reuse them without a web framework), and the gateway never writes SQL.
# It also checks that production crate roots deny the lints that hold outside tests only.
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

# Cargo's [lints] cannot spare integration tests, so the lints that hold outside tests only are
# denied by the production crate roots (see the workspace Cargo.toml); a new crate must too.
for root in crates/*/src/lib.rs apps/*/src/lib.rs apps/*/src/main.rs; do
  [ -f "$root" ] || continue
  if ! grep -qxF '#![deny(clippy::unwrap_used, clippy::expect_used)]' "$root"; then
    echo "lints: $root must start with #![deny(clippy::unwrap_used, clippy::expect_used)]" >&2
    status=1
  fi
done
for root in crates/*/src/lib.rs; do
  if ! grep -qxF '#![cfg_attr(not(test), deny(clippy::disallowed_methods))]' "$root"; then
    echo "lints: $root must deny clippy::disallowed_methods outside tests (the clock ban)" >&2
    status=1
  fi
done

[ "$status" -eq 0 ] && echo "layering: ok"
exit "$status"
