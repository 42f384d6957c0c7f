# Sourced by the launchers (bin/bastion of the release, ./bastion of a checkout); POSIX sh, defines one function.
# Does this `serve` run local models? Yes when the config names the local backend, or (with no config models) when
# the data directory holds pulled models (models/*.gguf); a config the script cannot read counts as yes.
serve_runs_local_models() {
  config="" data="" prev=""
  for arg in "$@"; do
    case "$prev" in --config) config="$arg" ;; --data-dir) data="$arg" ;; esac
    case "$arg" in --config=*) config="${arg#--config=}" ;; --data-dir=*) data="${arg#--data-dir=}" ;; esac
    prev="$arg"
  done
  if [ -z "$config" ] && [ -f bastion.yaml ]; then config=bastion.yaml; fi
  if [ -n "$config" ]; then
    [ -r "$config" ] || return 0
    grep -Eq "backend[\"']?[[:space:]]*:[[:space:]]*[\"']?local([\"'[:space:],}#]|$)" "$config" && return 0
    if [ -z "$data" ] && [ -z "${BASTION_DATA_DIR:-}" ] && grep -q 'data-dir' "$config"; then
      data="$(sed -n "s/^data-dir[[:space:]]*:[[:space:]]*[\"']\{0,1\}\([^\"'#]*\).*/\1/p" "$config" | head -n 1)"
      data="$(printf '%s' "$data" | sed 's/[[:space:]]*$//')"
      [ -n "$data" ] || return 0 # data-dir written some other way: assume models may be there
      case "$data" in "~"/*) data="$HOME/${data#"~"/}" ;; esac
    fi
  fi
  data="${data:-${BASTION_DATA_DIR:-$HOME/.bastion}}"
  for model in "$data"/models/*.gguf "$data"/models/*.GGUF; do
    [ -f "$model" ] && return 0
  done
  return 1
}
