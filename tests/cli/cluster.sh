#!/usr/bin/env bash
# newsdesk cluster --jsonl: id<TAB>story-id per input line, same order; bad lines are skipped.
set -euo pipefail
bin=$1
out=$(printf '%s\n' \
  '{"id":"a","time":"2026-11-29T09:00:00Z","title":"Navy awards Corran $4.2 billion frigate contract","text":"The Navy awarded Corran Marine a contract for six frigates at Port Alder."}' \
  'not json' \
  '{"id":"b","time":null,"title":"Corran wins Navy frigate contract worth $4.2 billion","text":"Corran Marine will build six frigates for the Navy at its Port Alder yard."}' \
  '{"id":7,"title":"Mariners win the national cup final in extra time","text":"The Kessel Bay Mariners won 3-2."}' \
  | "$bin" cluster --jsonl - 2>/dev/null)
lines=$(printf '%s\n' "$out" | wc -l)
[ "$lines" -eq 3 ] || { echo "expected 3 lines, got: $out"; exit 1; }
a=$(printf '%s\n' "$out" | awk -F'\t' '$1=="a"{print $2}')
b=$(printf '%s\n' "$out" | awk -F'\t' '$1=="b"{print $2}')
c=$(printf '%s\n' "$out" | awk -F'\t' '$1=="7"{print $2}')
[ -n "$a" ] && [ "$a" = "$b" ] || { echo "a and b should share a story: $out"; exit 1; }
[ "$a" != "$c" ] || { echo "the cup final is another story: $out"; exit 1; }
[ "$(printf '%s\n' "$out" | head -1 | cut -f1)" = "a" ] || { echo "order not kept: $out"; exit 1; }
echo "cluster --jsonl: ok"
