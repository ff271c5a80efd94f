# Shell helpers shared by the scripts that run the bundled emulator
# (demo.sh, test-policy.sh, test-emulator.sh). Source it first: it sets root
# (the repository) and terraform (the CLI to run: $TERRAFORM, else
# terraform), and defines functions only.
#
#   source "$(dirname "$0")/lib.sh"
#   make_work                     # $work, removed at exit, after stop_emulator
#   start_emulator "$work"        # builds and starts it, exports its environment
#   use_cli_config dev_overrides "$(dirname "$provider_bin")"
#   ok "what held"; fail "what did not"; report NAME   # the last line of a test script

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terraform="${TERRAFORM:-terraform}"
emulator_pid=""

# make_work makes $work, a temporary directory, and the EXIT trap that stops
# the emulator and removes $work (kept when KEEP_WORK is set, for its logs).
make_work() {
  work="$(mktemp -d)"
  trap 'stop_emulator; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$work"' EXIT
}

# start_emulator DIR builds the emulator into DIR, starts it, waits for its
# env file and sources it: ARM_* credentials, ARM_METADATA_HOSTNAME (from
# which the provider reads every endpoint, so an empty provider block reaches
# the emulator), SSL_CERT_FILE (the system's CAs and the emulator's) and
# SECURESCORE_EMULATOR_AUTHORITY / _ARM / _GRAPH. Its log is DIR/emulator.log.
start_emulator() {
  local dir="$1"
  go build -o "$dir/securescore-emulator" "$root/internal/emulator/cmd/securescore-emulator"
  "$dir/securescore-emulator" -ca "$dir/ca.pem" -env "$dir/emulator.env" >"$dir/emulator.log" 2>&1 &
  emulator_pid=$!
  local _
  for _ in $(seq 1 100); do
    [[ -s "$dir/emulator.env" ]] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$dir/emulator.log" >&2; echo "the emulator exited" >&2; return 1; }
    sleep 0.1
  done
  [[ -s "$dir/emulator.env" ]] || { echo "the emulator did not start" >&2; return 1; }
  # shellcheck disable=SC1091
  source "$dir/emulator.env"
  export ARM_USE_CLI=false
}

# stop_emulator stops the emulator start_emulator started, if any.
stop_emulator() {
  if [[ -n "$emulator_pid" ]]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=""
  fi
}

# write_cli_config FILE dev_overrides PROVIDER_DIR
# write_cli_config FILE filesystem_mirror MIRROR_DIR
# write_cli_config FILE implied
# writes a Terraform CLI configuration that finds the securescore provider
# without a registry: dev_overrides (the built binary, no `init` needed), an
# explicit filesystem mirror, or none at all so that the implied local
# directories (~/.terraform.d/plugins, where `make install` puts it) apply.
write_cli_config() {
  local file="$1" mode="$2" dir="${3:-}"
  case "$mode" in
    dev_overrides)
      cat >"$file" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/securescore/securescore" = "$dir"
  }
  direct {}
}
RC
      ;;
    filesystem_mirror)
      cat >"$file" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$dir"
    include = ["*/securescore/securescore"]
  }
  direct {
    exclude = ["*/securescore/securescore"]
  }
}
RC
      ;;
    implied)
      : >"$file"
      ;;
    *)
      echo "write_cli_config: unknown mode $mode" >&2
      return 1
      ;;
  esac
}

# use_cli_config MODE [DIR] writes $work/terraformrc with write_cli_config
# and points Terraform at it, as in automation (no prompts).
use_cli_config() {
  write_cli_config "$work/terraformrc" "$@"
  export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 TF_INPUT=0
}

# ok and fail count the checks of a script that goes on after a failed one;
# report NAME prints the counts and fails when a check failed.
passed=0
failed=0
ok() { echo "    ok: $*"; passed=$((passed + 1)); }
fail() { echo "    FAIL: $*"; failed=$((failed + 1)); }
report() {
  echo "$1: $passed passed, $failed failed"
  [[ "$failed" -eq 0 ]]
}
