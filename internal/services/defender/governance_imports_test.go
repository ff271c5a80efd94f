package defender_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
)

// TestAccGovernanceDocumentedImports runs every `terraform import` of the
// governance resources' pages (their import.sh) against the emulator's
// seeded rules and assignments, with the page's own configuration: the
// documented ids exist and import.
func TestAccGovernanceDocumentedImports(t *testing.T) {
	reset(t)
	acctest.Emu.SeedGovernanceExamples()
	t.Cleanup(acctest.Emu.RemoveGovernanceExamples)
	imports := 0
	for _, name := range []string{"securescore_defender_governance_rule", "securescore_defender_governance_assignment"} {
		folder := filepath.Join("examples", "resources", name)
		config := acctest.ProviderConfig() + exampleConfig(t, folder, "resource.tf")
		for _, line := range acctest.DocumentedImports(t, name) {
			address, id := line.Address, line.ID
			imports++
			t.Run(address, func(t *testing.T) {
				acctest.Test(t, resource.TestCase{
					Steps: []resource.TestStep{{
						Config:        config,
						ResourceName:  address,
						ImportState:   true,
						ImportStateId: id,
						ImportStateCheck: func(states []*terraform.InstanceState) error {
							if len(states) != 1 || !strings.EqualFold(states[0].ID, id) {
								return fmt.Errorf("imported %v, want the one object %s", states, id)
							}
							return nil
						},
					}},
				})
			})
		}
	}
	if imports != 3 { // two rules and one assignment are documented
		t.Errorf("found %d documented imports, want 3", imports)
	}
}
