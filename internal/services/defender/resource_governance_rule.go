package defender

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
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
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/tfvalues"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

var (
	_ resource.ResourceWithImportState      = &GovernanceRuleResource{}
	_ resource.ResourceWithModifyPlan       = &GovernanceRuleResource{}
	_ resource.ResourceWithConfigValidators = &GovernanceRuleResource{}
	_ resource.ResourceWithValidateConfig   = &GovernanceRuleResource{}
)

var (
	guidRegexp          = client.GUIDPattern
	excludedScopeRegexp = regexp.MustCompile(`^(/subscriptions/[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}|/providers/Microsoft\.Management/managementGroups/[^/]+)$`)
)

// GovernanceRuleResource manages a Defender for Cloud governance rule.
type GovernanceRuleResource struct {
	providerdata.Resource
}

// NewGovernanceRuleResource is the factory the provider registers.
func NewGovernanceRuleResource() resource.Resource {
	return &GovernanceRuleResource{Resource: providerdata.NewResource("defender_governance_rule")}
}

type governanceRuleModel struct {
	ID                       types.String         `tfsdk:"id"`
	RuleID                   types.String         `tfsdk:"rule_id"`
	SubscriptionID           types.String         `tfsdk:"subscription_id"`
	ManagementGroupID        types.String         `tfsdk:"management_group_id"`
	DisplayName              types.String         `tfsdk:"display_name"`
	Description              types.String         `tfsdk:"description"`
	Priority                 types.Int64          `tfsdk:"priority"`
	RemediationTimeframeDays types.Int64          `tfsdk:"remediation_timeframe_days"`
	GracePeriod              types.Bool           `tfsdk:"grace_period"`
	OwnerTag                 types.String         `tfsdk:"owner_tag"`
	OwnerEmail               types.String         `tfsdk:"owner_email"`
	NotifyOwner              types.Bool           `tfsdk:"notify_owner"`
	NotifyManager            types.Bool           `tfsdk:"notify_manager"`
	Conditions               []ruleConditionModel `tfsdk:"conditions"`
	ExcludedScopes           types.Set            `tfsdk:"excluded_scopes"`
	Disabled                 types.Bool           `tfsdk:"disabled"`
	CreatedDateTime          types.String         `tfsdk:"created_date_time"`
	UpdatedDateTime          types.String         `tfsdk:"updated_date_time"`
	Timeouts                 timeouts.Value       `tfsdk:"timeouts"`
}

type ruleConditionModel struct {
	Severities     types.Set `tfsdk:"severities"`
	AssessmentKeys types.Set `tfsdk:"assessment_keys"`
}

func (r *GovernanceRuleResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	stable := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	days := make([]int64, len(RemediationTimeframeDays))
	copy(days, RemediationTimeframeDays)
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a Microsoft Defender for Cloud governance rule (`Microsoft.Security/governanceRules`, api-version 2022-01-01-preview): " +
			"which recommendations of a subscription or management group get an owner and a due date, and who is emailed. " +
			"Needs the Security Admin role on the scope, and the Defender CSPM plan on the subscriptions it covers. " +
			"A rule assigns owners to the recommendations it finds from then on; existing assignments are not changed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: stable,
				MarkdownDescription: "The rule's Azure Resource Manager id, e.g. `/subscriptions/{subscription_id}/providers/Microsoft.Security/governanceRules/{rule_id}`; the import id."},
			"rule_id": schema.StringAttribute{Optional: true, Computed: true,
				Validators:          []validator.String{stringvalidator.RegexMatches(guidRegexp, "must be a GUID")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The rule's key, a GUID. Generated when omitted. Changing it replaces the rule."},
			"subscription_id": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.SubscriptionID()}, PlanModifiers: replace,
				MarkdownDescription: "The subscription the rule applies to. Exactly one of `subscription_id` and `management_group_id`. Changing it replaces the rule."},
			"management_group_id": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 90)}, PlanModifiers: replace,
				MarkdownDescription: "The management group (its id, not its display name) whose subscriptions the rule applies to. Changing it replaces the rule."},
			"display_name": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 256)},
				MarkdownDescription: "The rule's name in the portal."},
			"description": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "What the rule is for."},
			"priority": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.Between(0, 1000)},
				MarkdownDescription: "0 to 1000, unique within the scope. When several rules select a recommendation, the lowest number assigns the owner. " +
					"A priority another rule of the scope already has is refused at plan time, naming that rule."},
			"remediation_timeframe_days": schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.OneOf(days...)},
				MarkdownDescription: "Days from when the rule finds a recommendation to its due date: 7, 14, 30 or 90 (sent as the API's `7.00:00:00` form)."},
			"grace_period": defaultedBool(false, "Whether recommendations with a due date do not count against the secure score until that date."),
			"owner_tag": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 512)},
				MarkdownDescription: "The resource tag whose value is the owner's email address (read from the resource, its resource group or its subscription). Exactly one of `owner_tag` and `owner_email`."},
			"owner_email": schema.StringAttribute{Optional: true, Validators: []validator.String{emailValidator},
				MarkdownDescription: "The owner of every recommendation the rule selects, an email address."},
			"notify_owner":   defaultedBool(true, "Whether owners get the weekly email of their open and overdue items."),
			"notify_manager": defaultedBool(true, "Whether the owners' managers (from Microsoft Entra ID) get the weekly email of overdue items."),
			"conditions": schema.ListNestedAttribute{Required: true, Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				MarkdownDescription: "Which recommendations the rule selects: a recommendation is selected when it matches any element; within an element, every given list must match.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"severities": schema.SetAttribute{Optional: true, ElementType: types.StringType,
							Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(Severities...))},
							MarkdownDescription: "Recommendation severities: `High`, `Medium`, `Low`."},
						"assessment_keys": schema.SetAttribute{Optional: true, ElementType: types.StringType,
							Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.RegexMatches(guidRegexp, "must be an assessment key (a GUID)"))},
							MarkdownDescription: "Assessment keys (the GUID names of recommendations' assessment definitions)."},
					},
				}},
			"excluded_scopes": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ConflictsWith(path.MatchRoot("subscription_id")),
					setvalidator.ValueStringsAre(stringvalidator.RegexMatches(excludedScopeRegexp, "must be /subscriptions/{subscription_id} or /providers/Microsoft.Management/managementGroups/{id}"))},
				MarkdownDescription: "Subscriptions (`/subscriptions/{id}`) or child management groups the rule leaves out. Only with `management_group_id`."},
			"disabled": defaultedBool(false, "Whether the rule is inactive."),
			"created_date_time": schema.StringAttribute{Computed: true, PlanModifiers: stable,
				MarkdownDescription: "When the rule was created (RFC 3339, UTC)."},
			"updated_date_time": schema.StringAttribute{Computed: true,
				MarkdownDescription: "When the rule was last changed (RFC 3339, UTC)."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *GovernanceRuleResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("subscription_id"), path.MatchRoot("management_group_id")),
		resourcevalidator.ExactlyOneOf(path.MatchRoot("owner_tag"), path.MatchRoot("owner_email")),
	}
}

// ValidateConfig refuses a condition that selects nothing: the service
// refuses a condition set without conditions.
func (r *GovernanceRuleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var list types.List
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("conditions"), &list)...)
	if list.IsNull() || list.IsUnknown() {
		return
	}
	var conditions []types.Object
	resp.Diagnostics.Append(list.ElementsAs(ctx, &conditions, false)...)
	for i, obj := range conditions {
		if obj.IsUnknown() {
			continue
		}
		var c ruleConditionModel
		resp.Diagnostics.Append(obj.As(ctx, &c, basetypes.ObjectAsOptions{})...)
		if c.Severities.IsNull() && c.AssessmentKeys.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("conditions").AtListIndex(i), "Empty condition",
				fmt.Sprintf("conditions[%d] selects nothing: give severities, assessment_keys or both.", i))
		}
	}
}

// scopeIDs splits a rule's scope into the attributes that name it; the one
// that does not is null.
func scopeIDs(scope string) (subscriptionID, managementGroupID types.String) {
	if id, ok := strings.CutPrefix(scope, "/subscriptions/"); ok {
		return types.StringValue(id), types.StringNull()
	}
	return types.StringNull(), types.StringValue(strings.TrimPrefix(scope, "/providers/Microsoft.Management/managementGroups/"))
}

func ruleScope(m governanceRuleModel) string {
	if !m.ManagementGroupID.IsNull() {
		return client.ManagementGroupScope(m.ManagementGroupID.ValueString())
	}
	return client.SubscriptionScope(m.SubscriptionID.ValueString())
}

// ModifyPlan refuses, at plan time, a priority another rule of the scope
// already has: the service would refuse it at apply.
func (r *GovernanceRuleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.Client == nil {
		return
	}
	var plan governanceRuleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Priority.IsUnknown() || plan.SubscriptionID.IsUnknown() || plan.ManagementGroupID.IsUnknown() {
		return
	}
	if plan.SubscriptionID.IsNull() == plan.ManagementGroupID.IsNull() {
		return // ExactlyOneOf says so
	}
	if !req.State.Raw.IsNull() {
		var state governanceRuleModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.Priority.Equal(plan.Priority) && ruleScope(state) == ruleScope(plan) {
			return
		}
	}
	scope := ruleScope(plan)
	rules, err := r.Client.GovernanceRules(ctx, scope)
	if err != nil {
		resp.Diagnostics.AddWarning("Priority not checked",
			fmt.Sprintf("The rules of %s could not be listed to check that priority %d is free, so the service will decide at apply: %v", scope, plan.Priority.ValueInt64(), err))
		return
	}
	ruleID := ""
	if !plan.RuleID.IsUnknown() {
		ruleID = plan.RuleID.ValueString()
	}
	if holder := PriorityHolder(rules, ruleID, int32(plan.Priority.ValueInt64())); holder != nil {
		resp.Diagnostics.AddAttributeError(path.Root("priority"), "Governance rule priority already used",
			fmt.Sprintf("Priority %d is already used by governance rule %q (%s) in %s. Priorities are unique within a scope: choose another (0-1000; the lowest number wins when several rules select a recommendation), or change that rule first.",
				plan.Priority.ValueInt64(), holder.DisplayName, holder.ID, scope))
	}
}

func (r *GovernanceRuleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ruleObject.apply(ctx, &r.Resource, req.Plan, timeouts.Value.Create, &resp.State, &resp.Diagnostics, r.newRule, r.write)
}

func (r *GovernanceRuleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ruleObject.apply(ctx, &r.Resource, req.Plan, timeouts.Value.Update, &resp.State, &resp.Diagnostics, r.changedRule, r.write)
}

// newRule is the rule a create sends, under a new key or the planned one
// when no rule has it yet.
func (r *GovernanceRuleResource) newRule(ctx context.Context, plan *governanceRuleModel, diags *diag.Diagnostics) (client.GovernanceRule, bool) {
	scope := ruleScope(*plan)
	get := func(id string) (*client.GovernanceRule, error) { return r.Client.GovernanceRule(ctx, scope, id) }
	describe := func(g *client.GovernanceRule) (string, string) { return g.ID, fmt.Sprintf("%q", g.DisplayName) }
	if !newObjectKey(&plan.RuleID, "rule_id", "rule", get, describe, diags) {
		return client.GovernanceRule{}, false
	}
	return ruleFromPlan(ctx, *plan, scope, diags)
}

// changedRule is the rule an update sends: the plan, keeping what this
// resource does not manage (the rule type, member scopes).
func (r *GovernanceRuleResource) changedRule(ctx context.Context, plan *governanceRuleModel, diags *diag.Diagnostics) (client.GovernanceRule, bool) {
	scope := ruleScope(*plan)
	rule, ok := ruleFromPlan(ctx, *plan, scope, diags)
	if !ok {
		return rule, false
	}
	current, err := r.Client.GovernanceRule(ctx, scope, plan.RuleID.ValueString())
	if err != nil {
		diags.Append(governanceReadError("rule", err, "governance rule "+plan.ID.ValueString()+" (deleted outside Terraform? run terraform apply again to re-create it)"))
		return rule, false
	}
	rule.RuleType, rule.IncludeMemberScopes = current.RuleType, current.IncludeMemberScopes
	return rule, true
}

// write sends rule and saves the state only when the service took it.
func (r *GovernanceRuleResource) write(ctx context.Context, plan governanceRuleModel, rule client.GovernanceRule, state *tfsdk.State, diags *diag.Diagnostics) {
	ruleObject.write(ctx, plan, rule, r.Client.PutGovernanceRule, !plan.ManagementGroupID.IsNull(), "", state, diags)
}

// ruleObject is what the rule resource shares with the assignment resource.
var ruleObject = governanceObject[governanceRuleModel, client.GovernanceRule]{what: "rule", fill: fillRule,
	timeouts: func(m governanceRuleModel) timeouts.Value { return m.Timeouts }}

func ruleFromPlan(ctx context.Context, m governanceRuleModel, scope string, diags *diag.Diagnostics) (client.GovernanceRule, bool) {
	rule := client.GovernanceRule{
		Name: m.RuleID.ValueString(), Scope: scope,
		DisplayName: m.DisplayName.ValueString(), Description: m.Description.ValueString(),
		Priority:             int32(m.Priority.ValueInt64()),
		RemediationTimeframe: TimeframeForDays(m.RemediationTimeframeDays.ValueInt64()),
		GracePeriod:          m.GracePeriod.ValueBool(),
		Disabled:             m.Disabled.ValueBool(),
		DisableOwnerEmail:    !m.NotifyOwner.ValueBool(),
		DisableManagerEmail:  !m.NotifyManager.ValueBool(),
	}
	if !m.OwnerTag.IsNull() {
		rule.OwnerSourceType, rule.OwnerSourceValue = client.GovernanceOwnerByTag, m.OwnerTag.ValueString()
	} else {
		rule.OwnerSourceType, rule.OwnerSourceValue = client.GovernanceOwnerManually, m.OwnerEmail.ValueString()
	}
	for _, c := range m.Conditions {
		var s RuleSelection
		diags.Append(tfvalues.Strings(ctx, c.Severities, &s.Severities)...)
		diags.Append(tfvalues.Strings(ctx, c.AssessmentKeys, &s.AssessmentKeys)...)
		rule.ConditionSets = append(rule.ConditionSets, ConditionSetFor(s))
	}
	diags.Append(tfvalues.Strings(ctx, m.ExcludedScopes, &rule.ExcludedScopes)...)
	return rule, !diags.HasError()
}

func nullableSet(values []string) types.Set {
	if len(values) == 0 {
		return types.SetNull(types.StringType)
	}
	elems := make([]string, len(values))
	copy(elems, values)
	s, _ := types.SetValueFrom(context.Background(), types.StringType, elems)
	return s
}

func nullableString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func timeString(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// fillRule sets every attribute from what the service stored.
func fillRule(m *governanceRuleModel, rule client.GovernanceRule, diags *diag.Diagnostics) bool {
	m.ID = types.StringValue(rule.ID)
	m.RuleID = types.StringValue(rule.Name)
	m.SubscriptionID, m.ManagementGroupID = scopeIDs(rule.Scope)
	m.DisplayName = types.StringValue(rule.DisplayName)
	m.Description = nullableString(rule.Description)
	m.Priority = types.Int64Value(int64(rule.Priority))
	if days, ok := DaysForTimeframe(rule.RemediationTimeframe); ok {
		m.RemediationTimeframeDays = types.Int64Value(days)
	} else {
		m.RemediationTimeframeDays = types.Int64Null()
	}
	m.GracePeriod = types.BoolValue(rule.GracePeriod)
	m.Disabled = types.BoolValue(rule.Disabled)
	m.NotifyOwner = types.BoolValue(!rule.DisableOwnerEmail)
	m.NotifyManager = types.BoolValue(!rule.DisableManagerEmail)
	m.OwnerTag, m.OwnerEmail = types.StringNull(), types.StringNull()
	if rule.OwnerSourceType == client.GovernanceOwnerByTag {
		m.OwnerTag = nullableString(rule.OwnerSourceValue)
	} else {
		m.OwnerEmail = nullableString(rule.OwnerSourceValue)
	}
	m.Conditions = nil
	for i, set := range rule.ConditionSets {
		s, err := SelectionFor(set)
		if err != nil {
			diags.AddError("Governance rule condition not supported",
				fmt.Sprintf("Condition set %d of %s has a %v, which this resource cannot represent (it selects by severity and by assessment key). Change the rule in the portal, or manage it outside Terraform.", i+1, rule.ID, err))
			return false
		}
		m.Conditions = append(m.Conditions, ruleConditionModel{Severities: nullableSet(s.Severities), AssessmentKeys: nullableSet(s.AssessmentKeys)})
	}
	m.ExcludedScopes = nullableSet(rule.ExcludedScopes)
	m.CreatedDateTime = timeString(rule.CreatedOn)
	m.UpdatedDateTime = timeString(rule.UpdatedOn)
	return true
}

func (r *GovernanceRuleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ruleObject.within(ctx, &r.Resource, req.State.Get, timeouts.Value.Read, &resp.Diagnostics, func(ctx context.Context, state governanceRuleModel) {
		rule, err := r.Client.GovernanceRule(ctx, ruleScope(state), state.RuleID.ValueString())
		ruleObject.refresh(ctx, state, rule, err,
			fmt.Sprintf("%s no longer exists (deleted outside Terraform), so Terraform no longer manages it; the next apply creates it again if it is still configured.", state.ID.ValueString()), resp)
	})
}

func (r *GovernanceRuleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ruleObject.within(ctx, &r.Resource, req.State.Get, timeouts.Value.Delete, &resp.Diagnostics, func(ctx context.Context, state governanceRuleModel) {
		if err := r.Client.DeleteGovernanceRule(ctx, ruleScope(state), state.RuleID.ValueString()); err != nil {
			resp.Diagnostics.Append(governanceWriteError("Deleting the governance rule", err, !state.ManagementGroupID.IsNull(), ""))
		}
	})
}

// ImportState takes the rule's ARM id, with or without its leading slash.
func (r *GovernanceRuleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	scope, ruleID, err := client.ParseGovernanceRuleID(req.ID)
	subscriptionID, managementGroupID := scopeIDs(scope)
	importAttributes(ctx, err, map[string]any{"subscription_id": subscriptionID, "management_group_id": managementGroupID, "rule_id": ruleID,
		"id": scope + "/providers/Microsoft.Security/governanceRules/" + ruleID}, resp)
}

// emailValidator refuses a value that is not a bare email address; the
// validators library has none.
var emailValidator = validators.StringFunc("must be an email address", "Invalid email address",
	func(_ path.Path, value string) string {
		if !IsEmail(value) {
			return fmt.Sprintf("%q is not an email address: governance owners are given as user@domain, e.g. owner@contoso.com.", value)
		}
		return ""
	})
