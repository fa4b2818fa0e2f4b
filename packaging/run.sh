#!/usr/bin/env bash
# Builds and opens Poplar on a Debian/Ubuntu machine, installing only the missing system
# packages first. Arguments go to poplar, e.g. `packaging/run.sh --data-dir ./mail`.
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/setup-debian.sh build
exec cargo run --locked -- "$@"
