// Package scoremath holds the two rounding rules every secure score object
// follows, so Defender for Cloud and Microsoft 365 report numbers alike:
// ratios between 0 and 1 at 4 decimals, as both services report them
// (https://learn.microsoft.com/rest/api/defenderforcloud/secure-scores/get,
// https://learn.microsoft.com/graph/api/resources/securescore), and points
// rid of floating-point noise. No framework type enters it.
package scoremath

import "math"

// RoundRatio keeps a ratio between 0 and 1 at the services' 4 decimals.
func RoundRatio(v float64) float64 { return math.Round(v*10000) / 10000 }

// Ratio is current / max as a ratio at 4 decimals; 0 when max is not positive.
func Ratio(current, maxScore float64) float64 {
	if maxScore <= 0 {
		return 0
	}
	return RoundRatio(current / maxScore)
}

// RoundPoints removes floating-point noise from sums and differences of
// points. The services give points with 2 decimals; 4 keeps every digit
// they give and drops the noise.
func RoundPoints(v float64) float64 { return math.Round(v*10000) / 10000 }
