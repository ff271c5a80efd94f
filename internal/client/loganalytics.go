package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"
)

// Secure score history from a Log Analytics workspace that Defender for
// Cloud's continuous export fills (table SecureScores,
// https://learn.microsoft.com/azure/azure-monitor/reference/tables/securescores;
// https://learn.microsoft.com/azure/defender-for-cloud/continuous-export),
// through azquery's LogsClient on the provider's pipeline and credential.

// MaxHistoryDays bounds a history query (Log Analytics keeps up to two
// years interactively; continuous export's workbook reads a year).
const MaxHistoryDays = 365

// ScoreHistoryQuery selects the daily scores of one initiative.
type ScoreHistoryQuery struct {
	WorkspaceID     string // the workspace (customer) id, a GUID
	Days            int    // 1..MaxHistoryDays, today included
	SubscriptionIDs []string
	ScoreName       string    // "" = ascScore
	Now             time.Time // the end of the window; zero = time.Now()
}

// ScoreHistoryPoint is a subscription's score on one UTC day: the last
// record continuous export wrote that day.
type ScoreHistoryPoint struct {
	SubscriptionID string
	Day            time.Time // UTC midnight
	Generated      time.Time // TimeGenerated of the record
	Current        float64
	Max            int64
	Percentage     float64
	Weight         int64
}

// NoSecureScoresError is a workspace without the SecureScores table:
// continuous export of secure scores does not write to it.
type NoSecureScoresError struct {
	WorkspaceID string
	Err         error
}

func (e *NoSecureScoresError) Error() string {
	return fmt.Sprintf("workspace %s has no SecureScores table: %v", e.WorkspaceID, e.Err)
}

func (e *NoSecureScoresError) Unwrap() error { return e.Err }

// scoreHistoryKQL keeps each subscription's last record of each day: the
// row count grows with days and subscriptions, not with records.
func scoreHistoryKQL(q ScoreHistoryQuery) string {
	name := q.ScoreName
	if name == "" {
		name = DefaultSecureScoreName
	}
	var b strings.Builder
	b.WriteString("SecureScores\n")
	b.WriteString("| where AssessedResourceId endswith " + kqlQuote("/providers/Microsoft.Security/secureScores/"+name) + "\n")
	if len(q.SubscriptionIDs) > 0 {
		b.WriteString("| where SecureScoresSubscriptionId in~ " + kqlList(q.SubscriptionIDs) + "\n")
	}
	b.WriteString("| summarize arg_max(TimeGenerated, CurrentScore, MaxScore, PercentageScore, Weight) by SecureScoresSubscriptionId, Day = startofday(TimeGenerated)\n")
	b.WriteString("| order by Day asc, SecureScoresSubscriptionId asc")
	return b.String()
}

func (c *Client) logsClient() (*azquery.LogsClient, error) {
	c.armMu.Lock()
	defer c.armMu.Unlock()
	if c.logAnalytics != nil {
		return c.logAnalytics, nil
	}
	if c.Endpoints.LogAnalyticsEndpoint == "" {
		return nil, &ConfigError{Setting: "endpoint.log_analytics_endpoint",
			Message: "the cloud's metadata names no Log Analytics endpoint; set endpoint.log_analytics_endpoint"}
	}
	o := c.withLogging(ServiceLogAnalytics)
	o.Cloud = cloud.Configuration{
		ActiveDirectoryAuthorityHost: c.clientOptions.Cloud.ActiveDirectoryAuthorityHost,
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			azquery.ServiceNameLogs: {
				Endpoint: strings.TrimSuffix(c.Endpoints.LogAnalyticsEndpoint, "/") + "/v1",
				Audience: strings.TrimSuffix(c.Endpoints.LogAnalyticsAudience, "/"),
			},
		},
	}
	lc, err := azquery.NewLogsClient(c.credential, &azquery.LogsClientOptions{ClientOptions: o})
	if err != nil {
		return nil, fmt.Errorf("building the Log Analytics client: %w", err)
	}
	c.logAnalytics = lc
	return lc, nil
}

// QueryScoreHistory reads the daily scores of q's window from the
// workspace, sorted by day then subscription id. A partial result (the
// service's `error` next to its tables) is an error, never a shorter history.
func (c *Client) QueryScoreHistory(ctx context.Context, q ScoreHistoryQuery) ([]ScoreHistoryPoint, error) {
	lc, err := c.logsClient()
	if err != nil {
		return nil, err
	}
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	end := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	start := end.AddDate(0, 0, -q.Days)
	timespan := azquery.NewTimeInterval(start, end)
	ctx, capt := captured(ctx)
	resp, err := lc.QueryWorkspace(ctx, q.WorkspaceID, azquery.Body{Query: to.Ptr(scoreHistoryKQL(q)), Timespan: &timespan}, nil)
	if err != nil {
		var respErr *azcore.ResponseError
		if errors.As(err, &respErr) && respErr.StatusCode == http.StatusBadRequest && respErr.RawResponse != nil {
			if body, _ := runtime.Payload(respErr.RawResponse); strings.Contains(string(body), "Failed to resolve table or column expression named 'SecureScores'") {
				return nil, &NoSecureScoresError{WorkspaceID: q.WorkspaceID, Err: capt.sdkError(ServiceLogAnalytics, err)}
			}
		}
		return nil, capt.sdkError(ServiceLogAnalytics, err)
	}
	url := "/v1/workspaces/" + q.WorkspaceID + "/query"
	if resp.Error != nil {
		return nil, capt.shapeError(ServiceLogAnalytics, url, "the result is partial (%s): the history would be incomplete", resp.Error.Error())
	}
	if len(resp.Tables) == 0 || resp.Tables[0] == nil {
		return nil, capt.shapeError(ServiceLogAnalytics, url, "the answer has no `tables`")
	}
	points, err := decodeHistoryTable(resp.Tables[0])
	if err != nil {
		return nil, &DecodeError{Service: ServiceLogAnalytics, URL: capt.url(url), RequestID: capt.requestID(), Err: err}
	}
	return points, nil
}

// decodeHistoryTable reads the summarised rows by column name.
func decodeHistoryTable(t *azquery.Table) ([]ScoreHistoryPoint, error) {
	index := map[string]int{}
	for i, col := range t.Columns {
		if col != nil && col.Name != nil {
			index[*col.Name] = i
		}
	}
	for _, name := range []string{"SecureScoresSubscriptionId", "Day", "TimeGenerated", "CurrentScore", "MaxScore", "PercentageScore", "Weight"} {
		if _, ok := index[name]; !ok {
			return nil, fmt.Errorf("the result has no column %s", name)
		}
	}
	points := make([]ScoreHistoryPoint, 0, len(t.Rows))
	for i, r := range t.Rows {
		cell := func(name string) any {
			if j := index[name]; j < len(r) {
				return r[j]
			}
			return nil
		}
		var p ScoreHistoryPoint
		var err error
		fail := func(err error) ([]ScoreHistoryPoint, error) { return nil, fmt.Errorf("row %d: %w", i+1, err) }
		if p.SubscriptionID, err = cellString(cell("SecureScoresSubscriptionId"), "SecureScoresSubscriptionId"); err != nil {
			return fail(err)
		}
		if p.Day, err = cellTime(cell("Day"), "Day"); err != nil {
			return fail(err)
		}
		if p.Generated, err = cellTime(cell("TimeGenerated"), "TimeGenerated"); err != nil {
			return fail(err)
		}
		if p.Current, err = cellNumber(cell("CurrentScore"), "CurrentScore"); err != nil {
			return fail(err)
		}
		if p.Percentage, err = cellNumber(cell("PercentageScore"), "PercentageScore"); err != nil {
			return fail(err)
		}
		maxScore, err := cellNumber(cell("MaxScore"), "MaxScore")
		if err != nil {
			return fail(err)
		}
		weight, err := cellNumber(cell("Weight"), "Weight")
		if err != nil {
			return fail(err)
		}
		p.Max, p.Weight = int64(math.Round(maxScore)), int64(math.Round(weight))
		points = append(points, p)
	}
	sort.SliceStable(points, func(i, j int) bool {
		if !points[i].Day.Equal(points[j].Day) {
			return points[i].Day.Before(points[j].Day)
		}
		return strings.ToLower(points[i].SubscriptionID) < strings.ToLower(points[j].SubscriptionID)
	})
	return points, nil
}

func cellString(v any, name string) (string, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("%s is %s, not a string", name, jsonKind(v))
	}
	return s, nil
}

func cellTime(v any, name string) (time.Time, error) {
	s, err := cellString(v, name)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not a date-time", name, s)
	}
	return t.UTC(), nil
}

func cellNumber(v any, name string) (float64, error) {
	switch n := v.(type) {
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return 0, fmt.Errorf("%s is not a finite number", name)
		}
		return n, nil
	case nil:
		return 0, fmt.Errorf("%s is null", name)
	default:
		return 0, fmt.Errorf("%s is %s, not a number", name, jsonKind(v))
	}
}
