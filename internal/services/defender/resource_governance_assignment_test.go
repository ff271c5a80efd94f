package defender_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

const assignmentAddress = "securescore_defender_governance_assignment.test"

// assessment is the n-th seeded assessment of a subscription; the test puts
// its status back when it ends.
func assessment(t *testing.T, subscriptionID string, n int) emulator.Assessment {
	t.Helper()
	as := acctest.Emu.Assessments(subscriptionID)
	if len(as) <= n {
		t.Fatalf("subscription %s has %d assessments, the test needs %d", subscriptionID, len(as), n+1)
	}
	a := as[n]
	t.Cleanup(func() { acctest.Emu.SetAssessmentStatus(a.ResourceID, a.Key, a.Status) })
	return a
}

func assignmentConfig(a emulator.Assessment, body string) string {
	return assignmentResource(fmt.Sprintf(`
  resource_id    = %q
  assessment_key = %q
%s`, a.ResourceID, a.Key, body))
}

// assignmentResource is the assignment whose attributes body writes.
func assignmentResource(body string) string {
	return acctest.ProviderConfig() + `
resource "securescore_defender_governance_assignment" "test" {` + body + `
}
`
}

func storedAssignment(s *terraform.State) (map[string]any, error) {
	rs, ok := s.RootModule().Resources[assignmentAddress]
	if !ok {
		return nil, fmt.Errorf("%s is not in state", assignmentAddress)
	}
	props := acctest.Emu.GovernanceAssignmentProperties(rs.Primary.ID)
	if props == nil {
		return nil, fmt.Errorf("the emulator holds no assignment %s", rs.Primary.ID)
	}
	return props, nil
}

func expectStoredAssignment(want map[string]any) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		props, err := storedAssignment(s)
		if err != nil {
			return err
		}
		return storedMembers(props, want)
	}
}

func noAssignmentsLeft(before int) resource.TestCheckFunc {
	return storedCountIs("governance assignments", acctest.Emu.GovernanceAssignmentCount, before)
}

func TestAccGovernanceAssignmentLifecycle(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceAssignmentCount()
	a := assessment(t, emulator.DefaultSubscriptionID, 0)
	// Whole days ahead, written with an offset: the state keeps this spelling.
	due := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 30)
	dueOffset := due.In(time.FixedZone("CEST", 2*3600)).Format(time.RFC3339)
	later := due.AddDate(0, 0, 14).Format(time.RFC3339)
	create := assignmentConfig(a, fmt.Sprintf(`
  owner_email               = "alex.wilber@contoso.com"
  remediation_due_date_time = %q
`, dueOffset))
	update := assignmentConfig(a, fmt.Sprintf(`
  owner_email               = "lee.gu@contoso.com"
  remediation_due_date_time = %q
  grace_period              = true
  notify_manager            = false
  ticket_link               = "https://contoso.service-now.com/nav_to.do?uri=incident.do?sys_id=42"
`, later))
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noAssignmentsLeft(before),
		Steps: []resource.TestStep{
			{
				Config: create,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.Expect(assignmentAddress, "id", knownvalue.StringRegexp(
						expectAll("^"+a.ID+"/governanceAssignments/[0-9a-f-]{36}$"))),
					acctest.Expect(assignmentAddress, "remediation_due_date_time", knownvalue.StringExact(dueOffset)),
					acctest.Expect(assignmentAddress, "grace_period", knownvalue.Bool(false)),
					acctest.Expect(assignmentAddress, "notify_owner", knownvalue.Bool(true)),
					acctest.Expect(assignmentAddress, "ticket_link", knownvalue.Null()),
				},
				Check: expectStoredAssignment(map[string]any{
					"owner":              "alex.wilber@contoso.com",
					"remediationDueDate": due.Format(time.RFC3339),
					"isGracePeriod":      false,
				}),
			},
			{
				ResourceName:            assignmentAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"remediation_due_date_time"}, // imported in UTC; the configuration wrote an offset
			},
			{
				Config: update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assignmentAddress, plancheck.ResourceActionUpdate),
				}},
				Check: expectStoredAssignment(map[string]any{
					"owner":                       "lee.gu@contoso.com",
					"remediationDueDate":          later,
					"isGracePeriod":               true,
					"governanceEmailNotification": "map[disableManagerEmailNotification:true disableOwnerEmailNotification:false]",
					"additionalData":              "map[ticketLink:https://contoso.service-now.com/nav_to.do?uri=incident.do?sys_id=42]",
				}),
			},
			{ResourceName: assignmentAddress, ImportState: true, ImportStateVerify: true},
			{
				ResourceName:  assignmentAddress,
				ImportState:   true,
				ImportStateId: a.ResourceID,
				ExpectError:   expectAll(phrase("Invalid import id"), phrase(`is not a governance assignment id`)),
			},
			{
				// Drift: the owner is changed in the portal, with a ticket
				// number the resource does not manage; the plan puts the owner
				// back and the ticket number stays.
				PreConfig: func() {
					ids := acctest.Emu.GovernanceAssignmentIDs(a.ResourceID, a.Key)
					if len(ids) != 1 {
						t.Fatalf("%d assignments on the assessment, want 1", len(ids))
					}
					for _, id := range ids {
						acctest.Emu.PatchGovernanceAssignment(id, map[string]any{
							"owner":          "someone.else@contoso.com",
							"additionalData": map[string]any{"ticketLink": "https://contoso.service-now.com/nav_to.do?uri=incident.do?sys_id=42", "ticketNumber": 42},
						})
					}
				},
				Config: update,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assignmentAddress, plancheck.ResourceActionUpdate),
				}},
				Check: expectStoredAssignment(map[string]any{
					"owner":          "lee.gu@contoso.com",
					"additionalData": "map[ticketLink:https://contoso.service-now.com/nav_to.do?uri=incident.do?sys_id=42 ticketNumber:42]",
				}),
			},
		},
	})
}

func TestAccGovernanceAssignmentAssessmentResolved(t *testing.T) {
	reset(t)
	before := acctest.Emu.GovernanceAssignmentCount()
	a := assessment(t, emulator.DefaultSubscriptionID, 1)
	config := assignmentConfig(a, fmt.Sprintf(`
  owner_email               = "megan.bowen@contoso.com"
  remediation_due_date_time = %q
`, time.Now().UTC().AddDate(0, 0, 7).Truncate(time.Second).Format(time.RFC3339)))
	acctest.Test(t, resource.TestCase{
		CheckDestroy: noAssignmentsLeft(before),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// The resource is fixed: the recommendation and its assignment go.
				PreConfig: func() {
					if !acctest.Emu.SetAssessmentStatus(a.ResourceID, a.Key, "Healthy") {
						t.Fatal("no assessment to resolve")
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[assignmentAddress]; ok {
						return fmt.Errorf("%s is still in state after its assessment became healthy", assignmentAddress)
					}
					return nil
				},
			},
			{
				// Creating it again is refused by the service, naming the recommendation.
				Config: config,
				ExpectError: expectAll(phrase("Writing the governance assignment failed (HTTP 404)"),
					phrase("Not found: recommendation "+a.Key+" on "+a.ResourceID)),
			},
		},
	})
}

func TestAccGovernanceAssignmentPlanTimeRefusals(t *testing.T) {
	a := assessment(t, emulator.DefaultSubscriptionID, 2)
	future := time.Now().UTC().AddDate(0, 1, 0).Format(time.RFC3339)
	// Each is an assignment the service would take but for one attribute.
	refused := func(set attributes) string {
		return assignmentResource("\n" + hclAttributes(attributes{
			"resource_id":               strconv.Quote(a.ResourceID),
			"assessment_key":            strconv.Quote(a.Key),
			"owner_email":               `"alex@contoso.com"`,
			"remediation_due_date_time": strconv.Quote(future),
		}, set))
	}
	expectEachRefusedBeforeWrite(t, []refusedConfig{
		{"owner not an email", refused(attributes{"owner_email": `"Alex Wilber"`}), []string{"Invalid email address", `"Alex Wilber" is not an email address`}},
		{"due date not a timestamp", refused(attributes{"remediation_due_date_time": `"next Friday"`}),
			[]string{"Invalid timestamp", `"next Friday" is not an RFC 3339 timestamp`}},
		{"due date in the past", refused(attributes{"remediation_due_date_time": `"2020-01-31T00:00:00Z"`}),
			[]string{"Due date in the past", "2020-01-31T00:00:00Z is before now"}},
		{"resource id not an ARM id", refused(attributes{"resource_id": `"vm-web-01"`}), []string{"Invalid resource id", `"vm-web-01" is not an Azure resource id`}},
		{"resource id without subscription", refused(attributes{"resource_id": `"/subscriptions/not-a-guid/resourceGroups/rg"`}),
			[]string{"Invalid resource id", "under a subscription"}},
		{"assessment key not a GUID", refused(attributes{"assessment_key": `"Enable MFA"`}), []string{"assessment_key", "must be an assessment key (a GUID)"}},
		{"ticket link not https", refused(attributes{"ticket_link": `"INC0042"`}), []string{"ticket_link", "https://"}},
	})
}

func TestAccGovernanceAssignmentWithoutDefenderCSPM(t *testing.T) {
	reset(t)
	sub := subscriptionByName(t, "Contoso Development").ID
	a := assessment(t, sub, 0)
	expectWriteRefused(t, assignmentConfig(a, fmt.Sprintf(`
  owner_email               = "dev@contoso.com"
  remediation_due_date_time = %q
`, time.Now().UTC().AddDate(0, 0, 14).Format(time.RFC3339))),
		"Writing the governance assignment failed (HTTP 400)", "The subscription does not have the Defender CSPM plan")
}

func TestAccGovernanceAssignmentExistingKey(t *testing.T) {
	reset(t)
	a := assessment(t, emulator.DefaultSubscriptionID, 3)
	id := acctest.Emu.AddGovernanceAssignment(a.ResourceID, a.Key, "portal.owner@contoso.com", time.Now().AddDate(0, 0, 5), false)
	if id == "" {
		t.Fatal("AddGovernanceAssignment made nothing")
	}
	t.Cleanup(func() { acctest.Emu.RemoveGovernanceAssignments(emulator.DefaultSubscriptionID) })
	key := id[len(id)-36:]
	expectRefusedBeforeWrite(t, assignmentConfig(a, fmt.Sprintf(`
  assignment_key            = %q
  owner_email               = "new.owner@contoso.com"
  remediation_due_date_time = %q
`, key, time.Now().UTC().AddDate(0, 0, 14).Format(time.RFC3339))),
		"Governance assignment already exists", "with other settings than this configuration's (owner_email, remediation_due_date_time)", "A create never overwrites an object: import it")
	if got := acctest.Emu.GovernanceAssignmentProperties(id)["owner"]; got != "portal.owner@contoso.com" {
		t.Errorf("the existing assignment's owner is now %v", got)
	}
}
