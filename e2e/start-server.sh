#!/usr/bin/env bash
# Starts `kring serve` with fresh demo data for the browser tests, with a real local SMTP
# server (aiosmtpd) whose maildir the tests read to follow links in e-mails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${KRING_BIN:-$here/../target/debug/kring}"
python="${KRING_TEST_SMTP_PYTHON:-/var/tmp/kring-tools/venv/bin/python}"
data="${KRING_E2E_DATA_DIR:?set by playwright.config.js}"
rm -rf "$data" && mkdir -p "$data"
maildir="${KRING_E2E_MAILDIR:?set by playwright.config.js}"
rm -rf "$maildir" && mkdir -p "$maildir"/{tmp,new,cur}
smtp_port="${KRING_E2E_SMTP_PORT:-18125}"
"$python" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" &
smtp=$!
trap 'kill "$smtp" 2>/dev/null || true; rm -rf "$data"' EXIT

export KRING_DATA_DIR="$data"
export KRING_DATABASE_URL=""
export KRING_LISTEN="127.0.0.1:${KRING_E2E_PORT:-18181}"
export KRING_PUBLIC_URL="http://$KRING_LISTEN"
export KRING_SMTP_HOST=127.0.0.1 KRING_SMTP_PORT="$smtp_port" KRING_SMTP_TLS=none
export KRING_MAIL_FROM="Zorggroep De Linde <portaal@delinde.example>"
# The suite logs in far more often than a person would; throttling has its own API test.
export KRING_AUTH_REQUESTS_PER_MINUTE=100000
export RUST_LOG="${RUST_LOG:-warn}"
export KRING_WEB_DIR="${KRING_WEB_DIR:-$here/../crates/web/dist}"
"$bin" demo >/dev/null
"$bin" serve
