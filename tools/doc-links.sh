#!/usr/bin/env bash
# Checks that every relative link in the Markdown files under a folder leads to a file that is
# there (links to web addresses and to headings in the same file are left alone). Used on the
# Debian package's /usr/share/doc/stillpoint by tools/package.sh and .ci/install-check-package.
#
# Usage: tools/doc-links.sh FOLDER    (exit 1, naming each broken link, when one is broken)
set -euo pipefail
root=${1:?usage: tools/doc-links.sh FOLDER}
broken=0
while IFS= read -r -d '' file; do
    folder=$(dirname "$file")
    # Every ](target) outside code: the target up to ')' or '#'.
    while IFS= read -r target; do
        case "$target" in
            ''|*://*|mailto:*) continue ;;
        esac
        if [ ! -e "$folder/$target" ]; then
            echo "doc-links: ${file#"$root"/}: $target is not there" >&2
            broken=1
        fi
    done < <(grep -o '](\([^)# ]*\)' "$file" | sed 's/^](//')
done < <(find "$root" -name '*.md' -print0)
[ "$broken" = 0 ] && echo "doc-links: every link in $root leads to a file"
exit "$broken"
