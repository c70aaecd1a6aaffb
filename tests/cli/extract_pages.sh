#!/usr/bin/env bash
# extract --follow-pages: an article in two pages (story.html, story-2.html)
# served over real HTTP on 127.0.0.1 (Python's http.server), joined when asked,
# one page when not; refused for a file, whose further pages cannot be fetched.
# Keeps no desk.
set -euo pipefail
bin=$1
dir=$(mktemp -d)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
mkdir -p "$dir/site/news"
page() {  # page NUMBER NEXT-LINK-OR-EMPTY
  local word=$([[ $1 == 1 ]] && echo opening || echo closing)
  cat <<HTML
<!DOCTYPE html><html><head><title>Ferry timetable changes | Harbor Gazette</title>
<meta property="og:type" content="article">$2</head><body><article><h1>Ferry timetable changes</h1>
<p>In the $word page of this report, the ferry company explains that the winter timetable starts on the first Monday of November and drops the late crossing.</p>
<p>Commuters on the $word page say the change leaves the night shift at the shipyard without a way home, and the council has asked for a meeting.</p>
</article></body></html>
HTML
}
page 1 '<link rel="next" href="/news/ferry-2.html">' > "$dir/site/news/ferry.html"
page 2 '' > "$dir/site/news/ferry-2.html"
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
url="http://127.0.0.1:$(cat "$port_file")/news/ferry.html"
cat > "$dir/newsdesk.toml" <<TOML
[store]
path = "$dir/unused.db"
[fetch]
allow_private_addresses = true
per_domain_delay_ms = 0
TOML
nd() { "$bin" --config "$dir/newsdesk.toml" "$@"; }

# Without the flag: the first page only.
nd extract "$url" > "$dir/one.txt"
grep -q "opening page" "$dir/one.txt"
if grep -q "closing page" "$dir/one.txt"; then echo "FAIL: followed without --follow-pages"; exit 1; fi

# With it: both pages, in order, the headline once.
nd extract "$url" --follow-pages 3 --format json > "$dir/joined.json"
python3 - "$dir/joined.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
text = a.get("text") or a.get("articleBody") or ""
assert text.count("opening page") == 2 and text.count("closing page") == 2, text
assert text.index("opening page") < text.index("closing page"), text
assert "Ferry timetable changes" not in text, text
PY

# A file: refused, saying why.
set +e
nd extract "$dir/site/news/ferry.html" --follow-pages 1 2> "$dir/err.txt"
code=$?
set -e
[[ $code == 2 ]] || { echo "FAIL: a file with --follow-pages exited $code"; exit 1; }
grep -q "needs the page's URL" "$dir/err.txt"
echo ok
