package microsoft365

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
)

// chinaGraphEndpoint is the one cloud where Microsoft does not document the
// secure score update.
const chinaGraphEndpoint = "https://microsoftgraph.chinacloudapi.cn"

// ModifyPlan resolves the tenant and runs every check at plan time whenever
// the provider is configured, so a refused change never reaches apply and
// never sends a request: unknown or unmanageable actions, and a create over
// a decision someone already recorded.
func (r *ImprovementActionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(r.destroyWarning(ctx, req.State)...)
		return
	}
	if r.Client == nil {
		return // the provider's settings are not known yet: apply checks again
	}
	plan, diags := modelFromTerraform(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	config, diags := modelFromTerraform(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || plan.ControlID.IsUnknown() || plan.Status.IsUnknown() || config.TenantID.IsUnknown() {
		return
	}
	var state *improvementActionModel
	if !req.State.Raw.IsNull() {
		prior, diags := modelFromTerraform(ctx, req.State.Raw)
		resp.Diagnostics.Append(diags...)
		state = &prior
	}

	g := tenantGraph(r.Client, config.TenantID, &resp.Diagnostics)
	if g == nil {
		return
	}
	if g.TenantID != "" {
		plan.TenantID = types.StringValue(g.TenantID)
		if !config.TenantID.IsNull() {
			plan.TenantID = config.TenantID // Terraform wants arguments back as written
		}
		plan.ID = types.StringValue(resourceID(plan.TenantID.ValueString(), plan.ControlID.ValueString()))
	}
	tenantMoved := state != nil && !plan.TenantID.IsUnknown() && !strings.EqualFold(state.TenantID.ValueString(), plan.TenantID.ValueString())
	if tenantMoved {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("tenant_id"))
	}
	replacing := tenantMoved || (state != nil && !state.ControlID.Equal(plan.ControlID))
	planned, diags := plan.toTerraform(ctx, req.Plan.Raw.Type())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Plan.Raw = planned
	if state != nil && !replacing && plan.sameDecisionAs(*state) {
		return // nothing to send, so nothing to refuse
	}

	if strings.EqualFold(strings.TrimSuffix(r.Client.Endpoints.GraphEndpoint, "/"), chinaGraphEndpoint) {
		resp.Diagnostics.AddWarning("Secure score updates are not documented for this cloud",
			"Microsoft documents updating secure score control profiles for the global and US Government clouds only; in Azure China the update may be refused.")
	}
	profile, ok := r.manageableProfile(ctx, g, plan.ControlID.ValueString(), path.Root("control_id"), &resp.Diagnostics)
	if !ok {
		return
	}
	if state == nil || replacing {
		// A decision equal to the planned one is adopted at apply: typically
		// this provider's own write that never reached the state.
		if decision := RecordedDecision(*profile); decision != nil && !plannedAlready(plan, decision) {
			resp.Diagnostics.Append(decisionRecorded(g.TenantID, *profile, *decision, ""))
			return
		}
	}
	latest, warnings, err := g.LatestSecureScore(ctx)
	resp.Diagnostics.Append(diagnostics.Warnings(warnings)...)
	if err != nil {
		resp.Diagnostics.Append(readError("Reading the secure score", err))
		return
	}
	resp.Diagnostics.Append(pointsWarnings(NewAction(*profile, latest.ControlScore(profile.ID)), plan.Status.ValueString())...)
}

// readProfile reads controlID through read (the client's ControlProfile, or
// ReadControlProfile for a copy fresher than the shared list), with Graph's
// warnings; false after an error, reported as action failing. A nil profile
// is no such action.
func readProfile(ctx context.Context, read func(context.Context, string) (*client.ControlProfile, []string, error), controlID, action string, diags *diag.Diagnostics) (*client.ControlProfile, bool) {
	profile, warnings, err := read(ctx, controlID)
	diags.Append(diagnostics.Warnings(warnings)...)
	if err != nil {
		diags.Append(readError(action, err))
		return nil, false
	}
	return profile, true
}

// manageableProfile reads the action from the shared list and refuses an
// unknown id ("did you mean"), a Device action and a deprecated one.
func (r *ImprovementActionResource) manageableProfile(ctx context.Context, g *client.GraphClient, controlID string, at path.Path, diags *diag.Diagnostics) (*client.ControlProfile, bool) {
	profile, ok := readProfile(ctx, g.ControlProfile, controlID, "Reading the improvement action", diags)
	if !ok {
		return nil, false
	}
	if profile == nil {
		diags.Append(attributeError(at, "Unknown improvement action", unknownActionDetail(ctx, g, controlID)))
		return nil, false
	}
	if refusal := Unmanageable(*profile); refusal != nil {
		diags.Append(attributeError(at, refusal.Summary, refusal.Detail))
		return nil, false
	}
	return profile, true
}

func attributeError(at path.Path, summary, detail string) diag.Diagnostic {
	if at.Equal(path.Empty()) {
		return diag.NewErrorDiagnostic(summary, detail)
	}
	return diag.NewAttributeErrorDiagnostic(at, summary, detail)
}

// unknownActionDetail suggests only the actions the resource can manage:
// a Device or deprecated action would be refused in turn.
func unknownActionDetail(ctx context.Context, g *client.GraphClient, controlID string) string {
	detail := fmt.Sprintf("No improvement action %q exists in tenant %s.", controlID, g.TenantID)
	if profiles, _, err := g.ControlProfiles(ctx); err == nil {
		ids := make([]string, 0, len(profiles))
		for _, p := range profiles {
			if Unmanageable(p) == nil {
				ids = append(ids, p.ID)
			}
		}
		if closest := diagnostics.Closest(controlID, ids, 3); len(closest) > 0 {
			detail += " Did you mean " + quoteJoin(closest) + "?"
		}
	}
	return detail + " The data source securescore_microsoft365_improvement_actions lists every id."
}

// decisionRecorded refuses a create over what a team already recorded, as
// azurerm refuses to create what already exists: the action is imported
// instead, so its decision reaches the state before anything changes it.
func decisionRecorded(tenantID string, p client.ControlProfile, u client.ControlStateUpdate, when string) diag.Diagnostic {
	if when != "" {
		when = " " + when
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("control_id"), "Improvement action already carries a decision",
		fmt.Sprintf("%q (%s) in tenant %s already has a decision%s: %s. Creating the resource would overwrite it, so nothing was sent.\n\n"+
			"Import the action first, then change it with a plan you can review:\n\n"+
			"  import {\n    to = securescore_microsoft365_improvement_action.<name>\n    id = %q\n  }\n\n"+
			"or: terraform import securescore_microsoft365_improvement_action.<name> %s",
			p.ID, p.Title, tenantID, when, describeDecision(u), resourceID(tenantID, p.ID), resourceID(tenantID, p.ID)))
}

// plannedAlready reports whether the service's decision is the one plan
// writes (every member known).
func plannedAlready(plan improvementActionModel, decision *client.ControlStateUpdate) bool {
	return !plan.Notes.IsUnknown() && !plan.AssignedTo.IsUnknown() && sameDecision(decision, plan.decision())
}

// changedSincePlan refuses an update or a destroy's reset over a decision
// the prior state does not record: made after the plan, or hidden from it
// by -refresh=false. doing names the write ("Updating it").
func changedSincePlan(tenantID string, p client.ControlProfile, latest *client.ControlStateUpdate, prior improvementActionModel, doing string) diag.Diagnostic {
	shows := "nothing recorded (to_address, no notes, nobody assigned)"
	if latest != nil {
		shows = describeDecision(*latest)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("control_id"), "Improvement action changed since the plan",
		fmt.Sprintf("%q (%s) in tenant %s now shows %s, but the state this apply was planned from records %s. %s would overwrite that change unseen, so nothing was sent.\n\n"+
			"Run `terraform apply -refresh-only` to record what the service shows, then plan again: the new plan shows what applying would change. "+
			"To keep the change, write it in the configuration (or, before a destroy, set `on_destroy = \"keep\"`).",
			p.ID, p.Title, tenantID, shows, prior.describeRecorded(), doing))
}

// destroyWarning is the destroy plan's warning when the destroy would reset
// a decision someone else recorded: on_destroy is "reset", the state's
// decision is not "to address, no notes, nobody assigned", and it was not
// set by this provider's application (updated_by is not its client id). The
// provider's own decisions come from the configuration being destroyed;
// any other (imported, recorded in the portal, or by an unknown author) is
// a team's, and the plan is the last moment to keep it.
func (r *ImprovementActionResource) destroyWarning(ctx context.Context, prior tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	if prior.Raw.IsNull() {
		return diags
	}
	state, ds := modelFromTerraform(ctx, prior.Raw)
	if ds.HasError() || state.OnDestroy.ValueString() == OnDestroyKeep {
		return diags
	}
	if state.Status.ValueString() == StatusToAddress && state.Notes.IsNull() && state.AssignedTo.IsNull() {
		return diags // nothing to reset
	}
	if r.Client != nil && r.Client.ClientID != "" && strings.EqualFold(state.UpdatedBy.ValueString(), r.Client.ClientID) {
		return diags
	}
	diags.AddWarning("Destroying resets a decision recorded by someone else",
		fmt.Sprintf("Destroying the resource of improvement action %q in tenant %s returns it to to_address with no notes and nobody assigned (on_destroy = \"reset\"). "+
			"It carries %s, which this provider's application did not write.\n\n"+
			"To keep the decision in the service and only stop managing it, either set `on_destroy = \"keep\"` on the resource and apply before destroying, "+
			"or (Terraform 1.7 and later) replace the resource block with:\n\n"+
			"  removed {\n    from = securescore_microsoft365_improvement_action.<name>\n    lifecycle {\n      destroy = false\n    }\n  }",
			state.ControlID.ValueString(), state.TenantID.ValueString(), state.describeRecorded()))
	return diags
}

// pointsWarnings say what a status does to the action's points (Microsoft:
// risk accepted earns none; third party and alternate mitigation earn the
// action's points; completed is decided by Microsoft's data).
func pointsWarnings(a Action, status string) diag.Diagnostics {
	var diags diag.Diagnostics
	at := path.Root("status")
	switch {
	case !a.InScore:
		diags.AddAttributeWarning(at, "Improvement action outside the secure score",
			fmt.Sprintf("%q does not count in the tenant's secure score (the newest score does not list it, typically a product the tenant is not licensed for): its status changes no total.", a.ID))
	case status == StatusRiskAccepted && a.Score > 0:
		diags.AddAttributeWarning(at, "Risk accepted earns no points",
			fmt.Sprintf("%q earns %g of its %g points today. A risk-accepted action earns none, so the score will drop by %g once Microsoft recalculates (up to a day).", a.ID, a.Score, a.MaxScore, a.Score))
	case status == StatusResolvedThroughThirdParty && a.PointsRemaining > 0:
		diags.AddAttributeWarning(at, "Resolved through third party earns the action's points",
			fmt.Sprintf("%q earns %g of its %g points today. An action resolved through a third party earns its full points once Microsoft recalculates (up to a day).", a.ID, a.Score, a.MaxScore))
	case a.Status == StatusCompleted && (status == StatusPlanned || status == StatusToAddress):
		diags.AddAttributeWarning(at, "Improvement action already completed",
			fmt.Sprintf("%q already earns its full %g points, so the portal shows it as completed whatever its recorded status; %s changes the recorded status, not the points.", a.ID, a.MaxScore, status))
	}
	return diags
}

// statusValidator accepts a settable status and gives one error for any
// other value, with a clearer word for the statuses the service decides.
type statusValidator struct{}

func (statusValidator) Description(context.Context) string {
	return "must be one of: " + strings.Join(SettableStatuses, ", ")
}

func (v statusValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (statusValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	status := req.ConfigValue.ValueString()
	if _, ok := StateForStatus(status); ok {
		return
	}
	switch status {
	case StatusCompleted, StatusInProgress:
		resp.Diagnostics.AddAttributeError(req.Path, status+" cannot be set",
			"The service decides "+status+" from the action's points. Set one of: "+strings.Join(SettableStatuses, ", ")+".")
	default:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid improvement action status",
			fmt.Sprintf("%q is not a status this resource can set. Set one of: %s.", status, strings.Join(SettableStatuses, ", ")))
	}
}
