#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and opens Stillpoint on its default session.
# Extra arguments go to stillpoint, e.g. `tools/run.sh list`.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
# Building every target (not just the program) lets tools/test.sh reuse this build.
cargo build --locked --all-targets
exec "${CARGO_TARGET_DIR:-target}/debug/stillpoint" "$@"
