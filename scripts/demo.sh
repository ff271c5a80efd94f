#!/usr/bin/env bash
# The one-command demo: starts the bundled emulator, applies examples/demo
# with the freshly built provider through dev_overrides (no registry, no
# network), prints the summary, and stops the emulator.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
provider_bin="${PROVIDER_BIN:-$root/bin/terraform-provider-securescore}"
make_work

echo "==> building and starting the emulator (Azure Resource Manager, Resource Graph, Microsoft Graph, Entra ID token endpoint)"
# Its env file (sourced) points the provider at it: ARM_METADATA_HOSTNAME,
# the ARM_* credentials, and SSL_CERT_FILE with its CA.
start_emulator "$work"

use_cli_config dev_overrides "$(dirname "$provider_bin")"

cp -R "$root/examples/demo" "$work/demo"
cd "$work/demo"
echo "==> terraform apply (examples/demo)"
"$terraform" apply -auto-approve -input=false -no-color >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
echo
"$terraform" output -raw summary
echo
