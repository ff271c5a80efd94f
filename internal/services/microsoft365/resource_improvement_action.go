package microsoft365

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
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
	_ resource.ResourceWithImportState = &ImprovementActionResource{}
	_ resource.ResourceWithModifyPlan  = &ImprovementActionResource{}
)

const resourceTimeout = 10 * time.Minute

// What a destroy does (on_destroy).
const (
	OnDestroyReset = "reset"
	OnDestroyKeep  = "keep"
)

// ImprovementActionResource manages an improvement action's status, notes
// and assignee (PATCH /security/secureScoreControlProfiles/{id}).
type ImprovementActionResource struct {
	providerdata.Resource
}

// NewImprovementActionResource is the factory the provider registers.
func NewImprovementActionResource() resource.Resource {
	return &ImprovementActionResource{Resource: providerdata.NewResource("microsoft365_improvement_action")}
}

type improvementActionModel struct {
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

// decision is what the resource writes: the three settable members.
func (m improvementActionModel) decision() client.ControlProfileUpdate {
	state, _ := StateForStatus(m.Status.ValueString())
	return client.ControlProfileUpdate{
		State:             state,
		Comment:           m.Notes.ValueString(),
		AssignedTo:        m.AssignedTo.ValueString(),
		VendorInformation: client.SecureScoreVendor,
	}
}

func (m improvementActionModel) sameDecisionAs(o improvementActionModel) bool {
	return m.Status.Equal(o.Status) && m.Notes.Equal(o.Notes) && m.AssignedTo.Equal(o.AssignedTo)
}

// recorded is the decision a state of the resource records.
func (m improvementActionModel) recorded() recordedDecision {
	return recordedDecision{Status: m.Status.ValueString(), Notes: m.Notes.ValueString(), AssignedTo: m.AssignedTo.ValueString(), UpdatedDateTime: m.UpdatedDateTime.ValueString()}
}

// describeRecorded words the decision a state records as describeDecision
// words the service's.
func (m improvementActionModel) describeRecorded() string {
	return "status " + m.Status.ValueString() + describeAuthorship(m.Notes.ValueString(), m.AssignedTo.ValueString(), m.UpdatedBy.ValueString(), m.UpdatedDateTime.ValueString())
}

func (r *ImprovementActionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the status, notes and assignee of a Microsoft 365 Secure Score improvement action " +
			"(`PATCH /security/secureScoreControlProfiles/{id}`). Needs the Microsoft Graph application permission `SecurityEvents.ReadWrite.All`. " +
			"Every action already exists in the service: a create adopts an action that carries no decision, or already the planned one, and refuses, at plan time, one that carries another (import it instead). " +
			"An update or a destroy is refused, with nothing sent, when the action's decision changed after the plan. " +
			"A destroy returns the action to `to_address` with no notes and no assignee, unless `on_destroy = \"keep\"`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "`<tenant_id>/<control_id>`."},
			"tenant_id": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{validators.TenantID()},
				// UseStateForUnknown first: RequiresReplace alone would replace
				// on the unknown the framework plans for a computed value;
				// ModifyPlan resolves the tenant and asks for the replacement.
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The Microsoft 365 tenant of the action: one of the provider's `auxiliary_tenant_ids`, or the provider's `tenant_id` (`ARM_TENANT_ID`) when unset. " +
					"Always the resolved tenant id in state, so a change of the provider's tenant plans a replacement instead of managing another tenant's action."},
			"control_id": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The improvement action's id (the control profile's id), e.g. `AdminMFAV2`. Changing it replaces the resource."},
			"status": schema.StringAttribute{Required: true, Validators: []validator.String{statusValidator{}},
				MarkdownDescription: "The status: `to_address` (sent as Graph state `Default`), `planned` (`Reviewed`), `risk_accepted` (`Ignored`) or `resolved_through_third_party` (`ThirdParty`). " +
					"Microsoft documents no mapping between the portal's statuses and Graph's states; this one is inferred (see the page's notes). " +
					"`completed` and `in_progress` cannot be set: the service decides them from the action's points (see `completed`)."},
			"notes": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "Notes on the decision, sent as the state update's `comment`. Omit it for none."},
			"assigned_to": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "Who the action is assigned to, e.g. a user principal name. Omit it for nobody."},
			"on_destroy": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(OnDestroyReset),
				Validators: []validator.String{stringvalidator.OneOf(OnDestroyReset, OnDestroyKeep)},
				MarkdownDescription: "What `terraform destroy` (or removing the resource) does to the action: `reset` (default) returns it to `to_address` with no notes and no assignee; " +
					"`keep` leaves the decision in place and only forgets the resource. Changing it sends no request. " +
					"The plan of a destroy warns when `reset` would reset a decision this provider's application did not write."},
			"title":    computed("The action's title."),
			"category": computed("The control category as Graph sends it, e.g. `Identity`, `Data`, `Apps`."),
			"service":  computed("The service the action belongs to, as Graph sends it, e.g. `AzureAD`, `EXO`, `MS Teams`."),
			"in_score": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the action counts in the tenant's secure score (the newest score lists it). A status on an action outside the score changes no total."},
			"max_score": schema.Float64Attribute{Computed: true, MarkdownDescription: "The points the action is worth; null when Graph sends none."},
			"current_score": schema.Float64Attribute{Computed: true,
				MarkdownDescription: "The points the action earns in the newest secure score; null when it is not `in_score`. Microsoft recalculates daily, so it is read after every apply and never promised in a plan."},
			"completed": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the portal shows the action as `completed`: it earns its full points (and is not resolved through a third party or an alternate mitigation)."},
			"updated_by":        computed("Who made the newest state update."),
			"updated_date_time": computed("When the newest state update was made (RFC 3339, UTC)."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *ImprovementActionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.applyPlan(ctx, req.Plan, nil, &resp.State, &resp.Diagnostics, timeouts.Value.Create)
}

func (r *ImprovementActionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var prior improvementActionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.applyPlan(ctx, req.Plan, &prior, &resp.State, &resp.Diagnostics, timeouts.Value.Update)
}

// applyPlan writes the plan within its create or update timeout and saves
// the state only when the write succeeded: never a half-written state.
func (r *ImprovementActionResource) applyPlan(ctx context.Context, plan tfsdk.Plan, prior *improvementActionModel, state *tfsdk.State, diags *diag.Diagnostics,
	timeoutOf func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)) {
	var m improvementActionModel
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	timeout := func(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics) {
		return timeoutOf(m.Timeouts, ctx, def)
	}
	r.inTenant(ctx, timeout, m.TenantID, diags, func(ctx context.Context, g *client.GraphClient) {
		if r.write(ctx, g, &m, prior, diags) {
			diags.Append(state.Set(ctx, &m)...)
		}
	})
}

// inTenant runs do with the Graph client of tenantID (null: the provider's
// tenant), bounded by the operation's timeout (resourceTimeout unless the
// timeouts block sets one). do does not run when the provider is not
// configured or the tenant is not one of its tenants.
func (r *ImprovementActionResource) inTenant(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), tenantID types.String,
	diags *diag.Diagnostics, do func(context.Context, *client.GraphClient)) {
	if !providerdata.Require(r.Client, diags) {
		return
	}
	ctx, cancel := providerdata.Deadline(ctx, timeout, resourceTimeout, diags)
	defer cancel()
	if g := tenantGraph(r.Client, tenantID, diags); g != nil {
		do(ctx, g)
	}
}

// fillFromService sets every attribute the service owns from profile and
// the newest score: the newest state update is the truth.
func (r *ImprovementActionResource) fillFromService(ctx context.Context, g *client.GraphClient, m *improvementActionModel, profile client.ControlProfile, diags *diag.Diagnostics) bool {
	latest, warnings, err := g.LatestSecureScore(ctx)
	diags.Append(diagnostics.Warnings(warnings)...)
	if err != nil {
		diags.Append(readError("Reading the secure score", err))
		return false
	}
	a := NewAction(profile, latest.ControlScore(profile.ID))
	m.Title = nullIfEmpty(a.Title)
	m.Category = nullIfEmpty(a.Category)
	m.Service = nullIfEmpty(a.Service)
	m.InScore = types.BoolValue(a.InScore)
	m.MaxScore = types.Float64Null()
	if a.MaxScoreKnown {
		m.MaxScore = types.Float64Value(a.MaxScore)
	}
	m.CurrentScore = types.Float64Null()
	if a.InScore {
		m.CurrentScore = types.Float64Value(a.Score)
	}
	m.Completed = types.BoolValue(a.Status == StatusCompleted)
	m.Status = types.StringValue(StatusForState(a.State))
	m.Notes = nullIfEmpty(a.Notes)
	m.AssignedTo = nullIfEmpty(a.AssignedTo)
	m.UpdatedBy = nullIfEmpty(a.UpdatedBy)
	m.UpdatedDateTime = rfc3339(a.UpdatedDateTime)
	if m.OnDestroy.IsNull() || m.OnDestroy.IsUnknown() {
		m.OnDestroy = types.StringValue(OnDestroyReset)
	}
	return true
}

func (r *ImprovementActionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := modelFromTerraform(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.inTenant(ctx, state.Timeouts.Read, state.TenantID, &resp.Diagnostics, func(ctx context.Context, g *client.GraphClient) {
		controlID := state.ControlID.ValueString()
		profile, ok := readProfile(ctx, g.ControlProfile, controlID, "Reading the improvement action", &resp.Diagnostics)
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
		state.TenantID = types.StringValue(g.TenantID)
		state.ID = types.StringValue(resourceID(g.TenantID, controlID))
		if !r.fillFromService(ctx, g, &state, *profile, &resp.Diagnostics) {
			return
		}
		refreshed, diags := state.toTerraform(ctx, req.State.Raw.Type())
		resp.Diagnostics.Append(diags...)
		if !diags.HasError() {
			resp.State.Raw = refreshed
		}
	})
}

// Delete resets the action to the portal's default (to address, no notes,
// nobody assigned), or with on_destroy = "keep" only forgets it. The service
// keeps the history of updates either way.
func (r *ImprovementActionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state improvementActionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	controlID := state.ControlID.ValueString()
	if state.OnDestroy.ValueString() == OnDestroyKeep {
		tflog.Info(ctx, "on_destroy = keep: the decision stays in the service", map[string]any{"control_id": controlID})
		return
	}
	r.inTenant(ctx, state.Timeouts.Delete, state.TenantID, &resp.Diagnostics, func(ctx context.Context, g *client.GraphClient) {
		r.reset(ctx, g, state, &resp.Diagnostics)
	})
}

// ImportState takes `<control_id>` (the provider's tenant) or
// `<tenant_id>/<control_id>`, and refuses what the resource cannot manage,
// so that no later plan fails on it.
func (r *ImprovementActionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	tenantID, controlID, found := strings.Cut(req.ID, "/")
	if !found {
		tenantID, controlID = "", req.ID
	}
	if controlID == "" || strings.Contains(controlID, "/") || (found && !client.GUIDPattern.MatchString(tenantID)) {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("%q is not an improvement action id: use `<control_id>` (e.g. AdminMFAV2) for the provider's tenant, or `<tenant_id>/<control_id>`, where tenant_id is a GUID.", req.ID))
		return
	}
	if !providerdata.Require(r.Client, &resp.Diagnostics) {
		return
	}
	if !r.Client.AllowedTenant(tenantID) {
		resp.Diagnostics.AddError("Import id names a tenant the provider does not serve", tenantNotServed(r.Client, req.ID, tenantID))
		return
	}
	g := tenantGraph(r.Client, types.StringValue(tenantID), &resp.Diagnostics)
	if g == nil {
		return
	}
	profile, ok := r.manageableProfile(ctx, g, controlID, path.Empty(), &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_id"), g.TenantID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("control_id"), profile.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), resourceID(g.TenantID, profile.ID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("on_destroy"), OnDestroyReset)...)
}

func resourceID(tenantID, controlID string) string { return tenantID + "/" + controlID }

// tenantNotServed says which tenants the provider serves and how to add
// the one an import id names.
func tenantNotServed(c *client.Client, importID, tenantID string) string {
	home := "its own tenant (`tenant_id` is not set: the tenant the credential signs in to)"
	if c.HomeTenantID != "" {
		home = fmt.Sprintf("its tenant_id %s", c.HomeTenantID)
	}
	aux := "no auxiliary_tenant_ids"
	if len(c.AuxiliaryTenantIDs) > 0 {
		aux = "auxiliary_tenant_ids " + strings.Join(c.AuxiliaryTenantIDs, ", ")
	}
	return fmt.Sprintf("The import id %q names tenant %s. This provider configuration serves %s and %s.\n\n"+
		"To import an action of %s, add it to the provider's auxiliary_tenant_ids (or ARM_AUXILIARY_TENANT_IDS, comma-separated), "+
		"with the application granted admin consent in that tenant, or use a provider configuration whose tenant_id is %s; "+
		"for an action of the provider's own tenant, import `<control_id>` alone.", importID, tenantID, home, aux, tenantID, tenantID)
}

// patchError is the diagnostic of a refused PATCH. Graph's real refusal is a
// 400 with no code and "Http request failed with statusCode=BadRequest", so
// the diagnostic says what to check itself.
func patchError(controlID, tenantID string, sent client.ControlProfileUpdate, err error) diag.Diagnostic {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
		return diag.NewErrorDiagnostic("Microsoft Graph refused the update of the improvement action",
			fmt.Sprintf("%s\n\nThe service gives no reason. Check that:\n- %q exists in tenant %s (securescore_microsoft365_improvement_actions lists every id);\n"+
				"- this kind of action can be updated through the API: Device actions (scid_ ids, service MDATP) and deprecated ones cannot;\n"+
				"- the state sent, %q, is one the API takes (Default, Ignored, ThirdParty, Reviewed);\n"+
				"and quote the request id above if you open a support case.", err, controlID, tenantID, sent.State))
	}
	return diagnostics.FromError("Updating the improvement action", err, diagnostics.Hint{
		Permission: diagnostics.GraphWritePermission, NotFound: fmt.Sprintf("improvement action %q in tenant %s", controlID, tenantID),
	})
}
