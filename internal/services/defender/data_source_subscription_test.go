package defender_test

import (
	"fmt"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// The data sources that read one subscription through Resource Manager take
// subscription_id alike: a malformed id is refused at plan time, a
// subscription the identity may not read names the role it needs, and the
// ones that default to the provider's subscription ask for one when there
// is none.
var oneSubscriptionReads = []struct {
	dataSource string
	route      emulator.Route
	badID      string
	defaults   bool // to the provider's subscription_id
}{
	{"securescore_defender_score", emulator.RouteARMSecureScoreGet, "7444d220-dc62-4eed-8552-76d7697c3f7", true},
	{"securescore_defender_controls", emulator.RouteARMControlList, "subscription-1", true},
	{"securescore_defender_control_definitions", emulator.RouteARMDefinitionList, "7444D220-DC62-4EED-8552-76D7697C3F780", false},
}

func TestAccDefenderSubscriptionReads(t *testing.T) {
	for _, ds := range oneSubscriptionReads {
		config := func(subscriptionID string) string {
			return fmt.Sprintf("data %q \"test\" {\n  subscription_id = %q\n}", ds.dataSource, subscriptionID)
		}
		t.Run(ds.dataSource+"/malformed id", func(t *testing.T) {
			reset(t)
			expectPlanRefused(t, config(ds.badID),
				expectAll(`subscription_id`, phrase("is not a subscription id: it must be a GUID")), ds.route)
		})
		t.Run(ds.dataSource+"/forbidden", func(t *testing.T) {
			reset(t)
			expectConfigError(t, config(deniedSubscription(t)), expectAll(`HTTP 403`, `AuthorizationFailed`, phrase("Security Reader")))
		})
		if !ds.defaults {
			continue
		}
		t.Run(ds.dataSource+"/no subscription", func(t *testing.T) {
			reset(t)
			t.Setenv("ARM_SUBSCRIPTION_ID", "")
			expectConfigError(t, fmt.Sprintf(`data %q "test" {}`, ds.dataSource),
				expectAll(`No subscription`, `subscription_id`, `ARM_SUBSCRIPTION_ID`))
			if n := acctest.Emu.Count(ds.route); n != 0 {
				t.Errorf("%s was called %d times without a subscription", ds.route, n)
			}
		})
	}
}
