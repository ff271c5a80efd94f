package defender

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// Governance rules shared by the governance rule, assignment and
// assignments objects, without framework types
// (https://learn.microsoft.com/azure/defender-for-cloud/governance-rules).

// RemediationTimeframeDays are the time frames Defender for Cloud offers.
var RemediationTimeframeDays = []int64{7, 14, 30, 90}

// Severities are the recommendation severities a rule can select.
var Severities = []string{"High", "Medium", "Low"}

var timeframePattern = regexp.MustCompile(`^([0-9]+)\.00:00:00$`)

// TimeframeForDays is the API's duration (d.hh:mm:ss) for a number of days.
func TimeframeForDays(days int64) string { return fmt.Sprintf("%d.00:00:00", days) }

// DaysForTimeframe reads a whole number of days from the API's duration.
func DaysForTimeframe(timeframe string) (int64, bool) {
	m := timeframePattern.FindStringSubmatch(timeframe)
	if m == nil {
		return 0, false
	}
	days, err := strconv.ParseInt(m[1], 10, 64)
	return days, err == nil
}

// IsEmail reports whether s is a bare email address (user@domain.tld), the
// only owner form governance takes.
func IsEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	at := strings.LastIndex(s, "@")
	return err == nil && a.Address == s && at > 0 && strings.Contains(s[at+1:], ".")
}

// RuleSelection is one condition set of a rule, as the resource models it:
// recommendations of these severities AND with these assessment keys (an
// empty list does not restrict).
type RuleSelection struct {
	Severities     []string
	AssessmentKeys []string
}

// ConditionSetFor turns a selection into the API's conditions: Equals for
// one value, In with a JSON array of strings for several.
func ConditionSetFor(s RuleSelection) []client.GovernanceCondition {
	var set []client.GovernanceCondition
	add := func(property string, values []string) {
		switch len(values) {
		case 0:
		case 1:
			set = append(set, client.GovernanceCondition{Property: property, Operator: client.GovernanceOperatorEquals, Value: values[0]})
		default:
			b, _ := json.Marshal(values)
			set = append(set, client.GovernanceCondition{Property: property, Operator: client.GovernanceOperatorIn, Value: string(b)})
		}
	}
	add(client.GovernancePropertySeverity, sortedCopy(s.Severities))
	add(client.GovernancePropertyAssessmentKey, sortedCopy(s.AssessmentKeys))
	return set
}

// SelectionFor reads the API's conditions back; an error names a condition
// the resource cannot represent (a property or operator set elsewhere).
func SelectionFor(set []client.GovernanceCondition) (RuleSelection, error) {
	var s RuleSelection
	for _, c := range set {
		var values []string
		switch c.Operator {
		case client.GovernanceOperatorEquals:
			values = []string{c.Value}
		case client.GovernanceOperatorIn:
			if err := json.Unmarshal([]byte(c.Value), &values); err != nil {
				return s, fmt.Errorf("condition %s In %q: the value is not a JSON array of strings", c.Property, c.Value)
			}
		default:
			return s, fmt.Errorf("condition %s with operator %q", c.Property, c.Operator)
		}
		switch c.Property {
		case client.GovernancePropertySeverity:
			s.Severities = append(s.Severities, values...)
		case client.GovernancePropertyAssessmentKey:
			s.AssessmentKeys = append(s.AssessmentKeys, values...)
		default:
			return s, fmt.Errorf("condition on property %q", c.Property)
		}
	}
	s.Severities, s.AssessmentKeys = sortedCopy(s.Severities), sortedCopy(s.AssessmentKeys)
	return s, nil
}

func sortedCopy(values []string) []string {
	out := slices.Clone(values)
	slices.Sort(out)
	return out
}

// PriorityHolder is the rule of rules, other than those named in exclude,
// that already has priority; nil when the priority is free. Priorities are
// unique in a scope.
func PriorityHolder(rules []client.GovernanceRule, priority int32, exclude ...string) *client.GovernanceRule {
	for i := range rules {
		if rules[i].Priority == priority && !slices.ContainsFunc(exclude, func(id string) bool { return strings.EqualFold(id, rules[i].Name) }) {
			return &rules[i]
		}
	}
	return nil
}

// AssignmentState is where an assignment stands at a moment.
type AssignmentState struct {
	Overdue       bool
	DaysOverdue   int64 // whole days past the due date; 0 when not overdue
	InGracePeriod bool
}

// StateOf says whether an assignment is overdue at now and whether it is in
// its grace period: with a grace period, an unhealthy resource does not count
// against the secure score until the due date.
func StateOf(due time.Time, gracePeriod bool, now time.Time) AssignmentState {
	if now.After(due) {
		return AssignmentState{Overdue: true, DaysOverdue: int64(now.Sub(due) / (24 * time.Hour))}
	}
	return AssignmentState{InGracePeriod: gracePeriod}
}

// RuleDifferences names, in the resource's attribute names, the settings the
// rule resource manages that differ between want and got. Conditions are
// compared as selections (order and Equals/In spelling aside) and ids in
// excluded scopes without regard to case, as Azure compares them.
func RuleDifferences(want, got client.GovernanceRule) []string {
	var diffs []string
	add := func(differ bool, name string) {
		if differ {
			diffs = append(diffs, name)
		}
	}
	add(want.DisplayName != got.DisplayName, "display_name")
	add(want.Description != got.Description, "description")
	add(want.Priority != got.Priority, "priority")
	add(want.RemediationTimeframe != got.RemediationTimeframe, "remediation_timeframe_days")
	add(want.GracePeriod != got.GracePeriod, "grace_period")
	add(want.Disabled != got.Disabled, "disabled")
	add(want.OwnerSourceType != got.OwnerSourceType || want.OwnerSourceValue != got.OwnerSourceValue, "owner")
	add(want.DisableOwnerEmail != got.DisableOwnerEmail, "notify_owner")
	add(want.DisableManagerEmail != got.DisableManagerEmail, "notify_manager")
	add(!sameSelections(want.ConditionSets, got.ConditionSets), "conditions")
	add(!sameFold(want.ExcludedScopes, got.ExcludedScopes), "excluded_scopes")
	return diffs
}

func sameSelections(a, b [][]client.GovernanceCondition) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		sa, errA := SelectionFor(a[i])
		sb, errB := SelectionFor(b[i])
		if errA != nil || errB != nil || !slices.Equal(sa.Severities, sb.Severities) || !slices.Equal(sa.AssessmentKeys, sb.AssessmentKeys) {
			return false
		}
	}
	return true
}

// sameFold reports whether two lists of ids hold the same ids, in any
// order and case.
func sameFold(a, b []string) bool {
	lower := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = strings.ToLower(s)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(lower(a), lower(b))
}

// RuleLastChange says who last changed a rule and when, as the service
// records it; "" when it records neither.
func RuleLastChange(r client.GovernanceRule) string {
	switch {
	case r.UpdatedOn != nil && r.UpdatedBy != "":
		return fmt.Sprintf("last changed by %s at %s", r.UpdatedBy, r.UpdatedOn.UTC().Format(time.RFC3339))
	case r.UpdatedOn != nil:
		return "last changed at " + r.UpdatedOn.UTC().Format(time.RFC3339)
	}
	return ""
}

// AssignmentDifferences names the settings the assignment resource manages
// that differ between want and got; due dates are compared as instants.
func AssignmentDifferences(want, got client.GovernanceAssignment) []string {
	var diffs []string
	add := func(differ bool, name string) {
		if differ {
			diffs = append(diffs, name)
		}
	}
	add(!strings.EqualFold(want.Owner, got.Owner), "owner_email")
	add(!want.RemediationDueDate.Equal(got.RemediationDueDate), "remediation_due_date_time")
	add(want.GracePeriod != got.GracePeriod, "grace_period")
	add(want.DisableOwnerEmail != got.DisableOwnerEmail, "notify_owner")
	add(want.DisableManagerEmail != got.DisableManagerEmail, "notify_manager")
	add(want.TicketLink != got.TicketLink, "ticket_link")
	return diffs
}

// governanceKeyNamespace is the namespace of the name-based UUIDs (RFC 9562
// version 5) the governance resources derive their keys from.
var governanceKeyNamespace = uuid.MustParse("5b0c7f0e-4a52-4c1e-9d53-2f8e5c1a7b3d")

// derivedKey is the key a create gives an object that names none: a
// name-based UUID of parts, so that the same configuration gives the same
// key in every plan and apply, and a create whose answer was lost finds its
// own object on the next apply.
func derivedKey(parts ...string) string {
	return uuid.NewSHA1(governanceKeyNamespace, []byte(strings.Join(parts, "\n"))).String()
}

// RuleKey is the rule id a rule without one gets: derived from its scope
// and every setting the resource manages (ids without regard to case).
func RuleKey(r client.GovernanceRule) string {
	canonical := r
	canonical.Name, canonical.ID, canonical.Scope = "", "", strings.ToLower(r.Scope)
	canonical.ExcludedScopes = nil
	for _, s := range r.ExcludedScopes {
		canonical.ExcludedScopes = append(canonical.ExcludedScopes, strings.ToLower(s))
	}
	slices.Sort(canonical.ExcludedScopes)
	canonical.CreatedOn, canonical.UpdatedOn, canonical.UpdatedBy, canonical.RuleType, canonical.IncludeMemberScopes = nil, nil, "", "", nil
	b, _ := json.Marshal(canonical)
	return derivedKey("governance-rule", string(b))
}

// AssignmentKey is the assignment key an assignment without one gets:
// derived from the resource and the recommendation, so a configuration
// holds one assignment per recommendation and resource.
func AssignmentKey(resourceID, assessmentKey string) string {
	return derivedKey("governance-assignment", strings.ToLower(resourceID), strings.ToLower(assessmentKey))
}
