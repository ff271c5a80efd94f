package microsoft365_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// The plan of a destroy that would reset a decision someone else recorded
// says so, naming the action, the decision, its author, and both ways to
// keep it; the provider's own decisions, kept ones and undecided actions
// plan their destroy quietly. Warnings only show through the protocol.
func TestAccImprovementActionDestroyPlanWarnsOfAResetDecision(t *testing.T) {
	resetEmulator(t)
	const imported = "Risk accepted: the helpdesk handles resets"
	cases := []struct {
		name                         string
		status, notes, by, onDestroy string
		want                         string // "" = no warning
	}{
		{"an imported risk acceptance", "risk_accepted", imported, "megan.bowen@contoso.onmicrosoft.com", "reset",
			`(?s)^Destroying resets a decision recorded by someone else: .*"SelfServicePasswordReset" in tenant ` + home +
				` returns it to to_address .*status risk_accepted, notes "` + imported + `", set by megan.bowen@contoso.onmicrosoft.com on 2026-11-01T08:23:07Z.*` +
				`on_destroy = "keep".*Terraform 1.7.*removed \{.*destroy = false`},
		{"an author nobody knows", "planned", "", "", "reset", `(?s)^Destroying resets a decision.*set by an unknown author`},
		{"the provider's own decision", "risk_accepted", imported, emulator.ClientID, "reset", ""},
		{"kept on destroy", "risk_accepted", imported, "megan.bowen@contoso.onmicrosoft.com", "keep", ""},
		{"nothing to reset", "to_address", "", "megan.bowen@contoso.onmicrosoft.com", "reset", ""},
	}
	server, schemas := configuredServer(t)
	const typeName = "securescore_microsoft365_improvement_action"
	resourceType := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object)
	text := func(s string) tftypes.Value {
		if s == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, s)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prior := dynamicValue(t, resourceType, objectValue(t, resourceType, map[string]tftypes.Value{
				"id":                text(home + "/SelfServicePasswordReset"),
				"tenant_id":         text(home),
				"control_id":        text("SelfServicePasswordReset"),
				"status":            text(tc.status),
				"notes":             text(tc.notes),
				"on_destroy":        text(tc.onDestroy),
				"updated_by":        text(tc.by),
				"updated_date_time": text("2026-11-01T08:23:07Z"),
			}))
			destroyed := dynamicValue(t, resourceType, tftypes.NewValue(resourceType, nil))
			resp, err := server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
				TypeName: typeName, PriorState: &prior, ProposedNewState: &destroyed, Config: &destroyed,
			})
			if err != nil {
				t.Fatal(err)
			}
			errs, warnings := diagnosticsOf(resp.Diagnostics)
			if len(errs) > 0 {
				t.Fatalf("a destroy plan failed: %s: %s", errs[0].Summary, errs[0].Detail)
			}
			switch {
			case tc.want == "" && len(warnings) > 0:
				t.Errorf("want no warning, got %q: %s", warnings[0].Summary, warnings[0].Detail)
			case tc.want != "" && (len(warnings) != 1 || !regexp.MustCompile(tc.want).MatchString(warnings[0].Summary+": "+warnings[0].Detail)):
				t.Errorf("want one warning matching %s, got %+v", tc.want, warnings)
			}
		})
	}
	if n := acctest.Emu.Count(emulator.RouteGraphProfilePatch); n != 0 {
		t.Errorf("planning destroys sent %d PATCH requests", n)
	}
}
