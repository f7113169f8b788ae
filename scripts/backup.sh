#!/usr/bin/env bash
# Backs up Hotline into a new directory: the database and the stored files.
#
#   scripts/backup.sh /var/backups/hotline/2026-05-01
#
# Reads DATABASE_URL, DATA_DIR and STORAGE_URL from the environment, or from
# plain NAME=value lines in ./.env, like Hotline itself (run it where Hotline
# runs, with the same settings).
#
# - PostgreSQL (DATABASE_URL set): pg_dump in custom format (database.pgdump),
#   safe while Hotline runs; then the files directory (files.tar.gz) and
#   DATA_DIR/app-secret. The database is dumped before the files, so every
#   document the dump knows has its file in the archive.
# - Embedded database (no DATABASE_URL): a tar of the whole DATA_DIR
#   (data-dir.tar.gz: the database in pg/, files/, app-secret). Hotline must be
#   stopped: the script refuses while its pid lock shows it running.
#
# Restore with scripts/restore.sh; see docs/operations.md.
set -euo pipefail
umask 077

die() {
  echo "backup: $*" >&2
  exit 1
}

usage() {
  echo "usage: scripts/backup.sh <new backup directory>" >&2
  exit 2
}

# shellcheck source=lib/settings.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/settings.sh"

[[ $# -eq 1 && $1 != -* ]] || usage
dest=$1
if [[ -e $dest ]]; then
  [[ -d $dest ]] || die "$dest exists and is not a directory"
  [[ -z $(ls -A "$dest") ]] || die "$dest is not empty: give a new directory for each backup"
fi

database_url=$(setting DATABASE_URL)
data_dir=$(setting DATA_DIR ./data)
data_dir=$(realpath -m "$data_dir")
storage_url=$(setting STORAGE_URL "file://$data_dir/files")

if [[ -z $database_url ]]; then
  [[ -f $data_dir/pg/PG_VERSION ]] || die "no embedded database in $data_dir/pg (is DATA_DIR right? with PostgreSQL, set DATABASE_URL)"
  if pid=$(holder_of "$data_dir"); then
    die "Hotline (pid $pid) is running on $data_dir: the embedded database can only be copied while Hotline is stopped. Stop it, run the backup, then start it again (or move to PostgreSQL for backups while running)."
  fi
else
  command -v pg_dump >/dev/null || die "pg_dump is not installed (apt-get install postgresql-client, the same major version as the server or newer)"
fi

mkdir -p "$dest"
chmod 700 "$dest"
created_dest=1
cleanup() {
  local rc=$?
  if [[ ${created_dest-} == 1 && $rc -ne 0 ]]; then
    rm -rf "$dest"
    echo "backup: failed; removed the partial $dest" >&2
  fi
}
trap cleanup EXIT

files="none"
storage_dir=""
case $storage_url in
  file://*) storage_dir=$(realpath -m "$(file_url_path "$storage_url")") ;;
  s3://*) files="s3" ;;
  *) die "STORAGE_URL $storage_url: not file:// or s3://" ;;
esac

if [[ -z $database_url ]]; then
  database="embedded"
  tar -C "$data_dir" -czf "$dest/data-dir.tar.gz" --exclude=./hotline.pid --exclude=./files/tmp --exclude=./tmp .
  echo "backup: embedded database and everything in $data_dir -> $dest/data-dir.tar.gz"
  if [[ -n $storage_dir && $storage_dir != "$data_dir" && $storage_dir != "$data_dir"/* ]]; then
    files="files.tar.gz"
  elif [[ -n $storage_dir ]]; then
    files="in data-dir.tar.gz"
  fi
else
  database="postgres"
  pg_dump --format=custom --file="$dest/database.pgdump" --dbname="$database_url"
  pg_restore --list "$dest/database.pgdump" >/dev/null
  echo "backup: PostgreSQL database -> $dest/database.pgdump"
  [[ -n $storage_dir ]] && files="files.tar.gz"
  if [[ -f $data_dir/app-secret ]]; then
    cp "$data_dir/app-secret" "$dest/app-secret"
    chmod 600 "$dest/app-secret"
    echo "backup: $data_dir/app-secret -> $dest/app-secret"
  fi
fi

if [[ $files == "files.tar.gz" ]]; then
  if [[ -d $storage_dir ]]; then
    tar -C "$storage_dir" -czf "$dest/files.tar.gz" --exclude=./tmp .
    echo "backup: stored files in $storage_dir -> $dest/files.tar.gz"
  else
    files="none"
    echo "backup: no stored files yet ($storage_dir does not exist)"
  fi
elif [[ $files == "s3" ]]; then
  echo "backup: stored files are in $storage_url: not copied — back the bucket up with its own versioning or replication"
fi

cat >"$dest/MANIFEST" <<EOF
hotline-backup=1
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
database=$database
files=$files
storage=$storage_url
EOF
trap - EXIT
echo "backup: done: $dest"
