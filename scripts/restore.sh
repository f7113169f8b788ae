#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh. Stop Hotline (every instance) first.
#
#   scripts/restore.sh [--force] /var/backups/hotline/2026-05-01
#
# Reads DATABASE_URL, DATA_DIR and STORAGE_URL like scripts/backup.sh does.
#
# - PostgreSQL backup: pg_restore --clean --if-exists into DATABASE_URL (the
#   database must exist: createdb it first if it was dropped); the script
#   refuses while other sessions use that database (Hotline still running),
#   unless --force. Then the files and DATA_DIR/app-secret.
# - Embedded backup: unpacks into DATA_DIR. Refuses while Hotline runs on it;
#   an existing DATA_DIR is moved aside to DATA_DIR.before-restore-<time>,
#   never deleted.
set -euo pipefail

die() {
  echo "restore: $*" >&2
  exit 1
}

usage() {
  echo "usage: scripts/restore.sh [--force] <backup directory>" >&2
  exit 2
}

# shellcheck source=lib/settings.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/settings.sh"

manifest() {
  sed -n "s/^$1=//p" "$backup/MANIFEST" | tail -n 1
}

force=0
if [[ ${1-} == --force ]]; then
  force=1
  shift
fi
[[ $# -eq 1 && $1 != -* ]] || usage
backup=$1
[[ -f $backup/MANIFEST && $(manifest hotline-backup) == 1 ]] || die "$backup is not a Hotline backup (no MANIFEST from scripts/backup.sh)"

database=$(manifest database)
files=$(manifest files)
database_url=$(setting DATABASE_URL)
data_dir=$(realpath -m "$(setting DATA_DIR ./data)")
storage_url=$(setting STORAGE_URL "file://$data_dir/files")
storage_dir=""
[[ $storage_url == file://* ]] && storage_dir=$(realpath -m "$(file_url_path "$storage_url")")

restore_files() {
  [[ $files == files.tar.gz ]] || return 0
  [[ -n $storage_dir ]] || die "the backup has files, but STORAGE_URL ($storage_url) is not a directory: set STORAGE_URL=file:///… to restore them"
  mkdir -p "$storage_dir"
  tar -C "$storage_dir" -xzf "$backup/files.tar.gz"
  echo "restore: stored files -> $storage_dir"
}

case $database in
  postgres)
    [[ -n $database_url ]] || die "this is a PostgreSQL backup: set DATABASE_URL to the database to restore into (create it first: createdb <name>)"
    command -v pg_restore >/dev/null || die "pg_restore is not installed (apt-get install postgresql-client)"
    if [[ $force == 0 ]] && command -v psql >/dev/null; then
      others=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$database_url" \
        --command="SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") ||
        die "cannot connect to DATABASE_URL (does the database exist? createdb it first)"
      [[ $others == 0 ]] || die "$others other sessions use this database: stop Hotline (every instance) first, or pass --force"
    fi
    pg_restore --clean --if-exists --no-owner --no-acl --single-transaction --exit-on-error --dbname="$database_url" "$backup/database.pgdump"
    echo "restore: PostgreSQL database <- $backup/database.pgdump"
    if [[ -f $backup/app-secret ]]; then
      mkdir -p "$data_dir"
      install -m 600 "$backup/app-secret" "$data_dir/app-secret"
      echo "restore: $data_dir/app-secret"
    fi
    restore_files
    ;;
  embedded)
    [[ -z $database_url ]] || die "this is an embedded-database backup, but DATABASE_URL is set: unset it to restore into DATA_DIR ($data_dir)"
    if pid=$(holder_of "$data_dir"); then
      die "Hotline (pid $pid) is running on $data_dir: stop it first"
    fi
    if [[ -e $data_dir && -n $(ls -A "$data_dir" 2>/dev/null) ]]; then
      aside="$data_dir.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
      mv "$data_dir" "$aside"
      echo "restore: the current $data_dir moved aside to $aside (delete it once the restore is checked)"
    fi
    mkdir -p "$data_dir"
    tar -C "$data_dir" -xzf "$backup/data-dir.tar.gz"
    echo "restore: embedded database and files -> $data_dir"
    restore_files
    ;;
  *) die "$backup/MANIFEST names an unknown database kind: $database" ;;
esac
echo "restore: done; start Hotline and run npm run doctor"
