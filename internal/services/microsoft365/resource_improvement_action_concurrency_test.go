package microsoft365_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// The CISO's decision, recorded by a second writer (the portal, or another
// tool) between a plan and its apply.
const (
	cisoNotes = "RISK ACCEPTED by CISO"
	ciso      = "ciso@contoso.com"
)

// recordBetweenPlanAndApply is a plan check that records the CISO's risk
// acceptance on each of ids: terraform-plugin-testing runs PreApply checks
// between `terraform plan -out` and the apply of that saved plan, so this is
// a teammate deciding while the plan waits for approval.
func recordBetweenPlanAndApply(ids ...string) plancheck.PlanCheck {
	return planCheck(func() error {
		for _, id := range ids {
			acctest.Emu.PatchProfile(home, id, "Ignored", cisoNotes, "", ciso)
		}
		return nil
	})
}

// A saved plan never overwrites a decision recorded after it: the apply
// refuses with one diagnostic naming the decision and who made it, sends
// nothing, and the way forward it names (refresh, then plan) works.
func TestAccImprovementActionSavedPlanRefusesALaterDecision(t *testing.T) {
	id := openAction(t)
	var patches int
	acctest.Test(t, resource.TestCase{
		// The last step keeps the decision on destroy: the CISO's stays.
		CheckDestroy: expectServiceState(id, "Ignored", cisoNotes, ""),
		Steps: []resource.TestStep{
			{Config: resourceConfig(id, "planned", `  notes = "Q3 rollout"`)},
			{
				PreConfig: func() { acctest.Emu.ResetCounts() },
				Config:    resourceConfig(id, "planned", `  notes = "Q4 rollout"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(actionAddress, plancheck.ResourceActionUpdate),
					recordBetweenPlanAndApply(id),
				}},
				ExpectError: acctest.Wrapped(`(?s)Improvement action changed since the plan.*now shows status risk_accepted \(Graph state "Ignored"\), notes "RISK ACCEPTED by CISO", set by ciso@contoso.com on .*` +
					`records status planned, notes "Q3 rollout", set by ` + emulator.ClientID + `.*nothing was sent.*terraform apply -refresh-only.*then plan again`),
			},
			{
				// The refused apply sent nothing; refreshing shows the decision.
				PreConfig:          func() { patches = acctest.Emu.Count(emulator.RouteGraphProfilePatch) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true, // the configuration still says Q3 rollout
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(actionAddress, "notes", cisoNotes),
					resource.TestCheckResourceAttr(actionAddress, "updated_by", ciso),
				),
			},
			{
				// Keeping the decision: the configuration says what the
				// service holds, so only on_destroy changes.
				Config: resourceConfig(id, "risk_accepted", `  notes = "`+cisoNotes+`"
  on_destroy = "keep"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(actionAddress, plancheck.ResourceActionUpdate),
				}},
				Check: expectServiceState(id, "Ignored", cisoNotes, ""),
			},
		},
	})
	if patches != 0 {
		t.Errorf("the refused apply sent %d PATCH requests", patches)
	}
}

// A change the plan showed goes ahead: the prior state is the refreshed one.
func TestAccImprovementActionChangeSeenInThePlanGoesAhead(t *testing.T) {
	id := openAction(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{Config: resourceConfig(id, "planned", `  notes = "Q3 rollout"`)},
			{
				PreConfig: func() { acctest.Emu.PatchProfile(home, id, "Ignored", cisoNotes, "", ciso) },
				Config:    resourceConfig(id, "planned", `  notes = "Q3 rollout"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(actionAddress, plancheck.ResourceActionUpdate),
				}},
				Check: expectServiceState(id, "Reviewed", "Q3 rollout", ""),
			},
		},
	})
}

// A create whose write the service stored but whose answer was lost is the
// provider's own decision: the next apply adopts it, sends nothing for it,
// and applies the rest. With the action readable, the failed apply itself
// finds the write and saves it.
func TestAccImprovementActionStrandedWriteIsAdopted(t *testing.T) {
	t.Run("answer lost on every attempt, read-back fails", func(t *testing.T) {
		resetEmulator(t)
		open, _ := freshActions(t, 8)
		first, later := open[:3], open[:4]
		var stranded, patches int
		acctest.Test(t, resource.TestCase{
			Steps: []resource.TestStep{
				{
					Config: forEachConfig(first, "planned"),
					// From the apply on, every PATCH is stored and answered
					// 503, and every read of one action fails: the first
					// action the apply reads alone fails before its write, the
					// others' writes land unseen.
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planCheck(func() error {
						acctest.Emu.SetFault(emulator.RouteGraphProfilePatch, emulator.Fault{AfterStore: true, Status: 503, RetryAfter: "0.1"})
						acctest.Emu.SetFault(emulator.RouteGraphProfileGet, emulator.Fault{Status: 503, RetryAfter: "0.1"})
						return nil
					})}},
					ExpectError: acctest.Wrapped(`(?s)Updating the improvement action failed \(HTTP 503\).*may have landed.*` +
						`The next apply reads the action first: if it shows this decision, the create adopts it and sends nothing`),
				},
				{
					PreConfig: func() {
						for _, id := range first {
							if expectServiceState(id, "Reviewed", "managed as code", "")(nil) == nil {
								stranded++
							}
						}
						acctest.Emu.ClearFaults()
						acctest.Emu.ResetCounts()
					},
					Config: forEachConfig(later, "planned"),
					ConfigStateChecks: []statecheck.StateCheck{serviceCheck(func() error {
						patches = acctest.Emu.Count(emulator.RouteGraphProfilePatch)
						for _, id := range later {
							if err := expectServiceState(id, "Reviewed", "managed as code", "")(nil); err != nil {
								return err
							}
						}
						return nil
					})},
				},
				{Config: forEachConfig(later, "planned"), PlanOnly: true},
			},
		})
		if stranded == 0 {
			t.Fatal("no write was stranded: the case proves nothing")
		}
		// Only the actions whose write never landed, and the new one, are sent.
		if want := len(later) - stranded; patches != want {
			t.Errorf("the second apply sent %d PATCH requests, want %d (%d writes were stranded and adopted)", patches, want, stranded)
		}
	})
	t.Run("connection reset after store on every attempt, read-back works", func(t *testing.T) {
		resetEmulator(t)
		open, _ := freshActions(t, 4)
		ids := open[:2]
		acctest.Test(t, resource.TestCase{
			Steps: []resource.TestStep{
				{
					PreConfig: func() {
						acctest.Emu.SetFault(emulator.RouteGraphProfilePatch, emulator.Fault{AfterStore: true, Reset: true})
					},
					Config: forEachConfig(ids, "risk_accepted"),
					ConfigStateChecks: []statecheck.StateCheck{
						acctest.Expect("securescore_microsoft365_improvement_action.many[0]", "status", knownvalue.StringExact("risk_accepted")),
						acctest.Expect("securescore_microsoft365_improvement_action.many[1]", "notes", knownvalue.StringExact("managed as code")),
						serviceCheck(func() error {
							if acctest.Emu.FaultApplied(emulator.RouteGraphProfilePatch) < 2 {
								return errNoFault
							}
							acctest.Emu.ClearFaults()
							return nil
						}),
					},
				},
				{Config: forEachConfig(ids, "risk_accepted"), PlanOnly: true},
			},
		})
	})
}

var errNoFault = errorString("the fault was never hit: the case proves nothing")

type errorString string

func (e errorString) Error() string { return string(e) }

// Terraform's stop signal (Ctrl-C) cancels the apply's context. A write
// already sent may finish and be read back, so its result reaches the
// state; one that cannot finish says it may have landed and what the next
// apply does, and never blames the timeouts setting. The protocol is
// driven directly: terraform-plugin-testing cannot interrupt an apply.
func TestAccImprovementActionStopDuringWrite(t *testing.T) {
	cases := []struct {
		name    string
		fault   emulator.Fault
		wantErr string // "" = the write reaches the state
		stored  bool
	}{
		{"the write finishes after the stop", emulator.Fault{Latency: 1500 * time.Millisecond, Times: 1}, "", true},
		{"stored, answer never comes", emulator.Fault{AfterStore: true, Hang: true, Times: 1}, "", true},
		{"never answered, not stored", emulator.Fault{Hang: true, Times: 1},
			`(?s)^Stopped while updating the improvement action: Terraform was stopped while the update of .* was in flight.*may have landed.*the create adopts it and sends nothing`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := openAction(t)
			acctest.Emu.SetFault(emulator.RouteGraphProfilePatch, tc.fault)
			applied := applyCreateStoppedDuringPatch(t, id)
			errs, _ := diagnosticsOf(applied.Diagnostics)
			var got []string
			for _, d := range errs {
				got = append(got, d.Summary+": "+d.Detail)
			}
			switch {
			case tc.wantErr == "" && len(errs) > 0:
				t.Fatalf("want the write in state, got errors %q", got)
			case tc.wantErr != "" && (len(errs) != 1 || !regexp.MustCompile(tc.wantErr).MatchString(got[0])):
				t.Fatalf("want one error matching %s, got %q", tc.wantErr, got)
			case strings.Contains(strings.Join(got, " "), "timeouts"):
				t.Errorf("a stop blamed the timeouts setting: %q", got)
			}
			want := "Default||"
			if tc.stored {
				want = "Reviewed|stopped mid-write|"
			}
			if state, comment, assignee, _ := serviceState(home, id); state+"|"+comment+"|"+assignee != want {
				t.Errorf("service holds %s|%s|%s, want %s", state, comment, assignee, want)
			}
			if tc.wantErr == "" && (applied.NewState == nil || !strings.Contains(string(applied.NewState.JSON)+string(applied.NewState.MsgPack), "stopped mid-write")) {
				t.Errorf("the new state does not hold the write")
			}
		})
	}
}

// applyCreateStoppedDuringPatch plans creating the resource for id and
// applies it with a context cancelled as soon as the PATCH reaches the
// emulator, as Terraform's StopProvider cancels the apply's.
func applyCreateStoppedDuringPatch(t *testing.T, id string) *tfprotov6.ApplyResourceChangeResponse {
	t.Helper()
	const typeName = "securescore_microsoft365_improvement_action"
	server, schemas := configuredServer(t)
	resourceType := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object)
	config := dynamicValue(t, resourceType, objectValue(t, resourceType, map[string]tftypes.Value{
		"control_id": tftypes.NewValue(tftypes.String, id),
		"status":     tftypes.NewValue(tftypes.String, "planned"),
		"notes":      tftypes.NewValue(tftypes.String, "stopped mid-write"),
	}))
	prior := dynamicValue(t, resourceType, tftypes.NewValue(resourceType, nil))
	planned, err := server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, Config: &config, ProposedNewState: &config, PriorState: &prior,
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := diagnosticsOf(planned.Diagnostics); len(errs) > 0 {
		t.Fatalf("plan: %s: %s", errs[0].Summary, errs[0].Detail)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() {
		for acctest.Emu.Count(emulator.RouteGraphProfilePatch) == 0 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // the request is being served
		stop()
	}()
	applied, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, Config: &config, PriorState: &prior, PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate,
	})
	if err != nil {
		t.Fatal(err)
	}
	return applied
}

// A saved destroy plan never resets a decision recorded after it: refused,
// nothing sent.
func TestAccImprovementActionDestroyRefusesALaterDecision(t *testing.T) {
	id := openAction(t)
	var patches int
	keep := resourceConfig(id, "risk_accepted", `  notes = "`+cisoNotes+`"
  on_destroy = "keep"`)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: expectServiceState(id, "Ignored", cisoNotes, ""),
		Steps: []resource.TestStep{
			{Config: resourceConfig(id, "planned", `  notes = "Q3 rollout"`)},
			{
				PreConfig: func() { acctest.Emu.ResetCounts() },
				Config:    resourceConfig(id, "planned", `  notes = "Q3 rollout"`),
				Destroy:   true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(actionAddress, plancheck.ResourceActionDestroy),
					recordBetweenPlanAndApply(id),
				}},
				ExpectError: acctest.Wrapped(`(?s)Improvement action changed since the plan.*RISK ACCEPTED by CISO.*Resetting it \(the destroy\) would overwrite that change unseen, so nothing was sent`),
			},
			{
				PreConfig:          func() { patches = acctest.Emu.Count(emulator.RouteGraphProfilePatch) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
			},
			{Config: keep, Check: expectServiceState(id, "Ignored", cisoNotes, "")},
		},
	})
	if patches != 0 {
		t.Errorf("the refused destroy sent %d PATCH requests", patches)
	}
}
