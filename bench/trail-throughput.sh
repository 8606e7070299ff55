#!/usr/bin/env bash
# Benchmark (not a test): `phiguard trail scan` throughput on >= 1 GB of uncompressed
# CloudTrail JSON, side by side in the same run with `gzip -dc` on the same files and with
# `jq` running one equivalent filter (StopLogging or DeleteTrail), each under GNU time for
# wall time and peak RSS. Prints a Markdown table.
#
# Usage: bench/trail-throughput.sh         (from anywhere; writes under bench-out/trail/)
#   GB=2 bench/trail-throughput.sh         total uncompressed size to generate (default 1.1)
#   JQ_FILES=8 bench/trail-throughput.sh   run jq on the first N files only (it is slow);
#                                          its rates are per byte and event, so comparable
#   REGEN=1 bench/trail-throughput.sh      rebuild the data set
#
# Data: the 55 invictus-ir trail files and the 35 stratus-red-team detonation logs from
# ../shared/data/cloudtrail (about 3,200 real records) replicated into gzip'd
# `{"Records":[...]}` objects of 1 to 30 MB uncompressed, each copy of a record with a fresh
# eventID (so --dedup has real work), laid out as in S3
# (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/).
#
# Goals (issue 5): >= 1.5x the throughput of `gzip -dc`, >= 30x jq, peak memory flat in
# input size (the scan is also run on a quarter and a half of the files to show it: hits go
# to a bounded store, sorted runs spilled to temporary files). The phases of the scan are
# timed on one thread through crates/phiguard-trail/examples/phases (inflate alone, inflate
# + skim of every record, inflate + skim + the full parses the rules ask for), to show where
# the time goes.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DATA=${DATA:-$ROOT/../shared/data/cloudtrail}
[ -d "$DATA" ] || DATA=/work/shared/data/cloudtrail
OUT=bench-out/trail
GB=${GB:-1.1}
TARGET=${CARGO_TARGET_DIR:-target}

need() {
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/bin/$1" ]; then
        echo "installing $2 (apt-get)..." >&2
        if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
        $SUDO apt-get update -qq >&2
        $SUDO apt-get install -y -qq "$2" >&2
    fi
}
need jq jq
[ -x /usr/bin/time ] || need time time

echo "building release binaries..." >&2
cargo build --release -q -p phiguard --no-default-features >&2
cargo build --release -q -p phiguard-trail --example phases >&2
case "$TARGET" in
/*) PHIGUARD="$TARGET/release/phiguard" ;;
*) PHIGUARD="$ROOT/$TARGET/release/phiguard" ;;
esac
PHASES="$(dirname "$PHIGUARD")/examples/phases"

if [ -n "${REGEN:-}" ] || [ ! -f "$OUT/.complete" ]; then
    echo "generating ${GB} GB of CloudTrail JSON under $OUT..." >&2
    rm -rf "$OUT"
    mkdir -p "$OUT"
    python3 - "$DATA" "$OUT" "$GB" <<'PY'
import glob, gzip, json, os, sys, uuid
from multiprocessing import Pool

data, out, gb = sys.argv[1], sys.argv[2], float(sys.argv[3])
records = []
for path in sorted(glob.glob(os.path.join(data, "invictus-ir-aws-dataset/CloudTrail/*.json"))):
    records += json.load(open(path))["Records"]
for path in sorted(glob.glob(os.path.join(data, "stratus-red-team/*.json"))):
    records += json.load(open(path))
# Each record as compact JSON with a placeholder for its eventID.
templates = []
for r in records:
    r = dict(r)
    r["eventID"] = "@ID@"
    templates.append(json.dumps(r, separators=(",", ":")).split('"@ID@"'))
sizes_mb = [1, 2, 3, 5, 8, 12, 16, 20, 25, 30]
total = int(gb * 1e9)
plan, acc, i = [], 0, 0
while acc < total:
    size = sizes_mb[i % len(sizes_mb)] * 1_000_000
    plan.append((i, size))
    acc += size
    i += 1

def build(job):
    index, size = job
    day = 1 + index % 28
    folder = os.path.join(out, "AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/%02d" % day)
    os.makedirs(folder, exist_ok=True)
    parts, n, k = [], 0, 0
    while n < size:
        head, tail = templates[(index * 7919 + k) % len(templates)]
        # A fresh id per copy; about 1 in 200 repeats an earlier id of this file.
        seed = k - 1 if k % 200 == 199 else k
        rec = head + '"' + str(uuid.UUID(int=(index << 40) | seed)) + '"' + tail
        parts.append(rec)
        n += len(rec) + 1
        k += 1
    body = ('{"Records":[' + ",".join(parts) + "]}").encode()
    name = "218007301253_CloudTrail_us-east-1_202307%02dT1200Z_%06d.json.gz" % (day, index)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(gzip.compress(body, compresslevel=6, mtime=0))
    return len(body)

with Pool(os.cpu_count()) as pool:
    written = sum(pool.map(build, plan))
print("%d files, %.2f GB uncompressed" % (len(plan), written / 1e9), file=sys.stderr)
PY
    touch "$OUT/.complete"
fi

mapfile -t FILES < <(find "$OUT" -name '*.json.gz' | sort)
NFILES=${#FILES[@]}
QUARTER=("${FILES[@]:0:$((NFILES / 4))}")
HALF=("${FILES[@]:0:$((NFILES / 2))}")
JQ_N=${JQ_FILES:-$NFILES}
JQ_SET=("${FILES[@]:0:$JQ_N}")

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Sizes and event counts, from phiguard itself (this also warms the page cache).
counts() { # FILES... -> "events bytes"
    "$PHIGUARD" trail scan "$@" --format json --output "$TMP/counts.json" --fail-on none \
        >/dev/null 2>&1 || true
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["events"], d["bytes"])' "$TMP/counts.json"
}
read -r EVENTS BYTES < <(counts "${FILES[@]}")
read -r Q_EVENTS Q_BYTES < <(counts "${QUARTER[@]}")
read -r H_EVENTS H_BYTES < <(counts "${HALF[@]}")
read -r JQ_EVENTS JQ_BYTES < <(counts "${JQ_SET[@]}")
DISK=$(du -cb "${FILES[@]}" | tail -n 1 | cut -f1)

# measure NAME CMD... : GNU time of CMD -> "$TMP/NAME" ("seconds kib user sys"). Exit 1 (hits)
# is fine.
measure() {
    local name=$1
    shift
    local status=0
    /usr/bin/time -f '%e %M %U %S' -o "$TMP/$name" "$@" >/dev/null 2>"$TMP/$name.err" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
        echo "error: $name exited with $status:" >&2
        cat "$TMP/$name.err" >&2
        exit 1
    fi
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "timing (load average before: $LOAD_BEFORE)..." >&2
measure gzip gzip -dc "${FILES[@]}"
measure phiguard "$PHIGUARD" trail scan "${FILES[@]}" --format json --output /dev/null
RAYON_NUM_THREADS=1 measure phiguard1 "$PHIGUARD" trail scan "${FILES[@]}" --format json --output /dev/null
measure phiguard_q "$PHIGUARD" trail scan "${QUARTER[@]}" --format json --output /dev/null
measure phiguard_h "$PHIGUARD" trail scan "${HALF[@]}" --format json --output /dev/null
# The phases, one thread (the gzip files are read into memory first, inside the timing).
RAYON_NUM_THREADS=1 measure inflate "$PHASES" --only inflate "${FILES[@]}"
RAYON_NUM_THREADS=1 measure skim "$PHASES" --only skim "${FILES[@]}"
RAYON_NUM_THREADS=1 measure triage "$PHASES" --only triage "${FILES[@]}"
export JQ_FILTER='.Records[] | select(.eventName=="StopLogging" or .eventName=="DeleteTrail")'
measure jq sh -c 'gzip -dc "$@" | jq -c "$JQ_FILTER"' sh "${JQ_SET[@]}"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

row() { # LABEL FILE CORES EVENTS BYTES
    # GNU time writes "Command exited with non-zero status 1" first when there are hits.
    python3 - "$1" "$(tail -n 1 "$TMP/$2")" "$3" "$4" "$5" "$(tail -n 1 "$TMP/gzip")" "$BYTES" <<'PY'
import sys
label, mine, cores, events, nbytes, gzip, gzip_bytes = sys.argv[1:]
secs, kib, user, sys_ = (float(x) for x in mine.split())
g_secs, _, g_user, g_sys = (float(x) for x in gzip.split())
secs = max(secs, 0.01); cpu = max(user + sys_, 0.01); cores = float(cores)
mbs = int(nbytes) / 1e6 / secs
cpu_mbs = int(nbytes) / 1e6 / cpu
gzip_mbs = int(gzip_bytes) / 1e6 / max(g_secs, 0.01)
gzip_cpu_mbs = int(gzip_bytes) / 1e6 / max(g_user + g_sys, 0.01)
print("| %s | %s | %.2f | %.2f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2fx | %.2fx |" % (
    label, cores_label if (cores_label := sys.argv[3]) else cores, secs, cpu, mbs, cpu_mbs,
    int(events) / secs, int(events) / cpu, kib / 1024, mbs / gzip_mbs, cpu_mbs / gzip_cpu_mbs))
PY
}

echo
echo "Data: $NFILES files, $(python3 -c "print(round($BYTES/1e9,2))") GB uncompressed, $(python3 -c "print(round($DISK/1e6))") MB gzip'd, $EVENTS events; $(nproc) cores; load average before $LOAD_BEFORE, after $LOAD_AFTER."
echo
echo "Per core = per CPU second (user + sys), the steadier figure on a shared machine; wall"
echo "MB/s is what a user waits for. gzip -dc is single-threaded; the jq pipeline runs gzip and"
echo "jq side by side, so its CPU time includes both."
echo
echo "| command | threads | wall s | CPU s | MB/s (wall) | MB/s per core | events/s (wall) | events/s per core | peak RSS MB | vs gzip -dc (wall) | vs gzip -dc (per core) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
row "gzip -dc" gzip 1 "$EVENTS" "$BYTES"
row "phiguard trail scan (all rules)" phiguard "$(nproc)" "$EVENTS" "$BYTES"
row "phiguard trail scan, RAYON_NUM_THREADS=1" phiguard1 1 "$EVENTS" "$BYTES"
row "phiguard trail scan, 1/2 of the files" phiguard_h "$(nproc)" "$H_EVENTS" "$H_BYTES"
row "phiguard trail scan, 1/4 of the files" phiguard_q "$(nproc)" "$Q_EVENTS" "$Q_BYTES"
row "phase: inflate only (libdeflate)" inflate 1 "$EVENTS" "$BYTES"
row "phase: inflate + skim of every record" skim 1 "$EVENTS" "$BYTES"
row "phase: inflate + skim + full parses wanted" triage 1 "$EVENTS" "$BYTES"
row "gzip -dc \\| jq (1 filter, $JQ_N files)" jq 1 "$JQ_EVENTS" "$JQ_BYTES"

# The goals, from the same run. "Per core" divides by CPU seconds (user + sys): phiguard's own,
# gzip's, and for jq the whole pipeline's (gzip -dc | jq).
NCORES=$(nproc)
python3 - "$(tail -n 1 "$TMP/phiguard")" "$(tail -n 1 "$TMP/gzip")" "$(tail -n 1 "$TMP/jq")" \
    "$BYTES" "$JQ_BYTES" "$NCORES" <<'PY'
import sys
def parse(line):
    secs, _, user, sys_ = (float(x) for x in line.split())
    return max(secs, 0.01), max(user + sys_, 0.01)
(p_wall, p_cpu), (g_wall, g_cpu), (j_wall, j_cpu) = map(parse, sys.argv[1:4])
nbytes, jq_bytes, cores = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print()
print("phiguard vs gzip -dc: %.2fx wall (phiguard on %d threads), %.2fx per core" % (
    g_wall / p_wall, cores, g_cpu / p_cpu))
print("phiguard vs gzip -dc | jq: %.1fx per core (CPU), %.1fx wall per core" % (
    (nbytes / p_cpu) / (jq_bytes / j_cpu), (nbytes / p_wall / cores) / (jq_bytes / j_wall)))
PY
