#!/usr/bin/env bash
# Renders the app icon (assets/poplar.svg) in every size each system wants:
# PNGs for Linux (hicolor theme), poplar.ico for Windows, poplar.icns for macOS.
# The results are committed under assets/icons; run this again after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v rsvg-convert >/dev/null || missing+=(librsvg2-bin)
command -v icotool >/dev/null || missing+=(icoutils)
command -v png2icns >/dev/null || missing+=(icnsutils)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

out=assets/icons
rm -rf "$out"
for size in 16 24 32 48 64 128 256 512; do
  dir="$out/hicolor/${size}x${size}/apps"
  mkdir -p "$dir"
  rsvg-convert -w "$size" -h "$size" assets/poplar.svg -o "$dir/org.poplar.Poplar.png"
done
mkdir -p "$out/hicolor/scalable/apps"
cp assets/poplar.svg "$out/hicolor/scalable/apps/org.poplar.Poplar.svg"
icotool -c -o "$out/poplar.ico" "$out"/hicolor/{16x16,24x24,32x32,48x48,64x64,128x128,256x256}/apps/org.poplar.Poplar.png
png2icns "$out/poplar.icns" "$out"/hicolor/{16x16,32x32,48x48,128x128,256x256,512x512}/apps/org.poplar.Poplar.png >/dev/null
echo "icons written to $out"
