#!/usr/bin/env bash
# Builds the .deb (for Debian and Ubuntu) from a clean checkout, with cargo-packager and the
# configuration in Cargo.toml ([package.metadata.packager]):
#   packaging/build-deb.sh        ->  target/release/poplar_VERSION_ARCH.deb
# The version comes from Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/setup-debian.sh build
command -v cargo-packager >/dev/null || cargo install cargo-packager --locked
cargo packager --release --formats deb
ls -1 target/release/*.deb
