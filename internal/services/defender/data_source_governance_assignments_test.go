package defender_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const assignmentsAddress = "data.securescore_defender_governance_assignments.test"

// seededSharedUnhealthy is the number of unhealthy assessments the emulator
// seeds in Contoso Shared Services (counted from Emu.Assessments' statuses).
const seededSharedUnhealthy = 64

func TestAccGovernanceAssignmentsDataSource(t *testing.T) {
	reset(t)
	acctest.Emu.RemoveGovernanceAssignments()
	t.Cleanup(func() { acctest.Emu.RemoveGovernanceAssignments() })
	sub := subscriptionByName(t, "Contoso Shared Services").ID
	as := acctest.Emu.Assessments(sub)
	// Assessments lists the unhealthy ones first; the healthy and not
	// applicable ones are no recommendation to own.
	unhealthy := 0
	for _, a := range as {
		if a.Status == "Unhealthy" {
			unhealthy++
		}
	}
	if unhealthy < 4 {
		t.Fatalf("%s has %d unhealthy assessments, the test needs 4", sub, unhealthy)
	}
	now := time.Now().UTC()
	// 20 days and an hour overdue, 3 days and an hour overdue (grace period
	// over), and due in 10 days with a grace period but no owner.
	overdue20 := acctest.Emu.AddGovernanceAssignment(as[0].ResourceID, as[0].Key, "alex.wilber@contoso.com", now.Add(-(20*24+1)*time.Hour), false)
	overdue3 := acctest.Emu.AddGovernanceAssignment(as[1].ResourceID, as[1].Key, "lee.gu@contoso.com", now.Add(-(3*24+1)*time.Hour), true)
	upcoming := acctest.Emu.AddGovernanceAssignment(as[2].ResourceID, as[2].Key, "", now.Add(10*24*time.Hour), true)
	if overdue20 == "" || overdue3 == "" || upcoming == "" {
		t.Fatal("AddGovernanceAssignment made nothing")
	}
	if unhealthy != seededSharedUnhealthy {
		t.Fatalf("%s has %d unhealthy assessments, the counts below are worked for %d", sub, unhealthy, seededSharedUnhealthy)
	}
	t.Cleanup(func() { acctest.Emu.SetAssessmentStatus(as[1].ResourceID, as[1].Key, "Unhealthy") })
	config := func(scope string, threshold int, extra ...string) string {
		return acctest.ProviderConfig() + fmt.Sprintf(`
data "securescore_defender_governance_assignments" "test" {
  %s
  overdue_threshold_days = %d
  %s
}
`, scope, threshold, strings.Join(extra, "\n"))
	}
	bySubscription := fmt.Sprintf("subscription_ids = [%q]", sub)
	first := tfjsonpath.New("assignments").AtSliceIndex(0)
	third := tfjsonpath.New("assignments").AtSliceIndex(2)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config(bySubscription, 14),
				ConfigStateChecks: []statecheck.StateCheck{
					// Counted, not listed, by default.
					statecheck.ExpectKnownValue(assignmentsAddress, tfjsonpath.New("unowned_recommendations"), knownvalue.Null()),
					acctest.Expect(assignmentsAddress, "assignment_count", knownvalue.Int64Exact(3)),
					acctest.Expect(assignmentsAddress, "overdue_count", knownvalue.Int64Exact(2)),
					acctest.Expect(assignmentsAddress, "overdue_beyond_threshold_count", knownvalue.Int64Exact(1)),
					acctest.Expect(assignmentsAddress, "in_grace_period_count", knownvalue.Int64Exact(1)),
					acctest.Expect(assignmentsAddress, "unhealthy_recommendation_count", knownvalue.Int64Exact(seededSharedUnhealthy)),
					// Every unhealthy recommendation but the two with an owner
					// (as[0] and as[1]; as[2]'s assignment names none).
					acctest.Expect(assignmentsAddress, "unowned_unhealthy_count", knownvalue.Int64Exact(seededSharedUnhealthy-2)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("id"), knownvalue.StringExact(overdue20)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("days_overdue"), knownvalue.Int64Exact(20)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("overdue"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("owner_email"), knownvalue.StringExact("alex.wilber@contoso.com")),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("resource_id"), knownvalue.StringExact(as[0].ResourceID)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("assessment_key"), knownvalue.StringExact(as[0].Key)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("recommendation_display_name"), knownvalue.StringExact(as[0].DisplayName)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("severity"), knownvalue.StringExact(as[0].Severity)),
					statecheck.ExpectKnownValue(assignmentsAddress, tfjsonpath.New("assignments").AtSliceIndex(1).AtMapKey("days_overdue"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(assignmentsAddress, tfjsonpath.New("assignments").AtSliceIndex(1).AtMapKey("in_grace_period"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(assignmentsAddress, third.AtMapKey("id"), knownvalue.StringExact(upcoming)),
					statecheck.ExpectKnownValue(assignmentsAddress, third.AtMapKey("days_overdue"), knownvalue.Null()),
					statecheck.ExpectKnownValue(assignmentsAddress, third.AtMapKey("in_grace_period"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(assignmentsAddress, third.AtMapKey("owner_email"), knownvalue.Null()),
				},
			},
			{
				// Listed on request: the same counts, and one entry per unowned recommendation.
				Config: config(bySubscription, 14, "include_unowned_recommendations = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(assignmentsAddress, "unhealthy_recommendation_count", knownvalue.Int64Exact(seededSharedUnhealthy)),
					acctest.Expect(assignmentsAddress, "unowned_unhealthy_count", knownvalue.Int64Exact(seededSharedUnhealthy-2)),
					statecheck.ExpectKnownValue(assignmentsAddress, tfjsonpath.New("unowned_recommendations"), knownvalue.ListSizeExact(seededSharedUnhealthy-2)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("recommendation_display_name"), knownvalue.StringExact(as[0].DisplayName)),
				},
				Check: func(s *terraform.State) error {
					// The assignment without an owner leaves its recommendation unowned; the owned ones are not listed.
					attrs := s.RootModule().Resources[assignmentsAddress].Primary.Attributes
					listed := map[string]bool{}
					for i := 0; attrs[fmt.Sprintf("unowned_recommendations.%d.resource_id", i)] != ""; i++ {
						listed[attrs[fmt.Sprintf("unowned_recommendations.%d.resource_id", i)]+"|"+attrs[fmt.Sprintf("unowned_recommendations.%d.assessment_key", i)]] = true
					}
					if !listed[as[2].ResourceID+"|"+as[2].Key] || listed[as[0].ResourceID+"|"+as[0].Key] || listed[as[1].ResourceID+"|"+as[1].Key] {
						return fmt.Errorf("unowned recommendations: %v", listed)
					}
					return nil
				},
			},
			{
				// 20 days overdue is not more than 30.
				Config: config(bySubscription, 30),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(assignmentsAddress, "overdue_beyond_threshold_count", knownvalue.Int64Exact(0)),
					acctest.Expect(assignmentsAddress, "overdue_count", knownvalue.Int64Exact(2)),
				},
			},
			{
				// The management group holds the subscription, so the assignments are the same.
				Config: config(fmt.Sprintf("management_group_ids = [%q]", emulator.ManagementGroupID), 0),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(assignmentsAddress, "assignment_count", knownvalue.Int64Exact(3)),
					acctest.Expect(assignmentsAddress, "overdue_beyond_threshold_count", knownvalue.Int64Exact(2)),
				},
			},
			{
				// as[1] is fixed: one unhealthy recommendation fewer, and its
				// assignment goes with it, so the unowned count stays at
				// 64 - 1 - 1 = 62 (as[0] alone is owned).
				PreConfig: func() {
					if !acctest.Emu.SetAssessmentStatus(as[1].ResourceID, as[1].Key, "Healthy") {
						t.Fatal("no assessment to fix")
					}
				},
				Config: config(bySubscription, 14),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(assignmentsAddress, "assignment_count", knownvalue.Int64Exact(2)),
					acctest.Expect(assignmentsAddress, "unhealthy_recommendation_count", knownvalue.Int64Exact(seededSharedUnhealthy-1)),
					acctest.Expect(assignmentsAddress, "unowned_unhealthy_count", knownvalue.Int64Exact(seededSharedUnhealthy-2)),
					statecheck.ExpectKnownValue(assignmentsAddress, tfjsonpath.New("assignments").AtSliceIndex(1).AtMapKey("id"), knownvalue.StringExact(upcoming)),
					statecheck.ExpectKnownValue(assignmentsAddress, tfjsonpath.New("assignments").AtSliceIndex(1).AtMapKey("recommendation_display_name"), knownvalue.StringExact(as[2].DisplayName)),
					statecheck.ExpectKnownValue(assignmentsAddress, first.AtMapKey("recommendation_display_name"), knownvalue.StringExact(as[0].DisplayName)),
				},
			},
			{
				// An empty list reads nothing.
				PreConfig: func() { acctest.Emu.ResetCounts() },
				Config:    config("subscription_ids = []", 0),
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(assignmentsAddress, "assignment_count", knownvalue.Int64Exact(0)),
					acctest.Expect(assignmentsAddress, "unowned_unhealthy_count", knownvalue.Int64Exact(0)),
				},
			},
		},
	})
	if n := acctest.Emu.Count(emulator.RouteResourceGraph); n != 0 {
		t.Errorf("the empty scope sent %d Resource Graph requests", n)
	}
}
