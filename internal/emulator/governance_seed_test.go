package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// The seeded governance objects answer GET at the ids the docs import, the
// rules are listed in their scopes and Resource Graph serves the assignments.
func TestSeedGovernanceExamples(t *testing.T) {
	e := start(t, Options{})
	rules, assignments := e.SeedGovernanceExamples()
	if len(rules) != 2 || len(assignments) != 2 {
		t.Fatalf("seeded %d rules and %d assignments, want 2 and 2: %v %v", len(rules), len(assignments), rules, assignments)
	}
	want := []string{
		"/subscriptions/" + DefaultSubscriptionID + "/providers/Microsoft.Security/governanceRules/ad9a8e26-29d9-4829-bb30-e597a58cdbb8",
		"/providers/Microsoft.Management/managementGroups/contoso-production/providers/Microsoft.Security/governanceRules/3c9e5f1a-7b2d-4e8f-a1c6-5d0b9e2f4a71",
		"/subscriptions/" + DefaultSubscriptionID + "/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01/providers/Microsoft.Security/assessments/ac21c637-d558-482c-9d11-d6d9033e834e/governanceAssignments/6634ff9f-127b-4bf2-8e6e-b1737f5e789c",
	}
	c := clientFor(t, e)
	arm := armToken(t, e, c, DefaultTenantID)
	for _, id := range append(want, assignments[1]) {
		r := call(t, c, http.MethodGet, e.ARMURL()+id+govVersion, arm, nil)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: %d %s", id, r.status, r.raw)
		}
	}
	if items, _ := follow(t, c, e.ARMURL()+"/providers/Microsoft.Management/managementGroups/contoso-production/providers/Microsoft.Security/governanceRules"+govVersion, arm, "nextLink"); len(items) != 1 {
		t.Errorf("the management group lists %d rules, want the seeded one", len(items))
	}
	// Seeding again (after a test removed them) stores the same objects once.
	e.SeedGovernanceExamples()
	if n := e.GovernanceRuleCount(); n != 2 {
		t.Errorf("%d rules after seeding twice, want 2", n)
	}
	e.RemoveGovernanceExamples()
	if n, m := e.GovernanceRuleCount(), e.GovernanceAssignmentCount(); n != 0 || m != 0 {
		t.Errorf("%d rules and %d assignments left after RemoveGovernanceExamples", n, m)
	}
	if !strings.HasPrefix(assignments[1], "/subscriptions/"+DefaultSubscriptionID+"/") {
		t.Errorf("the overdue assignment is not in the default subscription: %s", assignments[1])
	}
}
