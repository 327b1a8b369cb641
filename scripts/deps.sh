#!/bin/sh
# Installs the Debian 12 packages Mediagate needs to build, run and test.
# Usage: scripts/deps.sh [build|test]   (test includes build)
# Only what is missing is installed; nothing happens when all is there.
set -eu

level=${1:-build}

build_pkgs="meson ninja-build pkg-config gcc libc6-dev gettext
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libxml2-dev
  libgnutls28-dev libsystemd-dev libcrypt-dev libsofia-sip-ua-glib-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gobject-introspection libgirepository1.0-dev gir1.2-glib-2.0
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-nice gstreamer1.0-tools ca-certificates
  libnice-dev"
# (gstreamer1.0-plugins-bad also brings srtpenc/srtpdec for SDES-SRTP on the
# SIP leg; GnuTLS draws its keys.)
# unit and api suites, the real peers of the e2e suite, and the browser phone
# tests (node runs them; chromium is the browser; baresip's srtp module, in
# baresip-core, is the SDES far phone), and the GStreamer GIR the benchmark's
# WebRTC phones use (bench/phones.py)
test_pkgs="python3 python3-gi gir1.2-json-1.0 gir1.2-soup-3.0 gnutls-bin sqlite3 curl systemd
  flatpak-builder clang-format kamailio baresip sip-tester sox tcpdump iproute2 nodejs chromium
  gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-plugins-bad-1.0"

# Debian's npm, unless npm is already there (NodeSource's nodejs bundles it
# and conflicts with Debian's npm package)
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs npm"

case "$level" in
  build) pkgs=$build_pkgs ;;
  test) pkgs="$build_pkgs $test_pkgs" ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# The browser driver for the e2e suite: playwright-core from the committed
# lock file (never a browser download; it drives Debian's chromium).
if [ "$level" = test ]; then
  browser_dir="$(dirname "$0")/../tests/e2e/browser"
  if [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
    (cd "$browser_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
exit 0
