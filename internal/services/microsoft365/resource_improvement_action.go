package microsoft365

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

var (
	_ resource.Resource                   = &ImprovementActionResource{}
	_ resource.ResourceWithConfigure      = &ImprovementActionResource{}
	_ resource.ResourceWithImportState    = &ImprovementActionResource{}
	_ resource.ResourceWithModifyPlan     = &ImprovementActionResource{}
	_ resource.ResourceWithValidateConfig = &ImprovementActionResource{}
)

const resourceTimeout = 10 * time.Minute

// chinaGraphEndpoint is the one cloud where Microsoft does not document the
// secure score update.
const chinaGraphEndpoint = "https://microsoftgraph.chinacloudapi.cn"

// ImprovementActionResource manages an improvement action's status, notes
// and assignee (PATCH /security/secureScoreControlProfiles/{id}).
type ImprovementActionResource struct {
	client *client.Client
}

// NewImprovementActionResource is the factory the provider registers.
func NewImprovementActionResource() resource.Resource { return &ImprovementActionResource{} }

type improvementActionModel struct {
	ID              types.String   `tfsdk:"id"`
	TenantID        types.String   `tfsdk:"tenant_id"`
	ControlID       types.String   `tfsdk:"control_id"`
	Status          types.String   `tfsdk:"status"`
	Notes           types.String   `tfsdk:"notes"`
	AssignedTo      types.String   `tfsdk:"assigned_to"`
	Title           types.String   `tfsdk:"title"`
	Category        types.String   `tfsdk:"category"`
	Service         types.String   `tfsdk:"service"`
	MaxScore        types.Float64  `tfsdk:"max_score"`
	Score           types.Float64  `tfsdk:"score"`
	Completed       types.Bool     `tfsdk:"completed"`
	UpdatedBy       types.String   `tfsdk:"updated_by"`
	UpdatedDateTime types.String   `tfsdk:"updated_date_time"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (r *ImprovementActionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_microsoft365_improvement_action"
}

func (r *ImprovementActionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	stable := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the status, notes and assignee of a Microsoft 365 Secure Score improvement action " +
			"(`PATCH /security/secureScoreControlProfiles/{id}`). Needs the Microsoft Graph application permission SecurityEvents.ReadWrite.All. " +
			"Destroying the resource returns the action to `to_address` with no notes and no assignee; the service keeps the history of updates.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: stable,
				MarkdownDescription: "`control_id`, or `<tenant_id>/<control_id>` when `tenant_id` is set."},
			"tenant_id": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.TenantID()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The Microsoft 365 tenant of the action: the provider's `tenant_id` (default) or one of its `auxiliary_tenant_ids`. Changing it replaces the resource."},
			"control_id": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The improvement action's id (the control profile's id), e.g. `AdminMFAV2`. Changing it replaces the resource."},
			"status": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.OneOf(SettableStatuses...)},
				MarkdownDescription: "The status: `to_address` (sent as Graph state `Default`), `planned` (`Reviewed`), `risk_accepted` (`Ignored`) or `resolved_through_third_party` (`ThirdParty`). " +
					"`completed` cannot be set: the service decides it when the action earns its full points (see `completed`)."},
			"notes": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "Notes on the decision, sent as the state update's `comment`. Omit it for none."},
			"assigned_to": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "Who the action is assigned to, e.g. a user principal name. Omit it for nobody."},
			"title":    schema.StringAttribute{Computed: true, PlanModifiers: stable, MarkdownDescription: "The action's title."},
			"category": schema.StringAttribute{Computed: true, PlanModifiers: stable, MarkdownDescription: "The control category: Identity, Data, Device, Apps or Infrastructure."},
			"service":  schema.StringAttribute{Computed: true, PlanModifiers: stable, MarkdownDescription: "The service the action belongs to, e.g. AzureAD or EXO."},
			"max_score": schema.Float64Attribute{Computed: true, PlanModifiers: []planmodifier.Float64{float64planmodifier.UseStateForUnknown()},
				MarkdownDescription: "The points the action is worth."},
			"score": schema.Float64Attribute{Computed: true, PlanModifiers: []planmodifier.Float64{float64planmodifier.UseStateForUnknown()},
				MarkdownDescription: "The points the action earns in the newest secure score (0 when the score lists none). Point changes take up to a day to show."},
			"completed": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the action already earns its full points, which the portal shows as `completed` whatever the status."},
			"updated_by": schema.StringAttribute{Computed: true,
				MarkdownDescription: "Who made the newest state update."},
			"updated_date_time": schema.StringAttribute{Computed: true,
				MarkdownDescription: "When the newest state update was made (RFC 3339)."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *ImprovementActionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses `completed` with a clearer word than OneOf's list.
func (r *ImprovementActionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var status types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("status"), &status)...)
	if status.ValueString() == StatusCompleted {
		resp.Diagnostics.AddAttributeError(path.Root("status"), "completed cannot be set",
			"The service marks an action completed when it earns its full points. Set one of: "+strings.Join(SettableStatuses, ", ")+".")
	}
}

// ModifyPlan runs the guard rails at plan time whenever the provider is
// configured, so a refused change never reaches apply.
func (r *ImprovementActionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return // destroy, or the provider's settings are not known yet: apply checks again
	}
	var plan improvementActionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.ControlID.IsUnknown() || plan.Status.IsUnknown() || plan.TenantID.IsUnknown() {
		return
	}
	g := r.graph(plan.TenantID, &resp.Diagnostics)
	if g == nil {
		return
	}
	if strings.EqualFold(strings.TrimSuffix(r.client.Endpoints.GraphEndpoint, "/"), chinaGraphEndpoint) {
		resp.Diagnostics.AddWarning("Secure score updates are not documented for this cloud",
			"Microsoft documents updating secure score control profiles for the global and US Government clouds only; in Azure China the update may be refused.")
	}
	if !req.State.Raw.IsNull() {
		var state improvementActionModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.Status.Equal(plan.Status) && state.Notes.Equal(plan.Notes) && state.AssignedTo.Equal(plan.AssignedTo) {
			return // no change to send, so nothing to refuse
		}
	}
	_, _, diags := r.checkGuardRails(ctx, g, plan.ControlID.ValueString(), plan.Status.ValueString())
	resp.Diagnostics.Append(diags...)
}

func (r *ImprovementActionResource) graph(tenantID types.String, diags *diag.Diagnostics) *client.GraphClient {
	g, err := r.client.Graph(tenantID.ValueString())
	if err != nil {
		diags.Append(diagnostics.FromError("Choosing the Microsoft 365 tenant", err, diagnostics.Hint{}))
		return nil
	}
	return g
}

// checkGuardRails refuses what the service would refuse, and says where the
// action is managed instead. It reads the shared profile list, so checking
// many resources costs no extra request.
func (r *ImprovementActionResource) checkGuardRails(ctx context.Context, g *client.GraphClient, controlID, status string) (*client.ControlProfile, float64, diag.Diagnostics) {
	var diags diag.Diagnostics
	profile, warnings, err := g.ControlProfile(ctx, controlID)
	diags.Append(diagnostics.Warnings(warnings)...)
	if err != nil {
		diags.Append(diagnostics.FromError("Reading the improvement action", err, diagnostics.Hint{Permission: diagnostics.GraphReadPermission}))
		return nil, 0, diags
	}
	if profile == nil {
		diags.AddAttributeError(path.Root("control_id"), "Unknown improvement action", r.unknownActionDetail(ctx, g, controlID))
		return nil, 0, diags
	}
	switch {
	case strings.HasPrefix(strings.ToLower(profile.ID), "scid_"):
		diags.AddAttributeError(path.Root("control_id"), "Improvement action managed by Microsoft Defender",
			fmt.Sprintf("%q (%s) belongs to Microsoft Defender for Endpoint, and the secure score API refuses status updates for it. "+
				"Manage it in the Microsoft Defender portal under Vulnerability management > Recommendations (exceptions), not with this resource.", profile.ID, profile.Title))
	case strings.EqualFold(profile.ControlCategory, "Device"):
		diags.AddAttributeError(path.Root("control_id"), "Device improvement actions cannot take a status here",
			fmt.Sprintf("%q (%s) is a Device action. Its status is managed as a Microsoft Defender Vulnerability Management exception "+
				"(Microsoft Defender portal > Vulnerability management > Remediation > Exceptions), and the secure score API refuses it.", profile.ID, profile.Title))
	case profile.Deprecated:
		diags.AddAttributeError(path.Root("control_id"), "Deprecated improvement action",
			fmt.Sprintf("%q (%s) is deprecated: it no longer counts towards the secure score and cannot be updated. Remove it from the configuration.", profile.ID, profile.Title))
	}
	if diags.HasError() {
		return nil, 0, diags
	}
	latest, warnings, err := g.LatestSecureScore(ctx)
	diags.Append(diagnostics.Warnings(warnings)...)
	if err != nil {
		diags.Append(diagnostics.FromError("Reading the secure score", err, diagnostics.Hint{Permission: diagnostics.GraphReadPermission}))
		return nil, 0, diags
	}
	score := latest.ControlScore(profile.ID)
	if ProfileStatus(*profile, score) == StatusCompleted && (status == StatusPlanned || status == StatusRiskAccepted) {
		diags.AddAttributeWarning(path.Root("status"), "Improvement action already completed",
			fmt.Sprintf("%q already earns its full %g points, so the portal shows it as completed; setting it to %s changes the recorded status only.", profile.ID, float64(profile.MaxScore), status))
	}
	return profile, score, diags
}

func (r *ImprovementActionResource) unknownActionDetail(ctx context.Context, g *client.GraphClient, controlID string) string {
	detail := fmt.Sprintf("No improvement action %q exists in tenant %s.", controlID, g.TenantID)
	if profiles, _, err := g.ControlProfiles(ctx); err == nil {
		ids := make([]string, 0, len(profiles))
		for _, p := range profiles {
			ids = append(ids, p.ID)
		}
		if closest := diagnostics.Closest(controlID, ids, 3); len(closest) > 0 {
			detail += " Did you mean " + strings.Join(closest, ", ") + "?"
		}
	}
	return detail
}

func (r *ImprovementActionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
}

func (r *ImprovementActionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
}

// applyPlan writes the plan within its create or update timeout and saves
// the state only when the write succeeded: never a half-written state.
func (r *ImprovementActionResource) applyPlan(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics,
	timeoutOf func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)) {
	var m improvementActionModel
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() || !providerdata.Require(r.client, diags) {
		return
	}
	timeout, timeoutDiags := timeoutOf(m.Timeouts, ctx, resourceTimeout)
	diags.Append(timeoutDiags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if r.write(ctx, &m, diags) {
		diags.Append(state.Set(ctx, &m)...)
	}
}

// write re-checks the guard rails, PATCHes the state, and fills plan from
// the read-back. It reports whether plan may be saved as the new state.
func (r *ImprovementActionResource) write(ctx context.Context, plan *improvementActionModel, diags *diag.Diagnostics) bool {
	g := r.graph(plan.TenantID, diags)
	if g == nil {
		return false
	}
	controlID := plan.ControlID.ValueString()
	_, _, guardDiags := r.checkGuardRails(ctx, g, controlID, plan.Status.ValueString())
	diags.Append(guardDiags...)
	if diags.HasError() {
		return false
	}
	state, _ := StateForStatus(plan.Status.ValueString())
	update := client.ControlProfileUpdate{
		State:             state,
		Comment:           plan.Notes.ValueString(),
		AssignedTo:        plan.AssignedTo.ValueString(),
		VendorInformation: client.SecureScoreVendor,
	}
	written := time.Now().UTC()
	if err := g.UpdateControlProfile(ctx, controlID, update); err != nil {
		diags.Append(diagnostics.FromError("Updating the improvement action", err, diagnostics.Hint{
			Permission: diagnostics.GraphWritePermission, NotFound: fmt.Sprintf("improvement action %q", controlID),
		}))
		return false
	}
	profile, score, ok := r.readProfile(ctx, g, controlID, diags)
	if !ok {
		return false
	}
	if profile == nil {
		diags.AddError("Improvement action vanished", fmt.Sprintf("%q was updated but can no longer be read back; run terraform refresh.", controlID))
		return false
	}
	r.fill(plan, *profile, score)
	if latest := profile.LatestStateUpdate(); !sameUpdate(latest, update) {
		// Graph can lag behind a write. The plan is what was written, so it is
		// the state; the next refresh shows any real drift.
		tflog.Warn(ctx, "read-back after PATCH does not show the update yet; keeping what was written", map[string]any{"control_id": controlID})
		plan.Status = types.StringValue(StatusForState(update.State))
		plan.Notes = nullIfEmpty(update.Comment)
		plan.AssignedTo = nullIfEmpty(update.AssignedTo)
		plan.UpdatedBy = types.StringNull()
		plan.UpdatedDateTime = types.StringValue(written.Format(time.RFC3339))
	}
	return true
}

func sameUpdate(latest *client.ControlStateUpdate, sent client.ControlProfileUpdate) bool {
	return latest != nil && strings.EqualFold(latest.State, sent.State) && latest.Comment == sent.Comment && latest.AssignedTo == sent.AssignedTo
}

// readProfile reads the action and its points from the shared caches.
func (r *ImprovementActionResource) readProfile(ctx context.Context, g *client.GraphClient, controlID string, diags *diag.Diagnostics) (*client.ControlProfile, float64, bool) {
	profile, warnings, err := g.ControlProfile(ctx, controlID)
	diags.Append(diagnostics.Warnings(warnings)...)
	if err != nil {
		diags.Append(diagnostics.FromError("Reading the improvement action", err, diagnostics.Hint{Permission: diagnostics.GraphReadPermission}))
		return nil, 0, false
	}
	if profile == nil {
		return nil, 0, true
	}
	latest, warnings, err := g.LatestSecureScore(ctx)
	diags.Append(diagnostics.Warnings(warnings)...)
	if err != nil {
		diags.Append(diagnostics.FromError("Reading the secure score", err, diagnostics.Hint{Permission: diagnostics.GraphReadPermission}))
		return nil, 0, false
	}
	return profile, latest.ControlScore(profile.ID), true
}

// fill sets every attribute the service owns from the profile: the newest
// state update is the truth.
func (r *ImprovementActionResource) fill(m *improvementActionModel, profile client.ControlProfile, score float64) {
	m.ControlID = types.StringValue(profile.ID)
	m.ID = types.StringValue(resourceID(m.TenantID, profile.ID))
	m.Title = types.StringValue(profile.Title)
	m.Category = types.StringValue(profile.ControlCategory)
	m.Service = types.StringValue(profile.Service)
	m.MaxScore = types.Float64Value(float64(profile.MaxScore))
	m.Score = types.Float64Value(score)
	m.Completed = types.BoolValue(ProfileStatus(profile, score) == StatusCompleted)
	m.Status = types.StringValue(StatusToAddress)
	m.Notes, m.AssignedTo = types.StringNull(), types.StringNull()
	m.UpdatedBy, m.UpdatedDateTime = types.StringNull(), types.StringNull()
	if latest := profile.LatestStateUpdate(); latest != nil {
		m.Status = types.StringValue(StatusForState(latest.State))
		m.Notes = nullIfEmpty(latest.Comment)
		m.AssignedTo = nullIfEmpty(latest.AssignedTo)
		m.UpdatedBy = nullIfEmpty(latest.UpdatedBy)
		m.UpdatedDateTime = rfc3339(latest.UpdatedDateTime)
	}
}

func (r *ImprovementActionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state improvementActionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !providerdata.Require(r.client, &resp.Diagnostics) {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, resourceTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	g := r.graph(state.TenantID, &resp.Diagnostics)
	if g == nil {
		return
	}
	controlID := state.ControlID.ValueString()
	profile, score, ok := r.readProfile(ctx, g, controlID, &resp.Diagnostics)
	if !ok {
		return
	}
	if profile == nil || profile.Deprecated {
		reason := "no longer exists"
		if profile != nil {
			reason = "is deprecated"
		}
		resp.Diagnostics.AddWarning("Improvement action removed from state",
			fmt.Sprintf("%q %s in tenant %s, so Terraform no longer manages it. Remove it from the configuration.", controlID, reason, g.TenantID))
		resp.State.RemoveResource(ctx)
		return
	}
	r.fill(&state, *profile, score)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete returns the action to the portal's default: to address, no notes,
// nobody assigned. The service keeps the history of updates.
func (r *ImprovementActionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state improvementActionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !providerdata.Require(r.client, &resp.Diagnostics) {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, resourceTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	g := r.graph(state.TenantID, &resp.Diagnostics)
	if g == nil {
		return
	}
	controlID := state.ControlID.ValueString()
	err := g.UpdateControlProfile(ctx, controlID, client.ControlProfileUpdate{State: StateDefault, VendorInformation: client.SecureScoreVendor})
	if client.IsNotFound(err) {
		return // gone already: nothing to reset
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.FromError("Resetting the improvement action", err, diagnostics.Hint{Permission: diagnostics.GraphWritePermission}))
	}
}

// ImportState takes `<control_id>` or `<tenant_id>/<control_id>`.
func (r *ImprovementActionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	tenantID, controlID, found := strings.Cut(req.ID, "/")
	if !found {
		tenantID, controlID = "", req.ID
	}
	if controlID == "" || (found && !client.GUIDPattern.MatchString(tenantID)) {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("%q is not an improvement action id: use `<control_id>` (e.g. AdminMFAV2), or `<tenant_id>/<control_id>` for a tenant other than the provider's, where tenant_id is a GUID.", req.ID))
		return
	}
	tenant := types.StringNull()
	if found {
		tenant = types.StringValue(tenantID)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_id"), tenant)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("control_id"), controlID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), resourceID(tenant, controlID))...)
}

func resourceID(tenantID types.String, controlID string) string {
	if tenantID.IsNull() || tenantID.ValueString() == "" {
		return controlID
	}
	return tenantID.ValueString() + "/" + controlID
}

func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
