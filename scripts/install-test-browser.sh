#!/usr/bin/env bash
# Installs what the browser tests drive: Debian's chromium and chromium-driver
# (/usr/bin/chromium, /usr/bin/chromedriver). Without them those tests skip, saying so.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "headless browser present: $(/usr/bin/chromium --version 2>/dev/null)"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "not root and no sudo: cannot install chromium" >&2; exit 1; }
  sudo=sudo
fi
echo "installing Debian's chromium and chromium-driver for the browser tests..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
echo "installed: $(/usr/bin/chromium --version 2>/dev/null)"
