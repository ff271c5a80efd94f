package main

import "testing"

// The defaults apply only where the environment sets nothing.
func TestApplyMemoryDefaults(t *testing.T) {
	for _, tc := range []struct {
		env                  map[string]string
		wantPercent, wantMiB int64 // -1: left alone
	}{
		{map[string]string{}, 400, 48},
		{map[string]string{"GOGC": "100"}, -1, 48},
		{map[string]string{"GOMEMLIMIT": "off"}, 400, -1},
		{map[string]string{"GOGC": "100", "GOMEMLIMIT": "off"}, -1, -1},
		{map[string]string{"GOMEMLIMIT": ""}, 400, -1}, // set, even empty: Go's runtime reads it
	} {
		percent, limit := int64(-1), int64(-1)
		applyMemoryDefaults(func(name string) (string, bool) { v, ok := tc.env[name]; return v, ok },
			func(p int) int { percent = int64(p); return 100 },
			func(l int64) int64 { limit = l >> 20; return 0 })
		if percent != tc.wantPercent || limit != tc.wantMiB {
			t.Errorf("%v: GOGC %d, limit %d MiB; want %d, %d", tc.env, percent, limit, tc.wantPercent, tc.wantMiB)
		}
	}
}
