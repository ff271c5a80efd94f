package client

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for what the provider parses from users and services. Seed
// corpora live in testdata/fuzz/<target>; `make fuzz` runs each target for
// FUZZTIME executions.

// FuzzSubscriptionFromID: never panics, and returns the segment after the
// first "subscriptions" segment (case-insensitive), as an independent
// implementation computes it.
func FuzzSubscriptionFromID(f *testing.F) {
	for _, seed := range []string{
		"/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/providers/Microsoft.Security/secureScores/ascScore",
		"/SUBSCRIPTIONS/abc", "subscriptions/", "/subscriptions//x", "", "/", "//subscriptions/a/subscriptions/b",
		"/providers/Microsoft.Security/secureScoreControlDefinitions/x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		got := SubscriptionFromID(id)
		want := ""
		parts := strings.Split(strings.Trim(id, "/"), "/")
		for i := 0; i+1 < len(parts); i++ {
			if strings.EqualFold(parts[i], "subscriptions") {
				want = parts[i+1]
				break
			}
		}
		if got != want {
			t.Fatalf("SubscriptionFromID(%q) = %q, want %q", id, got, want)
		}
		if strings.Contains(got, "/") {
			t.Fatalf("SubscriptionFromID(%q) = %q spans segments", id, got)
		}
	})
}

// FuzzGUIDPattern: the pattern accepts exactly the 8-4-4-4-12
// hexadecimal GUID shape, nothing around it.
func FuzzGUIDPattern(f *testing.F) {
	for _, seed := range []string{
		"7444d220-dc62-4eed-8552-76d7697c3f78", "7444D220-DC62-4EED-8552-76D7697C3F78", "not-a-guid", "",
		"7444d220-dc62-4eed-8552-76d7697c3f78\n", " 7444d220-dc62-4eed-8552-76d7697c3f78", "7444d220dc624eed855276d7697c3f78",
		"{7444d220-dc62-4eed-8552-76d7697c3f78}", "7444d22g-dc62-4eed-8552-76d7697c3f78",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := len(s) == 36
		for i := 0; want && i < len(s); i++ {
			c := s[i]
			switch i {
			case 8, 13, 18, 23:
				want = c == '-'
			default:
				want = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
			}
		}
		if got := GUIDPattern.MatchString(s); got != want {
			t.Fatalf("GUIDPattern.MatchString(%q) = %v, want %v", s, got, want)
		}
	})
}

// FuzzFlexFloat64: a JSON number or a string holding one decodes to that
// finite number; null, "" and the OData special values decode to no value;
// anything else is an error that prints, never a panic, NaN or infinity
// (Terraform cannot hold those).
func FuzzFlexFloat64(f *testing.F) {
	for _, seed := range []string{`25`, `"25"`, `2.5e1`, `"-0"`, `null`, `""`, `"NaN"`, `"INF"`, `"-INF"`, `"Inf"`, `"1e999"`, `true`, `"0x1p-2"`, `{}`, `[1]`, `"1_0"`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v FlexFloat64
		err := json.Unmarshal(data, &v)
		if err != nil {
			_ = err.Error() // must not panic
			return
		}
		finite(t, data, v.Value)
		if !v.Set {
			if v.Value != 0 {
				t.Fatalf("%q: no value but %v", data, v.Value)
			}
			return
		}
		// An independent reading: a JSON number, or a string of a decimal number.
		var raw any
		if json.Unmarshal(data, &raw) != nil {
			t.Fatalf("%q decoded although it is not JSON", data)
		}
		switch r := raw.(type) {
		case float64:
			if v.Value != r {
				t.Fatalf("%q decoded to %v, want %v", data, v.Value, r)
			}
		case string:
			want, perr := strconv.ParseFloat(strings.TrimSpace(r), 64)
			if perr != nil || v.Value != want {
				t.Fatalf("%q decoded to %v; ParseFloat gives %v, %v", data, v.Value, want, perr)
			}
		default:
			t.Fatalf("%q (a %T) decoded to %v", data, raw, v.Value)
		}
	})
}

// FuzzDecodeSecureScore: any body decodes or fails, never panics; what
// decodes has well-formed category names.
func FuzzDecodeSecureScore(f *testing.F) {
	for _, seed := range []string{
		`{"id":"t_2024-01-01","currentScore":12.5,"maxScore":"40","averageComparativeScores":[{"basis":"AllTenants","averageScore":"33.1","identityScore":"12","seatSizeRangeLowerValue":"100"}],"controlScores":[{"controlName":"AdminMFAV2","score":"10"}]}`,
		`{"averageComparativeScores":[{"Score":1,"éScore":"2","xScore":{"a":1},"averageScore":null}]}`,
		`{"value":"oops"}`, `{"controlScores":[{"score":"NaN"}]}`, `[]`, `{"averageComparativeScores":[null,{}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s SecureScore
		if json.Unmarshal(data, &s) != nil {
			return
		}
		finite(t, data, s.CurrentScore.Value, s.MaxScore.Value)
		for _, c := range s.ControlScores {
			finite(t, data, c.Score.Value)
		}
		_ = s.specialValueWarnings()
		for _, a := range s.AverageComparativeScores {
			finitePointer(t, data, a.AverageScore)
			for category, v := range a.CategoryAverageScores {
				finitePointer(t, data, v)
				if category == "" || !utf8.ValidString(category) && utf8.Valid(data) {
					t.Fatalf("%q gave the category %q", data, category)
				}
			}
		}
	})
}

// FuzzDecodeAverageComparativeScore: the open-typed fields split into
// categories and details without losing a field.
func FuzzDecodeAverageComparativeScore(f *testing.F) {
	for _, seed := range []string{
		`{"basis":"AllTenants","averageScore":33.1,"identityScore":"12","dataScore":3,"seatSizeRangeLowerValue":"100","categoryValue":"Retail"}`,
		`{"Score":1,"éScore":"2","xScore":{"a":1},"averageScore":"x"}`, `{"basis":5}`, `{}`, `null`, `{"aScore":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var a AverageComparativeScore
		if json.Unmarshal(data, &a) != nil {
			return
		}
		finitePointer(t, data, a.AverageScore)
		var raw map[string]json.RawMessage
		if json.Unmarshal(data, &raw) != nil || raw == nil {
			return
		}
		for key, value := range raw {
			if strings.EqualFold(key, "basis") || strings.EqualFold(key, "averageScore") || string(value) == "null" {
				continue
			}
			_, isDetail := a.Details[lowerFirst(key)]
			isCategory := false
			for _, suffix := range []string{"ScoreMax", "Score"} {
				if hasSuffixFold(key, suffix) {
					category := upperFirst(key[:len(key)-len(suffix)])
					if suffix == "ScoreMax" {
						_, isCategory = a.CategoryMaxScores[category]
					} else {
						_, isCategory = a.CategoryAverageScores[category]
					}
					break
				}
			}
			if !isDetail && !isCategory {
				t.Fatalf("%q: field %q was lost (categories %v, maxima %v, details %v)", data, key, a.CategoryAverageScores, a.CategoryMaxScores, a.Details)
			}
		}
	})
}

// FuzzDecodeControlProfile: any body decodes or fails, never panics, and
// the newest state update is one with the latest date.
func FuzzDecodeControlProfile(f *testing.F) {
	for _, seed := range []string{
		`{"id":"AdminMFAV2","maxScore":"10","controlStateUpdates":[{"state":"Reviewed","updatedDateTime":"2024-01-02T00:00:00Z"},{"state":"Default","updatedDateTime":"2024-01-01T00:00:00Z"},{"state":"Ignored"}]}`,
		`{"id":"x","controlStateUpdates":[null,{}]}`, `{"value":"oops"}`, `{"maxScore":"Infinity"}`, `{"vendorInformation":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p ControlProfile
		if json.Unmarshal(data, &p) != nil {
			return
		}
		finite(t, data, p.MaxScore.Value)
		latest := p.LatestStateUpdate()
		if len(p.StateUpdates()) == 0 {
			if latest != nil {
				t.Fatalf("%q: a latest update without updates", data)
			}
			return
		}
		if latest == nil {
			t.Fatalf("%q: no latest update among %d", data, len(p.ControlStateUpdates))
		}
		for _, u := range p.StateUpdates() {
			if u.updated().After(latest.updated()) {
				t.Fatalf("%q: %v is newer than the latest %v", data, u.updated(), latest.updated())
			}
		}
	})
}

// FuzzDecodeScoreRows: Resource Graph rows decode into one score per row or
// fail as a whole (never a partial result), never panic.
func FuzzDecodeScoreRows(f *testing.F) {
	for _, seed := range []string{
		`[{"id":"/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/providers/Microsoft.Security/secureScores/ascScore","name":"ascScore","subscriptionId":"7444d220-dc62-4eed-8552-76d7697c3f78","properties":{"displayName":"ASC score","score":{"max":58,"current":25.5,"percentage":0.4397},"weight":67}}]`,
		`[{"id":"/subscriptions/abc/x","properties":null}]`, `[]`, `null`, `"oops"`, `[1,2]`, `[{"properties":{"score":"x"}}]`, `{"value":"oops"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var rows any
		if json.Unmarshal(data, &rows) != nil {
			return
		}
		scores, err := decodeScoreRows(rows)
		if err != nil {
			if scores != nil {
				t.Fatalf("%q: an error and %d scores", data, len(scores))
			}
			return
		}
		list, _ := rows.([]any)
		if len(scores) != len(list) {
			t.Fatalf("%q: %d rows gave %d scores", data, len(list), len(scores))
		}
		for i, s := range scores {
			// Keys are matched exactly, as Resource Graph spells its columns.
			sub, _ := list[i].(map[string]any)["subscriptionId"].(string)
			if sub == "" {
				sub = SubscriptionFromID(s.ID)
			}
			if s.SubscriptionID != sub {
				t.Fatalf("%q: row %d has subscription %q, want %q", data, i, s.SubscriptionID, sub)
			}
			finite(t, data, s.Current, s.Percentage)
		}
	})
}

func finitePointer(t *testing.T, data []byte, v *float64) {
	t.Helper()
	if v != nil {
		finite(t, data, *v)
	}
}

func finite(t *testing.T, data []byte, values ...float64) {
	t.Helper()
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%q decoded to %v", data, v)
		}
	}
}
