#!/usr/bin/env bash
# Sets up everything the platform needs on a Debian 12 machine, as root, and is safe to run
# again: apt packages, PostgreSQL + PostGIS (started if stopped), Python 3.12+ and the
# virtual environment built from requirements.lock, the database and its PostGIS extension.
#   scripts/setup.sh            what `make run` needs
#   scripts/setup.sh --browser  the same plus Debian's Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=no
[ "${1:-}" = "--browser" ] && want_browser=yes

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- apt packages ---------------------------------------------------------------------
packages=(postgresql-15 postgresql-15-postgis-3 postgresql-client-15 gdal-bin libgdal32
          libgeos-c1v5 libproj25 gettext make)
[ "$want_browser" = yes ] && packages+=(chromium fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then echo "Run as root (or install: ${missing[*]})" >&2; exit 1; fi
  apt-get update -qq
  # All apt installs happen before PostgreSQL is (re)started: an upgrade of its packages
  # under a running server breaks new connections until the cluster restarts.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- PostgreSQL -------------------------------------------------------------------------
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 \+main'; then
  say "Creating the PostgreSQL 15 cluster"
  pg_createcluster 15 main >/dev/null
fi
if ! pg_lsclusters -h | grep -q '^15 \+main .* online'; then
  say "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect 15 main start
fi
for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

# Administrative SQL runs as the postgres superuser: over TCP where the machine trusts it,
# otherwise through the local socket with peer authentication.
pg_admin() {
  if psql -h 127.0.0.1 -U postgres -w -tAq -c 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -w -v ON_ERROR_STOP=1 -tAq "$@"
  else
    runuser -u postgres -- psql -v ON_ERROR_STOP=1 -tAq "$@"
  fi
}
# The application connects as its own role; CREATEDB lets the tests make their databases.
if [ "$(pg_admin -c "select 1 from pg_roles where rolname='habitat'")" != 1 ]; then
  say "Creating the database role habitat"
  pg_admin -c "create role habitat login createdb password 'habitat'"
fi
# PostGIS in template1, so every database made later (tests, benchmarks) has it without
# needing a superuser.
pg_admin -d template1 -c "create extension if not exists postgis" 2>&1 | grep -v "already exists" || true
# unaccent too (search folds accents, projects migration 0010): trusted, but a template has it ready.
pg_admin -d template1 -c "create extension if not exists unaccent" 2>&1 | grep -v "already exists" || true
for db in habitat; do
  if [ "$(pg_admin -c "select 1 from pg_database where datname='$db'")" != 1 ]; then
    say "Creating the database $db"
    pg_admin -c "create database $db owner habitat"
  fi
  pg_admin -d "$db" -c "create extension if not exists postgis" 2>&1 | grep -v 'already exists' || true
done

# --- Python -----------------------------------------------------------------------------
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  py=$(bash scripts/find-python.sh)
  say "Creating .venv with $py"
  rm -rf .venv
  "$py" -m venv .venv
fi
lock_sum=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ "$(cat .venv/.lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
  say "Installing Python packages from requirements.lock"
  # The filter drops this machine's pip notes about local mirrors that do not exist.
  .venv/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock \
    2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
  echo "$lock_sum" > .venv/.lock-sha256
fi

# --- Map data and scripts served by us ----------------------------------------------------
# Natural Earth's country outlines (world-atlas), topojson-client and the PMTiles readers, from the npm registry at
# the versions of package-lock.json, copied where Django's static files find them
# (var/vendor/ is served as /static/vendor/): the base map needs no third party.
if ! command -v npm >/dev/null; then
  say "Installing npm"
  if [ "$(id -u)" != 0 ]; then echo "Run as root (or install: npm)" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
# Keyed on this script too, so that a change to what is copied is made on every machine.
npm_sum=$(cat package-lock.json scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ "$(cat var/vendor/.lock-sha256 2>/dev/null)" != "$npm_sum" ]; then
  say "Installing the map's data and scripts from package-lock.json"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
  rm -rf var/vendor && mkdir -p var/vendor
  cp node_modules/world-atlas/countries-110m.json node_modules/world-atlas/countries-50m.json var/vendor/
  cp node_modules/world-atlas/LICENSE var/vendor/world-atlas-LICENSE
  cp node_modules/topojson-client/dist/topojson-client.min.js var/vendor/
  cp node_modules/topojson-client/LICENSE var/vendor/topojson-client-LICENSE
  # The street map from an operator's PMTiles file (docs/deploy.md): vector tiles are drawn by
  # protomaps-leaflet, raster tiles by pmtiles' own layer. Served only when one is configured.
  # Without their source maps' comments: the maps are not shipped, and the hashed static
  # files of production refuse a script that names a file they do not have.
  for script in protomaps-leaflet/dist/protomaps-leaflet.js pmtiles/dist/pmtiles.js; do
    sed '/^\/\/# sourceMappingURL=/d' "node_modules/$script" > "var/vendor/$(basename "$script")"
  done
  cp node_modules/protomaps-leaflet/LICENSE var/vendor/protomaps-leaflet-LICENSE
  echo "$npm_sum" > var/vendor/.lock-sha256
fi
