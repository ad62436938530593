#!/usr/bin/env bash
# Starts `kring serve` with fresh demo data for the browser tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${KRING_BIN:-$here/../target/debug/kring}"
data="$(mktemp -d)"
export KRING_DATA_DIR="$data"
export KRING_DATABASE_URL=""
export KRING_LISTEN="127.0.0.1:${KRING_E2E_PORT:-18181}"
export RUST_LOG="${RUST_LOG:-warn}"
export KRING_WEB_DIR="${KRING_WEB_DIR:-$here/../crates/web/dist}"
"$bin" demo >/dev/null
exec "$bin" serve
