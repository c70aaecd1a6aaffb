#!/usr/bin/env bash
# The crash test: 10,000 confirmed subscribers; `newsdesk send` is killed
# with SIGKILL at random moments three times and resumed each time, then
# runs to the end; the first time two senders share the edition and both
# are killed. At the receiving SMTP server (aiosmtpd-free, our fault
# server in its plain mode) every subscriber has the edition, and copies
# received twice are no more than the connection pool's size per sender
# killed.
# On the store NEWSDESK_TEST_STORE names (tests/cli/store_helper.sh).
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
server=""
trap '[[ -n $server ]] && kill $server 2>/dev/null; store_cleanup; rm -rf "$dir"' EXIT
cd "$dir"
store_init "$dir/desk.db"
readers=10000
pool=4
kills=3

mkdir mail
/usr/bin/python3 "$tests/support/smtp_fault_server.py" mail port &
server=$!
for _ in $(seq 1200); do [[ -s port ]] && break; sleep 0.05; done
[[ -s port ]] || { echo "the SMTP server did not start"; exit 1; }
cat > newsdesk.toml <<TOML
$store_toml
[edition]
min_stories = 0  # the edition's stories are not under test: the exactly-once send is
[subscribers]
dns_server = "127.0.0.1:1"  # nobody answers: the pre-send check asks no real DNS (and --force sends past it)
[mail.relays.local]
host = "127.0.0.1"
port = $(cat port)
tls = "none"
connections = $pool
timeout_seconds = 20
TOML
nd() { "$bin" -c newsdesk.toml "$@"; }
seq -f "reader%g@example.net" 1 $readers | nd subscribers import - --confirmed > /dev/null
nd edition build --out edition > /dev/null 2>&1

sent_so_far() { nd send --status | sed -n 's/.* \([0-9]*\) sent,.*/\1/p'; }
for k in $(seq $kills); do
  # The binary itself in the background (not a shell function, whose subshell is all kill would reach).
  "$bin" -c newsdesk.toml send --force > send.out 2> send.err &
  sender=$!
  second=""
  if [[ $k -eq 1 ]]; then
    # Two senders share one edition, each claiming pages of copies: both are killed.
    "$bin" -c newsdesk.toml send --force > second.out 2> second.err &
    second=$!
  fi
  # A random moment: when the ledger has passed a random count in this third of the list.
  target=$(( (k - 1) * readers * 3 / 10 + RANDOM % (readers / 5) ))
  while kill -0 $sender 2>/dev/null && [[ $(sent_so_far) -lt $target ]]; do sleep 0.01; done
  kill -9 $sender 2>/dev/null || { cat send.out send.err; echo "the sender finished before kill $k"; exit 1; }
  wait $sender 2>/dev/null || true
  if [[ -n $second ]]; then
    kill -9 $second 2>/dev/null || { cat second.out second.err; echo "the second sender finished before kill $k"; exit 1; }
    wait $second 2>/dev/null || true
  fi
  echo "kill $k (aimed past $target): $(sent_so_far) sent so far"
done
nd send --force > send.out 2> send.err || { cat send.out send.err; exit 1; }
cat send.out
nd send --status | tee status.txt
grep -q " $readers sent, 0 deferred, 0 failed" status.txt || { echo "not every copy is recorded as sent"; exit 1; }

# Count at the server: every reader once, at most pool x senders killed twice.
/usr/bin/python3 - mail $readers $((pool * (kills + 1))) <<'PY'
import collections, os, sys
folder, readers, allowed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = collections.Counter()
for name in (n for n in os.listdir(folder) if n.endswith(".eml")):
    with open(os.path.join(folder, name), "rb") as f:
        first = f.readline().decode()  # X-Envelope-From
        to = f.readline().decode()
    assert to.startswith("X-Envelope-To: "), to
    for rcpt in to[len("X-Envelope-To: "):].strip().split(","):
        seen[rcpt] += 1
missing = [f"reader{i}@example.net" for i in range(1, readers + 1) if seen[f"reader{i}@example.net"] == 0]
extra = sum(n - 1 for n in seen.values() if n > 1)
print(f"received {sum(seen.values())} copies for {len(seen)} readers; missing {len(missing)}; duplicates {extra} (allowed {allowed})")
assert not missing, missing[:10]
assert extra <= allowed, f"{extra} duplicates, more than {allowed}"
PY
