#!/usr/bin/env bash
# Enforces DESIGN §2's crate order: each domain crate under crates/ imports only the internal
# crates its arrows allow (table below; a crate missing from it fails until its arrows are
# written down), none depends on actix (so other Rust services can reuse them without a web
# framework) or on the gateway, and the gateway never writes SQL.
# It also checks that production crate roots deny the lints that hold outside tests only.
set -euo pipefail
cd "$(dirname "$0")/.."

# DESIGN §2 "Dependency direction": package -> the internal packages it may import.
declare -A allowed=(
  [owp-db]=""
  [owp-audit]="owp-db"
  [owp-credentials]="owp-audit owp-db"
  # rbac → audit is not in DESIGN §2's list but predates this check: role changes are audited
  # in their own transaction (DESIGN §3). Recorded in docs/decisions.md (crate split).
  [owp-rbac]="owp-audit owp-db"
  [owp-identity]="owp-credentials owp-rbac owp-audit owp-db"
  [owp-ollama-client]=""
  [owp-metering]="owp-db"
  # chat → workshop is not in DESIGN §2's list: a model call resolves tool ids and agents with
  # the workshop's visibility rule in the one pipeline every model API shares. Recorded in
  # docs/decisions.md (chat resolves workshop content).
  [owp-chat]="owp-workshop owp-metering owp-rbac owp-audit owp-ollama-client owp-db"
  [owp-workshop]="owp-rbac owp-audit owp-db"
  [owp-documents]="owp-rbac owp-audit owp-db"
  [owp-vectors]="owp-documents owp-ollama-client owp-rbac owp-audit owp-db"
  [owp-rag]="owp-vectors owp-workshop owp-chat owp-rbac owp-audit owp-db"
)

status=0
for manifest in crates/*/Cargo.toml; do
  package=$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n 1)
  if [ -z "${allowed[$package]+set}" ]; then
    echo "layering: $package has no arrows in scripts/check-layering.sh; add DESIGN §2's" >&2
    status=1
    continue
  fi
  # Direct internal dependencies (normal and build; dev-dependencies may reach the testkit).
  direct=$(cargo tree -p "$package" -e normal,build --depth 1 --prefix none --all-features \
    | awk 'NR > 1 && /^owp-/ {print $1}' | sort -u)
  for dependency in $direct; do
    if [[ " ${allowed[$package]} " != *" $dependency "* ]]; then
      echo "layering: $package may not import $dependency (DESIGN §2 allows: ${allowed[$package]:-nothing internal})" >&2
      status=1
    fi
  done
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
