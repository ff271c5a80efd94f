package scoremath

import "testing"

func TestRatio(t *testing.T) {
	for _, tc := range []struct{ current, max, want float64 }{
		{37, 58, 0.6379}, // 0.637931…
		{1, 3, 0.3333},
		{2, 3, 0.6667},
		{0, 10, 0},
		{5, 0, 0},
		{5, -1, 0},
	} {
		if got := Ratio(tc.current, tc.max); got != tc.want {
			t.Errorf("Ratio(%v, %v) = %v, want %v", tc.current, tc.max, got, tc.want)
		}
	}
}

func TestRoundPoints(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		{0.1 + 0.2, 0.3},
		{10 - 6.67, 3.33},
		{1.23456, 1.2346},
	} {
		if got := RoundPoints(tc.in); got != tc.want {
			t.Errorf("RoundPoints(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestRoundRatio(t *testing.T) {
	if got := RoundRatio(0.63795); got != 0.638 {
		t.Errorf("RoundRatio(0.63795) = %v, want 0.638", got)
	}
}
