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
echo "sources: ok"
