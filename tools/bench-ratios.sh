#!/usr/bin/env bash
# The render benchmark's two ratios, measured side by side in one run so that they stay
# comparable between machines of different speed:
#
#   scene/bare            the centering session's frame (168 s in: the breathing pacer and
#                         its caption over the lake at dusk) over a bare scene of one mesh and
#                         one light, in the same window;
#   painting/no-painting  the integration session's paint step with a 50,000-point painting
#                         over the same moment with an empty canvas.
#
# Each figure is the median frame time of `stillpoint run --bench-frames N` at 1280×720,
# panel hidden. Needs a display; on a machine without one, run it under
# `xvfb-run -a -s "-screen 0 1280x720x24"`. Prints one line, e.g.
#   scene/bare=3.50 (119.6/34.2 ms) painting/no-painting=1.10 (132.0/120.0 ms) frames=30
#
# A run that gives no figures within BENCH_TIMEOUT seconds (default 900) is reported as
# unmeasured, with how long it was given.
#
# Usage: tools/bench-ratios.sh [FRAMES]
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-30}
limit=${BENCH_TIMEOUT:-900}
program=${STILLPOINT:-${CARGO_TARGET_DIR:-target}/debug/stillpoint}
[ -x "$program" ] || { echo "build first: $program is missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The median frame time (ms) of one benchmark run, or nothing when it gave no figures in time.
median() {
    local line
    line=$(timeout "$limit" "$program" run --bench-frames "$frames" "$@" 2>&1 | grep '^frames=' || true)
    [ -z "$line" ] || sed -E 's/.*frame_ms_p50=([0-9.]+).*/\1/' <<<"$line"
}

# "a/b=RATIO (A/B ms)", or what could not be measured.
ratio() {
    local name=$1 over=$2 under=$3
    if [ -n "$over" ] && [ -n "$under" ]; then
        awk -v name="$name" -v a="$over" -v b="$under" \
            'BEGIN { printf "%s=%.2f (%.1f/%.1f ms)", name, a / b, a, b }'
    else
        printf '%s=unmeasured (%s/%s ms; no figures within %s s)' \
            "$name" "${over:--}" "${under:--}" "$limit"
    fi
}

"$program" simulate --session creative-integration --synthetic-paint 50000 \
    --record "$work/painting.jsonl" >/dev/null 2>&1
# The paint step of creative-integration begins at 570 s; 600 s is half a minute into it.
bare=$(median --session centering-before-dosing --bare)
scene=$(median --session centering-before-dosing --at 168 --no-panel)
empty=$(median --session creative-integration --at 600 --no-panel)
painted=$(median --session creative-integration --at 600 --no-panel \
    --artwork-from "$work/painting.jsonl")
echo "$(ratio scene/bare "$scene" "$bare") $(ratio painting/no-painting "$painted" "$empty") frames=$frames"
