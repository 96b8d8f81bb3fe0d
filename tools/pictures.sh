#!/usr/bin/env bash
# Takes every picture in the docs again from the running program: the pictures listed in
# tools/pictures.list, written to docs/images/<name>.png (960x540), then the scene gallery
# (tools/gallery.sh) and the remote on a phone. tests/pictures.rs reads the same list and
# fails when a committed picture no longer matches what the program shows.
#
# Runs under a virtual display (xvfb-run, with Mesa's software Vulkan) unless one is there
# already. Look at every picture before committing them.
#
# Usage: tools/pictures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
remake=(env STILLPOINT_REMAKE_PICTURES=1
    cargo test --test pictures -- the_docs_pictures_show_what_the_program_shows_now --nocapture)
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    "${remake[@]}"
else
    command -v xvfb-run >/dev/null || { echo "pictures.sh: install xvfb (tools/setup.sh does)" >&2; exit 1; }
    xvfb-run -a -s "-screen 0 1280x720x24" "${remake[@]}"
fi
# The scene gallery (docs/images/scenes/) and the remote on a phone (docs/images/remote-phone.png,
# taken by the real-browser test in headless Chromium).
export STILLPOINT="${STILLPOINT:-${CARGO_TARGET_DIR:-target}/debug/stillpoint}"
cargo build --quiet
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    tools/gallery.sh
else
    xvfb-run -a -s "-screen 0 1280x720x24" tools/gallery.sh
fi
STILLPOINT_GUIDE_PICTURES=docs/images cargo test --test remote_browser
# Then: every picture the docs show is made by one of these, and docs/images holds no other.
cargo test --test pictures -- every_picture_in_the_docs_is_listed_once_and_committed
echo "pictures.sh: docs/images remade from tools/pictures.list; look at them before committing"
