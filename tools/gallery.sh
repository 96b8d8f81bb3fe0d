#!/usr/bin/env bash
# Makes the scene gallery: for every scene `stillpoint list --presets` names, pictures of the
# patient's view at four moments (seated and reclined, each with a caption and with the
# breathing light and its caption) and the scene's preview (the scene alone, small), in
# docs/images/scenes/, and the page that shows them, docs/scene-gallery.md.
#
# Each scene is shown by its session in tests/fixtures/scenes/sessions/ (a caption at 5 s,
# the breathing light from 20 s (its own caption shown with it at first), the scene alone from 140 s), run from a scratch data folder
# with `stillpoint run --screenshot`. The pictures are shrunk to half size
# (tools/png-shrink.py). What the page says of each scene is the catalog's summary and the
# line on when to choose it from the scene table of docs/session-format.md.
#
# Run it after changing a scene or adding one (needs a display; on a machine without one,
# run it under `xvfb-run -a -s "-screen 0 1280x720x24"`).
#
# Usage: tools/gallery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
program=${STILLPOINT:-${CARGO_TARGET_DIR:-target}/debug/stillpoint}
[ -x "$program" ] || { echo "build first: $program is missing" >&2; exit 1; }
out=docs/images/scenes
page=docs/scene-gallery.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"
mkdir -p "$data/sessions" "$out"

presets=$("$program" list --presets)
scenes=$(awk '/^Environments:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' <<<"$presets")
for scene in $scenes; do
    fixture="tests/fixtures/scenes/sessions/scene-$scene.session.ron"
    [ -f "$fixture" ] || { echo "no session shows $scene: add $fixture" >&2; exit 1; }
    cp "$fixture" "$data/sessions/"
done

# A picture of SCENE's session, NAME.png in the gallery, with the rest of the arguments.
shoot() {
    local scene=$1 name=$2
    shift 2
    local raw="$work/$name.png"
    if ! "$program" --data "$data" run --session "scene-$scene" --screenshot "$raw" "$@" \
        >"$work/log" 2>&1; then
        echo "no picture of $scene ($name):" >&2
        tail -n 20 "$work/log" >&2
        exit 1
    fi
    if [ "${thumbnail:-}" = yes ]; then
        cp "$raw" "$out/$name.png"
    else
        python3 tools/png-shrink.py "$raw" "$out/$name.png"
    fi
    echo "$out/$name.png"
}

reclined=(--head-pitch 40 --action 0.1=posture:reclined)
for scene in $scenes; do
    shoot "$scene" "$scene-seated-caption" --at 5
    shoot "$scene" "$scene-seated-breathing" --at 24
    shoot "$scene" "$scene-reclined-caption" --at 5 "${reclined[@]}"
    shoot "$scene" "$scene-reclined-breathing" --at 24 "${reclined[@]}"
    thumbnail=yes shoot "$scene" "$scene-preview" --at 150 --thumbnail
done

# The catalog's summary of SCENE, and the line on when to choose it.
summary() {
    awk -v id="$1" '/^Environments:/ { on = 1; next } /^$/ { on = 0 }
        on && $1 == id { $1 = ""; sub(/^ +/, ""); print toupper(substr($0, 1, 1)) substr($0, 2) }' <<<"$presets"
}
when() {
    awk -v id="$1" -F ' \\| ' '/^### Scenes/ { on = 1 } /^### Soundscapes/ { on = 0 }
        on && $1 == "| `" id "`" { sub(/ \|$/, "", $2); print $2 }' docs/session-format.md
}

{
    cat <<'EOF'
# The scenes

Each calm scene as the patient sees it: seated and reclined, with a caption and with the
breathing light. Use it with a patient to choose the place they would like to rest in. A
session names its scene with `environment:` (see [Writing a session](session-format.md#scenes-and-soundscapes)).

Every scene stays within the same budget, so that any of them runs smoothly in the headset:
at most 3 times the frame time of a bare scene on the same machine
(`tools/bench-ratios.sh --scenes`), and at most 40 draw calls and 150,000 triangles
(`tests/window_scene_budget.rs`). Over every scene, seated or reclined, the caption's words
stand out from their panel by at least 4.5 to 1, the contrast WCAG asks of body text (the
same test).

This page and its pictures are made by `tools/gallery.sh`: run it again after changing a
scene. The words come from the catalog and from the scene table of
[Writing a session](session-format.md#scenes).
EOF
    for scene in $scenes; do
        printf '\n## %s\n\n' "$scene"
        printf '![%s: the scene alone](images/scenes/%s-preview.png)\n\n' "$scene" "$scene"
        printf '*%s.*\n\n' "$(summary "$scene")"
        description=$(when "$scene")
        [ -z "$description" ] || printf '%s\n\n' "$description"
        printf '| | with a caption | with the breathing light |\n| --- | --- | --- |\n'
        for posture in seated reclined; do
            printf '| %s | ![%s, %s, caption](images/scenes/%s-%s-caption.png) | ![%s, %s, breathing light](images/scenes/%s-%s-breathing.png) |\n' \
                "$posture" "$scene" "$posture" "$scene" "$posture" "$scene" "$posture" "$scene" "$posture"
        done
    done
} >"$page"
echo "$page"
