#!/usr/bin/env bash
# store copy: the demo's SQLite desk, with readers and an edition sent to them,
# moves to PostgreSQL (a fresh database on the fixture's server) and back to a
# new SQLite file. The edition, the sources, the ranking and the ledger read the
# same on every copy; a second copy into a desk that is not empty is refused
# (exit 1) and changes nothing; and the unsubscribe link in a mail sent before
# the move works on the site serving the PostgreSQL copy.
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
store_backend=postgresql  # the copy's target, whatever the run asks for
tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
server="" desk=""
trap '[[ -n $desk ]] && kill $desk 2>/dev/null; [[ -n $server ]] && kill $server 2>/dev/null; store_cleanup; rm -rf "$dir"' EXIT
cd "$dir"
store_init "$dir/unused.db"
pg=$store_location

"$bin" demo --once --out out --work work > /dev/null 2> demo.err || { cat demo.err; exit 1; }
sqlite=work/newsdesk.db

# Two readers get the demo's edition through a local relay: the ledger has
# rows, the desk a link secret, and the mail carries links signed with it.
mkdir mail
/usr/bin/python3 "$tests/support/smtp_fault_server.py" mail port &
server=$!
for _ in $(seq 1200); do [[ -s port ]] && break; sleep 0.05; done
[[ -s port ]] || { echo "the SMTP server did not start"; exit 1; }
web_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > newsdesk.toml <<TOML
[web]
listen = "127.0.0.1"
port = $web_port
[edition]
from = "Daily Headlines <desk@news.example>"
site_url = "http://127.0.0.1:$web_port"
[subscribers]
dns_server = "127.0.0.1:1"
[mail.relays.local]
host = "127.0.0.1"
port = $(cat port)
tls = "none"
TOML
nd() { "$bin" -c newsdesk.toml --db "$1" "${@:2}"; }
printf 'ada@reader.example\ngrace@reader.example\n' | nd "$sqlite" subscribers import - --confirmed > /dev/null
# --force: the invented news.example has no DKIM, SPF or DMARC records for the
# pre-send check (which asks nobody: [subscribers] dns_server).
nd "$sqlite" send --force > send.out 2> send.err || { cat send.err; exit 1; }
[[ $(ls mail/*.eml | wc -l) -eq 2 ]] || { cat send.err; ls mail; echo "the edition did not go to both readers"; exit 1; }

# SQLite -> PostgreSQL.
"$bin" store copy --from "$sqlite" --to "$pg" > copy.out 2> copy.err || { cat copy.err; echo "the copy failed"; exit 1; }
grep -q "the counts agree on both sides" copy.out || { cat copy.out; exit 1; }
for table in sources articles stories editions edition_items subscribers deliveries settings; do
  grep -Eq "^$table +[1-9][0-9]*$" copy.out || { cat copy.out; echo "no rows of $table copied"; exit 1; }
done
grep -Eq "^deliveries +2$" copy.out || { cat copy.out; echo "the ledger's two rows were not copied"; exit 1; }
if grep -q "$pg" copy.out copy.err; then echo "the URL was printed"; exit 1; fi

# The same answers from both desks.
same() {
  local what=$1; shift
  nd "$sqlite" "$@" > "a.$what" 2>&1 || { cat "a.$what"; exit 1; }
  nd "$copy" "$@" > "b.$what" 2>&1 || { cat "b.$what"; exit 1; }
  diff -u "a.$what" "b.$what" || { echo "$what differs on the copy"; exit 1; }
}
rank_at=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
compare_with() {
  copy=$1
  same edition edition show
  same edition_json edition show --format json
  same sources sources list
  same rank rank --limit 20 --at "$rank_at"  # a fixed time: freshness would move between the two calls
  same status send --status
  same subscribers subscribers list
}
compare_with "$pg"
[[ -s a.edition && -s a.rank && -s a.sources ]] || { echo "nothing to compare"; exit 1; }

# A second copy into the same desk is refused, and the desk is left as it was.
if "$bin" store copy --from "$sqlite" --to "$pg" > again.out 2> again.err; then echo "a copy into a desk that is not empty ran"; exit 1; fi
grep -q "is not empty" again.err || { cat again.err; exit 1; }
compare_with "$pg"

# PostgreSQL -> a new SQLite file: the same again.
"$bin" store copy --from "$pg" --to back.db > back.out 2> back.err || { cat back.err; echo "the copy back failed"; exit 1; }
diff <(grep -E '^[a-z_]+ +[0-9]+$' copy.out) <(grep -E '^[a-z_]+ +[0-9]+$' back.out) || { echo "the counts differ on the way back"; exit 1; }
compare_with back.db

# The unsubscribe link of a mail sent before the move works on the copy.
link=$(/usr/bin/python3 - mail/*.eml <<'PY'
import email, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
for part in msg['List-Unsubscribe'].split(','):
    part = part.strip().strip('<>')
    if part.startswith('http'):
        print(part)
        break
PY
)
[[ $link == http://127.0.0.1:$web_port/unsubscribe\?t=* ]] || { echo "no unsubscribe link in the mail: $link"; exit 1; }
# The binary itself in the background (not through nd()): $! must be the
# server, or the kill below reaches only a subshell and the server lives on.
"$bin" -c newsdesk.toml --db "$pg" serve --no-poll --no-send > serve.out 2> serve.err &
desk=$!
for _ in $(seq 600); do curl -fsS "http://127.0.0.1:$web_port/healthz" > /dev/null 2>&1 && break; sleep 0.1; done
answer=$(curl -sS -X POST --data 'List-Unsubscribe=One-Click' -w ' %{http_code}' "$link")
[[ $answer == *"unsubscribed"*" 200" ]] || { cat serve.err; echo "the link signed before the move was refused: $answer"; exit 1; }
kill $desk
wait $desk || true
desk=""
[[ $(nd "$pg" subscribers list | grep -c unsubscribed) -eq 1 ]] || { nd "$pg" subscribers list; echo "nobody was unsubscribed"; exit 1; }
echo "store copy: ok"
