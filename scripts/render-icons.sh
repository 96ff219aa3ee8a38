#!/usr/bin/env bash
# Renders resources/icons/wsscope.svg into the PNG sizes of the hicolor icon
# theme, under resources/icons/hicolor/. Run it after changing the SVG and
# commit the PNGs: the build and CI install them as they are and never need
# the renderer (rsvg-convert, Debian's librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v rsvg-convert >/dev/null; then
    echo "rsvg-convert is missing: apt-get install librsvg2-bin" >&2
    exit 1
fi

svg=resources/icons/wsscope.svg
for size in 16 22 24 32 48 64 128 256; do
    dir="resources/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio \
        --output "$dir/wsscope.png" "$svg"
    echo "$dir/wsscope.png"
done
