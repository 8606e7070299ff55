#!/usr/bin/env bash
# Benchmark (not a test): for synthetic inventories of 10k, 100k and 1M resources, the wall
# time and peak memory of a full offline `phiguard scan` next to the time and memory needed
# merely to deserialise the same file (`phiguard-synth parse`: read the file into memory and
# `Inventory::from_json`, exactly the first step of `phiguard scan`).
#
# Usage: bench/scan-vs-deserialize.sh          (from anywhere; writes under bench-out/)
#   SIZES="10000 100000" REPEAT=5 bench/scan-vs-deserialize.sh
#
# Each measurement is repeated REPEAT times (default 3), parse and scans interleaved in the
# same run, and the median is reported, wall and CPU (user + system) seconds: on a shared
# machine the CPU figures are the steadier ones. OUT (default bench-out) holds the inventories;
# an existing file is reused, so delete it after changing phiguard-synth. Goal (issue 2): scan <= 2x deserialise at 1M
# resources, and linear growth.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000 1000000"}
REPEAT=${REPEAT:-3}
SEED=${SEED:-1}
OUT=${OUT:-bench-out}
TARGET=${CARGO_TARGET_DIR:-target}
mkdir -p "$OUT"

# GNU time for peak RSS; install it only when absent.
if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (apt-get)..." >&2
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq time >&2
fi

echo "building release binaries..." >&2
# The offline scan does not need the AWS SDK (feature `aws`): leave it out of the build.
# One invocation for both, so shared dependencies are built once, with one set of features.
cargo build --release -q -p phiguard --no-default-features -p phiguard-synth >&2
SYNTH="$TARGET/release/phiguard-synth"
PHIGUARD="$TARGET/release/phiguard"

# A fixed clock so every run evaluates the same ages.
export PHIGUARD_NOW=2026-06-01T00:00:00Z

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# measure NAME CMD... : runs CMD under GNU time, appends "seconds kib cpu-seconds" to
# $TMP/NAME.
# `phiguard scan` exits 1 when it finds failures (and 3 for an incomplete scan under
# --strict): those are results, not errors.
measure() {
    local name=$1
    shift
    local status=0
    /usr/bin/time -f '%e %M %U %S' -o "$TMP/time" "$@" >"$TMP/stdout" 2>"$TMP/stderr" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
        echo "error: \`$*\` exited with $status:" >&2
        cat "$TMP/stderr" >&2
        exit 1
    fi
    tail -n 1 "$TMP/time" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' >>"$TMP/$name"
}

# median FILE COLUMN : median of a column of numbers.
median() {
    awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

rows=()
for n in $SIZES; do
    file="$OUT/inventory-$n.json"
    if [ ! -s "$file" ]; then
        echo "generating $file..." >&2
        "$SYNTH" generate "$n" "$file" --seed "$SEED" >&2
    fi
    rm -f "$TMP/parse" "$TMP/scan" "$TMP/text"
    for i in $(seq "$REPEAT"); do
        echo "n=$n run $i/$REPEAT..." >&2
        measure parse "$SYNTH" parse "$file"
        measure scan "$PHIGUARD" scan --no-config --inventory "$file" --format json --output /dev/null
        measure text "$PHIGUARD" scan --no-config --inventory "$file" --format text --output /dev/null
    done
    mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN { printf "%.1f", b / 1048576 }')
    ps=$(median "$TMP/parse" 1); pm=$(median "$TMP/parse" 2)
    ss=$(median "$TMP/scan" 1); sm=$(median "$TMP/scan" 2)
    ts=$(median "$TMP/text" 1); tm=$(median "$TMP/text" 2)
    pc=$(median "$TMP/parse" 3); sc=$(median "$TMP/scan" 3); tc=$(median "$TMP/text" 3)
    rows+=("$(awk -v n="$n" -v mb="$mb" -v ps="$ps" -v pm="$pm" -v ss="$ss" -v sm="$sm" \
        -v ts="$ts" -v tm="$tm" -v pc="$pc" -v sc="$sc" -v tc="$tc" 'BEGIN {
            r = (ps > 0) ? ss / ps : 0; rt = (ps > 0) ? ts / ps : 0;
            rc = (pc > 0) ? sc / pc : 0; rtc = (pc > 0) ? tc / pc : 0;
            printf "| %d | %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f |",
                n, mb, ps, pc, pm / 1024, ss, sc, sm / 1024, r, rc, ts, tc, tm / 1024, rt, rtc }')")
done

echo
echo "Medians of $REPEAT runs; $(nproc) cores; $(git rev-parse --short HEAD 2>/dev/null || echo '?');$(uptime | sed 's/.*load/ load/')."
echo
echo "| resources | file MB | parse s | parse CPU s | parse MB | scan json s | scan json CPU s | scan json MB | json/parse | json/parse CPU | scan text s | scan text CPU s | scan text MB | text/parse | text/parse CPU |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
