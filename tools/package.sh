#!/usr/bin/env bash
# Builds the Debian package for clinics: dist/stillpoint_<version>_<arch>.deb.
#
# The package is staged as a plain folder tree and built with dpkg-deb, which every Debian and
# Ubuntu machine has: no packaging tool to install or build first, and every file's place is
# written out below, where a reviewer can see it.
#
#   /usr/bin/stillpoint                       the program (symbols stripped)
#   /usr/share/stillpoint/                    sessions, instruments, narration, voice, previews,
#                                             fonts, LICENSES
#   /etc/stillpoint/stillpoint.ron            the clinic's settings (a conffile: kept on upgrade)
#   /usr/share/applications/stillpoint.desktop, /usr/share/icons/hicolor/scalable/apps/…
#   /usr/share/doc/stillpoint/                the README, the copyright file and the licences
#                                             of the assets (assets/LICENSES.md), the guides in
#                                             docs/ with their pictures in docs/images/ (the scene
#                                             gallery's in docs/images/scenes/): the
#                                             same layout as the source, so every link works
#
# The clinic's own sessions go in the user's data folder (~/.local/share/stillpoint/sessions/),
# editable without root; patient records stay there too and are never touched by the package.
#
# Usage: tools/package.sh [--binary PATH] [--out DIR]
#   --binary PATH   package this build of stillpoint instead of building the release
#   --out DIR       where the .deb goes (default: dist/)
set -euo pipefail
cd "$(dirname "$0")/.."

binary=
out=dist
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "package.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
    esac
done

if [ -z "$binary" ]; then
    cargo build --locked --release --bin stillpoint
    binary=${CARGO_TARGET_DIR:-target}/release/stillpoint
fi
[ -x "$binary" ] || { echo "package.sh: no program at $binary" >&2; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

install -D -m 0755 "$binary" "$stage/usr/bin/stillpoint"
strip --strip-unneeded "$stage/usr/bin/stillpoint"

share=$stage/usr/share/stillpoint
mkdir -p "$share"
cp -r assets/sessions assets/instruments assets/narration assets/voice assets/previews assets/fonts \
    "$share/"
rm -f "$share/narration/manifest.json"  # tools/narrate.py's own record, not for the program
install -m 0644 assets/LICENSES.md "$share/LICENSES.md"
install -D -m 0644 config/stillpoint.ron "$stage/etc/stillpoint/stillpoint.ron"

install -D -m 0644 packaging/stillpoint.desktop "$stage/usr/share/applications/stillpoint.desktop"
install -D -m 0644 packaging/stillpoint.svg \
    "$stage/usr/share/icons/hicolor/scalable/apps/stillpoint.svg"

doc=$stage/usr/share/doc/stillpoint
mkdir -p "$doc/docs" "$doc/assets"
install -m 0644 README.md "$doc/"
install -m 0644 docs/*.md "$doc/docs/"
cp -r docs/images "$doc/docs/"  # the guides' pictures and the scene gallery's, folders kept
install -m 0644 assets/LICENSES.md "$doc/assets/LICENSES.md"
install -m 0644 packaging/copyright "$doc/copyright"
tools/doc-links.sh "$doc" || { echo "package.sh: the installed docs have broken links" >&2; exit 1; }
find "$stage/usr" "$stage/etc" -type d -exec chmod 0755 {} +
find "$stage/usr/share" "$stage/etc" -type f -exec chmod 0644 {} +

# The C library version the program was linked against at least, from its symbol versions.
glibc=$(objdump -T "$stage/usr/bin/stillpoint" | sed -n 's/.*GLIBC_\([0-9][0-9.]*\).*/\1/p' \
    | sort -V | tail -n1)

# Run-time libraries only (never -dev packages): what the program links, and what the window,
# the sound and the renderer open when they start. Alternatives cover the names that Debian 13
# and Ubuntu 24.04 changed.
depends="libc6 (>= ${glibc}), libgcc-s1, libasound2t64 | libasound2, libx11-6, \
libx11-xcb1, libxcursor1, libxrandr2, libxi6, libxkbcommon0, libxkbcommon-x11-0, libvulkan1, \
mesa-vulkan-drivers | vulkan-icd"

# Recommended rather than required: Festival and its voice speak the clinic's own words
# (`stillpoint voice make`); without them the rest of Stillpoint works and `voice make` says
# what to install.

mkdir -p "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<EOF
Package: stillpoint
Version: ${version}
Architecture: ${arch}
Maintainer: Stillpoint developers <stillpoint@example.org>
Installed-Size: ${size}
Depends: ${depends}
Recommends: libopenxr-loader1, festival, festvox-us-slt-hts
Suggests: monado-service
Section: science
Priority: optional
Description: calm, therapist-guided VR sessions for ketamine-assisted psychotherapy
 Stillpoint guides a patient wearing an OpenXR headset through centering
 meditations before a dose, holds a quiet space during it and offers creative
 exercises afterwards, while the therapist runs everything from the desktop
 window. Sessions are plain text files a clinic edits itself; records stay on
 this computer.
EOF
echo "/etc/stillpoint/stillpoint.ron" > "$stage/DEBIAN/conffiles"

mkdir -p "$out"
package=$out/stillpoint_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$package" >/dev/null
echo "built $package ($(du -h "$package" | cut -f1))"
