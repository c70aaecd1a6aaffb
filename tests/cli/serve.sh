#!/usr/bin/env bash
# newsdesk serve (logging JSON lines): the site answers, the edition whose send time has passed
# (in its own time zone) is built and sent to every confirmed reader through
# the relay, and SIGTERM stops the service cleanly (exit 0). On the store
# NEWSDESK_TEST_STORE names (tests/cli/store_helper.sh).
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
server="" desk=""
trap '[[ -n $desk ]] && kill $desk 2>/dev/null; [[ -n $server ]] && kill $server 2>/dev/null; store_cleanup; rm -rf "$dir"' EXIT
cd "$dir"
store_init "$dir/desk.db"
mkdir mail
/usr/bin/python3 "$tests/support/smtp_fault_server.py" mail port &
server=$!
for _ in $(seq 1200); do [[ -s port ]] && break; sleep 0.05; done
web_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The send time: a minute ago in Tokyo, whatever the machine's zone. Near midnight there
# (00:00 to 00:04, when a minute ago may be yesterday's 23:59, and from 23:55, when serve
# may start on the next day), 00:00: it has passed on either day.
now_tokyo=$(TZ=Asia/Tokyo date +%H%M)
if (( 10#$now_tokyo < 5 || 10#$now_tokyo >= 2355 )); then
  send_time="00:00"
else
  send_time=$(TZ=Asia/Tokyo date -d '-1 minute' +%H:%M)
fi
cat > newsdesk.toml <<TOML
$store_toml
[web]
listen = "127.0.0.1"
port = $web_port
[edition]
min_stories = 0  # whatever the sample web yields by then: the schedule is under test
name = "Tokyo Morning"
time_zone = "Asia/Tokyo"
send_time = "$send_time"
from = "Tokyo Morning <desk@news.example>"
[mail.relays.local]
host = "127.0.0.1"
port = $(cat port)
tls = "none"
TOML
printf 'ada@reader.example\ngrace@reader.example\nlin@reader.example\n' | "$bin" -c newsdesk.toml subscribers import - --confirmed > /dev/null
"$bin" -c newsdesk.toml --log-json serve --no-poll > serve.out 2> serve.err &
desk=$!
for _ in $(seq 1200); do
  [[ $(ls mail/*.eml 2>/dev/null | wc -l) -ge 3 ]] && break
  sleep 0.05
done
curl -fsS "http://127.0.0.1:$web_port/healthz" | grep -q ok || { cat serve.err; echo "the site does not answer"; exit 1; }
[[ $(ls mail/*.eml | wc -l) -eq 3 ]] || { cat serve.err; ls mail; echo "the edition did not go to the three readers"; exit 1; }
grep -q "Subject: Tokyo Morning" mail/000001.eml || { head -30 mail/000001.eml; echo "not the scheduled edition"; exit 1; }
# Each beat's live top stories as a feed (none yet here, but a valid JSON Feed); an unknown beat is 404.
curl -fsS "http://127.0.0.1:$web_port/beats/military.json" | /usr/bin/python3 -c 'import json,sys; f=json.load(sys.stdin); assert f["version"].startswith("https://jsonfeed.org/version/1"), f'
[[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$web_port/beats/nothing.atom") == 404 ]] || { echo "an unknown beat's feed is not 404"; exit 1; }
# Prometheus: the ledger's sizes, the sends by outcome, the pages answered.
curl -fsS "http://127.0.0.1:$web_port/metrics" > metrics.txt
for line in 'newsdesk_store_deliveries{state="sent"} 3' 'newsdesk_copies_sent_total{edition="Tokyo Morning",outcome="sent"} 3' \
            'newsdesk_store_subscribers{state="confirmed"} 3' '# TYPE newsdesk_http_requests_total counter' \
            'newsdesk_http_requests_total{code="200",method="GET"}' 'newsdesk_edition_build_seconds{edition="Tokyo Morning"}'; do
  grep -qF "$line" metrics.txt || { cat metrics.txt; echo "/metrics lacks: $line"; exit 1; }
done
kill -TERM $desk
for _ in $(seq 1200); do kill -0 $desk 2>/dev/null || break; sleep 0.05; done
if kill -0 $desk 2>/dev/null; then echo "serve did not stop on SIGTERM"; exit 1; fi
wait $desk || { cat serve.err; echo "serve exited with an error after SIGTERM"; exit 1; }
desk=""
grep -q "serve: stopping" serve.err || { cat serve.err; echo "no clean stop in the log"; exit 1; }
"$bin" -c newsdesk.toml send --status | grep -q " 3 sent," || { "$bin" -c newsdesk.toml send --status; exit 1; }
# --log-json: every line of the log is one JSON object with time, level and message.
/usr/bin/python3 - serve.err <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
assert lines, "no log lines"
for l in lines:
    o = json.loads(l)
    assert set(o) == {"time", "level", "msg"} and o["time"].endswith("Z"), o
PY
echo "serve: ok"
