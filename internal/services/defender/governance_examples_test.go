package defender_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// exampleConfig reads an example file of the repository.
func exampleConfig(t *testing.T, parts ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "..", ".."}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAccGovernanceExamples applies the governance examples against the
// emulator, so the documented configurations stay runnable.
func TestAccGovernanceExamples(t *testing.T) {
	reset(t)
	acctest.Emu.RemoveGovernanceAssignments()
	rules, assignments := acctest.Emu.GovernanceRuleCount(), acctest.Emu.GovernanceAssignmentCount()
	config := acctest.ProviderConfig() +
		exampleConfig(t, "examples", "resources", "securescore_defender_governance_rule", "resource.tf") +
		exampleConfig(t, "examples", "resources", "securescore_defender_governance_assignment", "resource.tf") +
		exampleConfig(t, "examples", "data-sources", "securescore_defender_governance_assignments", "data-source.tf")
	if !strings.Contains(config, "securescore_defender_governance_assignments") {
		t.Fatal("the data source example is empty")
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			expectNothingStored(t, rules, assignments)
			return nil
		},
		Steps: []resource.TestStep{{Config: config}},
	})
}

// moduleConfig is a guide's root module without its terraform and provider
// blocks, which the test's provider configuration replaces.
func moduleConfig(t *testing.T, parts ...string) string {
	t.Helper()
	src := exampleConfig(t, parts...)
	start := strings.Index(src, "terraform {")
	end := strings.Index(src, "\n}\n")
	if start < 0 || end < start {
		t.Fatalf("%v has no terraform block", parts)
	}
	src = src[:start] + src[end+3:]
	return strings.Replace(src, `provider "securescore" {}`, "", 1)
}

// TestAccGovernanceGuide applies the modules of the guide "Give every
// recommendation an owner": the rules and the override, then the gate, which
// fails on an assignment 20 days overdue and passes without it.
func TestAccGovernanceGuide(t *testing.T) {
	reset(t)
	acctest.Emu.RemoveGovernanceAssignments()
	t.Cleanup(func() { acctest.Emu.RemoveGovernanceAssignments() })
	rules, assignments := acctest.Emu.GovernanceRuleCount(), acctest.Emu.GovernanceAssignmentCount()
	gate := acctest.ProviderConfig() + moduleConfig(t, "examples", "guides", "governance", "gate", "main.tf")
	a := assessment(t, emulator.DefaultSubscriptionID, 4)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			expectNothingStored(t, rules, assignments+1) // the late assignment the test added
			return nil
		},
		Steps: []resource.TestStep{
			{Config: acctest.ProviderConfig() + moduleConfig(t, "examples", "guides", "governance", "rules", "main.tf")},
			{Config: acctest.ProviderConfig()}, // destroys the rules and the override before the gate reads
			{Config: gate},
			{
				PreConfig: func() {
					acctest.Emu.AddGovernanceAssignment(a.ResourceID, a.Key, "late@contoso.com", time.Now().Add(-20*24*time.Hour), false)
				},
				Config:      gate,
				ExpectError: expectAll(phrase("1 governance assignments are more than 14 days overdue")),
			},
		},
	})
}
