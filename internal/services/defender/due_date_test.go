package defender

import "testing"

// The suggestion is the user's own instant in RFC 3339, never a fixed
// example date: "2027-03-31" is that day's midnight UTC.
func TestDueDateSuggestion(t *testing.T) {
	cases := map[string]string{
		"2027-03-31":                "2027-03-31T00:00:00Z",
		" 2027-03-31 ":              "2027-03-31T00:00:00Z",
		"2027-03-31T17:30:00":       "2027-03-31T17:30:00Z",
		"2027-03-31 17:30":          "2027-03-31T17:30:00Z",
		"2027/03/31":                "2027-03-31T00:00:00Z",
		"2027-03-31 12:00:00+02:00": "2027-03-31T10:00:00Z", // 12:00 at +02:00 is 10:00 UTC
		"next Friday":               exampleDueDate,
	}
	for value, want := range cases {
		if got := dueDateSuggestion(value); got != want {
			t.Errorf("dueDateSuggestion(%q) = %s, want %s", value, got, want)
		}
	}
	want := `"2027-03-31" is not an RFC 3339 timestamp: write it as 2027-03-31T00:00:00Z (or with an offset, 2027-03-31T00:00:00+02:00).`
	if got := dueDateProblem("2027-03-31"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
