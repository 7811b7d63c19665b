#!/usr/bin/env bash
# Ingest measured from outside: wrk, another program, at 64 connections for 10 s against the
# release binary on its default SQLite file, with a real 28 KB pull_request payload from
# ../shared/fixtures, correctly signed, and a fresh delivery id per request. Prints accepted
# deliveries/s and p50/p99, checks that every accepted delivery is on disk, and reads the
# server's memory (VmRSS) after the run. The workers find no GitHub (the API address is a
# closed port), so the figures are the receiver's.
#
#   benches/ingest.sh            (SECONDS_TO_RUN=10 CONNECTIONS=64 THREADS=2 by default)
set -euo pipefail
cd "$(dirname "$0")/.."

payload=../shared/fixtures/github-webhooks/pull_request/synchronize.payload.json
if [ ! -f "$payload" ]; then
  echo "ingest: skipped: needs ../shared/fixtures beside the clone"
  exit 0
fi
if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

cargo build --release --quiet --bin switchyard
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

secret=ingest-secret
signature="sha256=$(openssl dgst -sha256 -hmac "$secret" -r "$payload" | cut -d' ' -f1)"
port=$((20000 + RANDOM % 20000))
(
  cd "$work"
  exec env -i PATH="$PATH" \
    SWITCHYARD_LISTEN="127.0.0.1:$port" \
    GITHUB_APP_ID=1 \
    GITHUB_PRIVATE_KEY_PATH="$OLDPWD/fake-github/src/test_app_key.pem" \
    GITHUB_WEBHOOK_SECRET="$secret" \
    GITHUB_API_URL="http://127.0.0.1:9" \
    "$OLDPWD/target/release/switchyard" serve
) >"$work/server.log" 2>&1 &
server=$!
for attempt in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  if [ "$attempt" = 100 ] || ! kill -0 "$server" 2>/dev/null; then
    echo "ingest: the server did not come up:"
    cat "$work/server.log"
    exit 1
  fi
  sleep 0.1
done

# The server's CPU time (user and system, in clock ticks) over the run, per delivery recorded:
# a figure that depends less than deliveries/s on what else the machine is doing.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
ticks_before=$(cpu_ticks)
INGEST_BODY="$payload" INGEST_SIGNATURE="$signature" \
  wrk -t "${THREADS:-2}" -c "${CONNECTIONS:-64}" -d "${SECONDS_TO_RUN:-10}s" \
  -s benches/ingest.lua "http://127.0.0.1:$port" | tee "$work/wrk.txt" | grep '^ingest:'

ticks_after=$(cpu_ticks)
accepted=$(sed -n 's/^ingest: accepted \([0-9]*\) .*/\1/p' "$work/wrk.txt")
recorded=$(sqlite3 "$work/switchyard.db" "SELECT count(*) FROM deliveries")
echo "ingest: on disk: $recorded deliveries recorded for $accepted accepted"
awk -v ticks=$((ticks_after - ticks_before)) -v hz="$(getconf CLK_TCK)" -v n="$recorded" \
  'BEGIN { printf "ingest: server CPU: %.1f s in all, %.0f µs per delivery\n", ticks / hz, ticks / hz / n * 1e6 }'
sleep 2
echo "ingest: server memory after the run: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$server/status") (VmRSS)"
if [ "$recorded" -lt "$accepted" ]; then
  echo "ingest: FAILED: accepted deliveries are missing from disk"
  exit 1
fi
