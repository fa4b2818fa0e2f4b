#!/usr/bin/env bash
# Installs, on Debian or Ubuntu, only the system packages that are missing.
#   packaging/setup-debian.sh build   what building and running Poplar needs
#   packaging/setup-debian.sh test    that, plus the servers and fonts the tests use
#   packaging/setup-debian.sh bench   that, plus mpop to compare against (and eatmydata,
#                                     GNU time, ImageMagick and xdotool for the benchmarks)
set -euo pipefail

what=${1:-build}
build=(pkg-config libssl-dev libdbus-1-dev gcc
       libxkbcommon-x11-0 libx11-6 libxcursor1 libxi6 libxrandr2 libfontconfig1 libvulkan1
       fonts-noto-cjk)
test=(dovecot-pop3d python3-aiosmtpd gnome-keyring dbus-daemon xvfb xauth ca-certificates openssl
      fonts-dejavu-core)  # the snapshot tests draw Latin text with DejaVu Sans

want=("${build[@]}")
[ "$what" = test ] && want+=("${test[@]}")
[ "$what" = bench ] && want+=("${test[@]}" mpop eatmydata time imagemagick xdotool)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Dovecot's package starts a system-wide server on ports 110/995; the tests run their own.
if printf '%s\n' "${missing[@]}" | grep -q '^dovecot'; then
  if command -v systemctl >/dev/null && systemctl is-active --quiet dovecot 2>/dev/null; then
    "${sudo[@]}" systemctl stop dovecot || true
  fi
  "${sudo[@]}" pkill -x dovecot 2>/dev/null || true
fi
