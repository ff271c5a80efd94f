package microsoft365_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// An import id naming a tenant the provider does not serve is refused as
// such, with the tenants it serves and how to add one; not as an invalid
// provider configuration.
func TestAccImprovementActionImportOtherTenant(t *testing.T) {
	resetEmulator(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:        resourceConfig("AdminMFAV2", "planned", ""),
			ResourceName:  actionAddress,
			ImportState:   true,
			ImportStateId: "00000000-0000-0000-0000-000000000000/AdminMFAV2",
			ExpectError: acctest.Wrapped(`(?s)Import id names a tenant the provider does not serve.*names tenant 00000000-0000-0000-0000-000000000000.*serves its tenant_id ` +
				emulator.DefaultTenantID + ` and no auxiliary_tenant_ids.*add it to the provider's auxiliary_tenant_ids`),
		}},
	})
}

// The "did you mean" of an unknown action proposes only actions the
// resource can import: an id close to Device actions (scid_...) gets none
// of them.
func TestAccImprovementActionImportSuggestsImportable(t *testing.T) {
	resetEmulator(t)
	checked := false
	acctest.Test(t, resource.TestCase{
		ErrorCheck: func(err error) error {
			checked = true
			out := err.Error()
			if !regexp.MustCompile(`Unknown improvement action`).MatchString(out) {
				return fmt.Errorf("not the unknown-action error: %s", out)
			}
			if regexp.MustCompile(`(?s)Did you mean[^?]*"scid_`).MatchString(out) {
				return errors.New("a Device action was suggested: " + out)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:        resourceConfig("AdminMFAV2", "planned", ""),
			ResourceName:  actionAddress,
			ImportState:   true,
			ImportStateId: "scid_200",
		}},
	})
	if !checked {
		t.Error("the import of an unknown id did not fail")
	}
}

// Every `terraform import` of the resource's page (import.sh) imports, with
// the provider configured as the page says (the other tenant in
// auxiliary_tenant_ids).
func TestAccImprovementActionDocumentedImports(t *testing.T) {
	resetEmulator(t)
	lines := acctest.DocumentedImports(t, "securescore_microsoft365_improvement_action")
	if len(lines) != 2 {
		t.Fatalf("found %d documented imports, want 2", len(lines))
	}
	for _, line := range lines {
		address, id := line.Address, line.ID
		t.Run(address, func(t *testing.T) {
			typ, name, _ := strings.Cut(address, ".")
			tenant, control, found := strings.Cut(id, "/")
			if !found {
				tenant, control = "", id
			}
			tenantLine := ""
			if tenant != "" {
				tenantLine = fmt.Sprintf("  tenant_id  = %q\n", tenant)
			}
			config := acctest.ProviderConfigWith(fmt.Sprintf("auxiliary_tenant_ids = [%q]", emulator.SecondTenantID)) +
				fmt.Sprintf("resource %q %q {\n%s  control_id = %q\n  status     = \"planned\"\n}\n", typ, name, tenantLine, control)
			acctest.Test(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:        config,
					ResourceName:  address,
					ImportState:   true,
					ImportStateId: id,
					ImportStateCheck: func(states []*terraform.InstanceState) error {
						want := id
						if !found {
							want = emulator.DefaultTenantID + "/" + id
						}
						if len(states) != 1 || !strings.EqualFold(states[0].ID, want) {
							return fmt.Errorf("imported %v, want %s", states, want)
						}
						return nil
					},
				}},
			})
		})
	}
}
