package emulator

import (
	"strings"
	"time"
)

// What an assessment carries besides its status: whether its
// recommendation is in preview, the risk Defender CSPM attaches to it, and
// when its status last changed and when it was first evaluated.
//
// Preview: "Recommendations flagged as Preview aren't included in secure
// score calculations" (Secure score,
// https://learn.microsoft.com/azure/defender-for-cloud/secure-score-security-controls);
// the assessment's metadata carries `preview`
// (https://learn.microsoft.com/azure/templates/microsoft.security/2025-05-04-preview/assessments).
// A preview recommendation inside a control is therefore left out of the
// control's counts (recountLocked), and one outside every control exists
// beside them.
//
// Risk: with the Defender CSPM plan, an assessment carries properties.risk
// (level, riskFactors, attackPathsReferences, isContextualRisk); without the
// plan there is none. "Although risk prioritization doesn't affect the
// secure score, it helps you to address the most critical security issues"
// (Risk prioritization,
// https://learn.microsoft.com/azure/defender-for-cloud/risk-prioritization).
// How the service weighs a resource's context is not documented; the
// emulator's rule (riskOf) is a choice that keeps every level reachable and
// easy to work out by hand.
//
// Dates: status.statusChangeDate and status.firstEvaluationDate, as in the
// official assessment examples
// (https://learn.microsoft.com/rest/api/defenderforcloud/assessments/get).
// Which assessments changed recently is a choice (recentChanges).

// cspmSubscriptions have the Defender CSPM plan: their unhealthy
// assessments carry a risk. Contoso Shared Services, in the same
// management group as two of them, has not.
var cspmSubscriptions = map[string]bool{
	DefaultSubscriptionID:                        true, // Contoso Production
	guidFrom("subscription:contoso:data"):        true, // Contoso Data Platform
	guidFrom("subscription:fabrikam:production"): true,
}

// previewRecommendations are the recommendations flagged preview: one in a
// control ("Remediate security configurations"), one outside every control.
var previewRecommendations = map[string]bool{
	"Container hosts should be configured securely":  true,
	"Machines should have secrets findings resolved": true,
}

// outsideControls holds the recommendations no control of any initiative
// holds (a preview one), with fixed counts: unhealthy on the subscription's
// first two resources, healthy on the next three. Only the subscriptions
// of contoso-production have it.
var outsideControls = &ARMControl{
	Name: guidFrom("recommendations-outside-controls"), DisplayName: outsideControlsName,
	HealthyResourceCount: 3, UnhealthyResourceCount: 2,
	Definition: &ControlDefinition{
		Name: guidFrom("recommendations-outside-controls"), DisplayName: outsideControlsName, SourceType: "BuiltIn",
		AssessmentDefinitions: []string{"/providers/Microsoft.Security/assessmentMetadata/" + guidFrom("assessment:preview:secrets")},
	},
}

const outsideControlsName = "(outside every control)"

var outsideControlsSubscriptions = map[string]bool{
	DefaultSubscriptionID:                   true,
	guidFrom("subscription:contoso:shared"): true,
	guidFrom("subscription:contoso:data"):   true,
}

// recentChanges names, per subscription, the controls whose resources
// changed recently: in them the second resource (index 1) turned unhealthy
// 6 days ago, the fourth (index 3) 10 days ago, and the last unhealthy one
// was first evaluated 3 days ago (a new resource). Every other assessment
// was first evaluated, and last changed, 30 days ago. Contoso Production's
// two are the controls its score history shows losing points.
var recentChanges = map[string]map[string]bool{
	DefaultSubscriptionID:                   {"Secure management ports": true, "Remediate vulnerabilities": true},
	guidFrom("subscription:contoso:shared"): {"Remediate vulnerabilities": true},
}

// riskOf is the risk of an unhealthy assessment on a subscription's r-th
// resource (a choice, see above): the first resource (vm-web-01) is
// exposed to the internet, one level above the severity (High is
// Critical) and, for a High recommendation, on an attack path; the third
// (the data storage account) holds sensitive data, at the severity's level;
// every other resource is Low without a risk factor.
func riskOf(subscriptionID, key, severity string, r int) (level string, factors, attackPaths []string) {
	switch r {
	case 0:
		level = map[string]string{"High": "Critical", "Medium": "High", "Low": "Medium"}[severity]
		factors = []string{"Internet exposure"}
		if severity == "High" {
			attackPaths = []string{guidFrom("attack-path:" + strings.ToLower(subscriptionID) + ":" + key)}
		}
		return level, factors, attackPaths
	case 2:
		return severity, []string{"Sensitive data"}, nil
	}
	return "Low", []string{}, nil
}

// statusDates are when an assessment was first evaluated and last changed
// status (see recentChanges); an overridden status changed today.
func statusDates(today time.Time, tracked, overridden bool, status string, r, unhealthy int) (first, changed time.Time) {
	first, changed = today.AddDate(0, 0, -30), today.AddDate(0, 0, -30)
	switch {
	case overridden:
		changed = today
	case !tracked:
	case r == unhealthy-1 && r != 1 && r != 3:
		first, changed = today.AddDate(0, 0, -3), today.AddDate(0, 0, -3)
	case r == 1 && status == "Unhealthy":
		changed = today.AddDate(0, 0, -6)
	case r == 3 && status == "Unhealthy":
		changed = today.AddDate(0, 0, -10)
	}
	return first, changed
}

// riskObject is the properties.risk member of an assessment's row; nil
// without one.
func riskObject(a *Assessment) map[string]any {
	if a.RiskLevel == "" {
		return nil
	}
	factors := make([]any, len(a.RiskFactors))
	for i, f := range a.RiskFactors {
		factors[i] = f
	}
	paths := make([]any, len(a.AttackPaths))
	for i, p := range a.AttackPaths {
		paths[i] = p
	}
	return map[string]any{"level": a.RiskLevel, "riskFactors": factors, "attackPathsReferences": paths, "isContextualRisk": len(factors) > 0}
}
