#!/usr/bin/env bash
# The workers' crash test: three `newsdesk worker --roles poll,fetch,cluster`
# share a desk of 2,000 feeds (2 items each) on five loopback sites
# (tests/support/news_web.py, which counts every request); every time the
# store shows progress one of them is killed with SIGKILL and another started
# in its place (at most 6 kills), then the last ones run until nothing is
# left and stop on SIGTERM. Then: every feed was polled, every page fetched
# (none left new), each article stored once and placed into a story, and no
# page asked for more than 1 + kills times (pages in flight at a kill may be
# asked again once the dead worker's lease has run out).
# On PostgreSQL: a fresh database on the tests' server (tests/cli/store_helper.sh).
#   worker_crash.sh NEWSDESK [FEEDS [KILLS]]
set -euo pipefail
bin=$1
feeds=${2:-2000}
max_kills=${3:-6}
items=${4:-2}
lease=10
export NEWSDESK_TEST_STORE=postgresql
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
web=""
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
for _ in $(seq 600); do [[ -s ready ]] && break; kill -0 $web 2>/dev/null || break; sleep 0.1; done
[[ -s ready ]] || fail "the loopback web did not start"
counts_url="http://$(cut -d' ' -f1 ready)/_counts"

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
TOML
nd() { timeout 60 "$bin" -c newsdesk.toml "$@"; }
# All but the last few feeds now; those after the workers have stopped.
late=10
head -n $((2 + feeds - late)) sources.opml > early.opml
echo "</body></opml>" >> early.opml
nd sources import-opml early.opml | grep -q "imported $((feeds - late)) source" || fail "the sources were not imported"

# Where the work stands: one JSON object (newsdesk worker --status --json).
status() { nd worker --status --json 2> status.err || { cat status.err >&2; fail "worker --status failed"; }; }
# Of a status: the steps done (feeds polled, pages fetched or failed, articles
# placed into stories), and "finished" when nothing is due, waiting or unplaced.
progress() {
  python3 -c 'import json,sys; s=json.loads(sys.argv[1])
done = s["sources"]-s["feeds_due"] + s["pages_fetched"]+s["pages_failed"]+s["pages_skipped"] + s["articles"]-s["articles_not_in_a_story"]
idle = s["feeds_due"] == 0 and s["pages_waiting"] == 0 and s["articles_not_in_a_story"] == 0
print(done, "finished" if idle and done >= int(sys.argv[2]) else "working")' "$1" "$total_work"
}
total_work=$(((feeds - late) * (1 + 2 * items)))

next=0
start_worker() {
  local name=w$((++next)) pid=""
  # Under `timeout` (so that it cannot outlive the test by long), but kill -9
  # must reach the worker itself: timeout's child.
  timeout -s KILL 280 "$bin" -c newsdesk.toml worker --roles poll,fetch,cluster --name "$name" > "$name.out" 2> "$name.log" &
  guard[$name]=$!
  for _ in $(seq 200); do pid=$(pgrep -P "${guard[$name]}" || true); [[ -n $pid ]] && break; sleep 0.05; done
  [[ -n $pid ]] || fail "worker $name did not start"
  running[$name]=$pid
}
for _ in 1 2 3; do start_worker; done

kills=0
last_done=0
step=$((total_work / (max_kills + 3)))
while (( kills < max_kills )); do
  # Until the store shows progress since the last kill (bounded at a minute).
  deadline=$((SECONDS + 60))
  while :; do
    s=$(status)
    read -r now_done state <<< "$(progress "$s")"
    [[ $state == finished ]] && break 2  # all done before the kills ran out
    (( now_done >= last_done + step )) && break
    (( SECONDS < deadline )) || fail "no progress in a minute: $s"
    for name in "${!running[@]}"; do
      kill -0 "${running[$name]}" 2>/dev/null || fail "worker $name stopped by itself"
    done
    sleep 1
  done
  names=("${!running[@]}")
  victim=${names[RANDOM % ${#names[@]}]}
  kill -9 "${running[$victim]}"
  wait "${guard[$victim]}" 2>/dev/null || true
  unset "running[$victim]" "guard[$victim]"
  kills=$((kills + 1))
  last_done=$now_done
  echo "kill $kills at $((SECONDS - started)) s: $victim, with $now_done of $total_work steps done;" \
       "its last line: $(tail -n 1 "$victim.log" | tr -d '\r' | cut -c1-90)"
  start_worker
done

(( kills >= (max_kills < 3 ? max_kills : 3) )) || fail "the work was done after $kills kills: too little of it was done under kills to tell anything"

# The last ones run to the end: nothing due, waiting or unplaced (bounded:
# a minute without progress fails; a dead worker's claims come back after
# its lease).
deadline=$((SECONDS + 60))
last=-1
while :; do
  s=$(status)
  read -r now_done state <<< "$(progress "$s")"
  [[ $state == finished ]] && break
  (( now_done > last )) && { last=$now_done; deadline=$((SECONDS + 60)); }
  (( SECONDS < deadline )) || fail "no progress in a minute at the end: $s"
  sleep 1
done
echo "all done at $((SECONDS - started)) s: $s"
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
  read -r now_done state <<< "$(progress "$s")"
  [[ $state == finished ]] && break
  (( SECONDS < deadline )) || fail "the late articles were not placed into stories within a minute: $s"
  nd worker --once --roles cluster --name w-place >> w-place.out 2>> w-place.log || fail "worker --once --roles cluster failed"
  sleep 1
done
grep -l -E "AddressSanitizer|LeakSanitizer|runtime error:" w*.log && fail "a sanitizer reported an error (above: the logs)"

# The figures, at the web and in the store.
timeout 30 curl -sf "$counts_url" > counts.json || fail "the web's counts cannot be read"
nd sources list --json > sources.jsonl
status > status.json
python3 - "$kills" "$feeds" "$items" <<'PY' || fail "the checks above failed"
import json, sys
kills, feeds, items = map(int, sys.argv[1:])
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
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
echo "worker crash: $kills kills; $((SECONDS - started)) s"
