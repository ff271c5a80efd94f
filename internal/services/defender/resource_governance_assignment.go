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
	sameIDOrReplace := []planmodifier.String{sameIDPlan, stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the owner and due date of one Microsoft Defender for Cloud recommendation (an assessment) on one resource " +
			"(`Microsoft.Security/assessments/governanceAssignments`, api-version 2022-01-01-preview), for example to override what a governance rule assigned. " +
			"Needs the Security Admin role and the Defender CSPM plan on the resource's subscription. " +
			"When the recommendation disappears (the resource was deleted or became healthy), the service drops the assignment and the next refresh removes it from state with a warning.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "The assignment's id, `{resource_id}/providers/Microsoft.Security/assessments/{assessment_key}/governanceAssignments/{assignment_key}`; the import id."},
			"resource_id": schema.StringAttribute{Required: true, Validators: []validator.String{resourceIDValidator}, PlanModifiers: sameIDOrReplace,
				MarkdownDescription: "The Azure resource id the recommendation is on, e.g. `/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}`. Changing it replaces the assignment."},
			"assessment_key": schema.StringAttribute{Required: true, PlanModifiers: sameIDOrReplace,
				Validators:          []validator.String{stringvalidator.RegexMatches(guidRegexp, "must be an assessment key (a GUID)")},
				MarkdownDescription: "The recommendation's assessment key (the GUID name of its assessment). Changing it replaces the assignment."},
			"assignment_key": schema.StringAttribute{Optional: true, Computed: true,
				Validators:    []validator.String{stringvalidator.RegexMatches(guidRegexp, "must be a GUID")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), sameIDPlan, stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The assignment's key, a GUID. When omitted, the plan derives it from `resource_id` and `assessment_key` (a name-based UUID), " +
					"so that a create whose answer was lost finds its own assignment on the next apply instead of creating a second one. Changing it replaces the assignment."},
			"owner_email": schema.StringAttribute{Required: true, Validators: []validator.String{emailValidator},
				MarkdownDescription: "Who owns the remediation: an email address."},
			"remediation_due_date_time": schema.StringAttribute{Required: true, Validators: []validator.String{rfc3339Validator}, PlanModifiers: []planmodifier.String{sameInstantPlan},
				MarkdownDescription: "When the recommendation must be remediated (RFC 3339, e.g. `2027-06-30T00:00:00Z` or `2027-06-30T02:00:00+02:00`). " +
					"Compared as an instant: the same time written with another offset is no change. It must not be in the past when the assignment is created."},
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

// ModifyPlan gives a new assignment its key, and refuses a due date in the
// past when the assignment is created: the recommendation would be overdue
// from the start.
func (r *GovernanceAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var plan governanceAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.AssignmentKey.IsUnknown() && !plan.ResourceID.IsUnknown() && !plan.AssessmentKey.IsUnknown() {
		plan.AssignmentKey = types.StringValue(AssignmentKey(plan.ResourceID.ValueString(), plan.AssessmentKey.ValueString()))
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("assignment_key"), plan.AssignmentKey)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), assignmentID(plan))...)
	}
	due := plan.RemediationDueDateTime
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

// assignmentID is the assignment's id, from its resource and keys.
func assignmentID(m governanceAssignmentModel) types.String {
	return types.StringValue(client.GovernanceAssignmentID(m.ResourceID.ValueString(), m.AssessmentKey.ValueString(), m.AssignmentKey.ValueString()))
}

// access reads and writes the assignment m names.
func (r *GovernanceAssignmentResource) access(m governanceAssignmentModel) objectAccess[client.GovernanceAssignment] {
	resourceID, assessmentKey, key := m.ResourceID.ValueString(), m.AssessmentKey.ValueString(), m.AssignmentKey.ValueString()
	return objectAccess[client.GovernanceAssignment]{
		id: assignmentID(m).ValueString(),
		get: func(ctx context.Context) (*client.GovernanceAssignment, error) {
			return r.Client.GovernanceAssignment(ctx, resourceID, assessmentKey, key)
		},
		put: r.Client.PutGovernanceAssignment,
		remove: func(ctx context.Context) error {
			return r.Client.DeleteGovernanceAssignment(ctx, resourceID, assessmentKey, key)
		},
		notFound: fmt.Sprintf("recommendation %s on %s (the resource may be healthy or deleted, or the key may be wrong; list its recommendations with securescore_defender_governance_assignments or in the portal)",
			assessmentKey, resourceID),
	}
}

// Create writes the assignment under its planned key (derived from the
// resource and the recommendation when the plan could not), adopting an
// assignment an earlier apply stored there.
func (r *GovernanceAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	assignmentObject.within(ctx, &r.Resource, req.Plan.Get, timeouts.Value.Create, &resp.Diagnostics, func(ctx context.Context, plan governanceAssignmentModel) {
		if plan.AssignmentKey.IsUnknown() || plan.AssignmentKey.IsNull() {
			plan.AssignmentKey = types.StringValue(AssignmentKey(plan.ResourceID.ValueString(), plan.AssessmentKey.ValueString()))
		}
		if want, ok := assignmentFromPlan(plan, &resp.Diagnostics); ok {
			assignmentObject.create(ctx, plan, want, r.access(plan), nil, &resp.State, &resp.Diagnostics)
		}
	})
}

// Update writes the plan once the assignment is found as the prior state
// recorded it, keeping what this resource does not manage (ticket number
// and status, ETA).
func (r *GovernanceAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state governanceAssignmentModel
	if !r.Load(ctx, req.State.Get, &state, &resp.Diagnostics) {
		return
	}
	assignmentObject.within(ctx, &r.Resource, req.Plan.Get, timeouts.Value.Update, &resp.Diagnostics, func(ctx context.Context, plan governanceAssignmentModel) {
		want, ok := assignmentFromPlan(plan, &resp.Diagnostics)
		prior, priorOK := assignmentFromPlan(state, &resp.Diagnostics)
		if !ok || !priorOK {
			return
		}
		assignmentObject.update(ctx, plan, prior, want, r.access(plan), func(current client.GovernanceAssignment, want *client.GovernanceAssignment) {
			want.TicketNumber, want.TicketStatus, want.RemediationETA = current.TicketNumber, current.TicketStatus, current.RemediationETA
		}, &resp.State, &resp.Diagnostics)
	})
}

// assignmentObject is what the assignment resource shares with the rule resource.
var assignmentObject = governanceObject[governanceAssignmentModel, client.GovernanceAssignment]{what: "assignment", key: "assignment_key", differences: AssignmentDifferences,
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

// fillAssignment sets every attribute from what the service stored. Ids
// keep the prior spelling when the service's differs only in case, and the
// due date when it is the same instant.
func fillAssignment(m *governanceAssignmentModel, a client.GovernanceAssignment) {
	m.ID = keepID(m.ID, types.StringValue(a.ID))
	m.ResourceID = keepID(m.ResourceID, types.StringValue(a.ResourceID))
	m.AssessmentKey = keepID(m.AssessmentKey, types.StringValue(a.AssessmentKey))
	m.AssignmentKey = keepID(m.AssignmentKey, types.StringValue(a.Key))
	m.OwnerEmail = nullableString(a.Owner)
	m.RemediationDueDateTime = keepInstant(m.RemediationDueDateTime, a.RemediationDueDate)
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

// Delete deletes the assignment once it is found as the prior state recorded it.
func (r *GovernanceAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	assignmentObject.within(ctx, &r.Resource, req.State.Get, timeouts.Value.Delete, &resp.Diagnostics, func(ctx context.Context, state governanceAssignmentModel) {
		if prior, ok := assignmentFromPlan(state, &resp.Diagnostics); ok {
			assignmentObject.remove(ctx, prior, r.access(state), &resp.Diagnostics)
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
