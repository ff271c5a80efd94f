package defender_test

import (
	"fmt"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// A list whose page fails after the first ones fails the read with an
// error naming the page, never a shorter list: alike for every data source
// that pages, through Resource Manager (nextLink) or Resource Graph
// ($skipToken).
var laterPageFailures = []struct {
	dataSource string
	config     string // the data source's body
	arm, rg    int    // page sizes (0: the emulator's default)
	route      emulator.Route
	fault      emulator.Fault
	cause      string // what the error says about the page's answer
}{
	{"securescore_defender_control_definitions", "", 2, 0, emulator.RouteARMDefinitionList, emulator.Fault{WrongShape: true, Page: 2}, `cannot\s+unmarshal`},
	{"securescore_defender_controls", "", 2, 0, emulator.RouteARMControlList, emulator.Fault{Status: 400, Page: 3}, `HTTP 400`},
	{"securescore_defender_scores", "", 0, 2, emulator.RouteResourceGraph, emulator.Fault{Status: 400, Page: 2}, `HTTP 400`},
	{"securescore_defender_recommendations", `subscription_ids = ["7444d220-dc62-4eed-8552-76d7697c3f78"]`, 0, 2, emulator.RouteResourceGraph, emulator.Fault{Status: 400, Page: 2}, `HTTP 400`},
}

func TestAccDefenderLaterPageFails(t *testing.T) {
	for _, ds := range laterPageFailures {
		t.Run(ds.dataSource, func(t *testing.T) {
			reset(t)
			acctest.Emu.SetPageSizes(ds.arm, 0, ds.rg)
			acctest.Emu.SetFault(ds.route, ds.fault)
			expectConfigError(t, fmt.Sprintf("data %q \"test\" {\n  %s\n}", ds.dataSource, ds.config),
				expectAll(fmt.Sprintf(`(?i)page\s+%d\s+(of\s+the\s+list\s+)?failed,\s+so\s+the\s+list\s+is\s+incomplete`, ds.fault.Page), ds.cause))
		})
	}
}

// Resource Graph answers a summarised query with its first page only: with
// pages of 5 rows, one subscription's 60 or so recommendations cannot be
// read in one answer, and no split of the subscriptions helps, so the read
// fails saying so, never with the first 5.
func TestAccDefenderTruncatedAnswerFails(t *testing.T) {
	reset(t)
	acctest.Emu.SetPageSizes(0, 0, 5)
	expectConfigError(t, fmt.Sprintf("data \"securescore_defender_recommendations\" \"test\" {\n  subscription_ids = [%q]\n}", emulator.DefaultSubscriptionID),
		expectAll(`(?i)truncated\s+the\s+answer`, `refuses\s+a\s+shorter\s+list`, emulator.DefaultSubscriptionID))
}
