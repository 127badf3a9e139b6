#!/usr/bin/env bash
# Proves that scripts/backup.sh and scripts/restore.sh round-trip a populated platform.
#
# It fills a scratch database (habitat_backup_src, never the real habitat) with the demo
# directory, meetings, awards, programme, pages, a staff account, a submitted project and
# uploaded photos and PDFs; backs it up with scripts/backup.sh; restores it with
# scripts/restore.sh into a second scratch database (habitat_backup_dst) and another files
# directory; then compares contents, not just exit codes: every table of the public schema
# (row count and an order-independent checksum of all its rows), every sequence's value, the
# schema itself, and the sha256 of every uploaded file. It also checks that restore refuses
# a non-empty database without --force and a damaged backup, and that --force replaces.
# It prints a table of what it compared and exits non-zero on any difference.
#
# The scratch databases and temporary directories are dropped at the end, whatever happens.
# It uses the shared PostgreSQL on 127.0.0.1:5432, which it never stops; it gives up after
# CHECK_BACKUP_TIMEOUT seconds (default 900).
set -euo pipefail
cd "$(dirname "$0")/.."

limit=${CHECK_BACKUP_TIMEOUT:-900}
if [ -z "${_CHECK_BACKUP_TIMED:-}" ]; then
  export _CHECK_BACKUP_TIMED=1
  # --foreground keeps Ctrl-C working; on time-out this script is told first, so that its
  # trap still drops the scratch databases once the current step ends (two minutes' grace).
  exec timeout --foreground --kill-after=120 "$limit" bash "$0" "$@"
fi

SERVER_URL="postgis://habitat:habitat@127.0.0.1:5432"
SRC=habitat_backup_src
DST=habitat_backup_dst
PYTHON=.venv/bin/python
# Only the scratch databases and directories, whatever the caller's environment says: no
# replica, no bucket, no shared Redis (the loaders must not touch the development site's cache).
unset DATABASE_URL DATABASE_REPLICA_URL MEDIA_S3_BUCKET PGDATABASE PGSERVICE
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=habitat PGPASSWORD=habitat
export REDIS_URL="" DJANGO_DEBUG=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { echo "check-backup: $*" >&2; exit 2; }
sql() { local db=$1; shift; psql -w -X -tAq -v ON_ERROR_STOP=1 -d "$db" "$@"; }

[ -x "$PYTHON" ] || die "no $PYTHON: run make setup first."
pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT (make setup starts it)."

# One run at a time: two would drop each other's scratch databases.
lock="${TMPDIR:-/tmp}/habitat-check-backup.lock"
exec 9>"$lock"
flock -w 300 9 || die "another check-backup has held $lock for five minutes."

work=$(mktemp -d "${TMPDIR:-/tmp}/habitat-check-backup.XXXXXX")
drop_scratch() {
  for db in "$SRC" "$DST" "${DST}_restoring"; do
    sql postgres -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true
  done
}
cleanup() {
  drop_scratch
  rm -rf -- "$work"
}
trap cleanup EXIT
# A signal is handled once the running step ends, maybe inside a redirection: fd 3 is the
# terminal's stderr.
exec 3>&2
trap 'echo "check-backup: interrupted (or over ${limit}s); dropping the scratch databases" >&3; exit 3' INT TERM

# Runs a command with its output in $work/log, shown only when it fails.
quietly() {
  if ! "$@" > "$work/log" 2>&1; then
    cat "$work/log" >&2
    die "failed: $*"
  fi
}
on_src() { DATABASE_URL="$SERVER_URL/$SRC" DJANGO_MEDIA_ROOT="$work/media-src" "$@"; }
on_dst() { DATABASE_URL="$SERVER_URL/$DST" DJANGO_MEDIA_ROOT="$work/media-dst" "$@"; }

# --- A populated source --------------------------------------------------------------------
drop_scratch
say "Creating and migrating $SRC"
sql postgres -c "create database $SRC template template1" >/dev/null
quietly on_src "$PYTHON" manage.py migrate --no-input -v 0
quietly on_src "$PYTHON" manage.py createcachetable
say "Loading the demo directory, meetings, awards, programme, pages and staff account"
for command in load_demo load_demo_meetings load_demo_awards load_demo_programme load_demo_pages demo_staff; do
  quietly on_src "$PYTHON" manage.py "$command"
done
say "Adding uploads (photos, PDFs, a logo), a submitted project, a version, a session, a cache entry"
quietly on_src "$PYTHON" manage.py shell -v 0 -c '
import reversion
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile as Upload

from habitat.models import Organisation
from hubs.models import Meeting, MeetingDocument, MeetingPhoto
from projects.models import Project, ProjectDocument, ProjectPhoto, Status
from tests.factories import make_project, make_user
from tests.factories.files import jpeg, pdf


def stored(row):
    row.full_clean()  # cleans the upload as a form would (re-encoded, metadata removed)
    row.save()


project = Project.objects.public().order_by("pk").first()
stored(ProjectPhoto(project=project, image=Upload("façade.jpg", jpeg()), alt_text="Maisons « en bande »", order=1))
stored(ProjectPhoto(project=project, image=Upload("yard.jpg", jpeg(colour="#aa5500")), alt_text="The yard", order=2))
stored(ProjectDocument(project=project, file=Upload("statuts.pdf", pdf({"/Author": "Zoë"})), title="Statuts"))
meeting = Meeting.objects.order_by("pk").first()
stored(MeetingPhoto(meeting=meeting, image=Upload("hall.jpg", jpeg(colour="#225522")), alt_text="The hall"))
stored(MeetingDocument(meeting=meeting, file=Upload("report.pdf", pdf()), title="Report"))
organisation = Organisation.objects.order_by("pk").first()
organisation.logo = Upload("logo.jpg", jpeg(size=(16, 16)))
stored(organisation)
editor = make_user(display_name="Zoë Ñandú", email="zoe@example.org")
draft = make_project(status=Status.DRAFT, name_en="Coopérative Ñandú")
draft.editors.add(editor)
draft.submit(by=editor)
with reversion.create_revision():
    reversion.set_comment("A version for the history")
    project.save()
session = SessionStore()
session["check"] = "backup"
session.create()
cache.set("check-backup", {"café": 1}, 3600)
'

# --- Back up, restore ------------------------------------------------------------------------
say "Backing up $SRC with scripts/backup.sh"
on_src env BACKUP_DIR="$work/backups" bash scripts/backup.sh
backups=("$work"/backups/*)
if [ ${#backups[@]} != 1 ] || [ ! -d "${backups[0]}" ]; then
  die "expected one backup in $work/backups, found: ${backups[*]}"
fi
backup=${backups[0]}

say "Restoring it into $DST with scripts/restore.sh"
on_dst bash scripts/restore.sh "$backup"

# --- Compare ---------------------------------------------------------------------------------
# Per table of the public schema: "name|rows|checksum", the checksum an md5 of the sorted md5s
# of every row's text, so the physical order of rows does not matter.
TABLES_SQL="
select format('%s|%s|%s', c.relname,
              (xpath('/row/n/text()', x))[1]::text, (xpath('/row/s/text()', x))[1]::text)
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
cross join lateral query_to_xml(format(
  'select count(*) as n, md5(coalesce(string_agg(h, '''' order by h collate \"C\"), '''')) as s
   from (select md5(t::text) as h from %I.%I t) r', n.nspname, c.relname), false, true, '') as x
where n.nspname = 'public' and c.relkind in ('r', 'p')
order by c.relname collate \"C\""
SEQUENCES_SQL="
select format('%s|%s|%s', sequencename, coalesce(last_value::text, 'unused'), '')
from pg_sequences where schemaname = 'public' order by sequencename collate \"C\""

failures=0
rows=0
row() {  # what, source, restored: PASS when equal
  local result=PASS
  if [ "$2" != "$3" ]; then result=FAIL; failures=$((failures + 1)); fi
  rows=$((rows + 1))
  [ "${QUIET_PASS:-no}" = yes ] && [ "$result" = PASS ] && return 0
  printf '%-46s %-30s %-30s %s\n' "$1" "$2" "$3" "$result"
}
check() {  # what, PASS/FAIL condition already decided as 0/1
  local result=PASS
  if [ "$2" != 0 ]; then result=FAIL; failures=$((failures + 1)); fi
  rows=$((rows + 1))
  printf '%-108s %s\n' "$1" "$result"
}
# Joins two "key|a|b" listings on their key; a key on one side only is a difference.
compare_listings() {  # kind, source file, restored file
  local key src_value dst_value
  while IFS='|' read -r key src_value dst_value; do
    row "$1 $key" "$src_value" "$dst_value"
  done < <(LC_ALL=C join -t '|' -a 1 -a 2 -e '(absent)' -o 0,1.2,2.2 \
             <(sed 's/|\([^|]*\)|\([^|]*\)$/|\1 \2/' "$2") \
             <(sed 's/|\([^|]*\)|\([^|]*\)$/|\1 \2/' "$3"))
}
media_listing() {  # "path|sha256|"
  (cd "$1" && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 -r sha256sum) \
    | awk '{ print substr($0, 67) "|" substr($1, 1, 16) "|" }'
}
compare_all() {
  sql "$SRC" -c "$TABLES_SQL" > "$work/src.tables"
  sql "$DST" -c "$TABLES_SQL" > "$work/dst.tables"
  sql "$SRC" -c "$SEQUENCES_SQL" > "$work/src.sequences"
  sql "$DST" -c "$SEQUENCES_SQL" > "$work/dst.sequences"
  media_listing "$work/media-src" > "$work/src.media"
  media_listing "$work/media-dst" > "$work/dst.media"
  printf '%-46s %-30s %-30s %s\n' "compared" "source" "restored" "result"
  compare_listings table "$work/src.tables" "$work/dst.tables"
  compare_listings sequence "$work/src.sequences" "$work/dst.sequences"
  compare_listings file "$work/src.media" "$work/dst.media"
  # Indexes, constraints, triggers, text search configurations, functions: the schema as
  # pg_dump writes it (without owners and grants, which a restore gives to its own role).
  # Comments and the random key of \restrict lines differ between any two dumps. Casts and
  # parentheses are left out: PostgreSQL parses a restored index predicate again and prints
  # it with its casts elsewhere (allauth's "type IN (...)" on a varchar column), the same
  # condition written differently.
  local db
  for db in "$SRC" "$DST"; do
    pg_dump -w --schema-only --no-owner --no-privileges -d "$db" \
      | grep -v -e '^--' -e '^\\restrict ' -e '^\\unrestrict ' \
      | sed -E 's/::(character varying|timestamp with time zone|double precision|[a-z0-9_.]+)(\[\])?//g; s/[()]//g' \
      > "$work/$db.schema"
  done
  row "schema (pg_dump --schema-only)" "$(md5sum < "$work/$SRC.schema" | cut -c1-16)" \
    "$(md5sum < "$work/$DST.schema" | cut -c1-16)"
  diff "$work/$SRC.schema" "$work/$DST.schema" | head -n 20 || true
  row "totals: tables, sequences, files" \
    "$(wc -l < "$work/src.tables"), $(wc -l < "$work/src.sequences"), $(wc -l < "$work/src.media")" \
    "$(wc -l < "$work/dst.tables"), $(wc -l < "$work/dst.sequences"), $(wc -l < "$work/dst.media")"
}

say "Comparing $SRC with $DST, and the uploaded files"
compare_all
[ "$(wc -l < "$work/src.media")" -ge 5 ] || check "the source has the uploaded files the check made" 1
[ "$(grep -c '|[1-9][0-9]*|' "$work/src.tables")" -ge 20 ] || check "the source has at least 20 populated tables" 1

# Every file a restored row names is in the restored files directory.
missing=$(on_dst "$PYTHON" manage.py shell -v 0 -c '
from habitat.uploads import stored_file_models

named = missing = 0
for model in stored_file_models():
    for field in model.file_fields():
        for row in model._default_manager.exclude(**{field.name: ""}):
            named += 1
            missing += not getattr(row, field.name).storage.exists(getattr(row, field.name).name)
print(f"{named} named, {missing} missing")
')
row "files named by the restored database" "${missing%%, *}, 0 missing" "$missing"

modes=$(find "$backup" \( -type d ! -perm 700 \) -o \( -type f ! -perm 600 \) | wc -l)
check "backup directory 0700 and its files 0600 (owner only)" "$modes"
check "backup manifest names the database and both files' sha256" \
  "$(grep -q "^database: *$SRC " "$backup/manifest.txt" && [ "$(grep -c '^[a-z.]* *[0-9]* *[0-9a-f]\{64\}$' "$backup/manifest.txt")" = 2 ]; echo $?)"

# --- Refusals, then --force ------------------------------------------------------------------
say "Restore must refuse: a non-empty database without --force, a damaged backup"
status=0
on_dst bash scripts/restore.sh "$backup" > "$work/refused" 2>&1 || status=$?
check "restore into the non-empty $DST without --force refuses (exit $status, names --force)" \
  "$([ "$status" != 0 ] && grep -q -- '--force' "$work/refused"; echo $?)"
cp -a "$backup" "$work/damaged"
printf 'X' | dd of="$work/damaged/database.dump" bs=1 seek=4096 conv=notrunc status=none
status=0
on_dst bash scripts/restore.sh --force "$work/damaged" > "$work/refused" 2>&1 || status=$?
check "restore --force of a damaged backup refuses (exit $status, says damaged)" \
  "$([ "$status" != 0 ] && grep -q 'damaged' "$work/refused"; echo $?)"
before=$failures
QUIET_PASS=yes compare_all > "$work/after-refusals"
grep -v '^compared' "$work/after-refusals" || true
check "$DST and its files unchanged by the refused restores" "$((failures - before))"

say "Changing $DST: the comparison must see it; restore --force must undo it"
sql "$DST" -c "delete from django_session; update projects_project set name_en = 'changed' where id = (select min(id) from projects_project)" >/dev/null
echo "stray file" > "$work/media-dst/stray.txt"
before=$failures
QUIET_PASS=yes compare_all > "$work/tampered"
failures=$before  # differences made on purpose
seen=0
for changed in "table django_session" "table projects_project" "file stray.txt"; do
  if grep -q "^$changed .*FAIL\$" "$work/tampered"; then seen=$((seen + 1)); fi
done
check "the comparison sees a deleted session, a changed project and a stray file ($seen of 3)" "$((3 - seen))"
before=$failures
quietly on_dst env RESTORE_FORCE=1 bash scripts/restore.sh "$backup"
grep '^Restored' "$work/log"
QUIET_PASS=yes compare_all > "$work/after-force"
grep -v '^compared' "$work/after-force" || true
check "after restore --force (over changed rows and a stray file): every table, sequence and file equal" \
  "$((failures - before))"

echo
if [ "$failures" = 0 ]; then
  echo "PASS: backup and restore round-trip $(wc -l < "$work/src.tables") tables, $(wc -l < "$work/src.sequences") sequences and $(wc -l < "$work/src.media") files ($rows comparisons)."
else
  echo "FAIL: $failures of $rows comparisons differ."
  exit 1
fi
