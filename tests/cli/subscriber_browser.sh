#!/usr/bin/env bash
# The subscriber's lifecycle in headless Chromium against `newsdesk serve`
# and a real SMTP server (aiosmtpd): sign up, confirm from the email,
# preferences, one-click unsubscribe; then the store says unsubscribed and
# keeps the consent evidence. Screenshots in SCREENSHOT_DIR. On the store
# NEWSDESK_TEST_STORE names (tests/cli/store_helper.sh).
#   subscriber_browser.sh NEWSDESK SCREENSHOT_DIR
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
shots=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
server="" desk=""
trap '[[ -n $desk ]] && kill $desk 2>/dev/null; [[ -n $server ]] && kill $server 2>/dev/null; store_cleanup; rm -rf "$dir"' EXIT
cd "$dir"
store_init "$dir/desk.db"
mkdir mail
/usr/bin/python3 "$here/support/smtp_server.py" mail port &
server=$!
for _ in $(seq 1200); do [[ -s port ]] && break; sleep 0.05; done
web_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > newsdesk.toml <<TOML
$store_toml
[web]
port = $web_port
[edition]
site_url = "http://127.0.0.1:$web_port"
from = "Daily Headlines <headlines@news.example>"
[mail.relays.local]
port = $(cat port)
tls = "none"
TOML
"$bin" -c newsdesk.toml serve --no-poll --no-send > serve.out 2> serve.err &
desk=$!
for _ in $(seq 1200); do curl -fsS "http://127.0.0.1:$web_port/healthz" > /dev/null 2>&1 && break; sleep 0.05; done

modules="${NEWSDESK_NODE_DIR:-$shots/../node}"
if [[ ! -f "$modules/node_modules/playwright-core/package.json" ]]; then
  mkdir -p "$modules"
  npm install --no-audit --no-fund --silent --prefix "$modules" playwright-core@1 > /dev/null
fi
node "$here/browser/subscriber_flow.mjs" "$modules/node_modules/playwright-core" "http://127.0.0.1:$web_port" mail "$shots" \
  ada@reader.example || { cat serve.err; exit 1; }
"$bin" -c newsdesk.toml subscribers list > list.txt
grep -qP "\tada@reader.example\tunsubscribed$" list.txt || { cat list.txt; echo "the store does not say unsubscribed"; exit 1; }
echo "subscriber browser flow: ok (screenshots in $shots)"
