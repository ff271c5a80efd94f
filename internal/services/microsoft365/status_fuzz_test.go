package microsoft365

import (
	"math"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
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

// FuzzActionStatus: every status is one of the vocabulary's words or a
// lower_snake_cased unknown state, never empty; the explicit third-party and
// alternate-mitigation states always win; otherwise full points (max > 0)
// is completed.
func FuzzActionStatus(f *testing.F) {
	f.Add(10.0, 10.0, "Reviewed")
	f.Add(10.0, 9.99, "Ignored")
	f.Add(0.0, 0.0, "Ignored")
	f.Add(5.0, 7.5, "ThirdParty")
	f.Add(8.0, 2.0, "")
	f.Add(math.Inf(1), math.Inf(1), "Default")
	f.Fuzz(func(t *testing.T, maxScore, score float64, state string) {
		got := ActionStatus(state, score, maxScore)
		if got == "" {
			t.Fatalf("(%q, %v, %v): empty status", state, score, maxScore)
		}
		recorded := StatusForState(state)
		switch {
		case recorded == StatusResolvedThroughThirdParty || recorded == StatusResolvedThroughAlternateMitigation:
			if got != recorded {
				t.Fatalf("(%q, %v, %v) = %q: the explicit state must win", state, score, maxScore, got)
			}
		case maxScore > 0 && score >= maxScore:
			if got != StatusCompleted {
				t.Fatalf("(%q, %v, %v) = %q, want completed", state, score, maxScore, got)
			}
		case got == StatusInProgress:
			if recorded != StatusToAddress || !(score > 0) {
				t.Fatalf("(%q, %v, %v): in progress without points or with a recorded status", state, score, maxScore)
			}
		default:
			if got != recorded {
				t.Fatalf("(%q, %v, %v) = %q, want the recorded %q", state, score, maxScore, got, recorded)
			}
		}
		_ = time.Now
	})
}
