package microsoft365

import "strings"

// Live tenants send userImpact and implementationCost as Unknown (most
// profiles), Low/low, Moderate/moderate, Medium/medium, High/high or null
// (recorded answers). The provider reasons on them (quick wins, filters), so
// it normalises them: Medium is Moderate, case does not matter, Unknown and
// null stay apart.
const (
	LevelLow      = "Low"
	LevelModerate = "Moderate"
	LevelHigh     = "High"
	LevelUnknown  = "Unknown"
)

// NormalizeLevel maps a userImpact / implementationCost value to Low,
// Moderate, High or Unknown; "" (null) stays ""; any other word is kept as
// sent.
func NormalizeLevel(level string) string {
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "":
		return ""
	case "low":
		return LevelLow
	case "moderate", "medium":
		return LevelModerate
	case "high":
		return LevelHigh
	case "unknown":
		return LevelUnknown
	}
	return strings.TrimSpace(level)
}

// matchKey is how filters compare the service's words: case- and
// space-insensitively, so "MS Teams" matches "msteams" and "Defense In
// Depth" matches "DefenseInDepth".
func matchKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}
