package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// variant is how a scenario's provider differs from the release build.
type variant string

const (
	release  variant = ""
	naive    variant = "naive"      // bench/naive: one GET and one score request per action
	loudLogs variant = "TRACE logs" // TF_LOG_SDK_PROTO=TRACE: main.go's quiet default off
	// bench/floor: the provider's schema served by a server that answers a
	// plan from what Terraform sent
	floor variant = "floor"
)

// scenario is one configuration timed with `terraform plan` (or `terraform
// apply` for the create scenarios).
type scenario struct {
	group, name string
	key         string // directory name: the variants of one configuration share it, and its state
	variant     variant
	config      string
	apply       bool // `terraform apply` once before the timed plans (managed resources)
	creates     bool // each timed run is `terraform apply` of a create; reset runs before each
	reset       func(dir string) error
	beforeApply func() // before the one `terraform apply` of apply
	setUp       func() // once, before anything else of the scenario runs
	runs        int
	cold        bool // no untimed warm-up run (the slow naive cases)
	timeBox     time.Duration
	note        string
	instances   int  // resource or data source instances: the Terraform-alone reference has as many
	optIn       bool // an answer a user asks for on purpose: measured and reported, held to no target
}

// withFloors gives every plan of the release build its floor (bench/floor)
// right after it, timed in turns with it, so that the provider's own share
// of each plan is measured in the same run. A create has none (the floor
// answers plans only), nor do the time-boxed or cold for_each cases, whose
// floor would double the slowest minutes of the run.
func withFloors(scenarios []scenario) []scenario {
	hasFloor := map[string]bool{}
	for _, s := range scenarios {
		if s.variant == floor {
			hasFloor[s.key] = true
		}
	}
	out := make([]scenario, 0, 2*len(scenarios))
	for _, s := range scenarios {
		out = append(out, s)
		if s.variant != release || s.creates || s.timeBox > 0 || (s.cold && s.instances > 1) || hasFloor[s.key] {
			continue
		}
		f := s
		f.variant, f.name, f.apply, f.beforeApply, f.optIn = floor, variantName(s.name, floor), false, nil, false
		if f.cold {
			// The floor's warm-up is the real read whose state its timed runs send.
			f.cold, f.note = false, fmt.Sprintf("median of %d", f.runs)
		}
		out = append(out, f)
	}
	return out
}

// variantName is a scenario's name with what its variant changes.
func variantName(name string, v variant) string {
	if v == floor {
		return name + ", Terraform's floor: the same schema served by a provider that does no work (bench/floor: no request, no framework)"
	}
	return name
}

// id tells the variants of one configuration apart.
func (s scenario) id() string {
	if s.variant == release {
		return s.key
	}
	return s.key + "/" + string(s.variant)
}

// reference is the id of the Terraform-alone scenario with as many
// instances, run the same way.
func (s scenario) reference() string {
	if s.creates {
		return fmt.Sprintf("terraform-data-apply-%d", s.instances)
	}
	return fmt.Sprintf("terraform-data-%d", s.instances)
}

func (b *bench) variantEnv(v variant) []string {
	switch v {
	case naive:
		return []string{wrapProviderEnv + "=" + b.naiveProvider}
	case floor:
		return []string{wrapProviderEnv + "=" + b.floorProvider, "SECURESCORE_BENCH_FLOOR_DIR=" + filepath.Join(b.work, "floor")}
	case loudLogs:
		return []string{"TF_LOG_SDK_PROTO=TRACE"}
	}
	return nil
}

func (b *bench) providerBlock() string {
	return fmt.Sprintf(`terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

provider "securescore" {
%s  auxiliary_tenant_ids = [%q, %q]
}
`, b.emu.ProviderEndpoint(""), actionsTenantID, largeTenantID)
}

// defaultConfigurations are the Defender data sources' default
// configurations at 1,000 subscriptions, each held to the default-answer
// targets (defaultTargets), and the opt-in per-subscription history,
// measured without a target.
func (b *bench) defaultConfigurations() []scenario {
	ids := hclList(b.subscriptions[:1000])
	thousand := func(group, name, key, config string) scenario {
		return scenario{
			group: group, name: name, key: key, config: b.providerBlock() + config,
			runs: min(b.o.runs, 3), note: fmt.Sprintf("median of %d", min(b.o.runs, 3)), instances: 1,
		}
	}
	points := thousand("Defender score history", "securescore_defender_score_history, 30 days of 1,000 subscriptions with include_points (opt-in, no target)", "history-30x1000-points",
		b.historyBlock(30, 1000, true))
	points.optIn = true
	// Continuous export of the 1,000 subscriptions from here on: the
	// emulator builds a workspace's rows for every exported subscription at
	// each query, so the earlier history scenarios do not pay for them.
	exportAll := func() { b.emu.ExportHistory(b.subscriptions[:1000]...) }
	history := thousand("Defender score history", "securescore_defender_score_history, 30 days of 1,000 subscriptions (default: aggregates and latest)", "history-30x1000",
		b.historyBlock(30, 1000, false))
	history.setUp, points.setUp = exportAll, exportAll
	// The default read counts the unhealthy assessments rather than listing
	// them; it runs without a warm-up plan, as it did when it listed them,
	// so that its figures compare with earlier runs.
	governance := thousand("Defender governance", "securescore_defender_governance_assignments, 1,000 subscriptions", "governance-1000",
		fmt.Sprintf("\ndata \"securescore_defender_governance_assignments\" \"this\" {\n  subscription_ids = %s\n}\n", ids))
	governance.cold, governance.note = true, governance.note+", no warm-up plan"
	return []scenario{
		thousand("Defender aggregate", "securescore_defender_scores, a management group of 1,000 subscriptions", "groups-1000",
			fmt.Sprintf("\ndata \"securescore_defender_scores\" \"this\" {\n  management_group_ids = [%q]\n}\n", benchManagementGroupID)),
		history,
		points,
		governance,
	}
}

// defaultTargets are the keys of the default configurations at 1,000
// subscriptions held to the peak RSS and CPU targets.
var defaultTargets = []string{"groups-1000", "recommendations-1000", "history-30x1000", "governance-1000"}

// historyBlock reads days of history of the first n subscriptions, with
// one point per subscription and day when points is true.
func (b *bench) historyBlock(days, n int, points bool) string {
	extra := ""
	if points {
		extra = "  include_points = true\n"
	}
	return fmt.Sprintf("\ndata \"securescore_defender_score_history\" \"this\" {\n  workspace_id = %q\n  history_days = %d\n  subscription_ids = %s\n%s}\n",
		emulator.LogAnalyticsWorkspaceID, days, hclList(b.subscriptions[:n]), extra)
}

func hclList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return "[\n    " + strings.Join(quoted, ",\n    ") + ",\n  ]"
}

func (b *bench) actionsConfig(ids []string) string {
	return b.providerBlock() + fmt.Sprintf(`
resource "securescore_microsoft365_improvement_action" "managed" {
  for_each   = toset(%s)
  tenant_id  = %q
  control_id = each.key
  status     = "planned"
  notes      = "benchmark"
}
`, hclList(ids), actionsTenantID)
}

// removeState forgets what the last apply created, so the next one creates.
func removeState(dir string) error {
	for _, name := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

func (b *bench) scenarios() []scenario {
	subCounts := []int{1, 100, 1000, 5000}
	actionCounts := []int{1, 50, 300}
	recCounts := []int{1, 100, 1000}
	referenceCounts := []int{1, 50, 100, 300, 1000}
	if b.o.quick {
		subCounts, actionCounts, recCounts, referenceCounts = []int{1, 100}, []int{1, 50}, []int{1, 100}, []int{1, 50, 100}
	}
	var out []scenario

	// Managed improvement actions: a refresh and plan of what was applied,
	// the release build against the naive baseline in the same run.
	for _, n := range actionCounts {
		config := b.actionsConfig(b.actions[:n])
		variants := []variant{release, naive, floor}
		if n == 300 {
			// The quiet default logging was written for this plan: measured
			// with and without.
			variants = append(variants, loudLogs)
		}
		for _, v := range variants {
			name := variantName(plural(n, "managed action"), v)
			switch v {
			case naive:
				name += ", naive baseline (one GET and one score request per action)"
			case loudLogs:
				name += ", provider logs at TRACE (main.go's quiet default off)"
			}
			ids := b.actions[:n]
			out = append(out, scenario{
				group: "Improvement action plan", name: name, key: fmt.Sprintf("refresh-%d", n), variant: v,
				config: config, apply: v == release, runs: b.o.runs, instances: n,
				// An earlier scenario's apply left decisions a create refuses.
				beforeApply: func() {
					for _, id := range ids {
						b.resetAction(id)
					}
				},
			})
		}
	}
	// A create: `terraform apply` of one action, plan and apply in one
	// command (Terraform starts a provider process for each).
	created := b.actions[len(b.actions)-1]
	for _, v := range []variant{release, naive} {
		name := "1 action created"
		if v == naive {
			name += ", naive baseline"
		}
		out = append(out, scenario{
			group: "Improvement action apply (create)", name: name, key: "create-1", variant: v,
			config: b.actionsConfig([]string{created}), creates: true, runs: b.o.runs, instances: 1,
			reset: func(dir string) error { b.resetAction(created); return removeState(dir) },
		})
	}
	for _, n := range []int{actionsTenantSize, 1000} {
		tenant := actionsTenantID
		if n == 1000 {
			tenant = largeTenantID
		}
		out = append(out, scenario{
			group: "Improvement actions list", name: fmt.Sprintf("securescore_microsoft365_improvement_actions, %s", plural(n, "profile")), key: fmt.Sprintf("list-%d", n),
			config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_microsoft365_improvement_actions\" \"all\" {\n  tenant_id = %q\n}\n", tenant),
			runs:   b.o.runs, instances: 1,
		})
	}

	for _, n := range subCounts {
		variants := []variant{release}
		if n == 1 || n == 1000 {
			variants = append(variants, floor)
		}
		for _, v := range variants {
			name := variantName("securescore_defender_scores, "+plural(n, "subscription"), v)
			out = append(out, scenario{
				group: "Defender aggregate", name: name, key: fmt.Sprintf("aggregate-%d", n), variant: v,
				config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_defender_scores\" \"this\" {\n  subscription_ids = %s\n}\n", hclList(b.subscriptions[:n])),
				runs:   b.o.runs, instances: 1,
			})
		}
	}
	for _, n := range subCounts {
		s := scenario{
			group: "Defender aggregate", name: "naive: securescore_defender_score for_each, " + plural(n, "subscription"), key: fmt.Sprintf("naive-%d", n),
			config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_defender_score\" \"each\" {\n  for_each        = toset(%s)\n  subscription_id = each.key\n}\n", hclList(b.subscriptions[:n])),
			runs:   b.o.runs, instances: n,
		}
		switch {
		case n >= 5000:
			s.runs, s.timeBox, s.cold = b.o.naiveRuns, b.o.naiveTimeBox, true
			s.note = fmt.Sprintf("%d timed plan, time-boxed to %s", s.runs, s.timeBox)
		case n >= 1000:
			s.runs, s.cold = min(b.o.runs, 3), true
			s.note = fmt.Sprintf("median of %d, no warm-up plan", s.runs)
		}
		out = append(out, s)
	}
	// Recommendations: requests grow with the summarised rows (about 60 a
	// subscription), not with the resources assessed.
	for _, n := range recCounts {
		variants := []variant{release}
		if n == 1000 {
			variants = append(variants, floor)
		}
		for _, v := range variants {
			name := variantName("securescore_defender_recommendations, "+plural(n, "subscription"), v)
			s := scenario{
				group: "Defender recommendations", name: name, key: fmt.Sprintf("recommendations-%d", n), variant: v,
				config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_defender_recommendations\" \"this\" {\n  subscription_ids = %s\n  statuses = [\"Unhealthy\", \"Healthy\", \"NotApplicable\"]\n}\n", hclList(b.subscriptions[:n])),
				runs:   b.o.runs, instances: 1,
			}
			switch {
			case n >= 1000 && v == floor:
				// The warm-up is the real read whose state the timed runs send.
				s.runs = min(b.o.runs, 3)
				s.note = fmt.Sprintf("median of %d", s.runs)
			case n >= 1000:
				// About a minute a plan: timed 3 times, without a warm-up.
				s.runs, s.cold = min(b.o.runs, 3), true
				s.note = fmt.Sprintf("median of %d, no warm-up plan", s.runs)
			}
			out = append(out, s)
		}
	}
	for _, n := range []int{1, 100} {
		out = append(out, scenario{
			group: "Defender score history", name: "securescore_defender_score_history, 90 days of " + plural(n, "subscription"), key: fmt.Sprintf("history-90x%d", n),
			config: b.providerBlock() + b.historyBlock(90, n, false),
			runs:   b.o.runs, instances: 1,
		})
	}
	if !b.o.quick {
		out = append(out, b.defaultConfigurations()...)
	}
	out = withFloors(out)

	// What Terraform itself costs for as many instances, with its built-in
	// terraform_data (no provider process, no request): the floor every
	// scenario's provider-attributable time is measured from.
	for _, n := range referenceCounts {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("instance-%d", i+1)
		}
		s := scenario{
			group: "Reference: Terraform alone", name: "terraform_data for_each, " + plural(n, "instance") + " (no provider)", key: fmt.Sprintf("terraform-data-%d", n),
			config: fmt.Sprintf("resource \"terraform_data\" \"each\" {\n  for_each = toset(%s)\n  input    = each.key\n}\n", hclList(ids)),
			apply:  true, runs: b.o.runs, instances: n,
		}
		if n >= 1000 {
			s.runs = min(b.o.runs, 3)
			s.note = fmt.Sprintf("median of %d", s.runs)
		}
		out = append(out, s)
	}
	out = append(out, scenario{
		group: "Reference: Terraform alone", name: "terraform_data created, 1 instance (`terraform apply`, no provider)", key: "terraform-data-apply-1",
		config: "resource \"terraform_data\" \"each\" {\n  input = \"instance-1\"\n}\n", creates: true, reset: removeState, runs: b.o.runs, instances: 1,
	})
	return out
}
