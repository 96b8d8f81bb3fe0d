#!/usr/bin/env bash
# Makes the session library's preview pictures (assets/previews/<id>.png): for each valid
# session, a picture of the patient's view a little way in, with `stillpoint run
# --screenshot`. Run it after adding or editing a session (needs a display; on a machine
# without one, run it under `xvfb-run`).
#
# Usage: tools/previews.sh [SECONDS_INTO_THE_SESSION]
set -euo pipefail
cd "$(dirname "$0")/.."
at=${1:-75}
program=${STILLPOINT:-${CARGO_TARGET_DIR:-target}/debug/stillpoint}
[ -x "$program" ] || { echo "build first: $program is missing" >&2; exit 1; }
mkdir -p assets/previews
"$program" list | tail -n +2 | awk '{print $1}' | while read -r id; do
    "$program" run --session "$id" --at "$at" --screenshot "assets/previews/$id.png" --thumbnail >/dev/null 2>&1
    echo "assets/previews/$id.png"
done
