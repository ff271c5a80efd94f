package microsoft365_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// TestMain starts the one emulator every acceptance test of the package
// shares; tests therefore do not run in parallel, and each resets it first.
func TestMain(m *testing.M) { acctest.Main(m, emulator.Options{}) }

// resetEmulator clears what an earlier test may have left: faults, counts,
// paging, stale reads, dropped writes and Graph permissions.
func resetEmulator(t *testing.T) {
	t.Helper()
	restore := func() {
		acctest.Emu.ClearFaults()
		acctest.Emu.ResetCounts()
		acctest.Emu.ResetGraphPaging()
		acctest.Emu.SetStaleReads(0)
		acctest.Emu.DropWrites(0)
		acctest.Emu.SetGraphRoles(emulator.ClientID, emulator.RoleSecurityEventsRead, emulator.RoleSecurityEventsReadWrite)
	}
	restore()
	t.Cleanup(restore)
}

// The expected figures of these tests are literals worked out by hand from
// the emulator's worked tenant (Woodgrove Bank, the table in
// internal/emulator/worked_tenant.go) and Microsoft's documented rules;
// none is recomputed with a copy of the provider's rules.

const worked = emulator.WorkedTenantID

// workedProvider is the provider block with Woodgrove Bank allowed.
func workedProvider() string {
	return acctest.ProviderConfigWith(fmt.Sprintf("auxiliary_tenant_ids = [%q]", worked))
}

// workedData is the provider with the worked tenant and one data source of
// type typ, named test, reading that tenant with arguments.
func workedData(typ, arguments string) string {
	return workedProvider() + fmt.Sprintf(`
data %q "test" {
  tenant_id = %q
  %s
}
`, typ, worked, arguments)
}

// day is a date of the worked tenant's timeline, daysAgo before today
// (UTC), at hour, as RFC 3339: dates move with the calendar, the figures
// do not.
func day(daysAgo, hour int) string {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	return today.AddDate(0, 0, -daysAgo).Add(time.Duration(hour) * time.Hour).Format(time.RFC3339)
}

// approx matches a number to 4 decimals (the provider rounds sums of points
// and ratios there).
func approx(want float64) knownvalue.Check {
	return knownvalue.Float64Func(func(got float64) error {
		if math.Abs(got-want) > 1.0001e-4 {
			return fmt.Errorf("got %v, want %v", got, want)
		}
		return nil
	})
}

func stringList(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.ListExact(checks)
}

// stringOrNull expects s, or null when s is empty: absent text is null.
func stringOrNull(s string) knownvalue.Check {
	if s == "" {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(s)
}
