package defender

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

func TestSameInstant(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"2030-06-30T02:00:00+02:00", "2030-06-30T00:00:00Z", true},
		{"2030-06-29T19:00:00-05:00", "2030-06-30T00:00:00Z", true},
		{"2030-06-30T02:00:00+02:00", "2030-06-30T02:00:00Z", false}, // two hours apart
		{"2030-06-30", "2030-06-30T00:00:00Z", false},                // not RFC 3339
	} {
		if got := sameInstant(tc.a, tc.b); got != tc.want {
			t.Errorf("sameInstant(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestKeepPriorSpelling(t *testing.T) {
	for _, tc := range []struct {
		name              string
		modifier          planmodifier.String
		state, plan, want types.String
	}{
		{"id in another case", sameIDPlan, types.StringValue("contoso-production"), types.StringValue("Contoso-Production"), types.StringValue("contoso-production")},
		{"another id", sameIDPlan, types.StringValue("contoso-production"), types.StringValue("contoso-sandbox"), types.StringValue("contoso-sandbox")},
		{"no prior state", sameIDPlan, types.StringNull(), types.StringValue("Contoso-Production"), types.StringValue("Contoso-Production")},
		{"same instant", sameInstantPlan, types.StringValue("2030-06-30T00:00:00Z"), types.StringValue("2030-06-30T02:00:00+02:00"), types.StringValue("2030-06-30T00:00:00Z")},
		{"another instant", sameInstantPlan, types.StringValue("2030-06-30T00:00:00Z"), types.StringValue("2030-07-01T00:00:00Z"), types.StringValue("2030-07-01T00:00:00Z")},
		{"unknown plan", sameInstantPlan, types.StringValue("2030-06-30T00:00:00Z"), types.StringUnknown(), types.StringUnknown()},
	} {
		resp := &planmodifier.StringResponse{PlanValue: tc.plan}
		tc.modifier.PlanModifyString(context.Background(), planmodifier.StringRequest{StateValue: tc.state, PlanValue: tc.plan}, resp)
		if !resp.PlanValue.Equal(tc.want) {
			t.Errorf("%s: planned %s, want %s", tc.name, resp.PlanValue, tc.want)
		}
	}
}

func TestSameIDsPlan(t *testing.T) {
	set := func(values ...string) types.Set { return nullableSet(values) }
	prior := set("/subscriptions/7C6DD033-15B6-4569-B4B2-A72AB936647D")
	for _, tc := range []struct {
		name       string
		plan, want types.Set
	}{
		{"same ids in lower case", set("/subscriptions/7c6dd033-15b6-4569-b4b2-a72ab936647d"), prior},
		{"another id", set("/subscriptions/00000000-0000-4000-8000-000000000001"), set("/subscriptions/00000000-0000-4000-8000-000000000001")},
		{"one more id", set("/subscriptions/7c6dd033-15b6-4569-b4b2-a72ab936647d", "/subscriptions/00000000-0000-4000-8000-000000000001"),
			set("/subscriptions/7c6dd033-15b6-4569-b4b2-a72ab936647d", "/subscriptions/00000000-0000-4000-8000-000000000001")},
	} {
		resp := &planmodifier.SetResponse{PlanValue: tc.plan}
		sameIDsPlan{}.PlanModifySet(context.Background(), planmodifier.SetRequest{StateValue: prior, PlanValue: tc.plan}, resp)
		if !resp.PlanValue.Equal(tc.want) {
			t.Errorf("%s: planned %s, want %s", tc.name, resp.PlanValue, tc.want)
		}
	}
}

func TestKeepSpellings(t *testing.T) {
	if got := keepID(types.StringValue("Contoso-Production"), types.StringValue("contoso-production")); got.ValueString() != "Contoso-Production" {
		t.Errorf("keepID kept %s", got)
	}
	if got := keepID(types.StringValue("Contoso-Production"), types.StringNull()); !got.IsNull() {
		t.Errorf("keepID of a null served id: %s", got)
	}
	got := keepIDs(nullableSet([]string{"/SUBSCRIPTIONS/AB"}), []string{"/subscriptions/ab", "/subscriptions/cd"})
	if want := nullableSet([]string{"/SUBSCRIPTIONS/AB", "/subscriptions/cd"}); !got.Equal(want) {
		t.Errorf("keepIDs = %s, want %s", got, want)
	}
	served := time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC)
	if got := keepInstant(types.StringValue("2030-06-30T02:00:00+02:00"), served); got.ValueString() != "2030-06-30T02:00:00+02:00" {
		t.Errorf("keepInstant of the same instant = %s", got)
	}
	if got := keepInstant(types.StringValue("2030-06-30T03:00:00+02:00"), served); got.ValueString() != "2030-06-30T00:00:00Z" {
		t.Errorf("keepInstant of another instant = %s", got)
	}
}

func sampleRule() client.GovernanceRule {
	return client.GovernanceRule{
		Scope: "/providers/Microsoft.Management/managementGroups/Contoso-Production", DisplayName: "High", Priority: 10,
		RemediationTimeframe: "7.00:00:00", OwnerSourceType: client.GovernanceOwnerManually, OwnerSourceValue: "secops@contoso.com",
		ConditionSets:  [][]client.GovernanceCondition{{{Property: client.GovernancePropertySeverity, Operator: client.GovernanceOperatorEquals, Value: "High"}}},
		ExcludedScopes: []string{"/subscriptions/AB"},
	}
}

func TestRuleDifferences(t *testing.T) {
	want := sampleRule()
	got := sampleRule()
	got.Name, got.ID, got.RuleType = "x", "/x", "ServiceNow" // not managed
	got.ExcludedScopes = []string{"/subscriptions/ab"}       // the same id in lower case
	// The same selection written with In and a one-element list.
	got.ConditionSets = [][]client.GovernanceCondition{{{Property: client.GovernancePropertySeverity, Operator: client.GovernanceOperatorIn, Value: `["High"]`}}}
	if d := RuleDifferences(want, got); len(d) != 0 {
		t.Errorf("equivalent rules differ in %v", d)
	}
	got.DisplayName, got.Disabled, got.OwnerSourceValue = "Set by the CISO", true, "ciso@contoso.com"
	got.ExcludedScopes = nil
	if d, wantDiffs := RuleDifferences(want, got), []string{"display_name", "disabled", "owner", "excluded_scopes"}; !reflect.DeepEqual(d, wantDiffs) {
		t.Errorf("differences %v, want %v", d, wantDiffs)
	}
}

func TestAssignmentDifferences(t *testing.T) {
	want := client.GovernanceAssignment{Owner: "alex.wilber@contoso.com", RemediationDueDate: time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC)}
	got := want
	got.Owner = "Alex.Wilber@contoso.com"
	got.RemediationDueDate = time.Date(2030, 6, 30, 2, 0, 0, 0, time.FixedZone("CEST", 2*3600)) // the same instant
	got.TicketStatus = "Active"                                                                 // not managed
	if d := AssignmentDifferences(want, got); len(d) != 0 {
		t.Errorf("equivalent assignments differ in %v", d)
	}
	got.Owner, got.GracePeriod = "ciso@contoso.com", true
	if d, wantDiffs := AssignmentDifferences(want, got), []string{"owner_email", "grace_period"}; !reflect.DeepEqual(d, wantDiffs) {
		t.Errorf("differences %v, want %v", d, wantDiffs)
	}
}

func TestDerivedKeys(t *testing.T) {
	rule := sampleRule()
	key := RuleKey(rule)
	if u, err := uuid.Parse(key); err != nil || u.Version() != 5 {
		t.Fatalf("RuleKey = %q, want a version-5 UUID", key)
	}
	// Ids in another case, a name or a carried-over setting: the same key.
	same := sampleRule()
	same.Scope, same.ExcludedScopes, same.Name, same.RuleType = strings.ToLower(rule.Scope), []string{"/subscriptions/ab"}, "other", "ServiceNow"
	if RuleKey(same) != key {
		t.Errorf("RuleKey changed with case or unmanaged settings")
	}
	other := sampleRule()
	other.Priority = 11
	if RuleKey(other) == key {
		t.Errorf("RuleKey did not change with the priority")
	}
	a := AssignmentKey("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "ac21c637-d558-482c-9d11-d6d9033e834e")
	if b := AssignmentKey("/subscriptions/x/resourcegroups/RG/providers/Microsoft.Compute/virtualMachines/vm", "AC21C637-D558-482C-9D11-D6D9033E834E"); a != b {
		t.Errorf("AssignmentKey changed with case: %s, %s", a, b)
	}
	if b := AssignmentKey("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm2", "ac21c637-d558-482c-9d11-d6d9033e834e"); a == b {
		t.Errorf("AssignmentKey is the same for another resource")
	}
}

func TestExcludedScopeValidator(t *testing.T) {
	for value, want := range map[string]string{
		"/subscriptions/7c6dd033-15b6-4569-b4b2-a72ab936647d":          "",
		"/SUBSCRIPTIONS/7C6DD033-15B6-4569-B4B2-A72AB936647D":          "",
		"/providers/Microsoft.Management/managementGroups/contoso-dev": "",
		"7c6dd033-15b6-4569-b4b2-a72ab936647d":                         `write it as "/subscriptions/7c6dd033-15b6-4569-b4b2-a72ab936647d"`,
		"contoso-dev":                                                  `"contoso-dev" is not a scope id`,
	} {
		resp := &validator.StringResponse{}
		excludedScopeValidator.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("excluded_scopes"), ConfigValue: types.StringValue(value)}, resp)
		switch {
		case want == "" && resp.Diagnostics.HasError():
			t.Errorf("%q refused: %v", value, resp.Diagnostics)
		case want != "" && (!resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), want)):
			t.Errorf("%q: %v, want an error saying %s", value, resp.Diagnostics, want)
		}
	}
}

func TestManagementGroupForbidden(t *testing.T) {
	err := &client.APIError{Service: client.ServiceARM, StatusCode: http.StatusForbidden, Code: "AuthorizationFailed", Message: "... or the scope is invalid."}
	for name, d := range map[string]interface{ Detail() string }{
		"write": governanceWriteError("Writing the governance rule", err, "contoso-prodution", ""),
		"read":  governanceScopeReadError("rule", err, "contoso-prodution"),
	} {
		if !strings.Contains(d.Detail(), `management_group_id "contoso-prodution" is the group's id`) {
			t.Errorf("%s: %s", name, d.Detail())
		}
	}
	if d := governanceScopeReadError("rule", errors.New("boom"), "contoso-prodution"); strings.Contains(d.Detail(), "management_group_id") {
		t.Errorf("a failure other than 403 names the group: %s", d.Detail())
	}
}

func TestRuleLastChange(t *testing.T) {
	at := time.Date(2030, 6, 30, 2, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	for _, tc := range []struct {
		rule client.GovernanceRule
		want string
	}{
		{client.GovernanceRule{UpdatedOn: &at, UpdatedBy: "ciso@contoso.com"}, "last changed by ciso@contoso.com at 2030-06-30T00:00:00Z"},
		{client.GovernanceRule{UpdatedOn: &at}, "last changed at 2030-06-30T00:00:00Z"},
		{client.GovernanceRule{UpdatedBy: "ciso@contoso.com"}, ""},
	} {
		if got := RuleLastChange(tc.rule); got != tc.want {
			t.Errorf("RuleLastChange = %q, want %q", got, tc.want)
		}
	}
}
