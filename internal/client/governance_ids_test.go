package client

import "testing"

func TestParseGovernanceRuleID(t *testing.T) {
	cases := map[string][2]string{
		"/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/providers/Microsoft.Security/governanceRules/ad9a8e26-29d9-4829-bb30-e597a58cdbb8": {
			"/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23", "ad9a8e26-29d9-4829-bb30-e597a58cdbb8"},
		// As the service writes it: no leading slash.
		"providers/Microsoft.Management/managementGroups/contoso/providers/Microsoft.Security/governanceRules/ad9a8e26-29d9-4829-bb30-e597a58cdbb8": {
			"/providers/Microsoft.Management/managementGroups/contoso", "ad9a8e26-29d9-4829-bb30-e597a58cdbb8"},
	}
	for id, want := range cases {
		scope, rule, err := ParseGovernanceRuleID(id)
		if err != nil || scope != want[0] || rule != want[1] {
			t.Errorf("%s: %q %q %v", id, scope, rule, err)
		}
	}
	for _, bad := range []string{
		"", "ad9a8e26-29d9-4829-bb30-e597a58cdbb8",
		"/subscriptions/not-a-guid/providers/Microsoft.Security/governanceRules/x",
		"/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/providers/Microsoft.Security/secureScores/ascScore",
		"/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/providers/Microsoft.Security/governanceRules/",
	} {
		if _, _, err := ParseGovernanceRuleID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseGovernanceAssignmentID(t *testing.T) {
	id := "/subscriptions/c32e05d9-7207-4e22-bdf4-4f7d9c72e5fd/resourceGroups/compute_servers/providers/Microsoft.Compute/virtualMachines/win2012" +
		"/providers/Microsoft.Security/assessments/6b9421dd-5555-2251-9b3d-2be58e2f82cd/governanceAssignments/6634ff9f-127b-4bf2-8e6e-b1737f5e789c"
	resourceID, assessment, key, err := ParseGovernanceAssignmentID(id)
	if err != nil || resourceID != "/subscriptions/c32e05d9-7207-4e22-bdf4-4f7d9c72e5fd/resourceGroups/compute_servers/providers/Microsoft.Compute/virtualMachines/win2012" ||
		assessment != "6b9421dd-5555-2251-9b3d-2be58e2f82cd" || key != "6634ff9f-127b-4bf2-8e6e-b1737f5e789c" {
		t.Errorf("%q %q %q %v", resourceID, assessment, key, err)
	}
	if AssessmentIDOf(id) != resourceID+"/providers/Microsoft.Security/assessments/6b9421dd-5555-2251-9b3d-2be58e2f82cd" {
		t.Errorf("AssessmentIDOf: %s", AssessmentIDOf(id))
	}
	for _, bad := range []string{"", "/providers/Microsoft.Security/assessments/a/governanceAssignments/b", "vm/providers/Microsoft.Security/assessments/a/governanceAssignments/b",
		"/subscriptions/c32e05d9-7207-4e22-bdf4-4f7d9c72e5fd/providers/Microsoft.Security/assessments/a/governanceAssignments/"} {
		if _, _, _, err := ParseGovernanceAssignmentID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestValidateResourceID(t *testing.T) {
	for _, ok := range []string{
		"/subscriptions/c32e05d9-7207-4e22-bdf4-4f7d9c72e5fd",
		"/subscriptions/c32e05d9-7207-4e22-bdf4-4f7d9c72e5fd/resourceGroups/rg",
		"/subscriptions/c32e05d9-7207-4e22-bdf4-4f7d9c72e5fd/resourceGroups/rg/providers/Microsoft.Sql/servers/s1/databases/db1",
	} {
		if err := ValidateResourceID(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "vm-web-01", "subscriptions/c32e05d9-7207-4e22-bdf4-4f7d9c72e5fd", "/subscriptions/not-a-guid/resourceGroups/rg",
		"/providers/Microsoft.Management/managementGroups/contoso"} {
		if err := ValidateResourceID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
