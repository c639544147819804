#!/usr/bin/env bash
# Before `npm test`: make sure the tools the tests read outputs with are here
# (Chromium, epubcheck + Java, poppler, qpdf, Calibre, DejaVu fonts). On
# Debian/Ubuntu as root they are installed with apt; otherwise the missing ones
# are named and the tests do not start (they would fail, never skip).
set -euo pipefail

need=()
browser="${HANDOUT_BROWSER:-}"
if [ -z "$browser" ] && [ ! -x /usr/bin/chromium ] && [ ! -x /usr/bin/chromium-browser ] && [ ! -x /usr/bin/google-chrome ] && [ ! -d "${PUPPETEER_CACHE_DIR:-$HOME/.cache/puppeteer}" ]; then need+=(chromium); fi
[ -f /usr/share/java/epubcheck.jar ] || need+=(epubcheck)
command -v java >/dev/null || need+=(default-jre-headless)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
command -v ebook-convert >/dev/null || need+=(calibre)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
[ "${#need[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing the test tools: ${need[*]} (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "The tests need: ${need[*]}. On Debian/Ubuntu: sudo apt-get install --no-install-recommends ${need[*]}" >&2
  exit 1
fi
