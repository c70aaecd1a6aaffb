# The desk of a CLI test on the backend NEWSDESK_TEST_STORE names, sourced by
# the scripts that keep one (tests/CMakeLists.txt registers each such script
# twice, cli.NAME.sqlite and cli.NAME.postgresql):
#
#   source "$(dirname "${BASH_SOURCE[0]}")/store_helper.sh"
#   trap '...; store_cleanup' EXIT      # drops the PostgreSQL database, also when the script fails
#   store_init "$dir/desk.db"           # the SQLite file to use when the backend is sqlite
#   "$bin" --db "$store_location" ...   # or the [store] lines: printf '%s\n' "$store_toml" >> newsdesk.toml
#
# sqlite (the default): the file given to store_init. postgresql: a fresh
# database on the tests' server, whose admin URL is in the file
# NEWSDESK_TEST_POSTGRESQL names (ctest's `postgresql` fixture starts it:
# tests/support/pg_server); without a reachable server store_init fails the
# test, it never skips.

store_backend=${NEWSDESK_TEST_STORE:-sqlite}
store_location=""
store_toml=""
store_database=""
store_admin_url=""

# TOML's basic string of $1.
store_toml_string() {
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

store_init() {
  local sqlite_path=$1
  case "$store_backend" in
    sqlite)
      store_location=$sqlite_path
      store_toml="[store]
path = $(store_toml_string "$sqlite_path")"
      ;;
    postgresql)
      local file=${NEWSDESK_TEST_POSTGRESQL:-}
      if [[ -z "$file" ]]; then
        echo "store_helper: NEWSDESK_TEST_POSTGRESQL is not set, so there is no test PostgreSQL server: ctest starts one" \
             "(the postgresql fixture); by hand: tests/support/pg_server start DIR, then NEWSDESK_TEST_POSTGRESQL=DIR/url" >&2
        exit 1
      fi
      store_admin_url=$(head -n 1 "$file" 2>/dev/null || true)
      if [[ -z "$store_admin_url" ]]; then
        echo "store_helper: the test PostgreSQL server's URL file $file cannot be read (did the server start?)" >&2
        exit 1
      fi
      store_database="nd_cli_$$_${RANDOM}"
      if ! psql "$store_admin_url" -v ON_ERROR_STOP=1 -qAt -c "CREATE DATABASE $store_database ENCODING 'UTF8'" >/dev/null; then
        echo "store_helper: cannot create a database on the test PostgreSQL server at $store_admin_url" >&2
        store_database=""
        exit 1
      fi
      # The admin URL naming the new database instead: postgresql://USER@HOST:PORT/DATABASE[?OPTIONS].
      local base=${store_admin_url%%\?*} options=""
      [[ "$store_admin_url" == *\?* ]] && options="?${store_admin_url#*\?}"
      local authority=${base#*://}
      authority=${authority%%/*}
      store_location="${base%%://*}://$authority/$store_database$options"
      store_toml="[store]
url = $(store_toml_string "$store_location")"
      ;;
    *)
      echo "store_helper: NEWSDESK_TEST_STORE is \"$store_backend\": sqlite or postgresql" >&2
      exit 1
      ;;
  esac
}

# Drops the PostgreSQL database store_init made (nothing for SQLite: the
# file is in the test's folder). For the script's EXIT trap; never fails.
store_cleanup() {
  if [[ -n "$store_database" ]]; then
    psql "$store_admin_url" -qAt -c "DROP DATABASE IF EXISTS $store_database WITH (FORCE)" >/dev/null 2>&1 || true
    store_database=""
  fi
  return 0
}
