#!/usr/bin/env bash
# A bad configuration stops the program before it does anything, exit code 3,
# with the file, line and key in the message; bad usage is exit code 2.
set -uo pipefail
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '[web]\nport = 8080\nprot = 1\n' > "$dir/bad.toml"
"$bin" --config "$dir/bad.toml" sources list > "$dir/out" 2>&1
code=$?
[ "$code" -eq 3 ] || { echo "expected exit 3, got $code"; cat "$dir/out"; exit 1; }
grep -q "bad.toml:3:.*web.prot" "$dir/out" || { cat "$dir/out"; exit 1; }
test ! -e newsdesk.db || true
# A broken edition template is a configuration error too, naming the file.
mkdir -p "$dir/templates"
printf '<p>{{#sections}}never closed</p>' > "$dir/templates/edition.html.mustache"
printf '[edition]\ntemplates = "%s"\n' "$dir/templates" > "$dir/tpl.toml"
"$bin" --config "$dir/tpl.toml" --db "$dir/t.db" sources list > "$dir/out" 2>&1
code=$?
[ "$code" -eq 3 ] || { echo "expected exit 3 for a broken template, got $code"; cat "$dir/out"; exit 1; }
grep -q "edition.html.mustache" "$dir/out" || { cat "$dir/out"; exit 1; }
"$bin" sources frobnicate > "$dir/out" 2>&1
code=$?
[ "$code" -eq 2 ] || { echo "expected exit 2 for bad usage, got $code"; exit 1; }
"$bin" --help | grep -q "demo" || { echo "--help does not list demo"; exit 1; }
"$bin" sources add --help | grep -q -- "--weight" || exit 1
echo "config errors: ok"
