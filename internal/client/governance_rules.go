package client

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/security/armsecurity"
)

// This file holds the Defender for Cloud governance rule calls
// (Microsoft.Security/governanceRules, api-version 2022-01-01-preview):
// https://learn.microsoft.com/rest/api/defenderforcloud/governance-rules

// Governance condition properties and operators, as the service names them.
const (
	GovernancePropertySeverity      = "$.Metadata.Severity"
	GovernancePropertyAssessmentKey = "$.AssessmentKey"
	GovernanceOperatorEquals        = "Equals"
	GovernanceOperatorIn            = "In"
)

// Owner source types of a governance rule.
const (
	GovernanceOwnerByTag    = string(armsecurity.GovernanceRuleOwnerSourceTypeByTag)
	GovernanceOwnerManually = string(armsecurity.GovernanceRuleOwnerSourceTypeManually)
)

// GovernanceRule is a governance rule of a subscription or management group.
type GovernanceRule struct {
	ID    string // always with its leading slash
	Name  string // the rule id, a GUID
	Scope string // /subscriptions/{id} or /providers/Microsoft.Management/managementGroups/{id}

	DisplayName          string
	Description          string
	Priority             int32
	RemediationTimeframe string // e.g. 7.00:00:00 (d.hh:mm:ss)
	GracePeriod          bool
	Disabled             bool
	OwnerSourceType      string // ByTag or Manually
	OwnerSourceValue     string // the tag name, or the owner's email address
	DisableOwnerEmail    bool
	DisableManagerEmail  bool
	// ConditionSets are ORed; the conditions of one set are ANDed.
	ConditionSets  [][]GovernanceCondition
	ExcludedScopes []string

	// Carried over on update so that a write does not reset what the
	// resource does not manage.
	RuleType            string // Integrated (default) or ServiceNow
	IncludeMemberScopes *bool

	CreatedOn *time.Time
	UpdatedOn *time.Time
	UpdatedBy string // the object id of the last writer
}

// GovernanceCondition is one condition of a rule; Value is a single value
// for Equals and a JSON array of strings for In, as the service takes it.
type GovernanceCondition struct {
	Property string
	Operator string
	Value    string
}

// SubscriptionScope and ManagementGroupScope are the scopes of governance rules.
func SubscriptionScope(subscriptionID string) string { return "/subscriptions/" + subscriptionID }

// ManagementGroupScope is the scope id of a management group.
func ManagementGroupScope(managementGroupID string) string {
	return "/providers/Microsoft.Management/managementGroups/" + managementGroupID
}

// ParseGovernanceRuleID splits a rule id into its scope and rule id; the
// leading slash is optional, as the service itself leaves it out.
func ParseGovernanceRuleID(id string) (scope, ruleID string, err error) {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	bad := fmt.Errorf("%q is not a governance rule id: use /subscriptions/{subscription_id}/providers/Microsoft.Security/governanceRules/{rule_id} "+
		"or /providers/Microsoft.Management/managementGroups/{management_group_id}/providers/Microsoft.Security/governanceRules/{rule_id}", id)
	tail := func(segs []string) bool {
		return len(segs) == 4 && strings.EqualFold(segs[0], "providers") && strings.EqualFold(segs[1], "Microsoft.Security") &&
			strings.EqualFold(segs[2], "governanceRules") && segs[3] != ""
	}
	switch {
	case len(segs) == 6 && strings.EqualFold(segs[0], "subscriptions") && GUIDPattern.MatchString(segs[1]) && tail(segs[2:]):
		return SubscriptionScope(segs[1]), segs[5], nil
	case len(segs) == 8 && strings.EqualFold(segs[0], "providers") && strings.EqualFold(segs[1], "Microsoft.Management") &&
		strings.EqualFold(segs[2], "managementGroups") && segs[3] != "" && tail(segs[4:]):
		return ManagementGroupScope(segs[3]), segs[7], nil
	}
	return "", "", bad
}

// sdkScope is a scope as the SDK's {scope} parameter takes it: no leading slash.
func sdkScope(scope string) string { return strings.TrimPrefix(scope, "/") }

func (c *Client) governanceRules() (*armsecurity.GovernanceRulesClient, error) {
	f, err := c.securityFactory("")
	if err != nil {
		return nil, err
	}
	return f.NewGovernanceRulesClient(), nil
}

// GovernanceRule reads one rule; a missing rule is an *APIError with status 404.
func (c *Client) GovernanceRule(ctx context.Context, scope, ruleID string) (*GovernanceRule, error) {
	rc, err := c.governanceRules()
	if err != nil {
		return nil, err
	}
	ctx, capt := captured(ctx)
	resp, err := rc.Get(ctx, sdkScope(scope), ruleID, nil)
	if err != nil {
		return nil, capt.sdkError(ServiceARM, err)
	}
	if resp.Properties == nil {
		return nil, capt.shapeError(ServiceARM, "", "the governance rule has no `properties`")
	}
	rule, err := ruleFromSDK(resp.GovernanceRule, scope)
	if err != nil {
		return nil, capt.shapeError(ServiceARM, "", "%v", err)
	}
	return &rule, nil
}

// GovernanceRules lists the rules of a scope.
func (c *Client) GovernanceRules(ctx context.Context, scope string) ([]GovernanceRule, error) {
	rc, err := c.governanceRules()
	if err != nil {
		return nil, err
	}
	var rules []GovernanceRule
	pager := rc.NewListPager(sdkScope(scope), nil)
	for page := 1; pager.More(); page++ {
		resp, err := nextARMPage(ctx, pager, page, func(r armsecurity.GovernanceRulesClientListResponse) bool { return r.Value != nil })
		if err != nil {
			return nil, err
		}
		for _, item := range resp.Value {
			if item == nil || item.Properties == nil {
				continue
			}
			rule, err := ruleFromSDK(*item, scope)
			if err != nil {
				return nil, pageError(page, &DecodeError{Service: ServiceARM, URL: sdkScope(scope) + "/providers/Microsoft.Security/governanceRules", Err: err})
			}
			rules = append(rules, rule)
		}
	}
	return rules, nil
}

// PutGovernanceRule creates or replaces a rule and returns what the service stored.
func (c *Client) PutGovernanceRule(ctx context.Context, rule GovernanceRule) (*GovernanceRule, error) {
	rc, err := c.governanceRules()
	if err != nil {
		return nil, err
	}
	body := ruleToSDK(rule)
	ctx, capt := captured(ctx)
	resp, err := rc.CreateOrUpdate(ctx, sdkScope(rule.Scope), rule.Name, body, nil)
	if err != nil {
		return nil, capt.sdkError(ServiceARM, err)
	}
	if resp.Properties == nil {
		return nil, capt.shapeError(ServiceARM, "", "the governance rule has no `properties`")
	}
	stored, err := ruleFromSDK(resp.GovernanceRule, rule.Scope)
	if err != nil {
		return nil, capt.shapeError(ServiceARM, "", "%v", err)
	}
	return &stored, nil
}

// governancePollFrequency is how often a management-group delete is polled.
const governancePollFrequency = 2 * time.Second

// DeleteGovernanceRule deletes a rule and, at management-group scope, waits
// for the service to finish (it answers 202 and a Location to poll). A rule
// that is already gone is no error.
func (c *Client) DeleteGovernanceRule(ctx context.Context, scope, ruleID string) error {
	rc, err := c.governanceRules()
	if err != nil {
		return err
	}
	pollCtx, capt := captured(ctx)
	poller, err := rc.BeginDelete(pollCtx, sdkScope(scope), ruleID, nil)
	if err != nil {
		err = capt.sdkError(ServiceARM, err)
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	_, err = poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: governancePollFrequency})
	return asAPIError(ServiceARM, err)
}

func ruleToSDK(r GovernanceRule) armsecurity.GovernanceRule {
	ruleType := r.RuleType
	if ruleType == "" {
		ruleType = string(armsecurity.GovernanceRuleTypeIntegrated)
	}
	sets := make([]any, 0, len(r.ConditionSets))
	for _, set := range r.ConditionSets {
		conditions := make([]any, 0, len(set))
		for _, cond := range set {
			conditions = append(conditions, map[string]any{"property": cond.Property, "value": cond.Value, "operator": cond.Operator})
		}
		sets = append(sets, map[string]any{"conditions": conditions})
	}
	p := &armsecurity.GovernanceRuleProperties{
		DisplayName:          to.Ptr(r.DisplayName),
		RulePriority:         to.Ptr(r.Priority),
		RuleType:             to.Ptr(armsecurity.GovernanceRuleType(ruleType)),
		SourceResourceType:   to.Ptr(armsecurity.GovernanceRuleSourceResourceTypeAssessments),
		ConditionSets:        sets,
		IsDisabled:           to.Ptr(r.Disabled),
		IsGracePeriod:        to.Ptr(r.GracePeriod),
		RemediationTimeframe: to.Ptr(r.RemediationTimeframe),
		OwnerSource: &armsecurity.GovernanceRuleOwnerSource{
			Type:  to.Ptr(armsecurity.GovernanceRuleOwnerSourceType(r.OwnerSourceType)),
			Value: to.Ptr(r.OwnerSourceValue),
		},
		GovernanceEmailNotification: &armsecurity.GovernanceRuleEmailNotification{
			DisableOwnerEmailNotification:   to.Ptr(r.DisableOwnerEmail),
			DisableManagerEmailNotification: to.Ptr(r.DisableManagerEmail),
		},
		ExcludedScopes:      to.SliceOfPtrs(r.ExcludedScopes...),
		IncludeMemberScopes: r.IncludeMemberScopes,
	}
	if r.Description != "" {
		p.Description = to.Ptr(r.Description)
	}
	return armsecurity.GovernanceRule{Properties: p}
}

func ruleFromSDK(item armsecurity.GovernanceRule, scope string) (GovernanceRule, error) {
	p := item.Properties
	r := GovernanceRule{
		ID:                   "/" + strings.TrimPrefix(deref(item.ID), "/"),
		Name:                 deref(item.Name),
		Scope:                scope,
		DisplayName:          deref(p.DisplayName),
		Description:          deref(p.Description),
		Priority:             deref(p.RulePriority),
		RemediationTimeframe: deref(p.RemediationTimeframe),
		GracePeriod:          deref(p.IsGracePeriod),
		Disabled:             deref(p.IsDisabled),
		RuleType:             string(deref(p.RuleType)),
		IncludeMemberScopes:  p.IncludeMemberScopes,
	}
	if s, name, err := ParseGovernanceRuleID(r.ID); err == nil {
		r.Scope, r.Name = s, name
	}
	if o := p.OwnerSource; o != nil {
		r.OwnerSourceType, r.OwnerSourceValue = string(deref(o.Type)), deref(o.Value)
	}
	if n := p.GovernanceEmailNotification; n != nil {
		r.DisableOwnerEmail, r.DisableManagerEmail = deref(n.DisableOwnerEmailNotification), deref(n.DisableManagerEmailNotification)
	}
	for _, s := range p.ExcludedScopes {
		if s != nil {
			r.ExcludedScopes = append(r.ExcludedScopes, *s)
		}
	}
	if m := p.Metadata; m != nil {
		r.CreatedOn, r.UpdatedOn, r.UpdatedBy = m.CreatedOn, m.UpdatedOn, deref(m.UpdatedBy)
	}
	sets, err := conditionSetsFromSDK(p.ConditionSets)
	if err != nil {
		return r, fmt.Errorf("governance rule %s: %w", r.Name, err)
	}
	r.ConditionSets = sets
	return r, nil
}

// conditionSetsFromSDK reads conditionSets, which the SDK leaves untyped
// ([]any of {"conditions": [...]}).
func conditionSetsFromSDK(raw []any) ([][]GovernanceCondition, error) {
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	var sets []struct {
		Conditions []struct {
			Property string `json:"property"`
			Value    string `json:"value"`
			Operator string `json:"operator"`
		} `json:"conditions"`
	}
	if err := json.Unmarshal(b, &sets); err != nil {
		return nil, fmt.Errorf("`conditionSets` is not a list of condition sets: %w", err)
	}
	out := make([][]GovernanceCondition, 0, len(sets))
	for _, s := range sets {
		set := make([]GovernanceCondition, 0, len(s.Conditions))
		for _, c := range s.Conditions {
			set = append(set, GovernanceCondition{Property: c.Property, Operator: c.Operator, Value: c.Value})
		}
		out = append(out, set)
	}
	return out, nil
}
