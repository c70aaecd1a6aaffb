#!/usr/bin/env bash
# `newsdesk demo --once` runs end to end, prints the table and writes the edition.
set -euo pipefail
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$bin" demo --once --out out --work work > stdout.txt 2> stderr.txt || { cat stderr.txt; exit 1; }
grep -q "Headline" stdout.txt
grep -q "^ 1  " stdout.txt
for f in edition.html edition.txt edition.json edition.eml; do
  test -s "out/$f" || { echo "missing out/$f"; exit 1; }
done
grep -q "^Subject: Daily Headlines: " out/edition.eml
python3 - out/edition.eml <<'PY'
import email, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
assert msg['List-Unsubscribe-Post'] == 'List-Unsubscribe=One-Click', msg['List-Unsubscribe-Post']
assert msg.is_multipart() and msg.get_content_type() == 'multipart/alternative'
parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
assert 'Unsubscribe' in parts['text/plain'] and '<table' in parts['text/html']
PY
echo "demo --once: ok"
