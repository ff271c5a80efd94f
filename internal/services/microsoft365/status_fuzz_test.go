package microsoft365

import (
	"math"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// FuzzStatusForState: any state maps to a status word without upper-case
// letters, the documented states map to the documented statuses (checked
// against a table written out again here), and every settable status
// survives the round trip through the state PATCH sends.
func FuzzStatusForState(f *testing.F) {
	for _, seed := range []string{"", "Default", "Reviewed", "Ignored", "ThirdParty", "toAddress", "riskAccepted",
		"resolvedBy3rdParty", "resolvedThroughAlternateMitigation", "completed", "SomeNewState", "ÉtatNouveau", "A-B.C D", "ǅx", "\xff"} {
		f.Add(seed)
	}
	documented := map[string]string{
		"":                                   StatusToAddress,
		"default":                            StatusToAddress,
		"reviewed":                           StatusPlanned,
		"ignored":                            StatusRiskAccepted,
		"thirdparty":                         StatusResolvedThroughThirdParty,
		"toaddress":                          StatusToAddress,
		"planned":                            StatusPlanned,
		"riskaccepted":                       StatusRiskAccepted,
		"resolvedby3rdparty":                 StatusResolvedThroughThirdParty,
		"resolvedthroughalternatemitigation": StatusResolvedThroughAlternateMitigation,
		"completed":                          StatusCompleted,
	}
	for _, status := range SettableStatuses {
		state, ok := StateForStatus(status)
		if !ok || StatusForState(state) != status {
			f.Fatalf("settable status %q does not survive the round trip (state %q)", status, state)
		}
	}
	f.Fuzz(func(t *testing.T, state string) {
		got := StatusForState(state)
		if want, ok := documented[strings.ToLower(state)]; ok && got != want {
			t.Fatalf("StatusForState(%q) = %q, want %q", state, got, want)
		}
		if got == "" {
			t.Fatalf("StatusForState(%q) is empty", state)
		}
		if utf8.ValidString(state) && !utf8.ValidString(got) {
			t.Fatalf("StatusForState(%q) = %q is not UTF-8", state, got)
		}
		for _, r := range got {
			if r < utf8.RuneSelf && unicode.IsUpper(r) {
				t.Fatalf("StatusForState(%q) = %q has upper case", state, got)
			}
		}
	})
}

// FuzzProfileStatus: completed exactly when the action earns its full
// (positive) points, whatever its state; otherwise the newest state update.
func FuzzProfileStatus(f *testing.F) {
	f.Add(10.0, 10.0, "Reviewed", "Ignored", int64(0), int64(60))
	f.Add(10.0, 9.99, "Reviewed", "Ignored", int64(60), int64(0))
	f.Add(0.0, 0.0, "Ignored", "", int64(0), int64(0))
	f.Add(5.0, 7.5, "", "ThirdParty", int64(-1), int64(1))
	f.Add(math.Inf(1), math.Inf(1), "Default", "Reviewed", int64(5), int64(5))
	f.Fuzz(func(t *testing.T, maxScore, score float64, first, second string, firstAt, secondAt int64) {
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		t1, t2 := base.Add(time.Duration(firstAt)*time.Second), base.Add(time.Duration(secondAt)*time.Second)
		profile := client.ControlProfile{
			ID:       "fuzz",
			MaxScore: client.FlexFloat64(maxScore),
			ControlStateUpdates: []client.ControlStateUpdate{
				{State: first, UpdatedDateTime: &t1},
				{State: second, UpdatedDateTime: &t2},
			},
		}
		got := ProfileStatus(profile, score)
		if maxScore > 0 && score >= maxScore {
			if got != StatusCompleted {
				t.Fatalf("max %v, score %v: %q, want completed", maxScore, score, got)
			}
			return
		}
		newest := second // a tie goes to the later entry
		if t1.After(t2) {
			newest = first
		}
		if want := StatusForState(newest); got != want {
			t.Fatalf("max %v, score %v, states %q@%v %q@%v: %q, want %q", maxScore, score, first, t1, second, t2, got, want)
		}
	})
}
