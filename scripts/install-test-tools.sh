#!/usr/bin/env bash
# Installs the Debian packages some tests drive: chromium and chromium-driver (the browser
# tests of the web pages), packer (the syntax check of the AMI template) and webp (cwebp and
# img2webp make the WebP test images: no JVM library writes WebP) and libturbojpeg0 (the
# worker's scaled JPEG decode, which production workers have too). Without them those tests
# skip, saying so; everything else runs regardless.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v packer >/dev/null || need+=(packer)
command -v cwebp >/dev/null && command -v img2webp >/dev/null || need+=(webp)
ldconfig -p 2>/dev/null | grep -q 'libturbojpeg\.so\.0' || need+=(libturbojpeg0)
if [ ${#need[@]} -eq 0 ]; then
  echo "test tools present: $(/usr/bin/chromium --version 2>/dev/null), $(packer version 2>/dev/null | head -n 1), cwebp $(cwebp -version 2>/dev/null), libturbojpeg.so.0"
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "not root and no sudo: cannot install ${need[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "installing Debian packages for the tests: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
echo "installed: ${need[*]}"
