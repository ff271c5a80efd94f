#!/usr/bin/env bash
# The one-command demo: starts the bundled emulator, applies examples/demo
# with the freshly built provider through dev_overrides (no registry, no
# network), prints the summary, and stops the emulator.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
terraform="${TERRAFORM:-terraform}"
provider_bin="${PROVIDER_BIN:-$root/bin/terraform-provider-securescore}"
work="$(mktemp -d)"
emulator_pid=""

cleanup() {
  if [[ -n "$emulator_pid" ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> building the emulator"
go build -o "$work/securescore-emulator" "$root/internal/emulator/cmd/securescore-emulator"

echo "==> starting the emulator (Azure Resource Manager, Resource Graph, Microsoft Graph, Entra ID token endpoint)"
"$work/securescore-emulator" -ca "$work/ca.pem" -env "$work/emulator.env" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
  [[ -s "$work/emulator.env" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log"; echo "the emulator exited" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$work/emulator.env" ]] || { echo "the emulator did not start" >&2; exit 1; }
# shellcheck disable=SC1091
source "$work/emulator.env"
export TF_VAR_authority_host="$SECURESCORE_EMULATOR_AUTHORITY"
export TF_VAR_resource_manager_endpoint="$SECURESCORE_EMULATOR_ARM"
export TF_VAR_microsoft_graph_endpoint="$SECURESCORE_EMULATOR_GRAPH"
export ARM_USE_CLI=false

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/securescore/securescore" = "$(dirname "$provider_bin")"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1

cp -R "$root/examples/demo" "$work/demo"
cd "$work/demo"
echo "==> terraform apply (examples/demo)"
"$terraform" apply -auto-approve -input=false -no-color >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
echo
"$terraform" output -raw summary
echo
