#!/usr/bin/env bash
# Runs the policy-as-code examples of examples/policy, offline:
#   1. `terraform test` of the gate module with mock_provider (no tenant);
#   2. the gate module against the bundled emulator: it applies and leaves
#      parseable outputs when the scores pass, and a minimum above a score
#      fails the plan;
#   3. the OPA policy: `opa check`, `opa fmt`, `opa test`, then plans made
#      against the emulator: the resource example passes, a risk acceptance
#      without notes is denied;
#   4. the steps of the guide "Manage improvement actions as code"
#      (examples/guides/improvement-actions) against the emulator.
# The provider comes from `make install` into a temporary implied local
# directory (~/.terraform.d/plugins of a temporary HOME), with no
# dev_overrides and no registry, which also proves that `make install` works.
#
# Environment: TERRAFORM (default terraform), OPA (default opa).
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
opa="${OPA:-opa}"
make_work

step() { echo "==> $*"; }
# has FILE TEXT: whether FILE holds TEXT, ignoring how Terraform wrapped lines.
has() { tr -s ' \n' '  ' <"$1" | grep -qF -- "$2"; }

# Terraform runs with a HOME of its own, so it sees only the provider installed
# here; Go and make keep the real HOME (and its module cache).
tf() { HOME="$work/home" "$terraform" "$@"; }

# copy_module SRC DST copies a root module without local state or caches.
copy_module() {
  mkdir -p "$2"
  (cd "$1" && find . -path ./.terraform -prune -o -type f ! -name '*.tfstate*' ! -name '.terraform.lock.hcl' -print) |
    while read -r f; do mkdir -p "$2/$(dirname "$f")" && cp "$1/$f" "$2/$f"; done
}

step "make install into $work/home/.terraform.d/plugins (the implied local directory)"
"${MAKE:-make}" -C "$root" --no-print-directory install PLUGIN_DIR="$work/home/.terraform.d/plugins"
use_cli_config implied
echo "    $("$terraform" version 2>/dev/null | head -1), OPA $("$opa" version | sed -n 's/^Version: //p')"

step "terraform test: the gate module with mock_provider (examples/policy/tests)"
copy_module "$root/examples/policy" "$work/policy"
rm -rf "$work/policy/opa"
(cd "$work/policy" && tf init -no-color >"$work/init.log" 2>&1) || { cat "$work/init.log"; exit 1; }
if (cd "$work/policy" && tf test -no-color >"$work/test.log" 2>&1); then
  ok "terraform test: $(grep -E '^(Success|Failure)!' "$work/test.log")"
else
  cat "$work/test.log"
  fail "terraform test"
fi

step "starting the emulator"
start_emulator "$work"

step "the gate module against the emulator"
cd "$work/policy"
if tf apply -auto-approve -no-color -var defender_minimum_percentage=0.1 -var microsoft365_minimum_percentage=0.1 >"$work/apply.log" 2>&1; then
  ok "apply with minimums of 10%"
else
  cat "$work/apply.log"
  fail "apply with minimums of 10%"
fi
tf output -json >"$work/outputs.json"
# `terraform output -json` as a pipeline reads it (opa parses the JSON here; jq works the same).
gate="$("$opa" eval --format raw --input "$work/outputs.json" \
  'sprintf("passed=%v defender=%v microsoft365=%v", [input.passed.value, input.defender.value.percentage, input.microsoft365.value.percentage])')"
echo "    outputs: $gate"
[[ "$gate" == "passed=true defender="* ]] && ok "outputs parse and say passed" || fail "outputs: $gate"
# The emulator's aggregate is about 82% while some of its subscriptions score
# far less: a minimum of 75% leaves some below it, which the check block
# reports as a warning without failing the run.
if tf plan -no-color -var enforce=false -var defender_minimum_percentage=0.75 -var microsoft365_minimum_percentage=0.1 >"$work/plan-warn.log" 2>&1 &&
  has "$work/plan-warn.log" 'subscription(s) score below 75.0% on their own'; then
  ok "check block warns about subscriptions below the minimum (and enforce = false does not block)"
else
  cat "$work/plan-warn.log"
  fail "check block warning"
fi
# expect_minimum_fails <log> <variable> <other variable> <label> <vars>...:
# the plan must fail, naming the minimum of <variable> and not <other>.
expect_minimum_fails() {
  local log="$work/$1" variable="$2" other="$3" label="$4"
  shift 4
  if tf plan -no-color "$@" >"$log" 2>&1; then
    fail "$label should fail the plan"
  elif has "$log" "below the minimum of 99.0% ($variable)" && ! has "$log" "$other"; then
    ok "$label fails the plan"
  else
    cat "$log"
    fail "$label: unexpected error"
  fi
}
expect_minimum_fails plan-defender.log defender_minimum_percentage microsoft365_minimum_percentage "a Defender minimum of 99%" \
  -var defender_minimum_percentage=0.99 -var microsoft365_minimum_percentage=0.1
expect_minimum_fails plan-m365.log microsoft365_minimum_percentage defender_minimum_percentage "a Microsoft 365 minimum of 99%" \
  -var defender_minimum_percentage=0.1 -var microsoft365_minimum_percentage=0.99
cd "$root"

step "OPA: check, fmt and unit tests of examples/policy/opa"
policy="$root/examples/policy/opa"
"$opa" check --strict "$policy" && ok "opa check --strict" || fail "opa check --strict"
unformatted="$("$opa" fmt --list "$policy")"
[[ -z "$unformatted" ]] && ok "opa fmt" || fail "opa fmt would change: $unformatted"
if "$opa" test "$policy" >"$work/opa-test.log" 2>&1; then
  ok "opa test: $(tail -1 "$work/opa-test.log")"
else
  cat "$work/opa-test.log"
  fail "opa test"
fi

# plan_json NAME DIR: plans the module DIR against the emulator, writes $work/NAME.json.
plan_json() {
  local name="$1" dir="$2"
  (cd "$dir" && tf init -no-color >"$work/$name-init.log" 2>&1 &&
    tf plan -no-color -out "$work/$name.tfplan" >"$work/$name-plan.log" 2>&1 &&
    tf show -json "$work/$name.tfplan" >"$work/$name.json") ||
    { cat "$work/$name-init.log" "$work/$name-plan.log" 2>/dev/null; return 1; }
}

# deny NAME: runs the policy the way the guide shows; prints the denials.
deny() {
  "$opa" eval --fail-defined --format raw --data "$policy/improvement_actions.rego" \
    --input "$work/$1.json" 'data.securescore.improvement_actions.deny[msg]'
}

step "OPA on a plan of the resource example (examples/resources/securescore_microsoft365_improvement_action)"
copy_module "$root/examples/resources/securescore_microsoft365_improvement_action" "$work/allowed"
cat >"$work/allowed/versions.tf" <<'HCL'
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}
HCL
if plan_json allowed "$work/allowed"; then
  # admin_mfa is imported and then changed; the other two are new.
  grep -q 'Plan: 1 to import, 2 to add, 1 to change, 0 to destroy' "$work/allowed-plan.log" &&
    ok "the example plans against the emulator: $(grep -o 'Plan: .*' "$work/allowed-plan.log")" ||
    { cat "$work/allowed-plan.log"; fail "unexpected plan of the resource example"; }
  if out="$(deny allowed 2>&1)"; then ok "the policy allows it"; else
    echo "$out"
    fail "the policy should allow the resource example"
  fi
else
  fail "planning the resource example"
fi

step "OPA on a plan with a risk acceptance without notes (examples/policy/opa/testdata)"
copy_module "$policy/testdata/risk_accepted_without_notes" "$work/denied"
if plan_json denied "$work/denied"; then
  if out="$(deny denied 2>&1)"; then
    fail "the policy should deny a risk acceptance without notes"
  elif grep -qF 'securescore_microsoft365_improvement_action.password_expiry: improvement action "PWAgePolicyNew" moves to risk_accepted without notes' <<<"$out" &&
    ! grep -q 'admin_mfa' <<<"$out"; then
    ok "the policy denies it, naming the action (and not the planned one)"
  else
    echo "$out"
    fail "unexpected denial"
  fi
else
  fail "planning the denied example"
fi

step "the guide \"Manage improvement actions as code\" (examples/guides/improvement-actions)"
guide="$root/examples/guides/improvement-actions"
copy_module "$guide/inventory" "$work/inventory"
copy_module "$guide/manage" "$work/manage"
tfvars="$work/manage/improvement_actions.auto.tfvars.json"
if (cd "$work/inventory" && tf init -no-color >"$work/inventory.log" 2>&1 && tf apply -auto-approve -no-color >>"$work/inventory.log" 2>&1 &&
  printf '{"improvement_actions": %s}\n' "$(tf output -json improvement_actions)" >"$tfvars"); then
  count="$("$opa" eval --format raw --input "$tfvars" 'count(input.improvement_actions)')"
  # Device actions are the scid_ ones of Microsoft Defender (MDATP); Intune's come as Apps and are managed.
  device="$("$opa" eval --format raw --input "$tfvars" 'count([id | some id, _ in input.improvement_actions; startswith(lower(id), "scid_")])')"
  [[ "$count" -gt 0 && "$device" == 0 ]] && ok "step 1: the inventory lists $count decided actions, no Device action" ||
    fail "step 1: inventory of $count actions, $device Device actions: $(cat "$tfvars")"
else
  cat "$work/inventory.log"
  fail "step 1: inventory"
fi
# manage_plan NAME: plans examples/guides/improvement-actions/manage and shows the plan as JSON.
manage_plan() {
  (cd "$work/manage" && tf plan -no-color -out "$work/$1.tfplan" >"$work/$1-plan.log" 2>&1 &&
    tf show -json "$work/$1.tfplan" >"$work/$1.json") || { cat "$work/$1-plan.log"; return 1; }
}
if (cd "$work/manage" && tf init -no-color >"$work/manage-init.log" 2>&1) && manage_plan adopt &&
  grep -q "Plan: $count to import, 0 to add, 0 to change, 0 to destroy" "$work/adopt-plan.log"; then
  ok "step 2: the first plan imports the $count actions and changes nothing"
  (cd "$work/manage" && tf apply -no-color "$work/adopt.tfplan" >"$work/adopt-apply.log" 2>&1) || { cat "$work/adopt-apply.log"; fail "step 2: apply"; }
else
  cat "$work/adopt-plan.log" 2>/dev/null || true
  fail "step 2: the first plan should import $count actions and change nothing"
fi
# A pull request: accept the risk of AdminMFAV2 and plan OneAdmin (new to the map).
pr="$("$opa" eval --format raw --input "$tfvars" \
  'object.union(input, {"improvement_actions": {"AdminMFAV2": {"status": "risk_accepted", "notes": null}, "OneAdmin": {"status": "planned", "assigned_to": "identity-team@contoso.com"}}})')"
echo "$pr" >"$tfvars"
if manage_plan pr-denied && grep -q 'Plan: 1 to import, 0 to add, 2 to change, 0 to destroy' "$work/pr-denied-plan.log"; then
  if out="$(deny pr-denied 2>&1)"; then
    fail "step 3: the policy should deny risk_accepted without notes"
  elif grep -qF 'securescore_microsoft365_improvement_action.this["AdminMFAV2"]: improvement action "AdminMFAV2"' <<<"$out" && ! grep -q OneAdmin <<<"$out"; then
    ok "step 3: a pull request accepting a risk without notes is denied by the policy"
  else
    echo "$out"
    fail "step 3: unexpected denial"
  fi
else
  cat "$work/pr-denied-plan.log" 2>/dev/null || true
  fail "step 3: the pull request should import OneAdmin and change 2 actions"
fi
"$opa" eval --format raw --input "$tfvars" \
  'object.union(input, {"improvement_actions": {"AdminMFAV2": {"notes": "MFA for admins is enforced by the PAM gateway; CISO, until 2026-06"}}})' >"$work/pr.json"
mv "$work/pr.json" "$tfvars"
if manage_plan pr && deny pr >/dev/null 2>&1 &&
  (cd "$work/manage" && tf apply -no-color "$work/pr.tfplan" >"$work/pr-apply.log" 2>&1) &&
  (cd "$work/manage" && tf plan -no-color -detailed-exitcode >"$work/after-plan.log" 2>&1); then
  ok "step 3: with notes the policy allows it, it applies, and the next plan is empty (import blocks do nothing)"
else
  cat "$work/pr-plan.log" "$work/pr-apply.log" "$work/after-plan.log" 2>/dev/null || true
  fail "step 3: the pull request with notes"
fi

report policy
