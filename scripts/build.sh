#!/bin/sh
# Configures (once) and builds Mediagate in _build.
set -eu
cd "$(dirname "$0")/.."
[ -f _build/build.ninja ] || meson setup _build
ninja -C _build
