#!/usr/bin/env bash
# Installs Debian's Chromium (package chromium: /usr/bin/chromium) for the load report's browser test when it is
# missing and this user may install packages (root with apt-get, as on CI). Used by the build (loadtest module).
# Elsewhere it says what to run; the test then skips, except under CI=true, where it fails.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "setup-chromium: apt-get install chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium >&2
else
  echo "setup-chromium: /usr/bin/chromium missing; install Debian's chromium package (sudo apt-get install chromium) for the report's browser test" >&2
fi
