#!/usr/bin/env bash
# Installs what Stillpoint needs to build and run on Debian 12/13 or Ubuntu 24.04, skipping
# what is already there. `--test` adds what the test suite needs (a virtual display, a browser
# for the report's check, Node.js and npm with the Khronos glTF Validator from the npm registry
# at the version pinned in tools/gltf-validator/package-lock.json, Python's venv for the FHIR
# validator of tools/fhir-validate.sh, Festival and its voice for `stillpoint voice make`, and
# for the headset check, debootstrap). Uses sudo
# when not run as root. Sourced by tools/run.sh and tools/test.sh; it can also be run on its
# own.
set -euo pipefail

sudo_if_needed() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# The package lists are read once, and only when something is missing.
lists_ready=
refresh_lists() {
    if [ -z "$lists_ready" ]; then
        sudo_if_needed apt-get update -qq
        lists_ready=1
    fi
}

# The first of several names for one library that this release's archive offers (Debian 13
# and Ubuntu 24.04 renamed some for the 64-bit time change: libasound2 became libasound2t64).
first_offered() {
    local name
    for name in "$@"; do
        if installed "$name"; then echo "$name"; return; fi
    done
    refresh_lists
    for name in "$@"; do
        if apt-cache show "$name" >/dev/null 2>&1; then echo "$name"; return; fi
    done
    echo "$1"
}

# Building: a C toolchain with the C library's headers (gcc alone, without its recommended
# packages, lacks libc6-dev and every link fails), and the -dev packages of the -sys crates.
packages=(gcc libc6-dev pkg-config libasound2-dev libdbus-1-dev libxkbcommon-dev libwayland-dev)
# Running: what the window, the sound and the renderer open at run time (winit loads
# libxkbcommon-x11 and panics without it; Mesa's software Vulkan when there is no GPU).
packages+=(libxkbcommon-x11-0 libx11-xcb1 libxcursor1 libxrandr2 libxi6 libvulkan1
           mesa-vulkan-drivers "$(first_offered libasound2t64 libasound2)")
if [ "${1:-}" = "--test" ]; then
    packages+=(xvfb xauth chromium debootstrap desktop-file-utils nodejs python3-venv)
    # The synthetic voice that `stillpoint voice make` speaks with (tests/voice.rs).
    packages+=(festival festvox-us-slt-hts)
    # Debian's nodejs comes without npm, which is a package of its own; a Node.js that brings
    # its own npm (NodeSource's, which conflicts with Debian's npm) is left as it is.
    command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for package in "${packages[@]}"; do
    installed "$package" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    refresh_lists
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Khronos glTF Validator that the tests check each GLB export with: `npm ci` installs the
# version pinned in package-lock.json into tools/gltf-validator/node_modules, again whenever
# that lockfile changes (a copy of the one installed is kept in node_modules).
if [ "${1:-}" = "--test" ]; then
    validator_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/gltf-validator"
    if ! cmp -s "$validator_dir/package-lock.json" "$validator_dir/node_modules/.installed-lock.json"; then
        echo "Installing the Khronos glTF Validator (npm ci in tools/gltf-validator)"
        (cd "$validator_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
            && cp package-lock.json node_modules/.installed-lock.json)
    fi
fi

if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    else
        echo "Installing the Rust toolchain (rustup)…"
        if ! command -v curl >/dev/null 2>&1; then
            refresh_lists
            sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl ca-certificates
        fi
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal \
            --component clippy,rustfmt
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
fi
