#!/usr/bin/env bash
# sources add / list / export-opml / import-opml / remove against a real store
# (NEWSDESK_TEST_STORE: an SQLite file or a PostgreSQL database, tests/cli/store_helper.sh).
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
dir=$(mktemp -d)
trap 'store_cleanup; rm -rf "$dir"' EXIT
store_init "$dir/desk.db"
db=$store_location
"$bin" --db "$db" sources add https://a.example/feed.xml --name "Outlet A" --country US --weight 2 | grep -q "added source 1"
"$bin" --db "$db" sources add https://b.example/atom.xml --name "Outlet B" --excerpt headline >/dev/null
if "$bin" --db "$db" sources add https://c.example/rss --excerpt fulltext 2>/dev/null; then echo "a full-text excerpt policy was accepted"; exit 1; fi
if "$bin" --db "$db" sources add https://a.example/feed.xml 2>/dev/null; then echo "duplicate accepted"; exit 1; fi
"$bin" --db "$db" sources list | grep -q "Outlet A"
"$bin" --db "$db" sources export-opml "$dir/out.opml"
grep -q 'xmlUrl="https://b.example/atom.xml"' "$dir/out.opml"
"$bin" --db "$db" sources remove https://a.example/feed.xml | grep -q "removed source 1"
"$bin" --db "$db" sources import-opml "$dir/out.opml" | grep -q "imported 1 source(s), 1 already registered"
"$bin" --db "$db" sources list --json | python3 -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin]; assert sorted(r["name"] for r in rows)==["Outlet A","Outlet B"], rows; assert {r["name"]: r["excerpt"] for r in rows}["Outlet B"]=="headline", rows'
if "$bin" --db "$db" sources remove 99 2>/dev/null; then echo "removing a missing source succeeded"; exit 1; fi

# A feed URL must be an absolute http(s) URL: anything else is bad usage
# (exit 2) with what is wrong, and nothing is registered.
# expect_rejected EXPECTED-STDERR ARGS...
expect_rejected() {
  local expected=$1 status=0
  shift
  "$bin" --db "$db" sources add "$@" >"$dir/out" 2>"$dir/err" || status=$?
  if [[ $status -ne 2 ]]; then echo "sources add $*: exit $status, not 2"; cat "$dir/out" "$dir/err"; exit 1; fi
  if ! grep -qF -- "$expected" "$dir/err"; then echo "sources add $*: no \"$expected\" in:"; cat "$dir/err"; exit 1; fi
}
expect_rejected "newsdesk: 'not a url' is not a feed URL: no scheme (an absolute http(s) URL is needed)" "not a url"
expect_rejected "newsdesk: 'ftp://example.org/feed' is not a feed URL: scheme 'ftp' is not http or https" ftp://example.org/feed
expect_rejected "newsdesk: 'http:///feed' is not a feed URL: no host" http:///feed
expect_rejected "newsdesk: 'home page' is not a site URL: no scheme" https://d.example/feed --site "home page"
"$bin" --db "$db" sources list --json | python3 -c 'import json,sys; urls=sorted(json.loads(l)["feed_url"] for l in sys.stdin); assert urls==["https://a.example/feed.xml","https://b.example/atom.xml"], urls'
# A good one is stored normalised, an internationalised host in its IDNA form.
"$bin" --db "$db" sources add "HTTP://Bücher.example/feed" --site https://bücher.example | grep -q "^added source [0-9]*: http://xn--bcher-kva.example/feed$"
"$bin" --db "$db" sources list --json | python3 -c 'import json,sys; rows={r["feed_url"]: r for r in map(json.loads, sys.stdin)}; assert rows["http://xn--bcher-kva.example/feed"]["site_url"]=="https://xn--bcher-kva.example/", rows'
"$bin" --db "$db" sources remove http://bücher.example/feed | grep -q "^removed source [0-9]*$"

# import-opml: an outline whose xmlUrl is bad is said with its line and
# skipped; the others are registered, and the import succeeds.
cat >"$dir/mixed.opml" <<'OPML'
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>mixed</title></head>
  <body>
    <outline text="Outlet E" xmlUrl="https://e.example/feed"/>
    <outline text="Broken" xmlUrl="ftp://f.example/feed"/>
    <outline text="Outlet G" xmlUrl="https://g.example/feed" htmlUrl="https://g.example/"/>
    <outline text="Outlet B again" xmlUrl="https://b.example/atom.xml"/>
  </body>
</opml>
OPML
"$bin" --db "$db" sources import-opml "$dir/mixed.opml" >"$dir/out" 2>"$dir/err"
grep -qx "imported 2 source(s), 1 already registered, 1 rejected (not a feed URL)" "$dir/out" || { cat "$dir/out"; exit 1; }
grep -qF "$dir/mixed.opml:6: outline skipped: 'ftp://f.example/feed' is not a feed URL: scheme 'ftp' is not http or https" "$dir/err" ||
  { echo "the bad outline was not reported with its line:"; cat "$dir/err"; exit 1; }
if grep -q "e.example\|g.example" "$dir/err"; then echo "a good outline was reported:"; cat "$dir/err"; exit 1; fi
"$bin" --db "$db" sources list --json | python3 -c 'import json,sys; urls=sorted(json.loads(l)["feed_url"] for l in sys.stdin); assert urls==["https://a.example/feed.xml","https://b.example/atom.xml","https://e.example/feed","https://g.example/feed"], urls'
echo "sources: ok"
