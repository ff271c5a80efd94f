package defender

import (
	"reflect"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// expectOrder sorts in with sortFn and checks the order of their keys.
func expectOrder[T any](t *testing.T, in []T, sortFn func([]T), key func(T) string, want []string) {
	t.Helper()
	sortFn(in)
	var got []string
	for _, v := range in {
		got = append(got, key(v))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func TestAggregatePercentage(t *testing.T) {
	score := func(percentage float64, weight int64) client.DefenderScore {
		return client.DefenderScore{Percentage: percentage, Weight: weight}
	}
	tests := []struct {
		name   string
		scores []client.DefenderScore
		want   float64 // -1: no data (nil)
	}{
		{"no subscriptions is no data", nil, -1},
		{"only zero weights is no data", []client.DefenderScore{score(0.5, 0), score(0.9, 0)}, -1},
		{"a zero score is data", []client.DefenderScore{score(0, 4)}, 0},
		{"one subscription", []client.DefenderScore{score(0.6033, 67)}, 0.6033},
		{"equal weights are the mean", []client.DefenderScore{score(0.2, 10), score(0.6, 10)}, 0.4},
		// (0.6033*67 + 0.25*23) / 90 = 46.1711 / 90 = 0.51301...
		{"weighted", []client.DefenderScore{score(0.6033, 67), score(0.25, 23)}, 0.513},
		{"zero weight ignored", []client.DefenderScore{score(0.8, 3), score(0.0, 0)}, 0.8},
		{"negative weight ignored", []client.DefenderScore{score(0.8, 3), score(0.1, -5)}, 0.8},
		// (1*1 + 0*2) / 3 = 0.33333 -> 4 decimals
		{"rounded to 4 decimals", []client.DefenderScore{score(1, 1), score(0, 2)}, 0.3333},
		{"all perfect", []client.DefenderScore{score(1, 5), score(1, 7)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := aggregatePercentage(tt.scores)
			switch {
			case tt.want == -1 && got != nil:
				t.Errorf("aggregatePercentage() = %v, want nil (no data)", *got)
			case tt.want != -1 && got == nil:
				t.Errorf("aggregatePercentage() = nil, want %v", tt.want)
			case got != nil && *got != tt.want:
				t.Errorf("aggregatePercentage() = %v, want %v", *got, tt.want)
			}
		})
	}
}

func TestSortScores(t *testing.T) {
	s := func(id string, percentage float64) client.DefenderScore {
		return client.DefenderScore{SubscriptionID: id, Percentage: percentage}
	}
	tests := []struct {
		name  string
		in    []client.DefenderScore
		order []string
	}{
		{"empty", nil, nil},
		{"weakest first", []client.DefenderScore{s("a", 0.9), s("b", 0.1), s("c", 0.5)}, []string{"b", "c", "a"}},
		{"ties by subscription id, case-insensitively", []client.DefenderScore{s("C", 0.5), s("a", 0.5), s("B", 0.5)}, []string{"a", "B", "C"}},
		{"zero before anything", []client.DefenderScore{s("x", 0.0001), s("y", 0)}, []string{"y", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectOrder(t, tt.in, sortScores, func(s client.DefenderScore) string { return s.SubscriptionID }, tt.order)
		})
	}
}

func TestPotentialIncrease(t *testing.T) {
	tests := []struct {
		max     int64
		current float64
		want    float64
	}{
		{10, 10, 0},
		{10, 0, 10},
		{10, 6.67, 3.33},
		{8, 2.29, 5.71},
		{3, 0.1, 2.9},
		{0, 0, 0},
	}
	for _, tt := range tests {
		if got := potentialIncrease(client.DefenderControl{Max: tt.max, Current: tt.current}); got != tt.want {
			t.Errorf("potentialIncrease(max %d, current %v) = %v, want %v", tt.max, tt.current, got, tt.want)
		}
	}
}

func TestSortControls(t *testing.T) {
	c := func(name, display string, maxScore int64, current float64) client.DefenderControl {
		return client.DefenderControl{Name: name, DisplayName: display, Max: maxScore, Current: current}
	}
	tests := []struct {
		name  string
		in    []client.DefenderControl
		order []string
	}{
		{"empty", nil, nil},
		{"largest increase first",
			[]client.DefenderControl{c("1", "A", 4, 4), c("2", "B", 10, 2), c("3", "C", 6, 3)},
			[]string{"2", "3", "1"}},
		{"ties by display name",
			[]client.DefenderControl{c("1", "Zeta", 4, 2), c("2", "Alpha", 6, 4), c("3", "Mid", 2, 0)},
			[]string{"2", "3", "1"}},
		{"then by name",
			[]client.DefenderControl{c("b", "Same", 1, 0), c("a", "Same", 1, 0)},
			[]string{"a", "b"}},
		{"float noise does not split a tie",
			// 10 - 6.67 and 4 - 0.67 are both 3.33 once rounded.
			[]client.DefenderControl{c("1", "B", 10, 6.67), c("2", "A", 4, 0.67)},
			[]string{"2", "1"}},
		{"zero-point controls last",
			[]client.DefenderControl{c("1", "A", 0, 0), c("2", "B", 1, 0.99)},
			[]string{"2", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectOrder(t, tt.in, sortControls, func(c client.DefenderControl) string { return c.Name }, tt.order)
		})
	}
}

func TestControlTotals(t *testing.T) {
	tests := []struct {
		name          string
		in            []client.DefenderControl
		wantUnhealthy int64
		wantPotential float64
	}{
		{"none", nil, 0, 0},
		{"sums", []client.DefenderControl{
			{Max: 10, Current: 6.67, UnhealthyResourceCount: 3},
			{Max: 8, Current: 2.29, UnhealthyResourceCount: 12},
			{Max: 4, Current: 4, UnhealthyResourceCount: 0},
		}, 15, 9.04},
		{"many small values stay exact to 4 decimals", func() []client.DefenderControl {
			var cs []client.DefenderControl
			for range 10 {
				cs = append(cs, client.DefenderControl{Max: 1, Current: 0.9, UnhealthyResourceCount: 1})
			}
			return cs
		}(), 10, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unhealthy, potential := controlTotals(tt.in)
			if unhealthy != tt.wantUnhealthy || potential != tt.wantPotential {
				t.Errorf("controlTotals() = %d, %v; want %d, %v", unhealthy, potential, tt.wantUnhealthy, tt.wantPotential)
			}
		})
	}
}

func TestIsControlDefinition(t *testing.T) {
	tests := []struct {
		typ  string
		want bool
	}{
		{"Microsoft.Security/secureScoreControlDefinitions", true},
		{"Microsoft.Security/SecureScoreControlDefinitions", true},
		{"microsoft.security/securescorecontroldefinitions", true},
		{"", true},
		{"Microsoft.Security/secureScores/secureScoreControls", false},
		{"Microsoft.Security/assessmentMetadata", false},
	}
	for _, tt := range tests {
		if got := isControlDefinition(client.DefenderControlDefinition{Type: tt.typ}); got != tt.want {
			t.Errorf("isControlDefinition(%q) = %v, want %v", tt.typ, got, tt.want)
		}
	}
}

func TestSortDefinitions(t *testing.T) {
	in := []client.DefenderControlDefinition{
		{Name: "3", DisplayName: "Enable MFA"}, {Name: "2", DisplayName: "Apply system updates"}, {Name: "1", DisplayName: "Enable MFA"},
	}
	expectOrder(t, in, sortDefinitions, func(d client.DefenderControlDefinition) string { return d.Name }, []string{"2", "1", "3"})
}

func TestMissingSubscriptions(t *testing.T) {
	scores := []client.DefenderScore{{SubscriptionID: "AAAA"}, {SubscriptionID: "bbbb"}}
	tests := []struct {
		name      string
		requested []string
		want      []string
	}{
		{"no list", nil, nil},
		{"all present, any case", []string{"aaaa", "BBBB"}, nil},
		{"missing in request order, once", []string{"dddd", "aaaa", "cccc", "DDDD"}, []string{"dddd", "cccc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := missingSubscriptions(tt.requested, scores); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("missingSubscriptions() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAbbreviate(t *testing.T) {
	if got := abbreviate([]string{"a", "b"}, 3); got != "a, b" {
		t.Errorf("abbreviate = %q", got)
	}
	if got := abbreviate([]string{"a", "b", "c", "d"}, 2); got != "a, b and 2 more" {
		t.Errorf("abbreviate = %q", got)
	}
}
