#!/usr/bin/env bash
# Debian packages the project uses, by purpose. Installed where we are root and apt-get
# exists; elsewhere this says what is missing and exits 0 (nothing here is a Python package).
#
#   bash tools/system-packages.sh setup      (make setup)
#     fonts-noto-cjk       Noto Serif/Sans CJK SC: the PDF's free stand-ins for 小标宋, 仿宋,
#                          黑体, 宋体 (SIL OFL)
#     fonts-lxgw-wenkai    LXGW WenKai: the PDF's stand-in for 楷体 (SIL OFL)
#   bash tools/system-packages.sh browser    (make browser, run by make test)
#     chromium             the browser check of the published HTML (tests/test_browser.py)
#   bash tools/system-packages.sh pictures   (make docs-pictures)
#     poppler-utils libreoffice-writer-nogui   page 1 of the PDF and of the DOCX as PNG
set -u
group=${1:-setup}
case "$group" in
  setup)    pkgs=(fonts-noto-cjk fonts-lxgw-wenkai)
            why="without them the PDF sets every role in the PyPI Noto faces (no 楷体, no bold title)" ;;
  browser)  pkgs=(chromium)
            why="tests/test_browser.py cannot run (it skips, and fails under CI)" ;;
  pictures) pkgs=(poppler-utils libreoffice-writer-nogui)
            why="make docs-pictures cannot draw page 1 of the PDF and the DOCX" ;;
  *) echo "usage: $0 [setup|browser|pictures]" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages (${group}): ${missing[*]} …"
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; }
  # try the package lists there are first; update them only when that fails
  if ! { install || { apt-get update -qq && install; }; } >/dev/null 2>&1; then
    echo "note: could not install ${missing[*]}: ${why}."
  fi
else
  echo "note: missing system packages ${missing[*]} (need root and apt-get: apt-get install ${missing[*]}): ${why}."
fi
exit 0
