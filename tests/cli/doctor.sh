#!/usr/bin/env bash
# `newsdesk doctor` and `send`'s pre-send check of the mail setup, against a
# DNS server of the test's own (tests/support/dns_stub.py on 127.0.0.1, with
# records for invented domains written here, the DKIM key made by `dkim
# keygen`) and a loopback SMTP server:
#  - a good setup passes every check (exit 0);
#  - each broken one fails (exit 1) with its finding and the record or
#    setting that mends it: no DKIM record, another key, a revoked key, no
#    SPF record, an SPF record that leaves a relay out, one past the limit of
#    10 DNS lookups, no DMARC record, DKIM not aligned with From, an http
#    unsubscribe link, the example's postal address, a template without it;
#    a From subdomain passes with the organisational domain's DMARC record;
#  - `send` refuses a failing setup (exit 1, naming the checks; nothing sent
#    or queued), a dry run only warns, `send --force` sends, and a send of an
#    edition with copies out already does not check again;
#  - after a real send, one processed complaint report (ARF) per 20 copies
#    puts the complaint rate over 0.3%: doctor fails on it.
# On the store NEWSDESK_TEST_STORE names (tests/cli/store_helper.sh).
set -euo pipefail
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
tests=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mktemp -d)
dns="" smtp=""
trap '[[ -n $dns ]] && kill $dns 2>/dev/null; [[ -n $smtp ]] && kill $smtp 2>/dev/null; store_cleanup; rm -rf "$dir"' EXIT
cd "$dir"
store_init "$dir/desk.db"
fail() { echo "doctor.sh: $*" >&2; exit 1; }

# The key newsdesk signs with and the record `dkim keygen` says to publish
# (its strings as printed, and joined); another key, published by mistake.
"$bin" dkim keygen --domain good.example --out dkim.pem > keygen.txt
dkim_strings=$(sed -n 's/^newsdesk\._domainkey\.good\.example\. IN TXT //p' keygen.txt)
[[ -n $dkim_strings ]] || { cat keygen.txt; fail "dkim keygen printed no record"; }
dkim_record=$(sed 's/" "//g; s/^"//; s/"$//' <<< "$dkim_strings")
"$bin" dkim keygen --domain good.example --out other.pem > other.txt
other_strings=$(sed -n 's/^newsdesk\._domainkey\.good\.example\. IN TXT //p' other.txt)

# A good setup at DOMAIN, less the records named in SKIP (dkim spf dmarc).
records() {
  local d=$1 skip=${2:-}
  [[ $skip == *dkim* ]] || echo "newsdesk._domainkey.$d TXT $dkim_strings"
  [[ $skip == *spf* ]] || echo "$d TXT \"v=spf1 a:relay.$d include:_spf.$d -all\""
  echo "$d TXT \"some-site-verification=abc\""
  echo "_spf.$d TXT \"v=spf1 ip4:198.51.100.0/24 ~all\""
  echo "relay.$d A 192.0.2.10"
  [[ $skip == *dmarc* ]] || echo "_dmarc.$d TXT \"v=DMARC1; p=none; rua=mailto:dmarc@$d\""
}
{
  records good.example
  records nodkim.example dkim
  records otherkey.example dkim
  echo "newsdesk._domainkey.otherkey.example TXT $other_strings"
  records revoked.example dkim
  echo "newsdesk._domainkey.revoked.example TXT \"v=DKIM1; k=rsa; p=\""
  records nospf.example spf
  records spfleft.example spf
  echo "spfleft.example TXT \"v=spf1 ip4:203.0.113.0/24 include:_spf.spfleft.example -all\""
  records spfloop.example spf
  includes=""
  for i in $(seq 11); do
    includes+=" include:l$i.spfloop.example"
    echo "l$i.spfloop.example TXT \"v=spf1 ip4:203.0.113.$i -all\""
  done
  echo "spfloop.example TXT \"v=spf1$includes a:relay.spfloop.example -all\""
  records nodmarc.example dmarc
  # A From subdomain: its own SPF record (the return path is at the From
  # domain), the DMARC record only at the organisational domain.
  records orgwide.example
  echo "news.orgwide.example TXT \"v=spf1 a:relay.orgwide.example include:_spf.orgwide.example -all\""
} > zone.txt
/usr/bin/python3 "$tests/support/dns_stub.py" dns-port zone.txt &
dns=$!
mkdir mail
/usr/bin/python3 "$tests/support/smtp_fault_server.py" mail smtp-port &
smtp=$!
for _ in $(seq 1200); do [[ -s dns-port && -s smtp-port ]] && break; sleep 0.05; done
[[ -s dns-port && -s smtp-port ]] || fail "the DNS or SMTP server did not start"

# The configuration of a desk mailing as news@FROM, signing as DKIM_DOMAIN,
# through relay.RELAY_DOMAIN and 198.51.100.7 (or, with RELAY=local, the
# loopback SMTP server). SITE, POSTAL and TEMPLATES change the edition.
configure() {
  local from=$1 dkim=${2:-$1} relay_domain=${3:-$1}
  local templates_line=""
  [[ -z ${TEMPLATES:-} ]] || templates_line="templates = \"$TEMPLATES\""
  {
    printf '%s\n' "$store_toml"
    cat <<TOML
[subscribers]
dns_server = "127.0.0.1:$(cat dns-port)"
[edition]
from = "Good News <news@$from>"
site_url = "${SITE:-https://$from}"
postal_address = "${POSTAL:-Good News Ltd, 5 Harbour Road, Portville}"
min_stories = 0  # the edition's stories are not under test
$templates_line
[mail]
dkim_key_file = "dkim.pem"
dkim_domain = "$dkim"
TOML
    if [[ ${RELAY:-} == local ]]; then
      printf '[mail.relays.local]\nhost = "127.0.0.1"\nport = %s\ntls = "none"\n' "$(cat smtp-port)"
    else
      printf '[mail.relays.primary]\nhost = "relay.%s"\n[mail.relays.second]\nhost = "198.51.100.7"\n' "$relay_domain"
    fi
  } > newsdesk.toml
}
nd() { "$bin" -c newsdesk.toml "$@"; }

# doctor on the setup `configure` wrote must fail exactly FAILED (comma-
# separated), CHECK's line saying TEXT, and with FIX, when given, as a fix
# line (its TXT strings joined).
expect_failure() {
  local failed=$1 check=$2 text=$3 fix=${4:-}
  if nd doctor > out.txt 2> err.txt; then cat out.txt; fail "$setup: doctor passed"; fi
  grep -qxF "newsdesk: the mail setup fails: $failed" err.txt || { cat out.txt err.txt; fail "$setup: not exactly $failed failed"; }
  grep -F "FAIL  $check: " out.txt | grep -qF -- "$text" || { cat out.txt; fail "$setup: no '$check' failure saying: $text"; }
  if [[ -n $fix ]]; then
    sed 's/" "//g' out.txt | grep -qxF -- "      fix: $fix" || { cat out.txt; fail "$setup: no fix line: $fix"; }
  fi
  [[ $(grep -c '^\(OK  \|WARN\|FAIL\)  ' out.txt) -eq 7 ]] || { cat out.txt; fail "$setup: not one line per check"; }
  echo "$setup: $(grep -F "FAIL  $check: " out.txt)"
}

setup="good.example"
configure good.example
nd doctor > out.txt 2> err.txt || { cat out.txt err.txt; fail "the good setup fails"; }
cat out.txt
[[ $(grep -c '^OK    ' out.txt) -eq 7 ]] || fail "the good setup: not 7 checks OK"
for check in dkim spf dmarc alignment unsubscribe "postal address" complaints; do
  grep -q "^OK    $check: " out.txt || fail "the good setup: no line for $check"
done
grep -qF "OK    spf: good.example authorises 'primary' (192.0.2.10) by a:relay.good.example" out.txt || fail "spf: relay.good.example"
grep -qF "'second' (198.51.100.7) by include:_spf.good.example" out.txt || fail "spf: the included range"

setup="no DKIM record"
configure nodkim.example
expect_failure dkim dkim "no DKIM record at newsdesk._domainkey.nodkim.example" \
  "newsdesk._domainkey.nodkim.example. TXT \"$dkim_record\""
setup="another key published"
configure otherkey.example
expect_failure dkim dkim "publishes another key than the one in dkim.pem" "newsdesk._domainkey.otherkey.example. TXT \"$dkim_record\""
setup="a revoked key"
configure revoked.example
expect_failure dkim dkim "the key at newsdesk._domainkey.revoked.example is revoked (p= is empty)"
setup="no SPF record"
configure nospf.example
expect_failure spf spf "no SPF record at nospf.example" 'nospf.example. TXT "v=spf1 ip4:192.0.2.10 ip4:198.51.100.7 -all"'
setup="SPF leaves the relay out"
configure spfleft.example
expect_failure spf spf "relay 'primary' (192.0.2.10) gets fail" \
  'spfleft.example. TXT "v=spf1 ip4:192.0.2.10 ip4:203.0.113.0/24 include:_spf.spfleft.example -all"'
setup="SPF past 10 lookups"
configure spfloop.example
expect_failure spf spf "permerror: more than 10 DNS-querying terms" 'spfloop.example. TXT "v=spf1 ip4:192.0.2.10 ip4:198.51.100.7 -all"'
setup="no DMARC record"
configure nodmarc.example
expect_failure dmarc dmarc "no DMARC record for the From domain nodmarc.example" \
  '_dmarc.nodmarc.example. TXT "v=DMARC1; p=none; rua=mailto:dmarc@nodmarc.example"'
setup="DKIM signed for another organisation"
configure good.example orgwide.example
expect_failure alignment alignment "DKIM's d=orgwide.example does not align with the From domain good.example" \
  '[mail] dkim_domain = "good.example"'
setup="an http unsubscribe link"
SITE="http://good.example" configure good.example
expect_failure unsubscribe unsubscribe "List-Unsubscribe has no https URL (http://good.example/unsubscribe)"
setup="the example's postal address"
POSTAL="newsdesk, 1 Example Street, Example City" configure good.example
expect_failure "postal address" "postal address" "still the example's"
setup="a template without the postal address"
mkdir templates
printf '{{subject}}\n\nUnsubscribe: {{unsubscribe_url}}\n' > templates/edition.txt.mustache
TEMPLATES="$dir/templates" configure good.example
expect_failure "postal address" "postal address" "the text part of a copy does not show the postal address"

setup="a From subdomain"
configure news.orgwide.example orgwide.example orgwide.example
nd doctor > out.txt 2> err.txt || { cat out.txt err.txt; fail "$setup fails"; }
grep -qF "OK    dmarc: _dmarc.orgwide.example: p=none (the organisational domain's, for news.orgwide.example)" out.txt \
  || { cat out.txt; fail "$setup: no DMARC record found at the organisational domain"; }
grep -qF "OK    alignment: DKIM's d=orgwide.example aligns with the From domain news.orgwide.example (relaxed)" out.txt \
  || { cat out.txt; fail "$setup: not aligned"; }
echo "$setup: ok"

# send: refused on a failing setup, nothing sent or queued; a dry run warns;
# --force sends; once copies are out, no second check.
stored() { find mail -maxdepth 1 -name '*.eml' | wc -l; }
RELAY=local configure nodmarc.example
seq -f "reader%g@example.net" 1 10 | nd subscribers import - --confirmed > /dev/null
nd edition build --out edition > /dev/null 2>&1
if nd send > send.out 2> send.err; then cat send.out send.err; fail "send went on with no DMARC record"; fi
grep -qF "the pre-send check of the mail setup fails (dmarc): nothing sent" send.err || { cat send.out send.err; fail "send: not named"; }
grep -q "^FAIL  dmarc: " send.out || { cat send.out; fail "send did not print the findings"; }
grep -q "^WARN  spf: .*private address" send.out || { cat send.out; fail "send: the loopback relay is not a private address"; }
[[ $(stored) -eq 0 ]] || fail "send refused, yet $(stored) copies arrived"
nd send --status | grep -q ": 0 queued, 0 sending, 0 sent," || { nd send --status; fail "send refused, yet copies are in the ledger"; }
nd send --dry-run > dry.out 2> dry.err || { cat dry.out dry.err; fail "a dry run was stopped"; }
grep -qF "a real send would stop here" dry.err || { cat dry.err; fail "a dry run does not warn"; }
nd send --force > send.out 2> send.err || { cat send.out send.err; fail "send --force failed"; }
grep -qF "sending anyway (--force)" send.err || { cat send.err; fail "send --force did not say what it overrode"; }
grep -q ": 10 sent, 0 deferred, 0 failed" send.out || { cat send.out; fail "send --force did not send"; }
for _ in $(seq 200); do [[ $(stored) -ge 10 ]] && break; sleep 0.05; done
[[ $(stored) -eq 10 ]] || fail "$(stored) copies arrived, not 10"
nd send > again.out 2> again.err || { cat again.out again.err; fail "a send of an edition already under way was stopped"; }
! grep -q "pre-send check" again.out || { cat again.out; fail "the check ran again for an edition with copies out"; }
echo "send: refused without --force, sent with it, not checked twice"

# A good setup sends without --force; then complaints count.
RELAY=local configure good.example
nd edition build --date 2026-01-05 --out edition > /dev/null 2>&1
nd send --date 2026-01-05 > send.out 2> send.err || { cat send.out send.err; fail "the good setup's send failed"; }
grep -q "^OK    dkim: " send.out || { cat send.out; fail "send did not check"; }
grep -q ": 10 sent," send.out || { cat send.out; fail "the good setup did not send"; }
nd doctor > out.txt 2> err.txt || { cat out.txt err.txt; fail "doctor fails after a clean send"; }
grep -qF "OK    complaints: 0 complaints per 20 copies delivered of the last 2 editions: 0.00%" out.txt || { cat out.txt; fail "complaints"; }
# A reader's complaint (ARF) about their copy, found by its return path.
for _ in $(seq 200); do [[ $(stored) -ge 20 ]] && break; sleep 0.05; done
copy=$(grep -l "^X-Envelope-From: bounce+s3-" mail/*.eml | tail -n 1)
return_path=$(sed -n 's/^X-Envelope-From: //p' "$copy" | tr -d '\r')
[[ $return_path == bounce+s3-d*@good.example ]] || fail "no copy to reader 3: $return_path"
mkdir -p fbl/new fbl/cur fbl/tmp
cat > fbl/new/1700000000.complaint.host <<ARF
From: Feedback Loop <fbl@mail.example>
To: fbl@good.example
Subject: Complaint
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b"

--b
Content-Type: text/plain

A reader marked the attached message as spam.

--b
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: FBL/1
Version: 1
Original-Mail-From: <$return_path>
Original-Rcpt-To: <reader3@example.net>

--b
Content-Type: message/rfc822

Return-Path: <$return_path>
From: Good News <news@good.example>
To: reader3@example.net
Subject: Good News

the copy
--b--
ARF
nd bounces process fbl > bounces.out 2>&1 || { cat bounces.out; fail "bounces process failed"; }
grep -q "1 complaints" bounces.out || { cat bounces.out; fail "the complaint was not read as one"; }
setup="one complaint per 20 copies"
expect_failure complaints complaints "1 complaint per 20 copies delivered of the last 2 editions: 5.00%, at or over the 0.3%"
echo "doctor: ok"
