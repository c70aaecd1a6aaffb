#!/usr/bin/env bash
# The workers' crash test (issue 18): three `newsdesk worker --roles
# poll,fetch,cluster,send` share a desk of 2,000 feeds (2 items each) on five
# loopback sites (tests/support/news_web.py, which counts every request) and
# 10,000 confirmed subscribers, whose edition falls due while they work (at
# the next whole minute when that is 5 to 45 s away, else as they start) and
# goes out through a real SMTP server on loopback (tests/support/smtp_fault_server.py
# in its plain mode, one file per message received). One of them is killed with
# SIGKILL and another started in its place every time the store shows progress:
# up to KILLS times as the ingest moves on, and SEND_KILLS times as the ledger
# passes each of SEND_KILLS marks spread over the list (the victim then one
# with SMTP connections open, when one has). Then the last ones run until
# nothing is left and stop on SIGTERM. Then, the ingest: every feed was
# polled, every page fetched (none left new), each article stored once and
# placed into a story, and no page asked for more than 1 + kills times (pages
# in flight at a kill may be asked again once the dead worker's lease has run
# out). The send: the ledger says every copy sent, every subscriber received
# at least one (every copy of one edition, with its own Message-ID), and the
# copies received twice are no more than the relay's connections (one copy in
# flight each: the sender marks a copy 'sending' and records its outcome with
# the next one's) times the kills that may have caught a sender at work.
# On PostgreSQL: a fresh database on the tests' server (tests/cli/store_helper.sh).
#   worker_crash.sh NEWSDESK [FEEDS [KILLS [ITEMS [READERS [SEND_KILLS]]]]]
set -euo pipefail
bin=$1
feeds=${2:-2000}
max_kills=${3:-6}
items=${4:-2}
readers=${5:-10000}
max_send_kills=${6:-3}
lease=10
connections=4  # the relay's: one copy in flight each
export NEWSDESK_TEST_STORE=postgresql
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
web=""
smtp=""
declare -A running=()  # worker name -> its pid (the newsdesk process itself)
declare -A guard=()    # worker name -> the pid of the `timeout` it runs under
started=$SECONDS

fail() {
  echo "FAIL: $*" >&2
  for log in "$dir"/w*.log; do
    [[ -f $log ]] || continue
    echo "--- the last lines of $(basename "$log"):" >&2
    tail -n 8 "$log" >&2
  done
  exit 1
}
cleanup() {
  for pid in "${running[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [[ -n $web ]] && kill "$web" 2>/dev/null
  [[ -n $smtp ]] && kill "$smtp" 2>/dev/null
  store_cleanup
  if [[ -n ${WORKER_CRASH_KEEP:-} ]]; then echo "kept: $dir" >&2; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 1' TERM INT
cd "$dir"
store_init "$dir/unused.db"

# The web: five sites (one per address), each with its share of the feeds.
timeout 300 python3 "$tests/support/news_web.py" --feeds "$feeds" --items $items --lifetime 280 \
  --words "$tests/../sample/articles" --hosts 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 "$dir" &
web=$!
# The relay: a real SMTP server that keeps every message it accepts (mail/NNNNNN.eml).
mkdir mail
timeout 300 /usr/bin/python3 "$tests/support/smtp_fault_server.py" mail smtp.port &
smtp=$!
for _ in $(seq 600); do [[ -s ready && -s smtp.port ]] && break; kill -0 $web 2>/dev/null && kill -0 $smtp 2>/dev/null || break; sleep 0.1; done
[[ -s ready ]] || fail "the loopback web did not start"
[[ -s smtp.port ]] || fail "the SMTP server did not start"
counts_url="http://$(cut -d' ' -f1 ready)/_counts"
smtp_port=$(cat smtp.port)

cat > newsdesk.toml <<TOML
$store_toml
[fetch]
allow_private_addresses = true
per_domain_delay_ms = 0
per_domain_concurrency = 4
respect_robots = true
[workers]
lease_seconds = $lease
batch = 64
idle_seconds = 2
[mail.relays.local]
host = "127.0.0.1"
port = $smtp_port
tls = "none"
connections = $connections
timeout_seconds = 20
TOML
nd() { timeout 60 "$bin" -c newsdesk.toml "$@"; }
# All but the last few feeds now; those after the workers have stopped.
late=10
head -n $((2 + feeds - late)) sources.opml > early.opml
echo "</body></opml>" >> early.opml
nd sources import-opml early.opml | grep -q "imported $((feeds - late)) source" || fail "the sources were not imported"
seq -f "reader%g@example.net" 1 "$readers" | nd subscribers import - --confirmed > import.out || fail "the subscribers were not imported"
# The edition falls due while the workers work: send_time is HH:MM, so at
# the next whole minute (UTC) when that is 5 to 45 s away. Otherwise (lest
# the test wait for it, or the date change before it) the minute begun: due
# as the workers start, which they see at their first look.
now=$(date +%s)
due_at=$(( (now / 60 + 1) * 60 ))
if (( due_at - now < 5 || due_at - now > 45 )) || [[ $(date -u -d "@$due_at" +%F) != $(date -u -d "@$now" +%F) ]]; then
  due_at=$(( now / 60 * 60 ))
fi
send_time=$(date -u -d "@$due_at" +%H:%M)
cat >> newsdesk.toml <<TOML
[edition]
min_stories = 0  # due mid-ingest, it may be thin: the exactly-once send is under test
time_zone = "UTC"
send_time = "$send_time"
TOML

# Where the work stands: one JSON object (newsdesk worker --status --json).
status() { nd worker --status --json 2> status.err || { cat status.err >&2; fail "worker --status failed"; }; }
# Where the edition's copies stand: "QUEUED SENDING SENT DEFERRED FAILED BOUNCED"
# from the ledger, or "none" before the edition is built.
ledger() {
  local out
  if out=$(nd send --status 2> ledger.err); then
    sed -n 's/^edition of [0-9-]*: \([0-9]*\) queued, \([0-9]*\) sending, \([0-9]*\) sent, \([0-9]*\) deferred, \([0-9]*\) failed, \([0-9]*\) bounced$/\1 \2 \3 \4 \5 \6/p' <<< "$out"
  elif grep -q "no edition of" ledger.err; then
    echo none
  else
    cat ledger.err >&2; fail "send --status failed"
  fi
}
# Of a status and a ledger: the ingest's steps done (feeds polled, pages
# fetched or failed, articles placed into stories), the copies sent, and
# "finished" when nothing is due, waiting or unplaced and every copy is sent.
progress() {
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); ledger=sys.argv[2].split()
done = s["sources"]-s["feeds_due"] + s["pages_fetched"]+s["pages_failed"]+s["pages_skipped"] + s["articles"]-s["articles_not_in_a_story"]
idle = s["feeds_due"] == 0 and s["pages_waiting"] == 0 and s["articles_not_in_a_story"] == 0
sent = int(ledger[2]) if len(ledger) == 6 else 0
all_sent = len(ledger) == 6 and sent == int(sys.argv[4]) and sum(map(int, ledger)) == sent
print(done, sent, "finished" if idle and done >= int(sys.argv[3]) and all_sent else "working")' "$1" "$2" "$total_work" "$readers"
}
total_work=$(((feeds - late) * (1 + 2 * items)))

next=0
start_worker() {
  local name=w$((++next)) pid=""
  # Under `timeout` (so that it cannot outlive the test by long), but kill -9
  # must reach the worker itself: timeout's child.
  timeout -s KILL 280 "$bin" -c newsdesk.toml worker --roles poll,fetch,cluster,send --name "$name" > "$name.out" 2> "$name.log" &
  guard[$name]=$!
  for _ in $(seq 200); do pid=$(pgrep -P "${guard[$name]}" || true); [[ -n $pid ]] && break; sleep 0.05; done
  [[ -n $pid ]] || fail "worker $name did not start"
  running[$name]=$pid
}
# The workers with a session open to the relay now (sending copies).
senders_now() {
  local pids name
  pids=$(ss -Htnp state established "( dport = :$smtp_port )" 2>/dev/null | grep -o 'pid=[0-9]*' | sort -u || true)
  for name in "${!running[@]}"; do
    grep -qx "pid=${running[$name]}" <<< "$pids" && echo "$name"
  done
  return 0
}
for _ in 1 2 3; do start_worker; done
echo "3 workers at $((SECONDS - started)) s; the edition falls due at $send_time UTC ($((due_at - $(date +%s))) s from now)"

kills=0          # all of them
ingest_kills=0   # as the ingest moved on
send_kills=0     # as the ledger passed a mark
sending_kills=0  # those that may have caught a sender with copies in flight
last_done=0
step=$((total_work / (max_kills + 3)))
while (( ingest_kills < max_kills || send_kills < max_send_kills )); do
  # Until the ingest has moved on a step since its last kill, or the ledger has
  # passed the next mark (a minute without any progress fails).
  deadline=$((SECONDS + 60))
  last_seen=-1
  while :; do
    s=$(status)
    l=$(ledger)
    read -r now_done sent state <<< "$(progress "$s" "$l")"
    [[ $state == finished ]] && break 2  # all done before the kills ran out
    mark=$((readers * (send_kills + 1) / (max_send_kills + 1)))
    if (( send_kills < max_send_kills && sent >= mark && sent < readers )); then why=send; break; fi
    if (( ingest_kills < max_kills && now_done >= last_done + step )); then why=ingest; break; fi
    (( now_done + sent > last_seen )) && { last_seen=$((now_done + sent)); deadline=$((SECONDS + 60)); }
    # (Waiting for the edition to fall due is not a lack of progress.)
    [[ $l == none ]] && (( $(date +%s) <= due_at )) && deadline=$((SECONDS + 60))
    (( SECONDS < deadline )) || fail "no progress in a minute: $s; ledger: $l"
    for name in "${!running[@]}"; do
      kill -0 "${running[$name]}" 2>/dev/null || fail "worker $name stopped by itself"
    done
    # Closer looks while the copies go out (faster than the pages).
    if [[ $l != none ]] && (( sent < readers )); then sleep 0.2; else sleep 1; fi
  done
  names=("${!running[@]}")
  mapfile -t busy < <(senders_now)
  [[ $why == send ]] && (( ${#busy[@]} > 0 )) && names=("${busy[@]}")
  victim=${names[RANDOM % ${#names[@]}]}
  kill -9 "${running[$victim]}"
  wait "${guard[$victim]}" 2>/dev/null || true
  unset "running[$victim]" "guard[$victim]"
  kills=$((kills + 1))
  if [[ $why == send ]]; then send_kills=$((send_kills + 1)); else ingest_kills=$((ingest_kills + 1)); last_done=$now_done; fi
  # It may have had copies in flight unless every copy was sent before the
  # kill, or no edition was built even after it.
  in_flight=""
  if (( sent < readers )) && [[ $(ledger) != none ]]; then sending_kills=$((sending_kills + 1)); in_flight=", may have had copies in flight"; fi
  echo "kill $kills at $((SECONDS - started)) s ($why; sending: ${busy[*]:-none}$in_flight): $victim, with $now_done of $total_work steps done and $sent of $readers copies sent;" \
       "its last line: $(tail -n 1 "$victim.log" | tr -d '\r' | cut -c1-90)"
  start_worker
done

(( kills >= (max_kills + max_send_kills < 3 ? max_kills + max_send_kills : 3) )) || fail "the work was done after $kills kills: too little of it was done under kills to tell anything"
(( send_kills >= (max_send_kills < 2 ? max_send_kills : 2) )) ||
  fail "the edition was sent after $send_kills kills during the send: too little of it was sent under kills to tell anything"

# The last ones run to the end: nothing due, waiting or unplaced, every copy
# sent (bounded: a minute without progress fails; a dead worker's claims come
# back after its lease).
deadline=$((SECONDS + 60))
last=-1
while :; do
  s=$(status)
  l=$(ledger)
  read -r now_done sent state <<< "$(progress "$s" "$l")"
  [[ $state == finished ]] && break
  (( now_done + sent > last )) && { last=$((now_done + sent)); deadline=$((SECONDS + 60)); }
  [[ $l == none ]] && (( $(date +%s) <= due_at )) && deadline=$((SECONDS + 60))
  (( SECONDS < deadline )) || fail "no progress in a minute at the end: $s; ledger: $l"
  sleep 1
done
echo "all done at $((SECONDS - started)) s: $s; ledger (queued, sending, sent, deferred, failed, bounced): $l"
for name in "${!running[@]}"; do kill -TERM "${running[$name]}"; done
for name in "${!running[@]}"; do
  pid=${running[$name]}
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && fail "worker $name did not stop within a minute of SIGTERM"
  wait "${guard[$name]}" || fail "worker $name exited with status $? on SIGTERM"
  unset "running[$name]" "guard[$name]"
done

# Stopped workers give their sites back: a worker started right after them
# (within their leases) polls the late feeds, all on a site one of them held.
nd sources import-opml sources.opml | grep -q "imported $late source" || fail "the late sources were not imported"
nd worker --once --roles poll,fetch,cluster --name w-once > w-once.out 2> w-once.log || fail "worker --once failed"
grep -q "^$late feeds polled, $((late * items)) new entries; $((late * items)) pages fetched" w-once.out ||
  fail "a worker --once right after the others stopped did the late feeds' work only in part (their sites not given back?): $(cat w-once.out)"
echo "worker --once after them: $(cat w-once.out)"
# The story writer's role is not given back on stopping (the store has no way
# to): the last leader's lease runs out first (lease_seconds).
deadline=$((SECONDS + 60))
while :; do
  s=$(status)
  read -r now_done sent state <<< "$(progress "$s" "$l")"
  [[ $state == finished ]] && break
  (( SECONDS < deadline )) || fail "the late articles were not placed into stories within a minute: $s"
  nd worker --once --roles cluster --name w-place >> w-place.out 2>> w-place.log || fail "worker --once --roles cluster failed"
  sleep 1
done
grep -l -E "AddressSanitizer|LeakSanitizer|runtime error:" w*.log && fail "a sanitizer reported an error (above: the logs)"
# What went wrong on the way, for the record (the checks below judge the outcome).
errors=$(grep -h "^error:" w*.log | cut -c1-200 | sort | uniq -c | sort -rn | head -n 5 || true)
[[ -z $errors ]] || printf 'errors the workers logged:\n%s\n' "$errors"
echo "the edition was built by: $(grep -l "^info: edition .*: built," w*.log | sed 's/\.log$//' | tr '\n' ' ')"

# The figures, at the web and in the store.
timeout 30 curl -sf "$counts_url" > counts.json || fail "the web's counts cannot be read"
nd sources list --json > sources.jsonl
status > status.json
ledger > ledger.txt
python3 - "$kills" "$feeds" "$items" "$readers" "$connections" "$sending_kills" <<'PY' || fail "the checks above failed"
import collections, json, os, re, sys
kills, feeds, items, readers, connections, sending_kills = map(int, sys.argv[1:])
counts = json.load(open("counts.json"))
web = json.load(open("web.json"))
status = json.load(open("status.json"))
sources = [json.loads(line) for line in open("sources.jsonl")]
problems = []

feed_asks = [counts.get(url, 0) for url in web["feeds"]]
unpolled = [url for url, n in zip(web["feeds"], feed_asks) if n == 0]
print(f"feeds: {len(web['feeds'])}, each asked for at least once: {not unpolled}; "
      f"asked again (claimed by a killed worker): {sum(1 for n in feed_asks if n > 1)}; most asks of one feed: {max(feed_asks)}")
if unpolled:
    problems.append(f"{len(unpolled)} feeds never asked for, e.g. {unpolled[:3]}")
not_ok = [s for s in sources if s["health"] != "ok" or not s["last_polled"]]
if len(sources) != feeds or not_ok:
    problems.append(f"{len(sources)} sources; {len(not_ok)} not polled successfully, e.g. {not_ok[:2]}")

page_asks = [counts.get(url, 0) for url in web["articles"]]
asked = sum(1 for n in page_asks if n > 0)
repeats = sum(1 for n in page_asks if n > 1)
print(f"pages: {len(web['articles'])} in the web, {asked} asked for, {repeats} asked more than once "
      f"({sum(page_asks) - asked} asks again in all, about {(sum(page_asks) - asked) / max(kills, 1):.0f} a kill; "
      f"most asks of one page: {max(page_asks)}, allowed: 1 + {kills} kills)")
if asked != len(web["articles"]):
    problems.append(f"{len(web['articles']) - asked} pages never asked for")
over = [(url, n) for url, n in zip(web["articles"], page_asks) if n > 1 + kills]
if over:
    problems.append(f"{len(over)} pages asked for more than 1 + {kills} times, e.g. {over[:3]}")
known = set(web["feeds"]) | set(web["articles"])
other = {url: n for url, n in counts.items() if url not in known and not url.endswith("/robots.txt")}
if other:
    problems.append(f"requests for pages the web does not have: {dict(list(other.items())[:5])}")

print(f"store: {status['pages_fetched']} pages fetched, {status['pages_failed']} failed, {status['pages_skipped']} skipped, "
      f"{status['pages_waiting']} waiting; {status['articles']} articles, {status['articles_not_in_a_story']} not in a story; "
      f"{status['stories']} stories (the web has {len(web['articles']) // 3} topics); {status['feeds_due']} feeds due")
pages = feeds * items
if status["pages_waiting"] != 0:
    problems.append(f"{status['pages_waiting']} entries left new")
if status["pages_fetched"] + status["pages_failed"] + status["pages_skipped"] != pages:
    problems.append(f"{pages} entries expected, the store has {status['pages_fetched'] + status['pages_failed'] + status['pages_skipped']}")
if status["pages_fetched"] != pages:
    problems.append(f"only {status['pages_fetched']} of {pages} pages fetched as articles")
if status["articles"] != asked:
    problems.append(f"{status['articles']} articles stored for {asked} distinct pages fetched (an article stored twice, or one lost)")
if status["articles_not_in_a_story"] != 0:
    problems.append(f"{status['articles_not_in_a_story']} articles not placed into a story")
if status["feeds_due"] != 0:
    problems.append(f"{status['feeds_due']} feeds still due")

# The send: the ledger, and every message the relay accepted (its envelope
# recipients, and the Message-ID, edition-EDITION-SUBSCRIBER@DOMAIN: the same
# for every attempt at a copy).
ledger = open("ledger.txt").read().split()
print(f"ledger: {dict(zip(['queued', 'sending', 'sent', 'deferred', 'failed', 'bounced'], ledger))}")
if ledger != [str(n) for n in (0, 0, readers, 0, 0, 0)]:
    problems.append(f"the ledger does not say every one of the {readers} copies sent: {ledger}")
received = collections.Counter()
copy_of = {}  # recipient -> the subscriber ids of the Message-IDs it received
editions = set()
subjects = collections.Counter()
for name in sorted(n for n in os.listdir("mail") if n.endswith(".eml")):
    with open(os.path.join("mail", name), "rb") as f:
        head = f.read(16384).split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    head = re.sub(r"\r\n[ \t]+", " ", head)  # folded fields unfolded
    fields = dict(line.split(": ", 1) for line in head.split("\r\n") if ": " in line and not line[0].isspace())
    rcpts = fields.get("X-Envelope-To", "").strip().split(",")
    found = re.fullmatch(r"<edition-(\d+)-(\d+)@[^>]+>", fields.get("Message-ID", "").strip())
    if len(rcpts) != 1 or not found:
        problems.append(f"{name}: not one edition copy to one reader: {rcpts}, {fields.get('Message-ID')}")
        continue
    received[rcpts[0]] += 1
    copy_of.setdefault(rcpts[0], set()).add(found.group(2))
    editions.add(found.group(1))
    subjects[fields.get("Subject", "")] += 1
subscribers = {f"reader{i}@example.net" for i in range(1, readers + 1)}
missing = sorted(subscribers - set(received))
strangers = sorted(set(received) - subscribers)
twice = sum(n - 1 for n in received.values())
allowed = connections * sending_kills
print(f"mail: {sum(received.values())} messages received for {len(received)} readers of {readers}; missing {len(missing)}; "
      f"copies received twice {twice} (allowed: {connections} connections x {sending_kills} kills that may have caught a sender; "
      f"{kills} kills in all); most copies of one: {max(received.values(), default=0)}; editions: {sorted(editions)}")
if missing:
    problems.append(f"{len(missing)} subscribers received no copy, e.g. {missing[:5]}")
if strangers:
    problems.append(f"mail for addresses that are not subscribers: {strangers[:5]}")
if twice > allowed:
    over = sorted(((n, r) for r, n in received.items() if n > 1), reverse=True)[:5]
    problems.append(f"{twice} copies received twice, more than {connections} in flight x {sending_kills} kills = {allowed}; e.g. {over}")
if len(editions) != 1:
    problems.append(f"copies of {len(editions)} editions: {sorted(editions)}")
if len(subjects) != 1:
    # Not failed on: several workers may build the edition at once (each
    # finding none stored), and send what each built.
    print(f"NOTE: the copies carry {len(subjects)} different subjects: {subjects.most_common(3)}")
mixed = {r: ids for r, ids in copy_of.items() if len(ids) != 1}
if mixed:
    problems.append(f"readers who received copies made for others: {dict(list(mixed.items())[:5])}")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
echo "worker crash: $kills kills ($ingest_kills as the ingest moved on, $send_kills as the copies went out); $((SECONDS - started)) s"
