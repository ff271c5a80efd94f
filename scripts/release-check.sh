#!/usr/bin/env bash
# Builds a release snapshot with GoReleaser, without signing or publishing,
# and checks that dist/ has what the Terraform Registry expects
# (scripts/releasecheck).
#
#   release-check.sh full   every os/arch of .goreleaser.yml (13 targets)
#   release-check.sh ci     a representative subset, one per OS that also
#                           covers every architecture: linux_amd64,
#                           darwin_arm64, windows_386, freebsd_arm. It is
#                           .goreleaser.yml with only the build's targets
#                           replaced, so everything else is the real config.
#
# Last, `terraform init` installs this machine's archive from a packed
# filesystem mirror, as it would from the registry, and reads the provider's
# schema through it.
#
# Environment: GORELEASER (default goreleaser), TERRAFORM (default
# terraform). It runs in the repository and writes dist/ (git-ignored).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
goreleaser="${GORELEASER:-goreleaser}"
terraform="${TERRAFORM:-terraform}"
mode="${1:-ci}"
cd "$root"

full_targets="linux_amd64,linux_arm64,linux_arm,linux_386,darwin_amd64,darwin_arm64,windows_amd64,windows_arm64,windows_386,freebsd_amd64,freebsd_arm64,freebsd_arm,freebsd_386"
ci_targets="linux_amd64,darwin_arm64,windows_386,freebsd_arm"

echo "==> goreleaser check"
"$goreleaser" check

config=.goreleaser.yml
tmp_config=""
work=""
cleanup() { rm -rf ${tmp_config:+"$tmp_config"} ${work:+"$work"}; }
trap cleanup EXIT
targets="$full_targets"
if [[ "$mode" == ci ]]; then
  targets="$ci_targets"
  tmp_config="$(mktemp "${TMPDIR:-/tmp}/goreleaser-ci.XXXXXX.yml")"
  config="$tmp_config"
  # Replace the goos/goarch matrix by an explicit target list.
  awk -v targets="$ci_targets" '
    /^    goos:/ { n = split(targets, t, ","); printf "    targets:\n"; for (i = 1; i <= n; i++) printf "      - %s\n", t[i]; next }
    /^    goarch:/ { next }
    { print }
  ' .goreleaser.yml >"$config"
  grep -q '^    targets:' "$config" || { echo "could not narrow .goreleaser.yml to the CI targets" >&2; exit 1; }
elif [[ "$mode" != full ]]; then
  echo "usage: $0 full|ci" >&2
  exit 2
fi

echo "==> goreleaser release --snapshot --clean --skip=sign,publish ($mode: ${targets//,/ })"
start=$SECONDS
"$goreleaser" release --snapshot --clean --skip=sign,publish --config "$config"
echo "    snapshot built in $((SECONDS - start))s"

echo "==> the registry's layout in dist/"
go run ./scripts/releasecheck -dist dist -targets "$targets"

host_target="$(go env GOOS)_$(go env GOARCH)"
if [[ ",$targets," == *",$host_target,"* ]]; then
  echo "==> terraform init from the $host_target archive in a packed filesystem mirror"
  version="$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json)"
  work="$(mktemp -d)"
  mirror="$work/mirror/registry.terraform.io/securescore/securescore"
  mkdir -p "$mirror" "$work/module"
  cp "dist/terraform-provider-securescore_${version}_${host_target}.zip" "$mirror/"
  cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/securescore/securescore"]
  }
}
RC
  # Terraform lowercases the pre-release part of the versions it finds in a
  # mirror (0.0.0-SNAPSHOT-abc1234 becomes 0.0.0-snapshot-abc1234).
  cat >"$work/module/main.tf" <<HCL
terraform {
  required_providers {
    securescore = {
      source  = "securescore/securescore"
      version = "${version,,}"
    }
  }
}
HCL
  (cd "$work/module" && TF_CLI_CONFIG_FILE="$work/terraformrc" "$terraform" init -no-color -input=false >"$work/init.log" 2>&1 &&
    TF_CLI_CONFIG_FILE="$work/terraformrc" "$terraform" providers schema -json >"$work/schema.json") ||
    { cat "$work/init.log"; echo "terraform could not install or run the released archive" >&2; exit 1; }
  grep -q '"securescore_microsoft365_improvement_action"' "$work/schema.json" ||
    { echo "the released provider's schema lacks its resource" >&2; exit 1; }
  echo "    $(grep -o 'Installed securescore/securescore .*' "$work/init.log"); the schema reads back"
fi
