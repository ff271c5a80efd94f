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

// PriorityHolder is the rule of rules, other than ruleID, that already has
// priority; nil when the priority is free. Priorities are unique in a scope.
func PriorityHolder(rules []client.GovernanceRule, ruleID string, priority int32) *client.GovernanceRule {
	for i := range rules {
		if rules[i].Priority == priority && !strings.EqualFold(rules[i].Name, ruleID) {
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
