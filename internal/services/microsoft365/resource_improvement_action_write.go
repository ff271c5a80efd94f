package microsoft365

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// readBackDelays are the waits before each read-back of a write: Graph
// answers a PATCH 2xx and may show it only later (users report reads that
// lag, and writes that never stick).
var readBackDelays = []time.Duration{0, time.Second, 3 * time.Second}

// stopGrace is how long a write already sent may still take, and then how
// long its read-back may take, once Terraform's stop signal (Ctrl-C) or the
// operation's timeout ends the operation: cut short, a write that may have
// landed would be missing from the state. Terraform waits for the provider
// to answer after a stop, so the grace only delays the stop.
const stopGrace = 5 * time.Second

// write re-checks at apply time what the plan checked (the service may have
// changed since, or the plan was saved), PATCHes the decision unless only
// Terraform-side settings changed, and fills every computed attribute from
// a fresh read. It reports whether m may be saved as the new state.
func (r *ImprovementActionResource) write(ctx context.Context, g *client.GraphClient, m *improvementActionModel, prior *improvementActionModel, diags *diag.Diagnostics) bool {
	m.TenantID = types.StringValue(g.TenantID)
	m.ID = types.StringValue(resourceID(g.TenantID, m.ControlID.ValueString()))
	controlID := m.ControlID.ValueString()
	update := m.decision()
	if prior != nil && m.sameDecisionAs(*prior) {
		// Only on_destroy or timeouts changed: nothing to send.
		profile, ok := r.manageableProfile(ctx, g, controlID, path.Root("control_id"), diags)
		return ok && r.fillFromService(ctx, g, m, *profile, diags)
	}
	if prior == nil {
		profile, ok := r.manageableProfile(ctx, g, controlID, path.Root("control_id"), diags)
		if !ok {
			return false
		}
		if decision := RecordedDecision(*profile); decision != nil {
			if sameDecision(decision, update) {
				// The service already shows the planned decision, typically
				// this provider's own write whose answer was lost (Ctrl-C,
				// a dropped connection): adopting it loses nothing.
				tflog.Info(ctx, "the action already shows the planned decision: adopted, nothing sent", map[string]any{"control_id": controlID})
				return r.fillFromService(ctx, g, m, *profile, diags)
			}
			diags.Append(decisionRecorded(g.TenantID, *profile, *decision, "since the plan was made"))
			return false
		}
	} else {
		profile, ok := r.unchangedProfile(ctx, g, controlID, *prior, "Updating it", nil, diags)
		if !ok {
			return false
		}
		if profile == nil {
			diags.Append(attributeError(path.Root("control_id"), "Unknown improvement action", unknownActionDetail(ctx, g, controlID)))
			return false
		}
		if refusal := Unmanageable(*profile); refusal != nil {
			diags.Append(attributeError(path.Root("control_id"), refusal.Summary, refusal.Detail))
			return false
		}
	}
	return r.send(ctx, g, m, prior == nil, update, diags)
}

// unchangedProfile reads the action as this apply found it (the list each
// Terraform command reads once, after its plan: a saved plan, or the
// minutes at the approval prompt, are behind it) and refuses, with nothing
// sent, when its newest decision is not the one the prior state recorded:
// the prior state is the one the plan refreshed, so a change made after the
// plan (or hidden by -refresh=false) would be overwritten unseen. doing
// names the write for the diagnostic. A nil profile with true is an action
// that no longer exists. skip is a profile whose change does not matter
// (a destroy that finds nothing to reset).
func (r *ImprovementActionResource) unchangedProfile(ctx context.Context, g *client.GraphClient, controlID string, prior improvementActionModel, doing string,
	skip func(client.ControlProfile) bool, diags *diag.Diagnostics) (*client.ControlProfile, bool) {
	profile, ok := readProfile(ctx, g.ControlProfile, controlID, "Reading the improvement action", diags)
	if !ok || profile == nil || (skip != nil && skip(*profile)) {
		return profile, ok
	}
	latest := profile.LatestStateUpdate()
	if changedSince(prior.recorded(), latest) {
		diags.Append(changedSincePlan(g.TenantID, *profile, latest, prior, doing))
		return nil, false
	}
	return profile, true
}

// send PATCHes the decision, reads it back and fills m from the service.
func (r *ImprovementActionResource) send(ctx context.Context, g *client.GraphClient, m *improvementActionModel, creating bool, update client.ControlProfileUpdate, diags *diag.Diagnostics) bool {
	controlID := m.ControlID.ValueString()
	return graced(ctx, controlID, g.TenantID, "update", diags, func(wctx context.Context) bool {
		if err := g.UpdateControlProfile(wctx, controlID, update); err != nil {
			return r.afterFailedWrite(ctx, g, m, creating, update, err, diags)
		}
		fresh, shown := r.readBack(wctx, g, controlID, update, diags)
		if fresh == nil {
			return false
		}
		written := *m
		if !r.fillFromService(wctx, g, m, *fresh, diags) {
			return false
		}
		if !shown {
			// The state keeps what was written, so this apply matches its
			// plan; the next refresh shows the service's value as drift.
			shown := "nothing recorded"
			if latest := fresh.LatestStateUpdate(); latest != nil {
				shown = describeDecision(*latest)
			}
			diags.AddWarning("The improvement action does not show the update",
				fmt.Sprintf("Microsoft Graph accepted the update of %q in tenant %s (status %s), but after %s of reading back it still shows %s. "+
					"The state records what was written; the next plan shows the difference if the service does not apply it. "+
					"Check the action in the Microsoft Defender portal (Secure Score > Recommended actions).",
					controlID, g.TenantID, written.Status.ValueString(), readBackWindow(), shown))
			m.Status, m.Notes, m.AssignedTo = written.Status, written.Notes, written.AssignedTo
			m.UpdatedBy = types.StringNull()
			m.UpdatedDateTime = types.StringNull()
		}
		return true
	})
}

// reset is a destroy's write: the action back to the portal's default (to
// address, no notes, nobody assigned), checked against the state first.
// An action that carries no decision, or no longer exists, needs none.
func (r *ImprovementActionResource) reset(ctx context.Context, g *client.GraphClient, state improvementActionModel, diags *diag.Diagnostics) {
	controlID := state.ControlID.ValueString()
	nothingToReset := func(p client.ControlProfile) bool { return RecordedDecision(p) == nil }
	profile, ok := r.unchangedProfile(ctx, g, controlID, state, "Resetting it (the destroy)", nothingToReset, diags)
	if !ok || profile == nil || nothingToReset(*profile) {
		return
	}
	reset := client.ControlProfileUpdate{State: StateDefault, VendorInformation: client.SecureScoreVendor}
	graced(ctx, controlID, g.TenantID, "reset", diags, func(wctx context.Context) bool {
		err := g.UpdateControlProfile(wctx, controlID, reset)
		switch {
		case err == nil || client.IsNotFound(err):
			return true // a 404: gone already, nothing to reset
		case refused(err):
			diags.Append(patchError(controlID, g.TenantID, reset, err))
		case landed(ctx, g, controlID, reset) != nil:
			return true
		default:
			diags.Append(withLanding(patchError(controlID, g.TenantID, reset, err), "The reset may have landed: its answer was lost, and reading the action back did not show it. "+
				"The resource stays in the state; the next destroy refreshes the action and sends the reset only if the action still carries a decision."))
		}
		return false
	})
}

// graced runs write, a write to the service, with a context that outlives
// ctx by stopGrace (withStopGrace); when ctx has already ended nothing is
// sent, and the diagnostic says so. what names the write.
func graced(ctx context.Context, controlID, tenantID, what string, diags *diag.Diagnostics, write func(context.Context) bool) bool {
	if ctx.Err() != nil {
		diags.AddError("Improvement action not changed", fmt.Sprintf("%s before the %s of %q in tenant %s was sent: nothing was sent.", endedBy(ctx), what, controlID, tenantID))
		return false
	}
	wctx, cancel := withStopGrace(ctx)
	defer cancel()
	return write(wctx)
}

// landed reads the action once, within stopGrace even after ctx ended, and
// returns it when it shows update: the service stored a write whose answer
// was lost. nil when it does not show it, or cannot be read.
func landed(ctx context.Context, g *client.GraphClient, controlID string, update client.ControlProfileUpdate) *client.ControlProfile {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopGrace)
	defer cancel()
	profile, _, err := g.ReadControlProfile(rctx, controlID)
	if err != nil || profile == nil || !sameDecision(profile.LatestStateUpdate(), update) {
		return nil
	}
	return profile
}

// withLanding is d with what a write that may have landed means added.
func withLanding(d diag.Diagnostic, landing string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+landing)
}

// afterFailedWrite handles a PATCH that failed without a refusal from the
// service: after retries, a lost answer, or a stop. The service may have
// stored it, so the action is read once: if it shows the update, the write
// landed and m is filled from it; otherwise one diagnostic says the update
// may have landed and what the next apply does.
func (r *ImprovementActionResource) afterFailedWrite(ctx context.Context, g *client.GraphClient, m *improvementActionModel, creating bool, update client.ControlProfileUpdate,
	err error, diags *diag.Diagnostics) bool {
	controlID := m.ControlID.ValueString()
	if refused(err) {
		diags.Append(patchError(controlID, g.TenantID, update, err))
		return false
	}
	if profile := landed(ctx, g, controlID, update); profile != nil {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopGrace)
		defer cancel()
		var fillDiags diag.Diagnostics
		if r.fillFromService(fctx, g, m, *profile, &fillDiags) {
			diags.AddWarning("The improvement action shows the update despite an error",
				fmt.Sprintf("The update of %q in tenant %s ended with an error, but reading the action back shows it: the service stored it, and the state records it.\n\n%v", controlID, g.TenantID, err))
			return true
		}
	}
	next := "The next apply reads the action first: if it shows this decision, the create adopts it and sends nothing; otherwise the create sends it again."
	if !creating {
		next = "The next plan refreshes the action: if the update landed, there is nothing left to change; otherwise applying sends it again."
	}
	landing := fmt.Sprintf("The update (status %s) may have landed: its answer was lost, and reading the action back did not show it. Nothing about it was saved to the state. %s",
		StatusForState(update.State), next)
	if ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		diags.AddError("Stopped while updating the improvement action",
			fmt.Sprintf("Terraform was stopped while the update of %q in tenant %s was in flight, and it did not finish within %s.\n\n%s", controlID, g.TenantID, stopGrace, landing))
		return false
	}
	diags.Append(withLanding(patchError(controlID, g.TenantID, update, err), landing))
	return false
}

// refused reports an answer that says the service did not take the write
// (a 4xx other than throttling or a timeout): nothing can have landed.
func refused(err error) bool {
	var apiErr *client.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 &&
		apiErr.StatusCode != http.StatusTooManyRequests && apiErr.StatusCode != http.StatusRequestTimeout
}

// withStopGrace is ctx for a write already under way: it ends stopGrace
// after ctx does (Terraform's stop signal, or the operation's timeout),
// with ctx's cause, instead of at once.
func withStopGrace(ctx context.Context) (context.Context, context.CancelFunc) {
	graced, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		time.AfterFunc(stopGrace, func() { cancel(context.Cause(ctx)) })
	})
	return graced, func() { stop(); cancel(context.Canceled) }
}

// endedBy says what ended ctx: the operation's timeout or Terraform's stop.
func endedBy(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return "The operation's time (the `timeouts` block) ran out"
	}
	return "Terraform was stopped"
}

// readBack reads the written action until it shows the update or the
// read-back window ends; shown reports whether it showed it.
func (r *ImprovementActionResource) readBack(ctx context.Context, g *client.GraphClient, controlID string, sent client.ControlProfileUpdate, diags *diag.Diagnostics) (*client.ControlProfile, bool) {
	var fresh *client.ControlProfile
	for _, delay := range readBackDelays {
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return fresh, false
			}
		}
		profile, ok := readProfile(ctx, g.ReadControlProfile, controlID, "Reading back the improvement action", diags)
		if !ok {
			return nil, false
		}
		if profile == nil {
			diags.AddError("Improvement action vanished", fmt.Sprintf("%q was updated but can no longer be read back; run terraform refresh.", controlID))
			return nil, false
		}
		fresh = profile
		if sameDecision(profile.LatestStateUpdate(), sent) {
			return fresh, true
		}
		tflog.Debug(ctx, "read-back does not show the update yet", map[string]any{"control_id": controlID})
	}
	return fresh, false
}

func readBackWindow() time.Duration {
	var total time.Duration
	for _, d := range readBackDelays {
		total += d
	}
	return total
}
