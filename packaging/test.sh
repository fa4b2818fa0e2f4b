#!/usr/bin/env bash
# Runs every check and test on a Debian/Ubuntu machine: installs what is missing (Dovecot,
# fonts, ...), then formatting, lints and the whole test suite. The tests start their own
# servers on loopback. Dovecot tests need root (Dovecot drops privileges to its own users).
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/setup-debian.sh test

# iced_test renders with the software renderer: no GPU or display needed.
export ICED_TEST_BACKEND=tiny-skia

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
