# Shared by scripts/backup.sh and scripts/restore.sh (sourced, not run).

# The value of a setting: the environment first, then the last NAME=value line in ./.env.
setting() {
  local name=$1 fallback=${2-} value=${!1-}
  if [[ -z $value && -f .env ]]; then
    value=$(sed -n "s/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}$name[[:space:]]*=[[:space:]]*//p" .env | tail -n 1)
    value=${value%\"} value=${value#\"} value=${value%\'} value=${value#\'}
  fi
  printf '%s' "${value:-$fallback}"
}

# A file:// URL's path (percent-escapes decoded).
file_url_path() {
  local p=${1#file://}
  p=${p#localhost}
  printf '%b' "${p//%/\\x}"
}

# The live process holding an embedded DATA_DIR, if any.
holder_of() {
  local pid
  [[ -f $1/hotline.pid ]] || return 1
  pid=$(tr -dc '0-9' <"$1/hotline.pid")
  [[ -n $pid ]] && { kill -0 "$pid" 2>/dev/null || [[ -d /proc/$pid ]]; } && echo "$pid"
}
