#!/usr/bin/env bash
# sources discover / poll --once / sources list / feed parse against a real
# HTTP server on 127.0.0.1 (Python's http.server over a site written here),
# on the store NEWSDESK_TEST_STORE names (tests/cli/store_helper.sh).
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
dir=$(mktemp -d)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; store_cleanup; rm -rf "$dir"; }
trap cleanup EXIT
store_init "$dir/desk.db"
mkdir -p "$dir/site/feeds" "$dir/site/news"
cat > "$dir/site/index.html" <<'HTML'
<!DOCTYPE html><html><head><title>Harbor Gazette</title>
<link rel="alternate" type="application/rss+xml" title="Harbor Gazette: all news" href="/feeds/news.rss">
</head><body><h1>Harbor Gazette</h1></body></html>
HTML
first=$(date -u -d '-5 hours' '+%a, %d %b %Y %H:%M:%S +0000')
second=$(date -u -d '-2 hours' '+%a, %d %b %Y %H:%M:%S +0000')
first_iso=$(date -u -d "$first" '+%Y-%m-%dT%H:%M:%SZ')
cat > "$dir/site/feeds/news.rss" <<RSS
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbor Gazette</title><link>/</link><ttl>20</ttl>
<item><title>Coast guard cutter returns from a three-month patrol</title><link>/news/cutter.html</link>
<guid>hg-1</guid><pubDate>$first</pubDate></item>
<item><title>Harbor &amp; port authority opens a new pier</title><link>/news/pier.html</link>
<guid>hg-2</guid><pubDate>$second</pubDate></item>
</channel></rss>
RSS
for page in cutter pier; do
  cat > "$dir/site/news/$page.html" <<HTML
<!DOCTYPE html><html><head><title>$page | Harbor Gazette</title></head><body><article><h1>The $page story</h1>
<p>The harbor's $page story begins with a long first paragraph that says what happened, where and when, so that the extractor has a body to read.</p>
<p>A second paragraph adds the quotes and the context that any news article about the $page would carry in a real newspaper.</p>
</article></body></html>
HTML
done
port_file="$dir/port"
python3 - "$dir/site" "$port_file" <<'PY' &
import functools, http.server, socketserver, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
    open(sys.argv[2], "w").write(str(httpd.server_address[1]))
    httpd.serve_forever()
PY
server_pid=$!
for _ in $(seq 600); do [[ -s "$port_file" ]] && break; sleep 0.1; done  # up to a minute: a guard against a hang only
port=$(cat "$port_file")
base="http://127.0.0.1:$port"
cat > "$dir/newsdesk.toml" <<TOML
$store_toml
[fetch]
allow_private_addresses = true
per_domain_delay_ms = 0
TOML
nd() { "$bin" --config "$dir/newsdesk.toml" "$@"; }

# Discovery from the home page: the advertised feed, checked.
nd sources discover "$base/" --add > "$dir/found"
grep -q "rss.*2 entries.*$base/feeds/news.rss" "$dir/found" || { cat "$dir/found"; echo "discover missed the feed"; exit 1; }
# A source that will fail, to see health reported.
nd sources add "$base/feeds/missing.rss" --name "Missing" > /dev/null
nd sources list --json | python3 -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin]; assert [r["health"] for r in rows]==["new","new"], rows'

nd poll --once 2> "$dir/poll.log"
nd sources list --json > "$dir/health"
python3 - "$dir/health" <<'PY'
import json, sys
rows = {r["name"]: r for r in map(json.loads, open(sys.argv[1]))}
good, bad = rows["Harbor Gazette: all news"], rows["Missing"]
assert good["health"] == "ok" and good["next_poll"] and good["items_per_day"] > 0, good
assert bad["health"] == "failing" and bad["last_error_class"] == "http status" and bad["consecutive_failures"] == 1, bad
PY
# Nothing is due right after: a second round polls no feed (the round's line says
# "polled N feeds", or "N feeds polled" where the poll runs as a worker's roles).
nd poll --once > "$dir/poll2.log" 2>&1; grep -qE "polled 0 feeds|0 feeds polled" "$dir/poll2.log" || { cat "$dir/poll2.log"; echo "a feed was polled before it was due"; exit 1; }

# Workers alive: one running shows in `worker --status` by its name, with its
# roles; one that stopped says so, and is gone at once (not when its lease ends).
nd worker --status | grep -q "^workers: 0 alive" || { nd worker --status; echo "a stopped worker is still counted"; exit 1; }
timeout 120 "$bin" --config "$dir/newsdesk.toml" worker --roles send --name desk-sender > "$dir/worker.log" 2>&1 &
worker_pid=$!
for _ in $(seq 600); do nd worker --status --json > "$dir/status" && grep -q desk-sender "$dir/status" && break; sleep 0.1; done
python3 - "$dir/status" <<'PY'
import json, sys
workers = json.load(open(sys.argv[1]))["workers"]
assert [(w["name"], w["roles"], w["sites"]) for w in workers] == [("desk-sender", "send", 0)], workers
assert workers[0]["started"].endswith("Z"), workers
PY
nd worker --status | grep -qE "^  desk-sender +send +since .*Z +0 sites held$" || { nd worker --status; echo "the worker's line is missing"; exit 1; }
kill -TERM $worker_pid
wait $worker_pid || { cat "$dir/worker.log"; echo "the worker did not stop cleanly on SIGTERM"; exit 1; }
nd worker --status | grep -q "^workers: 0 alive" || { nd worker --status; echo "the stopped worker is still counted"; exit 1; }

# feed parse: the feed line, then one line per entry.
nd feed parse "$base/feeds/news.rss" > "$dir/parsed"
python3 - "$dir/parsed" "$base" "$first_iso" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
head, entries = lines[0]["feed"], lines[1:]
assert head["format"] == "rss" and head["ttl"] == 20 and len(entries) == 2, lines
assert entries[1]["title"] == "Harbor & port authority opens a new pier", entries[1]
assert entries[0]["url"] == sys.argv[2] + "/news/cutter.html" and entries[0]["published"] == sys.argv[3], entries[0]
PY
# A page that is not a feed is refused, naming what it links to.
if nd feed parse "$base/" 2> "$dir/err"; then echo "an HTML page parsed as a feed"; exit 1; fi
grep -q "HTML page.*$base/feeds/news.rss" "$dir/err"
echo "poll: ok"
