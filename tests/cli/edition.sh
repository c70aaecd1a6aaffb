#!/usr/bin/env bash
# rank --explain, and the editor's last word: edition edit (pin/drop/move/retitle/list),
# the deadline, edition build --date and edition show, on the demo's desk. The demo
# builds it in an SQLite file; on PostgreSQL (NEWSDESK_TEST_STORE, tests/cli/store_helper.sh)
# `store copy` puts it into a fresh database first, and every command below works there.
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
dir=$(mktemp -d)
trap 'store_cleanup; rm -rf "$dir"' EXIT
cd "$dir"
"$bin" demo --once --out out --work work > /dev/null 2> demo.err || { cat demo.err; exit 1; }
store_init work/newsdesk.db
if [[ $store_backend != sqlite ]]; then
  "$bin" store copy --from work/newsdesk.db --to "$store_location" > copy.out 2>&1 || { cat copy.out; exit 1; }
fi
nd() { "$bin" --db "$store_location" "$@"; }

# rank: best first, every term explained; the drone swarm leads the sample day.
nd rank --explain --limit 3 > ranked.txt
head -1 ranked.txt | grep -q "drones" || { cat ranked.txt; echo "the drone swarm does not lead"; exit 1; }
for term in outlets relevance recency velocity preferred novelty; do
  grep -q "^ *$term " ranked.txt || { cat ranked.txt; echo "no $term term"; exit 1; }
done
nd rank --json --limit 20 > ranked.jsonl
python3 - ranked.jsonl <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
scores = [r["score"] for r in rows]
assert scores == sorted(scores, reverse=True), scores
assert any(not r["on_beat"] for r in rows), "the off-beat stories should be listed, marked"
PY
lead=$(python3 -c 'import json,sys; print(json.loads(open("ranked.jsonl").readline())["story"])')
second=$(python3 -c 'import json,sys; print(json.loads(open("ranked.jsonl").readlines()[1])["story"])')

# Tomorrow's edition can still be changed; a past one cannot.
tomorrow=$(date -u -d '+1 day' +%F)
nd edition edit --date "$tomorrow" --editor alice drop "$lead" | grep -q "drop story $lead"
nd edition edit --date "$tomorrow" --editor bob pin "$second" --at 1 > /dev/null
nd edition edit --date "$tomorrow" --editor carol retitle "$second" "The editor's headline" > /dev/null
nd edition edit --date "$tomorrow" list > edits.txt
grep -q "alice *drop *story $lead" edits.txt && grep -q "bob *pin *story $second at 1" edits.txt \
  && grep -q "carol *retitle" edits.txt || { cat edits.txt; exit 1; }
if nd edition edit --date 2020-01-01 drop "$lead" 2> late.err; then echo "a past edition was changed"; exit 1; fi
grep -q "too late" late.err
if nd edition edit --date "$tomorrow" drop 999999 2> missing.err; then echo "a missing story was accepted"; exit 1; fi

nd edition build --date "$tomorrow" --out tomorrow > /dev/null
nd edition show --date "$tomorrow" --format json > tomorrow.json
python3 - tomorrow.json "$lead" "$second" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
lead, second = int(sys.argv[2]), int(sys.argv[3])
ids = [i["story_id"] for i in e["items"]]
assert lead not in ids, ids
assert ids and ids[0] == second, ids
assert e["items"][0]["headline"] == "The editor's headline", e["items"][0]
assert [x["editor"] for x in e["edits"]] == ["alice", "bob", "carol"], e["edits"]
PY
nd edition show | grep -q "Daily Headlines"

# A further edition of the configuration: its own name and size.
printf '[editions.brief]\nname = "Morning Brief"\nstories = 3\n' > brief.toml
"$bin" --config brief.toml --db "$store_location" edition build --edition brief --out brief > /dev/null
"$bin" --config brief.toml --db "$store_location" edition show --edition brief --format json > brief.json
python3 -c 'import json; e = json.load(open("brief.json")); assert e["name"] == "Morning Brief" and len(e["items"]) == 3, (e["name"], len(e["items"]))'
if "$bin" --config brief.toml --db "$store_location" edition build --edition nightly 2> nightly.err; then echo "an unknown edition was built"; exit 1; fi
grep -q "brief" nightly.err
# DKIM: a key made by dkim keygen signs the edition's email; a broken key is a configuration error.
"$bin" dkim keygen --algorithm ed25519 --domain news.example --selector s1 --out dkim.pem > keygen.txt
grep -q '^s1._domainkey.news.example. IN TXT "v=DKIM1; k=ed25519; p=' keygen.txt || { cat keygen.txt; exit 1; }
[[ $(stat -c %a dkim.pem) == 600 ]] || { echo "the private key is readable by others"; exit 1; }
printf '[mail]\ndkim_key_file = "dkim.pem"\ndkim_domain = "news.example"\ndkim_selector = "s1"\n' > dkim.toml
"$bin" --config dkim.toml --db "$store_location" edition build --out signed > /dev/null
head -c 200 signed/edition.eml | grep -q "^DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=news.example; s=s1;" \
  || { head -c 400 signed/edition.eml; echo "the edition is not signed"; exit 1; }
python3 -c 'import email, sys; from email import policy; m = email.message_from_binary_file(open("signed/edition.eml", "rb"), policy=policy.default); assert m["DKIM-Signature"] and m.is_multipart()'
echo "not a key" > broken.pem
printf '[mail]\ndkim_key_file = "broken.pem"\ndkim_domain = "news.example"\n' > broken.toml
set +e
"$bin" --config broken.toml --db "$store_location" edition show > /dev/null 2> broken.err
code=$?
set -e
[[ $code -eq 3 ]] || { echo "a broken DKIM key gave exit $code"; cat broken.err; exit 1; }
echo "edition: ok"
