#!/usr/bin/env bash
# bounces process: a Maildir of the invented bounces in tests/fixtures/dsn is
# read, each message kept and applied once: hard bounces suppress the
# address, a complaint unsubscribes, auto-replies change nothing, a broken
# report is named; read messages move to cur/; a second run applies nothing.
# On the store NEWSDESK_TEST_STORE names (tests/cli/store_helper.sh).
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
fixtures=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures/dsn" && pwd)
dir=$(mktemp -d)
trap 'store_cleanup; rm -rf "$dir"' EXIT
cd "$dir"
store_init "$dir/desk.db"
printf '[edition]\nfrom = "Daily Headlines <headlines@news.example>"\n' > newsdesk.toml
nd() { "$bin" -c newsdesk.toml --db "$store_location" "$@"; }
# Subscribers 1..80, so that the fixtures' return paths name real ones.
seq -f "reader%g@example.net" 1 80 | nd subscribers import - --confirmed > /dev/null
mkdir -p bounces/new bounces/cur bounces/tmp
for f in 01-postfix-user-unknown 05-postfix-delayed 08-arf-abuse-complaint 09-out-of-office 11-not-ours-postmaster \
         13-truncated-before-action 17-verp-uppercase-local; do
  cp "$fixtures/$f.eml" "bounces/new/1700000000.$f.host"
done
nd bounces process bounces > out.txt 2> err.txt
cat out.txt
grep -q "^7 messages: 2 hard bounces (2 addresses suppressed), 1 soft, 1 complaints (unsubscribed), 2 not bounces, 1 unreadable; 0 applied before" out.txt \
  || { cat err.txt; echo "unexpected counts"; exit 1; }
grep -q "13-truncated-before-action.*no recipient with an Action" err.txt || { cat err.txt; echo "the broken report is not named"; exit 1; }
nd subscribers list > list.txt
state() { awk -F'\t' -v id="$1" '$1 == id { print $3 }' list.txt; }
[[ $(state 42) == bounced ]] || { echo "42 should be bounced: $(state 42)"; exit 1; }
[[ $(state 9) == bounced ]] || { echo "9 should be bounced: $(state 9)"; exit 1; }
[[ $(state 55) == unsubscribed ]] || { echo "55 complained: $(state 55)"; exit 1; }
[[ $(state 48) == confirmed ]] || { echo "48 had a soft bounce only: $(state 48)"; exit 1; }
[[ $(state 12) == confirmed ]] || { echo "12 only auto-replied: $(state 12)"; exit 1; }
[[ -z $(ls bounces/new) ]] || { echo "read messages stay in new/"; exit 1; }
[[ $(ls bounces/cur | grep -c ':2,S$') -eq 7 ]] || { ls bounces/cur; echo "read messages are not in cur/ flagged Seen"; exit 1; }
nd bounces process bounces > again.txt
grep -q "^0 messages: .* 7 applied before" again.txt || { cat again.txt; echo "a second run applied something again"; exit 1; }
# Not a folder: a clear error, exit 1.
if nd bounces process nowhere 2> missing.err; then echo "a missing Maildir was accepted"; exit 1; fi
grep -q "nowhere: not a folder" missing.err || { cat missing.err; exit 1; }
echo "bounces: ok"
