package client

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
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
	points, err := decodeTable(&azquery.Table{Columns: cols(names...), Rows: []azquery.Row{
		{"2026-11-02T00:00:00Z", "b", "2026-11-02T03:00:00Z", 10.5, 20.0, 0.525, 3.0},
		{"2026-11-01T00:00:00Z", "a", "2026-11-01T03:00:00Z", 1.0, 2.0, 0.5, 1.0},
	}}, decodeScorePoint)
	if err != nil || len(points) != 2 || points[1].SubscriptionID != "a" || points[0].Max != 20 || points[0].Weight != 3 || points[0].Current != 10.5 {
		t.Fatalf("%+v %v", points, err)
	}
	if _, err := decodeTable(&azquery.Table{Columns: cols(names[:6]...)}, decodeScorePoint); err == nil || !strings.Contains(err.Error(), "no column Weight") {
		t.Errorf("a missing column: %v", err)
	}
	if _, err := decodeTable(&azquery.Table{Columns: cols(names...), Rows: []azquery.Row{{"2026-11-02T00:00:00Z", "b", "x", 1.0, 2.0, 0.5, 1.0}}}, decodeScorePoint); err == nil {
		t.Error("a TimeGenerated that is no date must be an error")
	}
}

func TestControlHistoryKQL(t *testing.T) {
	q := controlHistoryKQL(ScoreHistoryQuery{SubscriptionIDs: []string{"a", "b"}})
	for _, want := range []string{"SecureScoreControls\n", `contains '/providers/Microsoft.Security/secureScores/ascScore/'`, "in~ ('a', 'b')",
		"by SecureScoresSubscriptionId, ControlId, Day = startofday(TimeGenerated)"} {
		if !strings.Contains(q, want) {
			t.Errorf("query lacks %q:\n%s", want, q)
		}
	}
}

func TestDecodeControlPoint(t *testing.T) {
	names := []string{"SecureScoresSubscriptionId", "ControlId", "Day", "TimeGenerated", "ControlName", "CurrentScore", "MaxScore", "PercentageScore",
		"HealthyResources", "UnhealthyResources", "NotApplicableResources"}
	cols := make([]*azquery.Column, len(names))
	for i, n := range names {
		cols[i] = &azquery.Column{Name: to.Ptr(n)}
	}
	points, err := decodeTable(&azquery.Table{Columns: cols, Rows: []azquery.Row{
		{"s1", "/subscriptions/s1/providers/Microsoft.Security/secureScores/ascScore/secureScoreControls/c-guid", "2026-11-02T00:00:00Z", "2026-11-02T03:00:00Z",
			"Enable MFA", 7.5, 10.0, 0.75, 3.0, 1.0, 2.0},
		{"s1", "plain-guid", "2026-11-02T00:00:00Z", "2026-11-02T03:00:00Z", "Apply system updates", 0.0, 6.0, 0.0, 0.0, 4.0, 0.0},
	}}, decodeControlPoint)
	if err != nil || len(points) != 2 {
		t.Fatalf("%+v %v", points, err)
	}
	if p := points[0]; p.Name != "c-guid" || p.DisplayName != "Enable MFA" || p.Current != 7.5 || p.Max != 10 || p.Healthy != 3 || p.Unhealthy != 1 || p.NotApplicable != 2 {
		t.Errorf("first: %+v", p)
	}
	if points[1].Name != "plain-guid" || points[1].Unhealthy != 4 {
		t.Errorf("second: %+v", points[1])
	}
	if _, err := decodeTable(&azquery.Table{Columns: cols[:10]}, decodeControlPoint); err == nil || !strings.Contains(err.Error(), "no column NotApplicableResources") {
		t.Errorf("a missing column: %v", err)
	}
	if _, err := decodeTable(&azquery.Table{Columns: cols, Rows: []azquery.Row{{"s1", "c", "2026-11-02T00:00:00Z", "2026-11-02T03:00:00Z", "x", nil, 6.0, 0.0, 0.0, 4.0, 0.0}}},
		decodeControlPoint); err == nil || !strings.Contains(err.Error(), "row 1: CurrentScore is null") {
		t.Errorf("a null score: %v", err)
	}
}

// Microsoft's example answer of the query API writes long and real cells as
// JSON strings ("1", "1.286"): they read as the numbers their column types
// say; a string that is no number, or a string in a column typed string,
// is an error naming the column and the row.
func TestDecodeStringNumberCells(t *testing.T) {
	typed := func(cols ...[2]string) []*azquery.Column {
		out := make([]*azquery.Column, len(cols))
		for i, c := range cols {
			out[i] = &azquery.Column{Name: to.Ptr(c[0]), Type: to.Ptr(azquery.LogsColumnType(c[1]))}
		}
		return out
	}
	columns := typed([2]string{"Day", "datetime"}, [2]string{"SecureScoresSubscriptionId", "string"}, [2]string{"TimeGenerated", "datetime"},
		[2]string{"CurrentScore", "real"}, [2]string{"MaxScore", "long"}, [2]string{"PercentageScore", "real"}, [2]string{"Weight", "long"})
	points, err := decodeTable(&azquery.Table{Columns: columns, Rows: []azquery.Row{
		{"2026-11-02T00:00:00Z", "s", "2026-11-02T03:00:00Z", "1.286", "2", "0.643", "7"},
	}}, decodeScorePoint)
	if err != nil || len(points) != 1 {
		t.Fatalf("%+v %v", points, err)
	}
	if p := points[0]; p.Current != 1.286 || p.Max != 2 || p.Percentage != 0.643 || p.Weight != 7 {
		t.Errorf("string cells: %+v", p)
	}
	for _, tc := range []struct {
		columns []*azquery.Column
		cell    any
		want    string
	}{
		{columns, "1,5", `row 2: CurrentScore is the string "1,5", not a number (column type real)`},
		{columns, "NaN", `row 2: CurrentScore is the string "NaN", not a number`},
		{typed([2]string{"Day", "datetime"}, [2]string{"SecureScoresSubscriptionId", "string"}, [2]string{"TimeGenerated", "datetime"},
			[2]string{"CurrentScore", "string"}, [2]string{"MaxScore", "long"}, [2]string{"PercentageScore", "real"}, [2]string{"Weight", "long"}),
			"1", `row 1: CurrentScore is the string "1", not a number (column type string)`},
	} {
		_, err := decodeTable(&azquery.Table{Columns: tc.columns, Rows: []azquery.Row{
			{"2026-11-02T00:00:00Z", "s", "2026-11-02T03:00:00Z", "1", "2", "0.5", "7"},
			{"2026-11-03T00:00:00Z", "s", "2026-11-03T03:00:00Z", tc.cell, "2", "0.5", "7"},
		}}, decodeScorePoint)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.cell, err, tc.want)
		}
	}
}

// The same history, whether the query API writes its numeric cells as JSON
// numbers or, as Microsoft's example answer does, as strings.
func TestHistoryWithStringCells(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(e.CACertPEM())
	c, err := New(Config{
		Auth: AuthConfig{TenantID: emulator.DefaultTenantID, ClientID: emulator.ClientID, ClientSecret: emulator.ClientSecret},
		Endpoints: EndpointOverrides{AuthorityHost: e.AuthorityURL(), ResourceManagerEndpoint: e.ARMURL(), GraphEndpoint: e.GraphURL(),
			LogAnalyticsEndpoint: e.LogAnalyticsURL()},
		HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)
	q := ScoreHistoryQuery{WorkspaceID: emulator.LogAnalyticsWorkspaceID, Days: 7}
	read := func() ([]ScoreHistoryPoint, []ControlHistoryPoint) {
		points, err := c.QueryScoreHistory(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		controls, err := c.QueryControlHistory(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return points, controls
	}
	points, controls := read()
	e.SetLogAnalyticsStringCells(true)
	asStrings, controlsAsStrings := read()
	if len(points) == 0 || len(controls) == 0 || !reflect.DeepEqual(points, asStrings) || !reflect.DeepEqual(controls, controlsAsStrings) {
		t.Errorf("%d points and %d control points with number cells; with string cells %d and %d, or different values", len(points), len(controls), len(asStrings), len(controlsAsStrings))
	}
}
