package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"
)

// Secure score history from a Log Analytics workspace that Defender for
// Cloud's continuous export fills
// (https://learn.microsoft.com/azure/defender-for-cloud/continuous-export),
// through azquery's LogsClient on the provider's pipeline and credential:
// the shared query runner and row reader here; the tables' queries in
// loganalytics_scores.go (SecureScores) and loganalytics_controls.go
// (SecureScoreControls).

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

func (q ScoreHistoryQuery) scoreName() string {
	if q.ScoreName == "" {
		return DefaultSecureScoreName
	}
	return q.ScoreName
}

// NoHistoryTableError is a workspace without the table asked for:
// continuous export does not write that kind of data to it (SecureScores:
// "Secure score" not exported there; SecureScoreControls: its "Control
// score" part not exported).
type NoHistoryTableError struct {
	WorkspaceID string
	Table       string
	Err         error
}

func (e *NoHistoryTableError) Error() string {
	return fmt.Sprintf("workspace %s has no %s table: %v", e.WorkspaceID, e.Table, e.Err)
}

func (e *NoHistoryTableError) Unwrap() error { return e.Err }

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

// historyKQL is a query of a continuous-export table: the records of q's
// initiative (AssessedResourceId matched by idMatch) and subscriptions,
// summarised to the last record of each UTC day per key, so that rows grow
// with days and keys, never with records.
func historyKQL(table, idMatch string, q ScoreHistoryQuery, columns, keys string) string {
	var b strings.Builder
	b.WriteString(table + "\n| where AssessedResourceId " + idMatch + "\n")
	if len(q.SubscriptionIDs) > 0 {
		b.WriteString("| where SecureScoresSubscriptionId in~ " + kqlList(q.SubscriptionIDs) + "\n")
	}
	b.WriteString("| summarize arg_max(TimeGenerated, " + columns + ") by " + keys + ", Day = startofday(TimeGenerated)\n")
	b.WriteString("| order by Day asc, " + strings.ReplaceAll(keys, ",", " asc,") + " asc")
	return b.String()
}

// queryHistoryTable runs a query of table over q's window (the days ending
// with q.Now's UTC day) and decodes each row of the answer with decode. A
// partial result (the service's `error` next to its tables) is an error,
// never a shorter history.
func queryHistoryTable[T any](ctx context.Context, c *Client, q ScoreHistoryQuery, table, kql string, decode func(*rowReader) T) ([]T, error) {
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
	resp, err := lc.QueryWorkspace(ctx, q.WorkspaceID, azquery.Body{Query: to.Ptr(kql), Timespan: &timespan}, nil)
	if err != nil {
		var respErr *azcore.ResponseError
		if errors.As(err, &respErr) && respErr.StatusCode == http.StatusBadRequest && respErr.RawResponse != nil {
			if body, _ := runtime.Payload(respErr.RawResponse); strings.Contains(string(body), "Failed to resolve table or column expression named '"+table+"'") {
				return nil, &NoHistoryTableError{WorkspaceID: q.WorkspaceID, Table: table, Err: capt.sdkError(ServiceLogAnalytics, err)}
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
	out, err := decodeTable(resp.Tables[0], decode)
	if err != nil {
		return nil, &DecodeError{Service: ServiceLogAnalytics, URL: capt.url(url), RequestID: capt.requestID(), Err: err}
	}
	return out, nil
}

// decodeTable reads every row by column name; the first cell that is
// missing or of the wrong kind is the error, naming its row and column.
func decodeTable[T any](t *azquery.Table, decode func(*rowReader) T) ([]T, error) {
	r := &rowReader{index: map[string]int{}, types: map[string]azquery.LogsColumnType{}, probe: true}
	for i, col := range t.Columns {
		if col != nil && col.Name != nil {
			r.index[*col.Name] = i
			if col.Type != nil {
				r.types[*col.Name] = *col.Type
			}
		}
	}
	if decode(r); r.err != nil { // a column the query should have projected
		return nil, r.err
	}
	r.probe = false
	out := make([]T, 0, len(t.Rows))
	for i, row := range t.Rows {
		r.row = row
		v := decode(r)
		if r.err != nil {
			return nil, fmt.Errorf("row %d: %w", i+1, r.err)
		}
		out = append(out, v)
	}
	return out, nil
}

// rowReader reads the cells of one row by column name and keeps the first
// error; a probe only checks that the columns exist.
type rowReader struct {
	index map[string]int
	types map[string]azquery.LogsColumnType // as the answer's columns give them
	row   azquery.Row
	err   error
	probe bool
}

func (r *rowReader) cell(name string) (any, bool) {
	if r.err != nil {
		return nil, false
	}
	j, ok := r.index[name]
	if !ok {
		r.err = fmt.Errorf("the result has no column %s", name)
		return nil, false
	}
	if r.probe {
		return nil, false
	}
	if j < len(r.row) {
		return r.row[j], true
	}
	return nil, true
}

func (r *rowReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *rowReader) string(name string) string {
	v, ok := r.cell(name)
	if !ok {
		return ""
	}
	s, isString := v.(string)
	if !isString || s == "" {
		r.fail(fmt.Errorf("%s is %s, not a string", name, jsonKind(v)))
	}
	return s
}

func (r *rowReader) time(name string) time.Time {
	s := r.string(name)
	if r.err != nil || r.probe {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		r.fail(fmt.Errorf("%s %q is not a date-time", name, s))
	}
	return t.UTC()
}

func (r *rowReader) number(name string) float64 {
	v, ok := r.cell(name)
	if !ok {
		return 0
	}
	switch n := v.(type) {
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			r.fail(fmt.Errorf("%s is not a finite number", name))
		}
		return n
	case string:
		// Microsoft's example answer of the query API writes long and real
		// cells as JSON strings ("1", "1.286",
		// https://learn.microsoft.com/rest/api/loganalytics/dataaccess/query/execute):
		// a numeric column's string cell is read as the number it writes.
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		if !numericColumn(r.types[name]) || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			r.fail(fmt.Errorf("%s is the string %q, not a number (column type %s)", name, n, columnType(r.types[name])))
		}
		return f
	case nil:
		r.fail(fmt.Errorf("%s is null", name))
	default:
		r.fail(fmt.Errorf("%s is %s, not a number", name, jsonKind(v)))
	}
	return 0
}

// integer reads a count or a max score (the service's int and long columns
// arrive as JSON numbers).
func (r *rowReader) integer(name string) int64 {
	return int64(math.Round(r.number(name)))
}

// numericColumn reports whether a column's type holds numbers; a column the
// answer gives no type is taken at its cell's word.
func numericColumn(t azquery.LogsColumnType) bool {
	switch t {
	case "", azquery.LogsColumnTypeInt, azquery.LogsColumnTypeLong, azquery.LogsColumnTypeReal, azquery.LogsColumnTypeDecimal:
		return true
	}
	return false
}

func columnType(t azquery.LogsColumnType) string {
	if t == "" {
		return "not given"
	}
	return string(t)
}
