#!/usr/bin/env bash
# Debian packages the app uses beyond Python: an Arial-metric font for the board report PDFs
# (fonts-liberation) and poppler-utils (pdftotext, pdftoppm) to check and preview PDFs.
# Installs only what is missing, and only as root; otherwise says what to install and carries on
# (PDFs then use the DejaVu fonts every Debian machine has).
set -euo pipefail
wanted=(fonts-liberation poppler-utils)
missing=()
for pkg in "${wanted[@]}"; do
    [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" == *"install ok installed"* ]] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "system-packages: optional Debian packages missing: ${missing[*]} (apt-get install them as root)" >&2
    exit 0
fi
echo "system-packages: installing ${missing[*]}"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
