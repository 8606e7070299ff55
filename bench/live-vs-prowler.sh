#!/usr/bin/env bash
# Live scan of the seeded emulator account: phiguard vs Prowler 5.x, side by side in one run.
#
# Starts moto (the venv of .ci/moto.sh) on a free 127.0.0.1 port, seeds it with
# tests/moto/seed.py, installs Prowler in its own venv (~/.cache/phiguard/prowler-venv), then
# runs against the same emulator, same two regions, same dummy credentials:
#   phiguard scan --endpoint-url URL --region us-east-1,eu-west-1 --format json
#   prowler aws --compliance hipaa_aws --region us-east-1 eu-west-1   (AWS_ENDPOINT_URL=URL)
# each under GNU time (wall time, peak RSS). API calls are counted the same way for both: the
# request lines moto's server logs during each run.
#
# Not a test: it prints a Markdown table for a person to read (bench/README.md).
#   bench/live-vs-prowler.sh
#   PHIGUARD_BIN=target/release/phiguard bench/live-vs-prowler.sh   # skip the build
#   REPEAT=3 bench/live-vs-prowler.sh                               # medians of 3 runs each
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/bench-out/live"
mkdir -p "$out"
repeat="${REPEAT:-1}"
prowler_version="${PROWLER_VERSION:-5.46.0}"
prowler_venv="${PROWLER_VENV:-$HOME/.cache/phiguard/prowler-venv}"

if ! [ -x /usr/bin/time ]; then
  apt-get install -y -qq time >/dev/null
fi

venv="$(.ci/moto.sh)"
if ! [ -x "$prowler_venv/bin/prowler" ] || ! "$prowler_venv/bin/prowler" --version | grep -q "$prowler_version"; then
  echo "installing prowler $prowler_version in $prowler_venv" >&2
  python3 -m venv "$prowler_venv"
  "$prowler_venv/bin/pip" install --quiet --disable-pip-version-check "prowler==$prowler_version" >&2
fi

bin="${PHIGUARD_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release -q -p phiguard
  bin="${CARGO_TARGET_DIR:-$root/target}/release/phiguard"
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
log="$out/moto.log"
MOTO_EC2_LOAD_DEFAULT_AMIS=false "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fsS "$url/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done
"$venv/bin/python" tests/moto/seed.py "$url" >/dev/null

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
  AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE="$out/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$out/no-aws-credentials"
unset AWS_PROFILE AWS_SESSION_TOKEN

requests() { grep -cE '"[A-Z]+ [^"]* HTTP/1\.[01]" [0-9]{3}' "$log" || true; }

# run NAME CMD...: appends "wall_s rss_mb requests" to $out/NAME.runs
run() {
  local name="$1"; shift
  local before after
  before="$(requests)"
  /usr/bin/time -f '%e %M' -o "$out/$name.time" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" || true
  after="$(requests)"
  # GNU time puts "Command exited with non-zero status N" first when the tool fails (Prowler
  # exits 3 when checks fail): the figures are on the last line.
  read -r wall rss < <(tail -n 1 "$out/$name.time")
  echo "$wall $((rss / 1024)) $((after - before))" >>"$out/$name.runs"
}

rm -f "$out"/*.runs
for _ in $(seq "$repeat"); do
  run phiguard "$bin" scan --no-config --endpoint-url "$url" --region us-east-1,eu-west-1 \
    --format json --output "$out/phiguard.json" --fail-on none
  run prowler env AWS_ENDPOINT_URL="$url" "$prowler_venv/bin/prowler" aws \
    --compliance hipaa_aws --region us-east-1 eu-west-1 --no-banner \
    --output-directory "$out/prowler"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v c="$2" '{print $c}' "$out/$1.runs" | median; }
pw="$(col phiguard 1)"; xw="$(col prowler 1)"
echo
echo "Seeded moto account, regions us-east-1 + eu-west-1, $repeat run(s) each (median)."
echo "phiguard: $("$bin" --version 2>/dev/null || echo "$bin")   prowler: $("$prowler_venv/bin/prowler" --version)"
echo
echo "| tool | wall (s) | API requests | peak RSS (MB) |"
echo "|---|---:|---:|---:|"
echo "| phiguard scan | $pw | $(col phiguard 3) | $(col phiguard 2) |"
echo "| prowler aws --compliance hipaa_aws | $xw | $(col prowler 3) | $(col prowler 2) |"
echo
awk -v p="$pw" -v x="$xw" 'BEGIN { if (p > 0) printf "phiguard is %.1fx faster (goal: >= 5x)\n", x / p }'
