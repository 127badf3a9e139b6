# Sourced by scripts/backup.sh and scripts/restore.sh: turns DATABASE_URL into libpq's
# environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE), so that the password
# never appears on a command line, where `ps` would show it to every user of the machine.
# shellcheck shell=bash

# The URL the site uses when DATABASE_URL is not set (habitat/settings.py).
# shellcheck disable=SC2034  # used by the scripts that source this file
DEFAULT_DATABASE_URL="postgis://habitat:habitat@127.0.0.1:5432/habitat"

# pg_env_from_url URL: exports the PG* variables for URL, or says what is wrong with it.
pg_env_from_url() {
  local python=.venv/bin/python pair
  [ -x "$python" ] || python=python3
  unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE PGSERVICE
  # Python reads the URL as django-environ does (percent-escapes included: a socket directory
  # is written %2Fvar%2Frun%2Fpostgresql) and hands back NUL-separated NAME=value pairs,
  # which no character of a password can break.
  while IFS= read -r -d '' pair; do
    export "${pair?}"
  done < <("$python" - "$1" <<'PY'
import sys
from urllib.parse import parse_qs, unquote, urlsplit

url = urlsplit(sys.argv[1])
if url.scheme not in {"postgis", "postgres", "postgresql", "pgsql"}:
    sys.exit(f"DATABASE_URL must be a postgis:// URL, not {url.scheme or 'one without a scheme'}://")
name = unquote(url.path.lstrip("/"))
if not name:
    sys.exit("DATABASE_URL names no database (postgis://user:password@host:port/NAME)")
try:
    port = url.port
except ValueError:
    sys.exit("DATABASE_URL has a port that is not a number")
values = {
    "PGHOST": unquote(url.hostname or ""),
    "PGPORT": str(port or ""),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": name,
    "PGSSLMODE": parse_qs(url.query).get("sslmode", [""])[0],
}
for key, value in values.items():
    if value:
        sys.stdout.write(f"{key}={value}\0")
PY
  )
  # The loop above cannot see Python's exit status; an unparsed URL leaves PGDATABASE unset.
  if [ -z "${PGDATABASE:-}" ]; then
    echo "Cannot read DATABASE_URL (see the line above); nothing was done." >&2
    return 1
  fi
}

# pg_where DATABASE: where it is, for messages (never the password).
pg_where() {
  printf '%s on %s:%s as %s' "$1" "${PGHOST:-the local socket}" "${PGPORT:-5432}" "${PGUSER:-$(id -un)}"
}
