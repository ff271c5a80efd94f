package emulator

// GovernanceRulesWithPriority lists the ids of the rules of scope that have
// priority: a test's way to see whether an object exists twice, since a
// scope's rules must have distinct priorities
// (https://learn.microsoft.com/azure/defender-for-cloud/governance-rules).
func (e *Emulator) GovernanceRulesWithPriority(scope string, priority int) []string {
	var ids []string
	for _, id := range e.GovernanceRuleIDs(scope) {
		if p, _ := e.GovernanceRuleProperties(scope, id)["rulePriority"].(float64); int(p) == priority {
			ids = append(ids, id)
		}
	}
	return ids
}
