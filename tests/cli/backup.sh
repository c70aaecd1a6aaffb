#!/usr/bin/env bash
# newsdesk backup / restore on an SQLite desk: a backup taken while serve
# runs is consistent; restore is refused while the desk is open and
# replaces it once stopped; a restored desk holds the same edition and
# readers and sends no copy twice. Refusals name what is wrong.
set -euo pipefail
bin=$1
tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
server="" desk=""
trap '[[ -n $desk ]] && kill $desk 2>/dev/null; [[ -n $server ]] && kill $server 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "$*"; exit 1; }

mkdir mail
/usr/bin/python3 "$tests/support/smtp_fault_server.py" mail port &
server=$!
for _ in $(seq 1200); do [[ -s port ]] && break; sleep 0.05; done
[[ -s port ]] || fail "the SMTP server did not start"
web_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_config() {  # FILE STORE
  cat > "$1" <<TOML
[store]
path = "$2"
[web]
listen = "127.0.0.1"
port = $web_port
[edition]
min_stories = 0  # an empty desk's edition: what is kept is under test
[mail.relays.local]
host = "127.0.0.1"
port = $(cat port)
tls = "none"
TOML
}
write_config desk.toml "$dir/desk.db"
write_config restored.toml "$dir/restored.db"
nd() { "$bin" -c desk.toml "$@"; }

printf 'ada@reader.example\ngrace@reader.example\nlin@reader.example\n' | nd subscribers import - --confirmed > /dev/null
nd edition build --out edition > /dev/null 2>&1
nd send --force > send.out 2> send.err || { cat send.out send.err; fail "the first send failed"; }
[[ $(ls mail/*.eml | wc -l) -eq 3 ]] || fail "the edition did not reach the three readers"

# serve has the desk open (site only): the backup is taken all the same.
"$bin" -c desk.toml serve --no-poll --no-send > serve.out 2> serve.err &  # the binary itself: kill reaches it
desk=$!
for _ in $(seq 1200); do curl -fsS "http://127.0.0.1:$web_port/healthz" > /dev/null 2>&1 && break; sleep 0.05; done
curl -fsS "http://127.0.0.1:$web_port/healthz" | grep -q ok || { cat serve.err; fail "serve did not start"; }
nd backup copy.db > backup.out 2> backup.err || { cat backup.out backup.err; fail "backup failed while serve ran"; }
grep -q "backed up the desk to copy.db" backup.out || { cat backup.out; fail "no report of the backup"; }
[[ ! -e copy.db-wal && ! -e copy.db.partial ]] || fail "the backup is not one file"

# A backup never overwrites; restore is refused while serve has the desk open.
if nd backup copy.db > again.out 2> again.err; then fail "a backup overwrote a file"; fi
grep -q "copy.db: exists already" again.err || { cat again.err; fail "the refusal does not name the file"; }
if nd restore copy.db > inuse.out 2> inuse.err; then fail "restore overwrote a desk in use"; fi
grep -q "desk.db: in use" inuse.err || { cat inuse.err; fail "the refusal does not say the desk is in use"; }
kill -TERM $desk
wait $desk || { cat serve.err; fail "serve did not stop cleanly"; }
desk=""

# Not a backup: refused, naming the file.
echo "not a database at all, just some text that is long enough to look like a file" > junk.db
if nd restore junk.db > junk.out 2> junk.err; then fail "restore took a file that is no database"; fi
grep -q "junk.db: not an SQLite database" junk.err || { cat junk.err; fail "the refusal does not say what junk.db is"; }

# Restored into a fresh desk: the same readers and edition, and no copy goes twice.
"$bin" -c restored.toml restore copy.db > restore.out 2> restore.err || { cat restore.out restore.err; fail "restore failed"; }
"$bin" -c restored.toml subscribers list > readers.txt
for who in ada grace lin; do grep -q "$who@reader.example" readers.txt || { cat readers.txt; fail "$who is missing after the restore"; }; done
diff <(nd edition show) <("$bin" -c restored.toml edition show) > /dev/null || fail "the restored desk shows another edition"
"$bin" -c restored.toml send --force > resend.out 2> resend.err || { cat resend.out resend.err; fail "send on the restored desk failed"; }
[[ $(ls mail/*.eml | wc -l) -eq 3 ]] || fail "the restored desk sent copies again"
"$bin" -c restored.toml send --status | grep -q " 3 sent," || { "$bin" -c restored.toml send --status; fail "the ledger was not restored"; }
# The stopped desk itself can be replaced by its backup once nobody has it open.
nd restore copy.db > back.out 2> back.err || { cat back.out back.err; fail "restore over the stopped desk failed"; }
nd send --status | grep -q " 3 sent," || fail "the desk restored in place lost its ledger"
echo "backup and restore: ok"
