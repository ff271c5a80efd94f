package client

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeScoreRows(t *testing.T) {
	const row = `{"id":"/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/providers/Microsoft.Security/secureScores/ascScore","name":"ascScore","subscriptionId":"7444d220-dc62-4eed-8552-76d7697c3f78","properties":{"displayName":"ASC score","score":{"max":58,"current":25.5,"percentage":0.4397},"weight":67}}`
	decode := func(t *testing.T, rows string) ([]DefenderScore, error) {
		t.Helper()
		var data any
		if err := json.Unmarshal([]byte(rows), &data); err != nil {
			t.Fatal(err)
		}
		return decodeScoreRows(data)
	}

	scores, err := decode(t, "["+row+`,{"id":"/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Security/secureScores/ascScore","properties":null}]`)
	if err != nil {
		t.Fatal(err)
	}
	want := []DefenderScore{
		{ID: "/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/providers/Microsoft.Security/secureScores/ascScore", Name: "ascScore",
			SubscriptionID: "7444d220-dc62-4eed-8552-76d7697c3f78", DisplayName: "ASC score", Current: 25.5, Max: 58, Percentage: 0.4397, Weight: 67},
		// Without a subscriptionId column the id names the subscription.
		{ID: "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Security/secureScores/ascScore", SubscriptionID: "00000000-0000-0000-0000-000000000001"},
	}
	if fmt.Sprint(scores) != fmt.Sprint(want) {
		t.Fatalf("got  %+v\nwant %+v", scores, want)
	}

	for _, tc := range []struct{ rows, want string }{
		{`{"value":[]}`, "the data is an object, not an array"},
		{`[1]`, "row 1 is a number"},
		{"[" + row + `,{"id":7}]`, "row 2: id is a number, not a string"},
		{`[{"properties":[]}]`, "properties is an array, not an object"},
		{`[{"properties":{"weight":"67"}}]`, "properties.weight is a string, not an integer"},
		{`[{"properties":{"weight":1.5}}]`, "properties.weight is 1.5, not an integer"},
		{`[{"properties":{"score":{"current":"25"}}}]`, "current is a string, not a number"},
		{`[{"properties":{"score":{"max":58.5}}}]`, "score.max is 58.5, not an integer"},
	} {
		scores, err := decode(t, tc.rows)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "rows are not secure score objects") {
			t.Errorf("%s: got %v, want an error containing %q", tc.rows, err, tc.want)
		}
		if scores != nil {
			t.Errorf("%s: an error and %d scores", tc.rows, len(scores))
		}
	}
}

// BenchmarkDecodeScoreRows decodes a Resource Graph page of 1,000 rows, as
// the SDK hands it over.
func BenchmarkDecodeScoreRows(b *testing.B) {
	var page strings.Builder
	page.WriteString("[")
	for i := range 1000 {
		if i > 0 {
			page.WriteString(",")
		}
		fmt.Fprintf(&page, `{"id":"/subscriptions/%08d-dc62-4eed-8552-76d7697c3f78/providers/Microsoft.Security/secureScores/ascScore","name":"ascScore","subscriptionId":"%08d-dc62-4eed-8552-76d7697c3f78","properties":{"displayName":"ASC score","score":{"max":58,"current":25.5,"percentage":0.4397},"weight":67}}`, i, i)
	}
	page.WriteString("]")
	var data any
	if err := json.Unmarshal([]byte(page.String()), &data); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := decodeScoreRows(data); err != nil {
			b.Fatal(err)
		}
	}
}
