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
# panel hidden. A round measures all four one after the other, so that each ratio's two
# figures are taken close together; ROUNDS rounds (default 3) are run and each ratio is the
# median of the rounds' ratios, given with its range, since a shared or throttled machine's
# speed drifts between runs. Needs a display; on a machine without one, run it under
# `xvfb-run -a -s "-screen 0 1280x720x24"`. Prints one line, e.g.
#   scene/bare=1.81 (1.35-2.15; 143.8/79.4 ms) painting/no-painting=2.79 (2.53-3.71; 408.8/146.4 ms) frames=30 rounds=3
# where the milliseconds are the median round's (with an even number of rounds, the lower
# of the two middle ones).
#
# With --scenes it measures every scene instead, each against the bare scene in the same
# round: the scene's session in tests/fixtures/scenes/ 40 s in (the breathing light and its
# caption over the scene), one line per scene with its ratio and what the scene draws, e.g.
#   dusk-lake/bare=1.52 (1.40-1.61; 120.3/79.1 ms) meshes=9 draws=7 triangles=13312
# then a line with the budget (docs/scene-gallery.md): at most 3x the bare frame; the draw
# and triangle budget is held by the tests (tests/window_scene_budget.rs).
#
# A run that gives no figures within BENCH_TIMEOUT seconds (default 900) is reported as
# unmeasured, with how long it was given.
#
# Usage: tools/bench-ratios.sh [--scenes] [FRAMES]
set -euo pipefail
cd "$(dirname "$0")/.."
per_scene=false
if [ "${1:-}" = --scenes ]; then
    per_scene=true
    shift
fi
frames=${1:-30}
rounds=${ROUNDS:-3}
limit=${BENCH_TIMEOUT:-900}
program=${STILLPOINT:-${CARGO_TARGET_DIR:-target}/debug/stillpoint}
[ -x "$program" ] || { echo "build first: $program is missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The figures line of one benchmark run, or nothing when it gave no figures in time.
measure() {
    timeout "$limit" "$program" run --bench-frames "$frames" "$@" 2>&1 | grep '^frames=' || true
}

# The value of NAME=VALUE in a figures line.
figure() {
    sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<" $2"
}

# The median frame time (ms) of one benchmark run, or nothing when it gave no figures in time.
median() {
    local line
    line=$(measure "$@")
    [ -z "$line" ] || figure frame_ms_p50 "$line"
}

# "a/b=RATIO (LOW-HIGH; A/B ms)" from the rounds' "A B" lines (the median round's ratio and
# figures, the range over all rounds), or what could not be measured.
ratio() {
    local name=$1 pairs=$2
    local measured
    measured=$(awk 'NF == 2 { printf "%.6f %s %s\n", $1 / $2, $1, $2 }' <<<"$pairs" | sort -n)
    if [ -z "$measured" ]; then
        printf '%s=unmeasured (no figures within %s s)' "$name" "$limit"
        return
    fi
    awk -v name="$name" -v rounds="$rounds" '
        { ratio[NR] = $1; over[NR] = $2; under[NR] = $3 }
        END {
            middle = int((NR + 1) / 2)
            printf "%s=%.2f (%.2f-%.2f; %.1f/%.1f ms", name, ratio[middle], ratio[1], ratio[NR],
                over[middle], under[middle]
            if (NR < rounds) printf "; %d of %d rounds measured", NR, rounds
            printf ")"
        }' <<<"$measured"
}

if $per_scene; then
    data="$work/data"
    mkdir -p "$data/sessions"
    scenes=$("$program" list --presets | awk '/^Environments:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }')
    for scene in $scenes; do
        fixture="tests/fixtures/scenes/sessions/scene-$scene.session.ron"
        [ -f "$fixture" ] || { echo "no session shows $scene: add $fixture" >&2; exit 1; }
        cp "$fixture" "$data/sessions/"
    done
    declare -A pairs drawn
    for _ in $(seq "$rounds"); do
        bare=$(median --session centering-before-dosing --bare)
        for scene in $scenes; do
            line=$(measure --data "$data" --session "scene-$scene" --at 40 --no-panel)
            [ -z "$line" ] && continue
            pairs[$scene]+="$(figure frame_ms_p50 "$line") $bare"$'\n'
            drawn[$scene]="meshes=$(figure scene_meshes "$line") draws=$(figure scene_draws "$line") triangles=$(figure scene_triangles "$line")"
        done
    done
    for scene in $scenes; do
        echo "$(ratio "$scene/bare" "${pairs[$scene]:-}") ${drawn[$scene]:-}"
    done
    echo "budget: each scene at most 3x the bare frame; frames=$frames rounds=$rounds"
    exit 0
fi

"$program" simulate --session creative-integration --synthetic-paint 50000 \
    --record "$work/painting.jsonl" >/dev/null 2>&1
scenes="" paintings=""
for _ in $(seq "$rounds"); do
    bare=$(median --session centering-before-dosing --bare)
    scene=$(median --session centering-before-dosing --at 168 --no-panel)
    # The paint step of creative-integration begins at 570 s; 600 s is half a minute in.
    empty=$(median --session creative-integration --at 600 --no-panel)
    painted=$(median --session creative-integration --at 600 --no-panel \
        --artwork-from "$work/painting.jsonl")
    scenes+="$scene $bare"$'\n'
    paintings+="$painted $empty"$'\n'
done
echo "$(ratio scene/bare "$scenes") $(ratio painting/no-painting "$paintings") frames=$frames rounds=$rounds"
