package client

import (
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"
)

func TestLogAnalyticsEndpointsPerCloud(t *testing.T) {
	for env, want := range map[string]string{
		EnvironmentPublic: "https://api.loganalytics.io", EnvironmentUSGovernment: "https://api.loganalytics.us", EnvironmentChina: "https://api.loganalytics.azure.cn",
	} {
		e, err := ResolveEndpoints(env, EndpointOverrides{})
		if err != nil || e.LogAnalyticsEndpoint != want || e.LogAnalyticsAudience != want {
			t.Errorf("%s: %q %q %v, want %q", env, e.LogAnalyticsEndpoint, e.LogAnalyticsAudience, err, want)
		}
	}
	e, err := ResolveEndpoints("", EndpointOverrides{LogAnalyticsEndpoint: "https://la.example.test/"})
	if err != nil || e.LogAnalyticsEndpoint != "https://la.example.test" || e.LogAnalyticsAudience != "https://la.example.test" {
		t.Errorf("override: %+v %v", e, err)
	}
	if _, err := ResolveEndpoints("", EndpointOverrides{LogAnalyticsEndpoint: "http://la.example.test"}); err == nil || !strings.Contains(err.Error(), "endpoint.log_analytics_endpoint") {
		t.Errorf("plain http must be refused, naming the setting: %v", err)
	}
}

func TestScoreHistoryKQL(t *testing.T) {
	q := scoreHistoryKQL(ScoreHistoryQuery{SubscriptionIDs: []string{"a"}, ScoreName: "it's"})
	for _, want := range []string{`endswith '/providers/Microsoft.Security/secureScores/it\'s'`, "in~ ('a')", "arg_max(TimeGenerated,", "Day = startofday(TimeGenerated)"} {
		if !strings.Contains(q, want) {
			t.Errorf("query lacks %q:\n%s", want, q)
		}
	}
}

func TestDecodeHistoryTable(t *testing.T) {
	cols := func(names ...string) []*azquery.Column {
		out := make([]*azquery.Column, len(names))
		for i, n := range names {
			out[i] = &azquery.Column{Name: to.Ptr(n)}
		}
		return out
	}
	names := []string{"Day", "SecureScoresSubscriptionId", "TimeGenerated", "CurrentScore", "MaxScore", "PercentageScore", "Weight"}
	points, err := decodeHistoryTable(&azquery.Table{Columns: cols(names...), Rows: []azquery.Row{
		{"2026-11-02T00:00:00Z", "b", "2026-11-02T03:00:00Z", 10.5, 20.0, 0.525, 3.0},
		{"2026-11-01T00:00:00Z", "a", "2026-11-01T03:00:00Z", 1.0, 2.0, 0.5, 1.0},
	}})
	if err != nil || len(points) != 2 || points[0].SubscriptionID != "a" || points[1].Max != 20 || points[1].Weight != 3 {
		t.Fatalf("%+v %v", points, err)
	}
	if _, err := decodeHistoryTable(&azquery.Table{Columns: cols(names[:6]...)}); err == nil || !strings.Contains(err.Error(), "no column Weight") {
		t.Errorf("a missing column: %v", err)
	}
	if _, err := decodeHistoryTable(&azquery.Table{Columns: cols(names...), Rows: []azquery.Row{{"2026-11-02T00:00:00Z", "b", "x", 1.0, 2.0, 0.5, 1.0}}}); err == nil {
		t.Error("a TimeGenerated that is no date must be an error")
	}
}
