package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const govVersion = "?api-version=2022-01-01-preview"

func ruleBody(priority any, timeframe, owner string) map[string]any {
	return map[string]any{"properties": map[string]any{
		"displayName": "Critical recommendations", "rulePriority": priority, "remediationTimeframe": timeframe,
		"isGracePeriod": true, "isDisabled": false, "ruleType": "Integrated", "sourceResourceType": "Assessments",
		"conditionSets": []any{map[string]any{"conditions": []any{map[string]any{
			"property": "$.Metadata.Severity", "value": "High", "operator": "Equals",
		}}}},
		"ownerSource": map[string]any{"type": "Manually", "value": owner},
	}}
}

func TestGovernanceRules(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	arm := armToken(t, e, c, DefaultTenantID)
	subRules := e.ARMURL() + "/subscriptions/" + DefaultSubscriptionID + "/providers/Microsoft.Security/governanceRules"
	ruleA := "11111111-1111-4111-8111-111111111111"
	ruleB := "22222222-2222-4222-8222-222222222222"

	r := call(t, c, http.MethodPut, subRules+"/"+ruleA+govVersion, arm, ruleBody(100, "7.00:00:00", "owner@contoso.com"))
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	// The service answers the id without its leading slash.
	if id := r.body["id"]; id != "subscriptions/"+DefaultSubscriptionID+"/providers/Microsoft.Security/governanceRules/"+ruleA {
		t.Errorf("id = %v", id)
	}
	if p := path(r.body, "properties", "metadata", "createdBy"); p != ClientID {
		t.Errorf("createdBy = %v", p)
	}
	if r := call(t, c, http.MethodPut, subRules+"/"+ruleA+govVersion, arm, ruleBody(100, "14.00:00:00", "owner@contoso.com")); r.status != http.StatusOK {
		t.Errorf("update: %d %s", r.status, r.raw)
	}

	refusals := []struct {
		name, url string
		body      map[string]any
		status    int
		message   string
	}{
		{"priority clash", subRules + "/" + ruleB, ruleBody(100, "7.00:00:00", "a@contoso.com"), 400, "already used by governance rule '" + ruleA + "'"},
		{"priority too high", subRules + "/" + ruleB, ruleBody(1001, "7.00:00:00", "a@contoso.com"), 400, "between 0 and 1000"},
		{"priority negative", subRules + "/" + ruleB, ruleBody(-1, "7.00:00:00", "a@contoso.com"), 400, "between 0 and 1000"},
		{"time frame pattern", subRules + "/" + ruleB, ruleBody(5, "7 days", "a@contoso.com"), 400, "does not match the pattern"},
		{"time frame not offered", subRules + "/" + ruleB, ruleBody(5, "10.00:00:00", "a@contoso.com"), 400, "7.00:00:00, 14.00:00:00, 30.00:00:00, 90.00:00:00"},
		{"owner not an email", subRules + "/" + ruleB, ruleBody(5, "7.00:00:00", "not-an-email"), 400, "not a valid email address"},
		{"rule id not a GUID", subRules + "/my-rule", ruleBody(5, "7.00:00:00", "a@contoso.com"), 400, "must be a GUID"},
		{"no Defender CSPM", e.ARMURL() + "/subscriptions/" + noCSPMSubscription + "/providers/Microsoft.Security/governanceRules/" + ruleB,
			ruleBody(5, "7.00:00:00", "a@contoso.com"), 400, "requires the Defender CSPM plan"},
	}
	for _, tc := range refusals {
		r := call(t, c, http.MethodPut, tc.url+govVersion, arm, tc.body)
		msg, _ := path(r.body, "error", "message").(string)
		if r.status != tc.status || !strings.Contains(msg, tc.message) {
			t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
		}
	}
	if n := e.GovernanceRuleCount(); n != 1 {
		t.Errorf("%d rules stored after the refusals, want 1", n)
	}

	// Management-group scope: a rule id that is not a GUID gets the 500
	// without a body seen in the field; a GUID works, and delete is a 202
	// with a Location to poll.
	mgRules := e.ARMURL() + "/providers/Microsoft.Management/managementGroups/" + ManagementGroupID + "/providers/Microsoft.Security/governanceRules"
	if r := call(t, c, http.MethodPut, mgRules+"/dev-gov-rule"+govVersion, arm, ruleBody(5, "7.00:00:00", "a@contoso.com")); r.status != 500 || len(r.raw) != 0 {
		t.Errorf("non-GUID at management group: %d %q", r.status, r.raw)
	}
	if r := call(t, c, http.MethodPut, mgRules+"/"+ruleB+govVersion, arm, ruleBody(100, "30.00:00:00", "a@contoso.com")); r.status != http.StatusCreated {
		t.Errorf("management group create (priority 100 is free there): %d %s", r.status, r.raw)
	}
	if items, _ := follow(t, c, mgRules+govVersion, arm, "nextLink"); len(items) != 1 {
		t.Errorf("management group list: %d items", len(items))
	}
	r = call(t, c, http.MethodDelete, mgRules+"/"+ruleB+govVersion, arm, nil)
	if r.status != http.StatusAccepted || !strings.Contains(r.header.Get("Location"), "/operationResults/") {
		t.Errorf("management group delete: %d %v", r.status, r.header)
	}
	if op := get(t, c, r.header.Get("Location"), arm); op.status != 200 || op.body["status"] != "Succeeded" {
		t.Errorf("operation: %d %s", op.status, op.raw)
	}
	if r := call(t, c, http.MethodDelete, subRules+"/"+ruleA+govVersion, arm, nil); r.status != http.StatusOK {
		t.Errorf("delete: %d", r.status)
	}
	if r := call(t, c, http.MethodDelete, subRules+"/"+ruleA+govVersion, arm, nil); r.status != http.StatusNoContent {
		t.Errorf("second delete: %d", r.status)
	}
	if r := get(t, c, subRules+"/"+ruleA+govVersion, arm); r.status != 404 {
		t.Errorf("get after delete: %d", r.status)
	}
	if r := get(t, c, e.ARMURL()+"/providers/Microsoft.Management/managementGroups/nope/providers/Microsoft.Security/governanceRules"+govVersion, arm); r.status != 403 {
		t.Errorf("unknown management group: %d", r.status)
	}
}

func TestGovernanceAssignments(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	arm := armToken(t, e, c, DefaultTenantID)
	as := e.Assessments(DefaultSubscriptionID)
	if len(as) == 0 {
		t.Fatal("no assessments seeded")
	}
	a := as[0]
	if !strings.HasPrefix(a.ResourceID, "/subscriptions/"+DefaultSubscriptionID+"/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01") {
		t.Errorf("first assessment's resource: %s", a.ResourceID)
	}
	key := "33333333-3333-4333-8333-333333333333"
	u := e.ARMURL() + a.ResourceID + "/providers/Microsoft.Security/assessments/" + a.Key + "/governanceAssignments/" + key + govVersion
	body := func(owner, due string) map[string]any {
		return map[string]any{"properties": map[string]any{
			"owner": owner, "remediationDueDate": due, "isGracePeriod": true,
			"additionalData": map[string]any{"ticketLink": "https://tickets.contoso.com/1"},
		}}
	}
	due := time.Now().UTC().AddDate(0, 0, 10).Format(time.RFC3339)
	r := call(t, c, http.MethodPut, u, arm, body("owner@contoso.com", due))
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	// Served with `resourcegroups` in lower case, whatever the request's.
	if want := "/subscriptions/" + DefaultSubscriptionID + "/resourcegroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01/providers/Microsoft.Security/assessments/" +
		a.Key + "/governanceAssignments/" + key; r.body["id"] != want {
		t.Errorf("id = %v", r.body["id"])
	}
	for name, b := range map[string]map[string]any{
		"bad owner":  body("owner", due),
		"bad date":   body("owner@contoso.com", "next week"),
		"no due":     {"properties": map[string]any{"owner": "owner@contoso.com"}},
		"bad ticket": {"properties": map[string]any{"remediationDueDate": due, "additionalData": map[string]any{"ticketLink": "tickets"}}},
	} {
		if r := call(t, c, http.MethodPut, u, arm, b); r.status != 400 {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	missing := e.ARMURL() + a.ResourceID + "/providers/Microsoft.Security/assessments/44444444-4444-4444-8444-444444444444/governanceAssignments/" + key + govVersion
	if r := call(t, c, http.MethodPut, missing, arm, body("owner@contoso.com", due)); r.status != 404 {
		t.Errorf("unknown assessment: %d %s", r.status, r.raw)
	}
	if n := e.GovernanceAssignmentCount(); n != 1 {
		t.Errorf("%d assignments after the refusals, want 1", n)
	}

	// Resource Graph serves the assignment with the ARM properties.
	rg := call(t, c, http.MethodPost, e.ARMURL()+"/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", arm, map[string]any{
		"subscriptions": []string{DefaultSubscriptionID},
		"query":         "securityresources | where type == 'microsoft.security/assessments/governanceassignments' | project id, properties",
	})
	rows, _ := rg.body["data"].([]any)
	if rg.status != 200 || len(rows) != 1 || path(rows[0], "properties", "owner") != "owner@contoso.com" {
		t.Errorf("resource graph: %d %s", rg.status, rg.raw)
	}

	// A fixed resource takes its assignments with it.
	if !e.SetAssessmentStatus(a.ResourceID, a.Key, "Healthy") {
		t.Fatal("SetAssessmentStatus found nothing")
	}
	if r := get(t, c, u, arm); r.status != 404 {
		t.Errorf("get after the assessment became healthy: %d", r.status)
	}
}

// TestGovernanceServedCasing: ids come back in the emulator's casing (a
// lower-case management group id and subscription id), however the
// request spells them.
func TestGovernanceServedCasing(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	arm := armToken(t, e, c, DefaultTenantID)
	rule := "44444444-4444-4444-8444-444444444444"
	for _, tc := range []struct{ scope, want string }{
		{"/providers/Microsoft.Management/managementGroups/Contoso-Production",
			"providers/Microsoft.Management/managementGroups/contoso-production/providers/Microsoft.Security/governanceRules/" + rule},
		{"/subscriptions/" + strings.ToUpper(DefaultSubscriptionID),
			"subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/providers/Microsoft.Security/governanceRules/" + rule},
	} {
		u := e.ARMURL() + tc.scope + "/providers/Microsoft.Security/governanceRules/" + rule + govVersion
		if r := call(t, c, http.MethodPut, u, arm, ruleBody(600, "7.00:00:00", "a@contoso.com")); r.status != http.StatusCreated || r.body["id"] != tc.want {
			t.Errorf("PUT %s: %d, id %v, want %s", tc.scope, r.status, r.body["id"], tc.want)
		}
		if r := get(t, c, u, arm); r.status != http.StatusOK || r.body["id"] != tc.want {
			t.Errorf("GET %s: %d, id %v, want %s", tc.scope, r.status, r.body["id"], tc.want)
		}
	}
}
