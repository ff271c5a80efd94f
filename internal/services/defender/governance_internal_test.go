package defender

import (
	"reflect"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

func TestTimeframeDays(t *testing.T) {
	for days, want := range map[int64]string{7: "7.00:00:00", 14: "14.00:00:00", 30: "30.00:00:00", 90: "90.00:00:00"} {
		if got := TimeframeForDays(days); got != want {
			t.Errorf("TimeframeForDays(%d) = %q, want %q", days, got, want)
		}
		if got, ok := DaysForTimeframe(want); !ok || got != days {
			t.Errorf("DaysForTimeframe(%q) = %d, %v", want, got, ok)
		}
	}
	for _, bad := range []string{"", "7", "7.12:00:00", "P7D", "seven.00:00:00"} {
		if _, ok := DaysForTimeframe(bad); ok {
			t.Errorf("DaysForTimeframe(%q) accepted", bad)
		}
	}
}

func TestIsEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"owner@contoso.com": true, "first.last@sub.contoso.co.uk": true,
		"owner": false, "owner@contoso": false, "Owner <owner@contoso.com>": false, "": false, "@contoso.com": false,
	} {
		if got := IsEmail(s); got != want {
			t.Errorf("IsEmail(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestConditionSets(t *testing.T) {
	one := ConditionSetFor(RuleSelection{Severities: []string{"High"}})
	if want := []client.GovernanceCondition{{Property: "$.Metadata.Severity", Operator: "Equals", Value: "High"}}; !reflect.DeepEqual(one, want) {
		t.Errorf("one severity: %+v", one)
	}
	both := ConditionSetFor(RuleSelection{Severities: []string{"Low", "High"}, AssessmentKeys: []string{"b", "a"}})
	want := []client.GovernanceCondition{
		{Property: "$.Metadata.Severity", Operator: "In", Value: `["High","Low"]`},
		{Property: "$.AssessmentKey", Operator: "In", Value: `["a","b"]`},
	}
	if !reflect.DeepEqual(both, want) {
		t.Errorf("both: %+v", both)
	}
	// The service's own example spells the In list with spaces.
	s, err := SelectionFor([]client.GovernanceCondition{{Property: "$.AssessmentKey", Operator: "In", Value: `["fe83f80b-073d-4ccf-93d9-6797eb870201", "b1cd27e0-4ecc-4246-939f-49c426d9d72f"]`}})
	if err != nil || !reflect.DeepEqual(s.AssessmentKeys, []string{"b1cd27e0-4ecc-4246-939f-49c426d9d72f", "fe83f80b-073d-4ccf-93d9-6797eb870201"}) || s.Severities != nil {
		t.Errorf("example: %+v %v", s, err)
	}
	for _, bad := range []client.GovernanceCondition{
		{Property: "$.Metadata.ResourceType", Operator: "Equals", Value: "VM"},
		{Property: "$.Metadata.Severity", Operator: "Contains", Value: "High"},
		{Property: "$.Metadata.Severity", Operator: "In", Value: "High"},
	} {
		if _, err := SelectionFor([]client.GovernanceCondition{bad}); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestPriorityHolder(t *testing.T) {
	rules := []client.GovernanceRule{{Name: "a", Priority: 100}, {Name: "b", Priority: 200}}
	if h := PriorityHolder(rules, 200); h == nil || h.Name != "b" {
		t.Errorf("new rule at 200: %+v", h)
	}
	if h := PriorityHolder(rules, 200, "", "B"); h != nil {
		t.Errorf("rule b keeping its own priority: %+v", h)
	}
	if h := PriorityHolder(rules, 150, ""); h != nil {
		t.Errorf("free priority: %+v", h)
	}
}

func TestSummarizeGovernance(t *testing.T) {
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	rg := "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/"
	assessment := func(vm, key string) client.AssessmentRow {
		return client.AssessmentRow{ID: rg + vm + "/providers/Microsoft.Security/assessments/" + key, ResourceID: rg + vm, Key: key, DisplayName: key + " on " + vm}
	}
	unhealthy := []client.AssessmentRow{assessment("vm1", "k1"), assessment("vm2", "k1"), assessment("vm3", "k2")}
	assign := func(a client.AssessmentRow, owner string, due time.Time, grace bool) client.GovernanceAssignmentRow {
		return client.GovernanceAssignmentRow{ID: a.ID + "/governanceAssignments/x", Owner: owner, DueDate: due, GracePeriod: grace}
	}
	assignments := []client.GovernanceAssignmentRow{
		assign(unhealthy[1], "b@contoso.com", time.Date(2026, 3, 6, 11, 0, 0, 0, time.UTC), false), // 14 days and 1 hour overdue
		assign(unhealthy[0], "a@contoso.com", time.Date(2026, 3, 6, 13, 0, 0, 0, time.UTC), false), // 13 days 23 hours overdue
		assign(unhealthy[2], "", time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC), true),               // not due yet, grace period, no owner
	}
	s := SummarizeGovernance(assignments, unhealthy, 14, now)
	if s.Overdue != 2 || s.OverdueBeyondThreshold != 1 || s.InGracePeriod != 1 {
		t.Errorf("counts: overdue %d, beyond 14 days %d, in grace %d; want 2, 1, 1", s.Overdue, s.OverdueBeyondThreshold, s.InGracePeriod)
	}
	if s.Assignments[0].Owner != "b@contoso.com" || s.Assignments[0].State.DaysOverdue != 14 {
		t.Errorf("first: %+v", s.Assignments[0])
	}
	if s.Assignments[1].State.DaysOverdue != 13 || s.Assignments[1].Recommendation.DisplayName != "k1 on vm1" {
		t.Errorf("second: %+v", s.Assignments[1])
	}
	if len(s.Unowned) != 1 || s.Unowned[0].ID != unhealthy[2].ID {
		t.Errorf("unowned: %+v", s.Unowned)
	}
	// vm1/k1 and vm2/k1 are the unhealthy ones an owner follows.
	if s.OwnedUnhealthy != 2 {
		t.Errorf("owned unhealthy %d, want 2", s.OwnedUnhealthy)
	}
	// A second owner of vm1/k1 and an owner of vm4/k3, which is not unhealthy
	// (not among the rows), own no unhealthy recommendation more: still 2.
	more := append(append([]client.GovernanceAssignmentRow(nil), assignments...),
		assign(unhealthy[0], "c@contoso.com", now, false), assign(assessment("vm4", "k3"), "d@contoso.com", now, false))
	if n := SummarizeGovernance(more, unhealthy, 14, now).OwnedUnhealthy; n != 2 {
		t.Errorf("owned unhealthy with a second owner and a healthy one %d, want 2", n)
	}
	if zero := SummarizeGovernance(assignments, unhealthy, 0, now); zero.OverdueBeyondThreshold != 2 {
		t.Errorf("threshold 0 counts %d overdue, want 2", zero.OverdueBeyondThreshold)
	}
}
