#!/usr/bin/env bash
# The HTML edition of the demo: tidy finds no errors, it stays under Gmail's
# 102 KB clipping size, and headless Chromium shows it well at 375 px and
# 1024 px, light and dark (screenshots kept in SCREENSHOT_DIR).
#   edition_render.sh NEWSDESK SCREENSHOT_DIR
set -euo pipefail
bin=$1
shots=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" demo --once --out "$dir/out" --work "$dir/work" > /dev/null 2> "$dir/demo.err" || { cat "$dir/demo.err"; exit 1; }
html="$dir/out/edition.html"

# tidy: exit 0 = clean, 1 = warnings only, 2 = errors.
set +e
tidy -errors -q "$html" 2> "$dir/tidy.txt"
rc=$?
set -e
[[ $rc -lt 2 ]] || { cat "$dir/tidy.txt"; echo "tidy found errors in the HTML edition"; exit 1; }
size=$(stat -c %s "$html")
[[ $size -lt 104448 ]] || { echo "the HTML edition is $size bytes: Gmail clips at 102 KB"; exit 1; }

# playwright-core, once per build folder, from the npm registry.
modules="${NEWSDESK_NODE_DIR:-$shots/../node}"
if [[ ! -f "$modules/node_modules/playwright-core/package.json" ]]; then
  mkdir -p "$modules"
  npm install --no-audit --no-fund --silent --prefix "$modules" playwright-core@1 > /dev/null
fi
node "$here/browser/edition_screenshots.mjs" "$modules/node_modules/playwright-core" "$html" "$dir/out/edition.json" "$shots"
echo "edition render: ok ($size bytes; screenshots in $shots)"
