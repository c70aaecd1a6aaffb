#!/usr/bin/env bash
# The Debian package (scripts/package, issue 21): built (or brought up to date)
# from its Release build folder, then checked as Debian would check it:
#   - lintian reports no error (E:); its whole report is printed;
#   - systemd-analyze verify accepts both units, as installed (their
#     /usr/bin/newsdesk pointed at the unpacked binary, the man page theirs);
#   - dpkg unpacks it into a scratch root and registers the conffile;
#   - every file is where it belongs, the binary runs and its version is the
#     package's, the conffile parses and keeps the store in /var/lib/newsdesk,
#     the man page has every command's --help.
#   tests/package/deb.sh SOURCE_DIR
set -uo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

deb=$("$src/scripts/package" 2>"$work/package.log") || { cat "$work/package.log"; echo "FAIL: scripts/package"; exit 1; }
echo "package: $deb ($(stat -c %s "$deb") bytes)"
[[ $(basename "$deb") =~ ^newsdesk_[0-9]+\.[0-9]+\.[0-9]+_amd64\.deb$ ]] || fail "package name $(basename "$deb")"

# lintian: errors fail the test, warnings and notes are shown.
lintian --info "$deb" >"$work/lintian" 2>"$work/lintian.err"
code=$?
echo "lintian (exit $code):"; sed 's/^/  /' "$work/lintian"; [[ -s "$work/lintian" ]] || echo "  no errors, no warnings"
grep -v 'running with root privileges' "$work/lintian.err" | sed 's/^/  /'
grep -q '^E: ' "$work/lintian" && fail "lintian reports errors"
[[ $code -eq 0 ]] || fail "lintian exited $code"

# The tree as installed, and the control files.
tree=$work/tree
if ! dpkg-deb -x "$deb" "$tree" || ! dpkg-deb -e "$deb" "$tree/DEBIAN"; then
  echo "FAIL: dpkg-deb cannot read the package"; exit 1
fi
for f in usr/bin/newsdesk etc/newsdesk/newsdesk.toml lib/systemd/system/newsdesk.service \
         lib/systemd/system/newsdesk-worker@.service usr/share/man/man1/newsdesk.1.gz \
         usr/share/doc/newsdesk/copyright usr/share/doc/newsdesk/changelog.gz \
         usr/share/doc/newsdesk/docs/operations.md usr/share/newsdesk/sample/FORMAT.md; do
  [[ -f "$tree/$f" ]] || fail "/$f is not in the package"
done
[[ -d "$tree/var/lib/newsdesk" ]] || fail "/var/lib/newsdesk is not in the package"
[[ -x "$tree/usr/bin/newsdesk" ]] || fail "/usr/bin/newsdesk is not executable"
grep -qx /etc/newsdesk/newsdesk.toml "$tree/DEBIAN/conffiles" || fail "/etc/newsdesk/newsdesk.toml is not a conffile"
for script in postinst prerm postrm; do
  sh -n "$tree/DEBIAN/$script" || fail "DEBIAN/$script is not valid sh"
done
grep -q 'adduser --system .*newsdesk' "$tree/DEBIAN/postinst" || fail "postinst makes no newsdesk system user"
depends=$(dpkg-deb -f "$deb" Depends)
for d in adduser 'libc6 (>= ' 'libsqlite3-0' 'libcurl4' 'libstdc++6'; do
  [[ "$depends" == *"$d"* ]] || fail "Depends lacks $d (dpkg-shlibdeps?): $depends"
done

# The binary runs, and says the package's version.
version=$(dpkg-deb -f "$deb" Version)
said=$("$tree/usr/bin/newsdesk" --version) || fail "/usr/bin/newsdesk --version failed"
[[ "$said" == "newsdesk $version" ]] || fail "newsdesk --version says '$said', the package is $version"
[[ $(file -b "$tree/usr/bin/newsdesk") == *", stripped"* ]] || fail "/usr/bin/newsdesk is not stripped"
"$tree/usr/bin/newsdesk" worker --help | grep -q -- '--roles' || fail "newsdesk worker has no --roles (newsdesk-worker@.service uses it)"

# The conffile is a valid configuration whose store is the state folder.
conf=$tree/etc/newsdesk/newsdesk.toml
grep -qE '^path = "/var/lib/newsdesk/newsdesk\.db"' "$conf" || fail "the conffile's store is not in /var/lib/newsdesk"
(cd "$work" && "$tree/usr/bin/newsdesk" --config "$conf" --db "$work/check.db" sources list >"$work/out" 2>&1) \
  || { cat "$work/out"; fail "newsdesk does not accept /etc/newsdesk/newsdesk.toml"; }

# The man page: renders, and holds each command's --help (its options too).
man_text=$(MANWIDTH=100 man -l "$tree/usr/share/man/man1/newsdesk.1.gz" 2>"$work/man.err") || fail "man cannot render newsdesk(1)"
[[ -s "$work/man.err" ]] && { cat "$work/man.err"; fail "man warns on newsdesk(1)"; }
for text in 'newsdesk worker' 'newsdesk edition edit pin' 'newsdesk sources add' '--roles' '--no-poll' '/etc/newsdesk/newsdesk.toml'; do
  grep -qF -- "$text" <<<"$man_text" || fail "newsdesk(1) does not mention $text"
done

# The units: the service runs serve, the template a worker, hardened, with
# the state folder the only one written.
units=$tree/lib/systemd/system
grep -qx 'ExecStart=/usr/bin/newsdesk --config /etc/newsdesk/newsdesk.toml serve' "$units/newsdesk.service" \
  || fail "newsdesk.service does not run newsdesk serve with /etc/newsdesk/newsdesk.toml"
grep -qE '^ExecStart=/usr/bin/newsdesk --config /etc/newsdesk/newsdesk.toml worker( |$)' "$units/newsdesk-worker@.service" \
  || fail "newsdesk-worker@.service does not run newsdesk worker with /etc/newsdesk/newsdesk.toml"
for unit in newsdesk.service newsdesk-worker@.service; do
  for line in User=newsdesk ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
              StateDirectory=newsdesk ReadWritePaths=/var/lib/newsdesk Restart=on-failure; do
    grep -qx "$line" "$units/$unit" || fail "$unit lacks $line"
  done
  [[ $(grep -c '^ReadWritePaths=' "$units/$unit") -eq 1 ]] || fail "$unit: more than one ReadWritePaths="
done
# systemd-analyze verify (no systemd needed as PID 1) checks that ExecStart's
# program exists and Documentation='s man page resolves: the units as
# installed, /usr/bin/newsdesk pointed at the unpacked binary, MANPATH at the
# unpacked man pages; the template as its instance @1.
mkdir "$work/units"
sed "s|/usr/bin/newsdesk|$tree/usr/bin/newsdesk|g" "$units/newsdesk.service" >"$work/units/newsdesk.service"
sed "s|/usr/bin/newsdesk|$tree/usr/bin/newsdesk|g" "$units/newsdesk-worker@.service" >"$work/units/newsdesk-worker@1.service"
MANPATH=$tree/usr/share/man systemd-analyze verify "$work/units/newsdesk.service" "$work/units/newsdesk-worker@1.service" \
  >"$work/verify" 2>&1
code=$?
if [[ $code -ne 0 || -s "$work/verify" ]]; then  # it warns of a bad line and exits 0
  sed 's/^/  /' "$work/verify"; fail "systemd-analyze verify rejects the units (exit $code)"
fi

# dpkg itself unpacks it into a scratch root and registers the conffile.
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" && : >"$root/var/lib/dpkg/status"
if dpkg --root="$root" --log=/dev/null --unpack "$deb" >"$work/dpkg" 2>&1; then
  dpkg-query --root="$root" -W -f='${Conffiles}\n' newsdesk | grep -q '^ /etc/newsdesk/newsdesk.toml ' \
    || fail "dpkg does not register /etc/newsdesk/newsdesk.toml as a conffile"
  [[ -x "$root/usr/bin/newsdesk" && -f "$root/lib/systemd/system/newsdesk.service" ]] || fail "dpkg --unpack left files out"
else
  cat "$work/dpkg"; fail "dpkg --root --unpack fails"
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"; exit 1
fi
echo "package checks passed"
