#!/usr/bin/env bash
# Dashboard under load with 1M stored results (issue 7): p50/p95/p99 latency of the overview
# and findings pages under wrk, the server's CPU time and peak memory (VmHWM).
#
#   bench/web-load.sh                          # 1,000,000 results, 25 s per URL, 8 connections
#   RESULTS=100000 DURATION=10s CONNS=4 bench/web-load.sh
#   SKIP_BUILD=1 bench/web-load.sh            # use the binaries already in $CARGO_TARGET_DIR
#
# Builds `phiguard` (release, --no-default-features) and the bench helper
# `phiguard-web --example bulk_scan`; seeds `phiguard demo`'s records database under $OUT
# and stores one synthetic scan of $RESULTS results in it through the store API (reused by
# later runs with the same RESULTS); starts `phiguard serve` on 127.0.0.1:$PORT under GNU
# time, signs in as an auditor (password + TOTP) for a session cookie, then runs wrk on
# each URL in turn (overview, findings, a filtered and a deep page, one finding's page).
# p95 comes from wrk's own latency histogram (a Lua done() hook printing
# latency:percentile(95)), not interpolated.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
RESULTS="${RESULTS:-1000000}"
DURATION="${DURATION:-25s}"
CONNS="${CONNS:-8}"
THREADS="${THREADS:-2}"
PORT="${PORT:-18080}"
OUT="${OUT:-$root/bench-out/web}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need curl curl
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

[ -n "${SKIP_BUILD:-}" ] || nice -n 19 cargo build --quiet --release -p phiguard --no-default-features --bin phiguard
[ -n "${SKIP_BUILD:-}" ] || nice -n 19 cargo build --quiet --release -p phiguard-web --example bulk_scan
bin="$CARGO_TARGET_DIR/release/phiguard"
bulk="$CARGO_TARGET_DIR/release/examples/bulk_scan"

mkdir -p "$OUT"
db="$OUT/phiguard-demo-records.db"
key="$OUT/phiguard-demo-signing.key"
stamp="$OUT/.seeded-$RESULTS"
if [ ! -f "$stamp" ]; then
  rm -f "$OUT"/phiguard-demo-records.db* "$OUT"/phiguard-demo-signing.key "$OUT"/.seeded-*
  "$bin" demo --output "$OUT/report.html" >/dev/null 2>&1
  echo "storing a scan of $RESULTS results (once; reused by later runs)" >&2
  /usr/bin/time -f "bulk_scan: %e s wall, %U+%S s CPU, %M KB peak RSS" "$bulk" "$db" "$RESULTS"
  touch "$stamp"
fi
echo "database: $(du -h "$db" | cut -f1) ($db)" >&2

# An auditor (read-only) for the load; the password on stdin, the TOTP secret from stdout.
user="bench$(date +%s)"
password="bench-password-$RANDOM-$RANDOM"
secret="$(printf '%s\n' "$password" | "$bin" user --db "$db" --signing-key "$key" add --role auditor "$user" \
  | sed -n 's/^TOTP secret (shown once): //p')"
[ -n "$secret" ] || { echo "could not add the bench user" >&2; exit 1; }

timelog="$OUT/serve-time.txt"
/usr/bin/time -v -o "$timelog" "$bin" serve --db "$db" --signing-key "$key" --listen "127.0.0.1:$PORT" \
  >"$OUT/serve.log" 2>&1 &
timepid=$!
pid=""
cleanup() { [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  pid="$(pgrep -P "$timepid" || true)"
  [ -n "$pid" ] && curl -sf -o /dev/null "http://127.0.0.1:$PORT/login" && break
  sleep 0.2
done
[ -n "$pid" ] || { echo "the server did not start: $(cat "$OUT/serve.log")" >&2; exit 1; }

jar="$OUT/cookies.txt"
rm -f "$jar"
csrf="$(curl -s -c "$jar" "http://127.0.0.1:$PORT/login" \
  | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)"
code="$(python3 - "$secret" <<'PY'
import base64, hashlib, hmac, struct, sys, time
s = sys.argv[1].strip().upper()
key = base64.b32decode(s + "=" * (-len(s) % 8))
h = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
PY
)"
curl -s -o /dev/null -b "$jar" -c "$jar" \
  --data-urlencode "user=$user" --data-urlencode "password=$password" \
  --data-urlencode "code=$code" --data-urlencode "csrf=$csrf" \
  "http://127.0.0.1:$PORT/login"
session="$(awk '$6 == "phiguard_session" { print $7 }' "$jar")"
[ -n "$session" ] || { echo "sign-in failed (no session cookie)" >&2; exit 1; }
cookie="Cookie: phiguard_session=$session"

lua="$OUT/p95.lua"
cat >"$lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("PCT p50=%.1f p90=%.1f p95=%.1f p99=%.1f max=%.1f ms; %d requests, %d errors (status %d)\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
LUA

ticks="$(getconf CLK_TCK)"
cpu() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat"; }

urls=(
  "/"
  "/findings"
  "/findings?severity=critical&phi=yes&region=us-east-1"
  "/findings?status=all&page=10000"
  "/findings/$((RESULTS / 2))"
)
echo "# phiguard serve, $RESULTS stored results, wrk -t$THREADS -c$CONNS -d$DURATION, $(date -u +%FT%TZ)"
echo "load before: $(uptime)"
printf '| URL | first request (s) | requests/s | p50 ms | p95 ms | p99 ms | server CPU s (user+sys) | wall s |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
for u in "${urls[@]}"; do
  first="$(curl -s -o "$OUT/page.html" -w '%{time_total} %{http_code}' -H "$cookie" "http://127.0.0.1:$PORT$u")"
  case "$first" in *" 200") ;; *) echo "GET $u answered ${first#* }" >&2; exit 1 ;; esac
  grep -q 'Latest scan' "$OUT/page.html" || { echo "GET $u: not the posture page" >&2; exit 1; }
  c0="$(cpu)"; t0="$(date +%s.%N)"
  w="$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$lua" -H "$cookie" "http://127.0.0.1:$PORT$u")"
  t1="$(date +%s.%N)"; c1="$(cpu)"
  echo "$w" >"$OUT/wrk-$(echo "$u" | tr -c 'a-z0-9' '_').txt"
  rps="$(echo "$w" | awk '/^Requests\/sec/ { print $2 }')"
  pct="$(echo "$w" | sed -n 's/^PCT //p')"
  p50="$(echo "$pct" | sed -n 's/.*p50=\([0-9.]*\).*/\1/p')"
  p95="$(echo "$pct" | sed -n 's/.*p95=\([0-9.]*\).*/\1/p')"
  p99="$(echo "$pct" | sed -n 's/.*p99=\([0-9.]*\).*/\1/p')"
  errs="$(echo "$pct" | sed -n 's/.*; \(.*\)$/\1/p')"
  printf '| `%s` | %s | %s | %s | %s | %s | %s | %s |\n' "$u" "${first% *}" "$rps" "$p50" "$p95" "$p99" \
    "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", b - a }')" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  echo "  $u: $errs" >&2
done
echo
echo "server memory: $(grep -E 'VmHWM|VmRSS' "/proc/$pid/status" | tr -s ' \t' ' ' | paste -sd ';')"
echo "load after: $(uptime)"
kill -INT "$pid"; pid=""
wait "$timepid" || true
echo "server totals (GNU time): $(grep -E 'User time|System time|Maximum resident' "$timelog" | sed 's/^\s*//' | paste -sd ';')"
