package main

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/services/microsoft365"
)

// action is securescore_microsoft365_improvement_action written the way a
// generic provider is: the framework's reflection for state, and for every
// resource its own requests. A read is a GET of the action and a GET of the
// newest secure score; a plan that changes a decision GETs the action to
// check it; a write GETs it again, PATCHes it and reads it back.
type action struct {
	providerdata.Resource
}

func newAction() resource.Resource {
	return &action{Resource: providerdata.NewResource("microsoft365_improvement_action")}
}

var _ resource.ResourceWithModifyPlan = &action{}

// actionModel holds the release resource's attributes (its schema is used
// as is, so both read each other's state).
type actionModel struct {
	ID              types.String   `tfsdk:"id"`
	TenantID        types.String   `tfsdk:"tenant_id"`
	ControlID       types.String   `tfsdk:"control_id"`
	Status          types.String   `tfsdk:"status"`
	Notes           types.String   `tfsdk:"notes"`
	AssignedTo      types.String   `tfsdk:"assigned_to"`
	OnDestroy       types.String   `tfsdk:"on_destroy"`
	Title           types.String   `tfsdk:"title"`
	Category        types.String   `tfsdk:"category"`
	Service         types.String   `tfsdk:"service"`
	InScore         types.Bool     `tfsdk:"in_score"`
	MaxScore        types.Float64  `tfsdk:"max_score"`
	CurrentScore    types.Float64  `tfsdk:"current_score"`
	Completed       types.Bool     `tfsdk:"completed"`
	UpdatedBy       types.String   `tfsdk:"updated_by"`
	UpdatedDateTime types.String   `tfsdk:"updated_date_time"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// update is the PATCH body for the decision m records.
func (m actionModel) update() client.ControlProfileUpdate {
	state, _ := microsoft365.StateForStatus(m.Status.ValueString())
	return client.ControlProfileUpdate{State: state, Comment: m.Notes.ValueString(), AssignedTo: m.AssignedTo.ValueString(), VendorInformation: client.SecureScoreVendor}
}

func (r *action) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	microsoft365.NewImprovementActionResource().Schema(ctx, req, resp)
}

// ModifyPlan checks a create or a changed decision against the service: the
// action exists, can be managed, and (for a create) carries no other
// decision. A plan that changes nothing sends nothing.
func (r *action) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.Client == nil {
		return
	}
	var plan actionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.ControlID.IsUnknown() || plan.Status.IsUnknown() || plan.Notes.IsUnknown() || plan.AssignedTo.IsUnknown() {
		return
	}
	var prior *actionModel
	if !req.State.Raw.IsNull() {
		prior = &actionModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if same(plan, *prior) {
			return
		}
	}
	r.check(ctx, plan, prior, &resp.Diagnostics)
}

// check GETs the action and refuses what the write would get wrong.
func (r *action) check(ctx context.Context, plan actionModel, prior *actionModel, diags *diag.Diagnostics) *client.GraphClient {
	g, err := r.Client.Graph(plan.TenantID.ValueString())
	if err != nil {
		diags.AddError("Choosing the Microsoft 365 tenant", err.Error())
		return nil
	}
	profile, _, err := g.GetControlProfile(ctx, plan.ControlID.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("control_id"), "Reading the improvement action", err.Error())
		return nil
	}
	if refusal := microsoft365.Unmanageable(*profile); refusal != nil {
		diags.AddAttributeError(path.Root("control_id"), refusal.Summary, refusal.Detail)
		return nil
	}
	recorded := microsoft365.RecordedDecision(*profile)
	want := actionModel{Status: types.StringValue(microsoft365.StatusToAddress)}.update()
	if prior != nil {
		want = prior.update()
	}
	if recorded != nil && !decides(recorded, plan.update()) && !decides(recorded, want) {
		diags.AddAttributeError(path.Root("control_id"), "Improvement action carries another decision",
			fmt.Sprintf("%q shows %s, which neither the state nor the configuration records; nothing was sent.", profile.ID, recorded.State))
		return nil
	}
	return g
}

func (r *action) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state actionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := r.Client.Graph(state.TenantID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Choosing the Microsoft 365 tenant", err.Error())
		return
	}
	profile, _, err := g.GetControlProfile(ctx, state.ControlID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the improvement action", err.Error())
		return
	}
	if r.fill(ctx, g, &state, *profile, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

// fill sets what the service owns from profile and a GET of the newest
// secure score, mapped as the release maps them.
func (r *action) fill(ctx context.Context, g *client.GraphClient, m *actionModel, profile client.ControlProfile, diags *diag.Diagnostics) bool {
	scores, _, err := g.SecureScores(ctx, 1)
	if err != nil {
		diags.AddError("Reading the secure score", err.Error())
		return false
	}
	var entry *client.ControlScore
	if len(scores) > 0 {
		entry = scores[0].ControlScore(profile.ID)
	}
	a := microsoft365.NewAction(profile, entry)
	text := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	m.ID = types.StringValue(g.TenantID + "/" + m.ControlID.ValueString())
	m.TenantID = types.StringValue(g.TenantID)
	m.Title, m.Category, m.Service = text(a.Title), text(a.Category), text(a.Service)
	m.InScore = types.BoolValue(a.InScore)
	m.MaxScore, m.CurrentScore = types.Float64Null(), types.Float64Null()
	if a.MaxScoreKnown {
		m.MaxScore = types.Float64Value(a.MaxScore)
	}
	if a.InScore {
		m.CurrentScore = types.Float64Value(a.Score)
	}
	m.Completed = types.BoolValue(a.Status == microsoft365.StatusCompleted)
	m.Status = types.StringValue(microsoft365.StatusForState(a.State))
	m.Notes, m.AssignedTo, m.UpdatedBy = text(a.Notes), text(a.AssignedTo), text(a.UpdatedBy)
	m.UpdatedDateTime = types.StringNull()
	if a.UpdatedDateTime != nil {
		m.UpdatedDateTime = types.StringValue(a.UpdatedDateTime.UTC().Format(time.RFC3339))
	}
	if m.OnDestroy.IsNull() || m.OnDestroy.IsUnknown() {
		m.OnDestroy = types.StringValue(microsoft365.OnDestroyReset)
	}
	return true
}

func (r *action) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan actionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !resp.Diagnostics.HasError() {
		r.write(ctx, plan, nil, &resp.State, &resp.Diagnostics)
	}
}

func (r *action) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior actionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if same(plan, prior) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	r.write(ctx, plan, &prior, &resp.State, &resp.Diagnostics)
}

// stateSetter is the part of tfsdk.State a write fills.
type stateSetter interface {
	Set(context.Context, any) diag.Diagnostics
}

// write checks the action again, PATCHes the planned decision and reads the
// action back (a few times, while the service does not show the write yet).
func (r *action) write(ctx context.Context, plan actionModel, prior *actionModel, state stateSetter, diags *diag.Diagnostics) {
	g := r.check(ctx, plan, prior, diags)
	if g == nil {
		return
	}
	sent := plan.update()
	if err := g.UpdateControlProfile(ctx, plan.ControlID.ValueString(), sent); err != nil {
		diags.AddError("Updating the improvement action", err.Error())
		return
	}
	for attempt := 0; ; attempt++ {
		profile, _, err := g.GetControlProfile(ctx, plan.ControlID.ValueString())
		if err != nil {
			diags.AddError("Reading back the improvement action", err.Error())
			return
		}
		if decides(profile.LatestStateUpdate(), sent) || attempt == 4 {
			if r.fill(ctx, g, &plan, *profile, diags) {
				diags.Append(state.Set(ctx, &plan)...)
			}
			return
		}
		time.Sleep(time.Second)
	}
}

func (r *action) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var prior actionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() || prior.OnDestroy.ValueString() == microsoft365.OnDestroyKeep {
		return
	}
	reset := prior
	reset.Status, reset.Notes, reset.AssignedTo = types.StringValue(microsoft365.StatusToAddress), types.StringNull(), types.StringNull()
	if g := r.check(ctx, reset, &prior, &resp.Diagnostics); g != nil {
		if err := g.UpdateControlProfile(ctx, prior.ControlID.ValueString(), reset.update()); err != nil {
			resp.Diagnostics.AddError("Resetting the improvement action", err.Error())
		}
	}
}

func same(a, b actionModel) bool {
	return a.Status.Equal(b.Status) && a.Notes.Equal(b.Notes) && a.AssignedTo.Equal(b.AssignedTo)
}

// decides reports whether the service's newest update is the decision u
// writes (no update at all is the decision of no decision).
func decides(latest *client.ControlStateUpdate, u client.ControlProfileUpdate) bool {
	if latest == nil {
		return microsoft365.StatusForState(u.State) == microsoft365.StatusToAddress && u.Comment == "" && u.AssignedTo == ""
	}
	return microsoft365.StatusForState(latest.State) == microsoft365.StatusForState(u.State) && latest.Comment == u.Comment && latest.AssignedTo == u.AssignedTo
}
