# Sourced by the launchers (bin/bastion of the release, ./bastion of a checkout) and bench/inference's scripts; POSIX sh:
# one function and the engine's JIT options.
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

# The JIT options of the commands that run the engine (chat, generate, serve with local models). C2 gives up speculating
# on a call's receiver class, and compiles a virtual call beside the inlined one instead, once the compile's trap count
# reaches PerMethodTrapLimit (100) or its recompile count reaches half of PerMethodRecompilationCutoff (400); both are
# summed over every method the compile inlines. A kernel inlines the Vector API's own methods about 3,000 times, so a
# few traps and recompiles that other code left in them (during the warm-up and the prompt) pass both limits, and the
# kernel's vectors then leave registers as objects at every operation: the decode ran at a third of its speed in about
# a third of fresh processes (docs/inference-kernels.md, round nineteen). The limits are per method heuristics; the
# per-bytecode ones (PerBytecodeTrapLimit, PerBytecodeRecompilationCutoff) still stop a trap that keeps firing.
# BASTION_JAVA_OPTS comes later on the command line, so a value there wins.
ENGINE_JIT_OPTS="-XX:PerMethodTrapLimit=100000 -XX:PerMethodRecompilationCutoff=100000"
