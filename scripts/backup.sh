#!/usr/bin/env bash
# Backs up the platform into a new directory var/backups/<database>-<UTC time>/ (or under
# BACKUP_DIR): the database (pg_dump, custom format), the uploaded files (a tar of MEDIA_ROOT),
# a manifest (date, database, sizes, sha256 of each file) and SHA256SUMS, which
# scripts/restore.sh checks before it changes anything.
#   scripts/backup.sh     reads DATABASE_URL (default: the local habitat database),
#                         DJANGO_MEDIA_ROOT (default: var/media) and BACKUP_DIR
# Everything written is readable by its owner only: the database holds people's names and
# e-mail addresses.
#
# Safe while the site serves: pg_dump reads one consistent snapshot and blocks neither reads
# nor writes (only schema changes, i.e. a migration, wait for it). The files are archived
# after the dump, and an upload is written before its row commits and is never changed or
# deleted afterwards (random names, habitat/uploads.py), so the archive holds every file that
# the dump names; uploads made meanwhile are simply extra files until the next backup.
set -euo pipefail
caller_dir=$PWD
cd "$(dirname "$0")/.."
umask 077

# shellcheck source=scripts/pg-env.sh
. scripts/pg-env.sh

fail() { echo "backup: $*" >&2; exit 1; }

for tool in pg_dump psql tar sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool is missing (make setup installs the PostgreSQL client)."
done
pg_env_from_url "${DATABASE_URL:-$DEFAULT_DATABASE_URL}" || exit 1
media_root=${DJANGO_MEDIA_ROOT:-var/media}
backup_root=${BACKUP_DIR:-var/backups}
# A relative BACKUP_DIR is the caller's; the default and DJANGO_MEDIA_ROOT are the checkout's,
# as for the site.
[ -z "${BACKUP_DIR:-}" ] || [[ $backup_root = /* ]] || backup_root="$caller_dir/$backup_root"

if ! server_version=$(psql -w -X -tAq -v ON_ERROR_STOP=1 -c 'show server_version' 2>&1); then
  fail "cannot connect to the database $(pg_where "$PGDATABASE"): ${server_version}"
fi

# Its parent (var/, which the site also reads) keeps the usual mode; the backups, the owner's.
if ! (umask 022 && mkdir -p "$(dirname "$backup_root")") || ! mkdir -p "$backup_root"; then
  fail "cannot create the backup directory $backup_root."
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$backup_root/$PGDATABASE-$stamp"
[ -e "$target" ] && fail "$target already exists (two backups in the same second?)."
# Written under a .partial name and renamed when complete: a directory without that suffix
# is always a whole backup. An interrupted one is removed (it holds personal data).
partial="$target.partial"
mkdir "$partial" || fail "cannot create $partial."
trap 'rm -rf -- "$partial"' EXIT

echo "Dumping the database $(pg_where "$PGDATABASE")"
# --lock-wait-timeout: give up rather than wait behind a running migration.
if ! pg_dump -w --format=custom --lock-wait-timeout=2min --file="$partial/database.dump"; then
  fail "pg_dump failed (above); no backup was written."
fi

if [ -n "${MEDIA_S3_BUCKET:-}" ]; then
  # The uploads are in the bucket (habitat/media_storage.py), which this script cannot copy
  # consistently: the bucket's own versioning or replication keeps them.
  echo "Uploads are kept in the S3 bucket $MEDIA_S3_BUCKET (MEDIA_S3_BUCKET): they are NOT in this backup."
  media_root="S3 bucket $MEDIA_S3_BUCKET, not included"
  media_files=0
  tar --create --file="$partial/media.tar" --files-from=/dev/null
elif [ -d "$media_root" ]; then
  echo "Archiving the uploaded files in $media_root"
  media_files=$(find "$media_root" -type f | wc -l)
  # The archive starts at "." so that a restore as root gives the directory its owner and mode.
  status=0
  tar --create --file="$partial/media.tar" --directory="$media_root" \
    --warning=no-file-changed --warning=no-file-removed . || status=$?
  # tar answers 1 when files came or went while it read: uploads made during the backup,
  # which the dump does not name.
  [ "$status" -le 1 ] || fail "tar could not archive $media_root (above); no backup was written."
  [ "$status" -eq 0 ] || echo "Files were uploaded during the backup; the next backup will have them."
else
  echo "There is no uploaded-files directory ($media_root): the archive of files is empty."
  media_root="$media_root (absent)"
  media_files=0
  tar --create --file="$partial/media.tar" --files-from=/dev/null
fi

(cd "$partial" && sha256sum database.dump media.tar > SHA256SUMS)

code=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
{
  echo "SPH platform backup"
  echo "created:   $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "database:  $(pg_where "$PGDATABASE") (PostgreSQL $server_version, pg_dump $(pg_dump --version | awk '{print $NF}'))"
  echo "media:     $(cd "$media_root" 2>/dev/null && pwd || echo "$media_root"), $media_files files"
  echo "code:      git commit $code"
  echo
  printf '%-14s %14s  %s\n' file bytes sha256
  while read -r sum name; do
    printf '%-14s %14s  %s\n' "$name" "$(stat -c %s "$partial/$name")" "$sum"
  done < "$partial/SHA256SUMS"
  echo
  echo "Restore with: scripts/restore.sh $target   (or make restore BACKUP=$target)"
} > "$partial/manifest.txt"

chmod 700 "$partial"
chmod 600 "$partial"/*
mv "$partial" "$target"
trap - EXIT

size=$(du -sh "$target" | cut -f1)
echo "Backup written to $(cd "$target" && pwd) ($size: database.dump, media.tar with $media_files files, manifest.txt, SHA256SUMS)"
