package defender

import (
	"context"
	"fmt"
	"net/http"
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
	excludedScopeRegexp = regexp.MustCompile(`(?i)^(/subscriptions/[0-9A-F]{8}-([0-9A-F]{4}-){3}[0-9A-F]{12}|/providers/Microsoft\.Management/managementGroups/[^/]+)$`)
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
	sameIDOrReplace := []planmodifier.String{sameIDPlan, stringplanmodifier.RequiresReplace()}
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
				Validators:    []validator.String{stringvalidator.RegexMatches(guidRegexp, "must be a GUID")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), sameIDPlan, stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The rule's key, a GUID. When omitted, the plan derives it from the scope and the settings (a name-based UUID), " +
					"so that a create whose answer was lost finds its own rule on the next apply instead of creating a second one. Changing it replaces the rule."},
			"subscription_id": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.SubscriptionID()}, PlanModifiers: sameIDOrReplace,
				MarkdownDescription: "The subscription the rule applies to (its GUID). Exactly one of `subscription_id` and `management_group_id`. Changing it replaces the rule; a change of case alone does not."},
			"management_group_id": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthBetween(1, 90)}, PlanModifiers: sameIDOrReplace,
				MarkdownDescription: "The management group (its id, not its display name) whose subscriptions the rule applies to. Changing it replaces the rule; a change of case alone does not."},
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
					setvalidator.ValueStringsAre(excludedScopeValidator)},
				PlanModifiers: []planmodifier.Set{sameIDsPlan{}},
				MarkdownDescription: "The scopes the rule leaves out, as scope ids: a subscription as `/subscriptions/{subscription_id}`, a child management group as " +
					"`/providers/Microsoft.Management/managementGroups/{management_group_id}`. Only with `management_group_id`."},
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

// ModifyPlan gives a new rule its key, and refuses at plan time a priority
// another rule of the scope already has: the service would refuse it at
// apply. A destroy is not checked.
func (r *GovernanceRuleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan governanceRuleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.SubscriptionID.IsUnknown() || plan.ManagementGroupID.IsUnknown() {
		return
	}
	if plan.SubscriptionID.IsNull() == plan.ManagementGroupID.IsNull() {
		return // ExactlyOneOf says so
	}
	var state *governanceRuleModel
	if !req.State.Raw.IsNull() {
		state = &governanceRuleModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	// The settings, when the configuration gives them all at plan time.
	var want *client.GovernanceRule
	if req.Config.Raw.IsFullyKnown() {
		var diags diag.Diagnostics
		if rule, ok := ruleFromPlan(ctx, plan, ruleScope(plan), &diags); ok {
			want = &rule
		}
	}
	if state == nil && plan.RuleID.IsUnknown() && want != nil {
		plan.RuleID = types.StringValue(RuleKey(*want))
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("rule_id"), plan.RuleID)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), ruleID(plan))...)
	}
	if state != nil {
		keepUpdatedDateTime(ctx, *state, req, resp)
	}
	if r.Client == nil || plan.Priority.IsUnknown() || resp.Diagnostics.HasError() {
		return
	}
	if state != nil && state.Priority.Equal(plan.Priority) && sameID(ruleScope(*state), ruleScope(plan)) {
		return
	}
	scope := ruleScope(plan)
	rules, err := r.Client.GovernanceRules(ctx, scope)
	if err != nil {
		detail := fmt.Sprintf("The rules of %s could not be listed to check that priority %d is free, so the service will decide at apply: %v", scope, plan.Priority.ValueInt64(), err)
		if apiStatus(err) == http.StatusForbidden && !plan.ManagementGroupID.IsNull() {
			detail += "\n\n" + managementGroupHint(plan.ManagementGroupID.ValueString())
		}
		resp.Diagnostics.AddWarning("Priority not checked", detail)
		return
	}
	// The rule this plan updates is not a clash, nor the rule it replaces
	// when Terraform says which (a change of rule_id). A replacement's
	// create (taint, -replace) is planned without the prior state, so a
	// holder with this configuration's very settings may be the rule it
	// replaces: the apply checks again once that rule is deleted.
	exclude := []string{plan.RuleID.ValueString()}
	if state != nil {
		exclude = append(exclude, state.RuleID.ValueString())
	}
	holder := PriorityHolder(rules, int32(plan.Priority.ValueInt64()), exclude...)
	if holder == nil {
		return
	}
	if state == nil && want != nil && len(RuleDifferences(*want, *holder)) == 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("priority"), "Governance rule priority used by a rule with these settings",
			priorityClash(plan.Priority.ValueInt64(), *holder, scope, true)+
				" If this plan replaces that rule (taint, -replace), the apply deletes it first and goes on; otherwise the apply refuses this create before sending it.")
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("priority"), "Governance rule priority already used", priorityClash(plan.Priority.ValueInt64(), *holder, scope, false))
}

// keepUpdatedDateTime plans the prior updated_date_time when nothing else
// changes: the framework plans it unknown as soon as the configuration
// differs from the state, which a spelling the plan modifiers keep (an id
// in another case) does, so the plan would show an update with no change.
func keepUpdatedDateTime(ctx context.Context, state governanceRuleModel, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	at := path.Root("updated_date_time")
	var planned types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, at, &planned)...)
	if !planned.IsUnknown() || resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, at, state.UpdatedDateTime)...)
	if !resp.Plan.Raw.Equal(req.State.Raw) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, at, planned)...)
	}
}

// priorityClash says which rule holds a priority and what to do;
// sameSettings when that rule has the settings being written.
func priorityClash(priority int64, holder client.GovernanceRule, scope string, sameSettings bool) string {
	msg := fmt.Sprintf("Priority %d is already used by governance rule %q (%s) in %s. Priorities are unique within a scope: choose another (0-1000; the lowest number wins when several rules select a recommendation), or change that rule first.",
		priority, holder.DisplayName, holder.ID, scope)
	if sameSettings {
		msg += fmt.Sprintf(" That rule has this configuration's settings: if an earlier apply left it behind, import it instead: terraform import <address> %s", holder.ID)
	}
	return msg
}

// ruleID is the rule's ARM id, from its scope and key.
func ruleID(m governanceRuleModel) types.String {
	return types.StringValue(ruleScope(m) + "/providers/Microsoft.Security/governanceRules/" + m.RuleID.ValueString())
}

// access reads and writes the rule m names.
func (r *GovernanceRuleResource) access(m governanceRuleModel) objectAccess[client.GovernanceRule] {
	scope, key := ruleScope(m), m.RuleID.ValueString()
	return objectAccess[client.GovernanceRule]{
		id: ruleID(m).ValueString(),
		get: func(ctx context.Context) (*client.GovernanceRule, error) {
			return r.Client.GovernanceRule(ctx, scope, key)
		},
		put:               r.Client.PutGovernanceRule,
		remove:            func(ctx context.Context) error { return r.Client.DeleteGovernanceRule(ctx, scope, key) },
		managementGroupID: m.ManagementGroupID.ValueString(),
	}
}

// Create writes the rule under its planned key (derived from its settings
// when the plan could not), adopting a rule an earlier apply stored there.
func (r *GovernanceRuleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ruleObject.within(ctx, &r.Resource, req.Plan.Get, timeouts.Value.Create, &resp.Diagnostics, func(ctx context.Context, plan governanceRuleModel) {
		want, ok := ruleFromPlan(ctx, plan, ruleScope(plan), &resp.Diagnostics)
		if !ok {
			return
		}
		if plan.RuleID.IsUnknown() || plan.RuleID.IsNull() {
			plan.RuleID = types.StringValue(RuleKey(want))
		}
		want.Name = plan.RuleID.ValueString()
		ruleObject.create(ctx, plan, want, r.access(plan), func(diags *diag.Diagnostics) bool { return r.priorityFree(ctx, want, diags) }, &resp.State, &resp.Diagnostics)
	})
}

// priorityFree checks, just before a create's write, that no other rule of
// the scope has its priority (the rule a replacement deletes is gone by
// then).
func (r *GovernanceRuleResource) priorityFree(ctx context.Context, want client.GovernanceRule, diags *diag.Diagnostics) bool {
	rules, err := r.Client.GovernanceRules(ctx, want.Scope)
	if err != nil {
		return true // the service decides
	}
	holder := PriorityHolder(rules, want.Priority, want.Name)
	if holder == nil {
		return true
	}
	diags.AddAttributeError(path.Root("priority"), "Governance rule priority already used",
		priorityClash(int64(want.Priority), *holder, want.Scope, len(RuleDifferences(want, *holder)) == 0)+" Nothing was written.")
	return false
}

// Update writes the plan once the rule is found as the prior state
// recorded it, keeping what this resource does not manage (the rule type,
// member scopes).
func (r *GovernanceRuleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state governanceRuleModel
	if !r.Load(ctx, req.State.Get, &state, &resp.Diagnostics) {
		return
	}
	ruleObject.within(ctx, &r.Resource, req.Plan.Get, timeouts.Value.Update, &resp.Diagnostics, func(ctx context.Context, plan governanceRuleModel) {
		want, ok := ruleFromPlan(ctx, plan, ruleScope(plan), &resp.Diagnostics)
		prior, priorOK := ruleFromPlan(ctx, state, ruleScope(state), &resp.Diagnostics)
		if !ok || !priorOK {
			return
		}
		ruleObject.update(ctx, plan, prior, want, r.access(plan), func(current client.GovernanceRule, want *client.GovernanceRule) {
			want.RuleType, want.IncludeMemberScopes = current.RuleType, current.IncludeMemberScopes
		}, &resp.State, &resp.Diagnostics)
	})
}

// ruleObject is what the rule resource shares with the assignment resource.
var ruleObject = governanceObject[governanceRuleModel, client.GovernanceRule]{what: "rule", key: "rule_id", fill: fillRule, differences: RuleDifferences, lastChange: RuleLastChange,
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
	m.ID = keepID(m.ID, types.StringValue(rule.ID))
	m.RuleID = keepID(m.RuleID, types.StringValue(rule.Name))
	subscriptionID, managementGroupID := scopeIDs(rule.Scope)
	m.SubscriptionID, m.ManagementGroupID = keepID(m.SubscriptionID, subscriptionID), keepID(m.ManagementGroupID, managementGroupID)
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
	m.ExcludedScopes = keepIDs(m.ExcludedScopes, rule.ExcludedScopes)
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

// Delete deletes the rule once it is found as the prior state recorded it.
func (r *GovernanceRuleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ruleObject.within(ctx, &r.Resource, req.State.Get, timeouts.Value.Delete, &resp.Diagnostics, func(ctx context.Context, state governanceRuleModel) {
		if prior, ok := ruleFromPlan(ctx, state, ruleScope(state), &resp.Diagnostics); ok {
			ruleObject.remove(ctx, prior, r.access(state), &resp.Diagnostics)
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

// excludedScopeValidator refuses a value that is not a scope id, saying
// how to write the scope it most likely names.
var excludedScopeValidator = validators.StringFunc("must be /subscriptions/{subscription_id} or /providers/Microsoft.Management/managementGroups/{management_group_id}", "Invalid excluded scope",
	func(_ path.Path, value string) string {
		if excludedScopeRegexp.MatchString(value) {
			return ""
		}
		if guidRegexp.MatchString(value) {
			return fmt.Sprintf("%q is a bare subscription id: excluded_scopes takes scope ids, so write it as %q "+
				"(subscription_id takes the bare id because it names only a subscription; excluded_scopes may also name management groups).", value, "/subscriptions/"+value)
		}
		return fmt.Sprintf("%q is not a scope id: write a subscription as /subscriptions/{subscription_id} and a management group as "+
			"/providers/Microsoft.Management/managementGroups/{management_group_id} (its id, not its display name).", value)
	})

// emailValidator refuses a value that is not a bare email address; the
// validators library has none.
var emailValidator = validators.StringFunc("must be an email address", "Invalid email address",
	func(_ path.Path, value string) string {
		if !IsEmail(value) {
			return fmt.Sprintf("%q is not an email address: governance owners are given as user@domain, e.g. owner@contoso.com.", value)
		}
		return ""
	})
