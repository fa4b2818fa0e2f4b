#!/usr/bin/env bash
# Runs every check and test on a Debian/Ubuntu machine: installs what is missing (Dovecot,
# fonts, ...), then formatting, lints and the whole test suite. The tests start their own
# servers on loopback. Dovecot tests need root (Dovecot drops privileges to its own users).
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/setup-debian.sh test

# iced_test renders with the software renderer: no GPU or display needed.
export ICED_TEST_BACKEND=tiny-skia
# Here every server is installed (above) and started by the tests: a Dovecot or keyring
# test that finds its server missing fails instead of skipping (tests/common/mod.rs).
export POPLAR_REQUIRE_SERVERS=1

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
packaging/with-keyring.sh cargo test --all-targets --locked 2>&1 | tee "$log"
# One closing line for all the test binaries together.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
