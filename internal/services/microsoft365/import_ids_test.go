package microsoft365_test

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

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
