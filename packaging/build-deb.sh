#!/usr/bin/env bash
# Builds the .deb (for Debian and Ubuntu) from a clean checkout:
#   packaging/build-deb.sh        ->  target/debian/poplar_VERSION-1_ARCH.deb
# The version comes from Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/setup-debian.sh build
command -v cargo-deb >/dev/null || cargo install cargo-deb --locked
cargo deb --locked
ls -1 target/debian/*.deb
