#!/bin/sh
# The test command: installs what is missing, builds, runs every suite.
# Extra arguments go to `meson test` (e.g. --suite unit).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/build.sh
exec meson test -C _build --print-errorlogs "$@"
