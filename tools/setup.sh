#!/usr/bin/env bash
# Installs what Stillpoint needs to build and run on Debian or Ubuntu, skipping what is
# already there. `--test` adds what the test suite needs (a virtual display).
# Uses sudo when not run as root.
set -euo pipefail

packages=(gcc pkg-config libasound2-dev libdbus-1-dev libxkbcommon-dev libwayland-dev
          libvulkan1 mesa-vulkan-drivers)
if [ "${1:-}" = "--test" ]; then
    packages+=(xvfb xauth chromium)
fi

sudo_if_needed() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    else
        echo "Installing the Rust toolchain (rustup)…"
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal \
            --component clippy,rustfmt
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
fi
