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
# The store's location. A malformed PostgreSQL URL is a configuration error
# naming store.url, in the file or given to --db.
cd "$dir"
check_store() {  # EXPECTED-CODE PATTERN WHAT ARGS...
  local expected=$1 pattern=$2 what=$3
  shift 3
  "$bin" "$@" sources list > "$dir/out" 2>&1
  local code=$?
  [ "$code" -eq "$expected" ] || { echo "expected exit $expected for $what, got $code"; cat "$dir/out"; exit 1; }
  grep -q -- "$pattern" "$dir/out" || { echo "$what: the message does not say $pattern"; cat "$dir/out"; exit 1; }
}
printf '[store]\nurl = "postgresql://nobody@127.0.0.1:notaport/x"\n' > "$dir/url.toml"
check_store 3 "store.url" "a malformed store.url" --config "$dir/url.toml"
check_store 3 "store.url" "a malformed --db URL" --db "postgresql://nobody@127.0.0.1:notaport/x"
check_store 3 "store.url" "a store.url with a bad percent-encoding" --db "postgresql://%zz@127.0.0.1/x"
# A PostgreSQL server that is not there is a failure (exit 1) naming where it was looked for.
check_store 1 "127.0.0.1:1" "an unreachable PostgreSQL" --db "postgresql://nobody@127.0.0.1:1/x"
printf '[store]\nurl = "postgresql://nobody@127.0.0.1:1/x"\n' > "$dir/down.toml"
check_store 1 "127.0.0.1:1" "an unreachable PostgreSQL in store.url" --config "$dir/down.toml"
# A URL of another kind is no store: in the file, naming the key; given to --db, not taken for a file.
printf '[store]\nurl = "mysql://nobody@127.0.0.1/x"\n' > "$dir/mysql.toml"
check_store 3 "mysql.toml:2:.*store.url" "a mysql:// store.url" --config "$dir/mysql.toml"
check_store 3 "mysql://nobody@127.0.0.1/x is no store" "a mysql:// --db" --db "mysql://nobody@127.0.0.1/x"
[ ! -e "$dir/mysql:" ] || { echo "a mysql:// value became an SQLite file"; exit 1; }

"$bin" sources frobnicate > "$dir/out" 2>&1
code=$?
[ "$code" -eq 2 ] || { echo "expected exit 2 for bad usage, got $code"; exit 1; }
"$bin" --help | grep -q "demo" || { echo "--help does not list demo"; exit 1; }
"$bin" sources add --help | grep -q -- "--weight" || exit 1
echo "config errors: ok"
