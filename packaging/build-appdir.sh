#!/usr/bin/env bash
# Lays out the AppImage's AppDir from a release build:
#   packaging/build-appdir.sh     ->  target/appimage/Poplar.AppDir (run its AppRun)
# Turning the AppDir into an .AppImage file needs appimagetool, which no package registry
# reachable here provides; the release workflow does that step.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/setup-debian.sh build
cargo build --release --locked
dir=target/appimage/Poplar.AppDir
rm -rf "$dir"
mkdir -p "$dir/usr/bin" "$dir/usr/share/applications" "$dir/usr/share/metainfo" \
         "$dir/usr/share/icons"
install -m 755 target/release/poplar "$dir/usr/bin/poplar"
install -m 644 assets/org.poplar.Poplar.desktop "$dir/usr/share/applications/"
install -m 644 assets/org.poplar.Poplar.metainfo.xml "$dir/usr/share/metainfo/"
cp -r assets/icons/hicolor "$dir/usr/share/icons/"
# The AppDir's top level: the desktop entry, the icon and the entry point.
cp assets/org.poplar.Poplar.desktop "$dir/"
cp assets/icons/hicolor/256x256/apps/org.poplar.Poplar.png "$dir/org.poplar.Poplar.png"
ln -sf org.poplar.Poplar.png "$dir/.DirIcon"
cat > "$dir/AppRun" <<'RUN'
#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/bin/poplar" "$@"
RUN
chmod 755 "$dir/AppRun"
echo "$dir"
