package defender

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

var (
	_ resource.ResourceWithImportState = &GovernanceAssignmentResource{}
	_ resource.ResourceWithModifyPlan  = &GovernanceAssignmentResource{}
)

// GovernanceAssignmentResource manages the owner and due date of one
// recommendation on one resource.
type GovernanceAssignmentResource struct {
	providerdata.Resource
	now func() time.Time
}

// NewGovernanceAssignmentResource is the factory the provider registers.
func NewGovernanceAssignmentResource() resource.Resource {
	return &GovernanceAssignmentResource{Resource: providerdata.NewResource("defender_governance_assignment"), now: time.Now}
}

type governanceAssignmentModel struct {
	ID                     types.String   `tfsdk:"id"`
	ResourceID             types.String   `tfsdk:"resource_id"`
	AssessmentKey          types.String   `tfsdk:"assessment_key"`
	AssignmentKey          types.String   `tfsdk:"assignment_key"`
	OwnerEmail             types.String   `tfsdk:"owner_email"`
	RemediationDueDateTime types.String   `tfsdk:"remediation_due_date_time"`
	GracePeriod            types.Bool     `tfsdk:"grace_period"`
	NotifyOwner            types.Bool     `tfsdk:"notify_owner"`
	NotifyManager          types.Bool     `tfsdk:"notify_manager"`
	TicketLink             types.String   `tfsdk:"ticket_link"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

func (r *GovernanceAssignmentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the owner and due date of one Microsoft Defender for Cloud recommendation (an assessment) on one resource " +
			"(`Microsoft.Security/assessments/governanceAssignments`, api-version 2022-01-01-preview), for example to override what a governance rule assigned. " +
			"Needs the Security Admin role and the Defender CSPM plan on the resource's subscription. " +
			"When the recommendation disappears (the resource was deleted or became healthy), the service drops the assignment and the next refresh removes it from state with a warning.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "The assignment's id, `{resource_id}/providers/Microsoft.Security/assessments/{assessment_key}/governanceAssignments/{assignment_key}`; the import id."},
			"resource_id": schema.StringAttribute{Required: true, Validators: []validator.String{resourceIDValidator}, PlanModifiers: replace,
				MarkdownDescription: "The Azure resource id the recommendation is on, e.g. `/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}`. Changing it replaces the assignment."},
			"assessment_key": schema.StringAttribute{Required: true, PlanModifiers: replace,
				Validators:          []validator.String{stringvalidator.RegexMatches(guidRegexp, "must be an assessment key (a GUID)")},
				MarkdownDescription: "The recommendation's assessment key (the GUID name of its assessment). Changing it replaces the assignment."},
			"assignment_key": schema.StringAttribute{Optional: true, Computed: true,
				Validators:          []validator.String{stringvalidator.RegexMatches(guidRegexp, "must be a GUID")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The assignment's key, a GUID. Generated when omitted. Changing it replaces the assignment."},
			"owner_email": schema.StringAttribute{Required: true, Validators: []validator.String{emailValidator},
				MarkdownDescription: "Who owns the remediation: an email address."},
			"remediation_due_date_time": schema.StringAttribute{Required: true, Validators: []validator.String{rfc3339Validator},
				MarkdownDescription: "When the recommendation must be remediated (RFC 3339, e.g. `2027-06-30T00:00:00Z`). It must not be in the past when the assignment is created."},
			"grace_period":   defaultedBool(false, "Whether the unhealthy resource does not count against the secure score until the due date."),
			"notify_owner":   defaultedBool(true, "Whether the owner gets the weekly email."),
			"notify_manager": defaultedBool(true, "Whether the owner's manager gets the weekly email once the item is overdue."),
			"ticket_link": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.HTTPSURL()},
				MarkdownDescription: "A link to the ticket that tracks the remediation (an https:// URL)."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// ModifyPlan refuses a due date in the past when the assignment is created:
// the recommendation would be overdue from the start.
func (r *GovernanceAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var due types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("remediation_due_date_time"), &due)...)
	if due.IsUnknown() || due.IsNull() {
		return
	}
	t, err := time.Parse(time.RFC3339, due.ValueString())
	if err != nil {
		return // the validator says so
	}
	if now := r.now().UTC(); t.Before(now) {
		resp.Diagnostics.AddAttributeError(path.Root("remediation_due_date_time"), "Due date in the past",
			fmt.Sprintf("%s is before now (%s): a new assignment needs a due date in the future.", due.ValueString(), now.Format(time.RFC3339)))
	}
}

func (r *GovernanceAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	assignmentObject.apply(ctx, &r.Resource, req.Plan, timeouts.Value.Create, &resp.State, &resp.Diagnostics, r.newAssignment, r.write)
}

func (r *GovernanceAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	assignmentObject.apply(ctx, &r.Resource, req.Plan, timeouts.Value.Update, &resp.State, &resp.Diagnostics, r.changedAssignment, r.write)
}

// newAssignment is the assignment a create sends, under a new key or the
// planned one when no assignment has it yet.
func (r *GovernanceAssignmentResource) newAssignment(ctx context.Context, plan *governanceAssignmentModel, diags *diag.Diagnostics) (client.GovernanceAssignment, bool) {
	get := func(key string) (*client.GovernanceAssignment, error) {
		return r.Client.GovernanceAssignment(ctx, plan.ResourceID.ValueString(), plan.AssessmentKey.ValueString(), key)
	}
	describe := func(a *client.GovernanceAssignment) (string, string) { return a.ID, "owner " + a.Owner }
	if !newObjectKey(&plan.AssignmentKey, "assignment_key", "assignment", get, describe, diags) {
		return client.GovernanceAssignment{}, false
	}
	return assignmentFromPlan(*plan, diags)
}

// changedAssignment is the assignment an update sends: the plan, keeping
// what this resource does not manage (ticket number and status, ETA).
func (r *GovernanceAssignmentResource) changedAssignment(ctx context.Context, plan *governanceAssignmentModel, diags *diag.Diagnostics) (client.GovernanceAssignment, bool) {
	a, ok := assignmentFromPlan(*plan, diags)
	if !ok {
		return a, false
	}
	current, err := r.Client.GovernanceAssignment(ctx, a.ResourceID, a.AssessmentKey, a.Key)
	if err != nil {
		diags.Append(governanceReadError("assignment", err, "governance assignment "+plan.ID.ValueString()+" (the recommendation may have been resolved)"))
		return a, false
	}
	a.TicketNumber, a.TicketStatus, a.RemediationETA = current.TicketNumber, current.TicketStatus, current.RemediationETA
	return a, true
}

func (r *GovernanceAssignmentResource) write(ctx context.Context, plan governanceAssignmentModel, a client.GovernanceAssignment, state *tfsdk.State, diags *diag.Diagnostics) {
	assignmentObject.write(ctx, plan, a, r.Client.PutGovernanceAssignment, false,
		fmt.Sprintf("recommendation %s on %s (the resource may be healthy or deleted, or the key may be wrong; list its recommendations with securescore_defender_governance_assignments or in the portal)",
			a.AssessmentKey, a.ResourceID), state, diags)
}

// assignmentObject is what the assignment resource shares with the rule resource.
var assignmentObject = governanceObject[governanceAssignmentModel, client.GovernanceAssignment]{what: "assignment",
	fill: func(m *governanceAssignmentModel, a client.GovernanceAssignment, _ *diag.Diagnostics) bool {
		fillAssignment(m, a)
		return true
	},
	timeouts: func(m governanceAssignmentModel) timeouts.Value { return m.Timeouts }}

func assignmentFromPlan(m governanceAssignmentModel, diags *diag.Diagnostics) (client.GovernanceAssignment, bool) {
	due, err := time.Parse(time.RFC3339, m.RemediationDueDateTime.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("remediation_due_date_time"), "Invalid due date", err.Error())
		return client.GovernanceAssignment{}, false
	}
	return client.GovernanceAssignment{
		ResourceID: m.ResourceID.ValueString(), AssessmentKey: m.AssessmentKey.ValueString(), Key: m.AssignmentKey.ValueString(),
		Owner: m.OwnerEmail.ValueString(), RemediationDueDate: due.UTC(), GracePeriod: m.GracePeriod.ValueBool(),
		DisableOwnerEmail: !m.NotifyOwner.ValueBool(), DisableManagerEmail: !m.NotifyManager.ValueBool(),
		TicketLink: m.TicketLink.ValueString(),
	}, true
}

// fillAssignment sets every attribute from what the service stored. The due
// date keeps the configuration's spelling when it is the same instant.
func fillAssignment(m *governanceAssignmentModel, a client.GovernanceAssignment) {
	m.ID = types.StringValue(a.ID)
	m.ResourceID = types.StringValue(a.ResourceID)
	m.AssessmentKey = types.StringValue(a.AssessmentKey)
	m.AssignmentKey = types.StringValue(a.Key)
	m.OwnerEmail = nullableString(a.Owner)
	if prev, err := time.Parse(time.RFC3339, m.RemediationDueDateTime.ValueString()); err != nil || !prev.Equal(a.RemediationDueDate) {
		m.RemediationDueDateTime = types.StringValue(a.RemediationDueDate.UTC().Format(time.RFC3339))
	}
	m.GracePeriod = types.BoolValue(a.GracePeriod)
	m.NotifyOwner = types.BoolValue(!a.DisableOwnerEmail)
	m.NotifyManager = types.BoolValue(!a.DisableManagerEmail)
	m.TicketLink = nullableString(a.TicketLink)
}

func (r *GovernanceAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	assignmentObject.within(ctx, &r.Resource, req.State.Get, timeouts.Value.Read, &resp.Diagnostics, func(ctx context.Context, state governanceAssignmentModel) {
		a, err := r.Client.GovernanceAssignment(ctx, state.ResourceID.ValueString(), state.AssessmentKey.ValueString(), state.AssignmentKey.ValueString())
		assignmentObject.refresh(ctx, state, a, err,
			fmt.Sprintf("%s no longer exists: the recommendation %s on %s is gone (the resource was deleted or became healthy), or the assignment was deleted outside Terraform. "+
				"Terraform no longer manages it; remove it from the configuration if the recommendation is resolved.",
				state.ID.ValueString(), state.AssessmentKey.ValueString(), state.ResourceID.ValueString()), resp)
	})
}

func (r *GovernanceAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	assignmentObject.within(ctx, &r.Resource, req.State.Get, timeouts.Value.Delete, &resp.Diagnostics, func(ctx context.Context, state governanceAssignmentModel) {
		if err := r.Client.DeleteGovernanceAssignment(ctx, state.ResourceID.ValueString(), state.AssessmentKey.ValueString(), state.AssignmentKey.ValueString()); err != nil {
			resp.Diagnostics.Append(governanceWriteError("Deleting the governance assignment", err, false, ""))
		}
	})
}

// ImportState takes the assignment's id.
func (r *GovernanceAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resourceID, assessmentKey, key, err := client.ParseGovernanceAssignmentID(req.ID)
	importAttributes(ctx, err, map[string]any{"resource_id": resourceID, "assessment_key": assessmentKey, "assignment_key": key,
		"id": client.GovernanceAssignmentID(resourceID, assessmentKey, key)}, resp)
}

// resourceIDValidator refuses a value that is not an ARM resource id under
// a subscription (parsed with azcore's arm.ParseResourceID).
var resourceIDValidator = validators.StringFunc("must be an Azure resource id under a subscription", "Invalid resource id",
	func(_ path.Path, value string) string {
		if err := client.ValidateResourceID(value); err != nil {
			return err.Error() + ". Use the resource's full id, e.g. /subscriptions/{subscription_id}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}."
		}
		return ""
	})

// rfc3339Validator refuses a value that is not an RFC 3339 timestamp; the
// validators library has none.
var rfc3339Validator = validators.StringFunc("must be an RFC 3339 timestamp, e.g. "+exampleDueDate, "Invalid timestamp",
	func(_ path.Path, value string) string {
		if _, err := time.Parse(time.RFC3339, value); err != nil {
			return dueDateProblem(value)
		}
		return ""
	})
