package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Resource Graph's throttling: every answer carries the caller's remaining
// quota (x-ms-user-quota-remaining, a query count) and the time until it
// resets (x-ms-user-quota-resets-after, hh:mm:ss); a caller over its quota
// is answered 429
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests).

const (
	headerQuotaRemaining   = "x-ms-user-quota-remaining"
	headerQuotaResetsAfter = "x-ms-user-quota-resets-after"
)

// quotaResetsAfter reads x-ms-user-quota-resets-after (hh:mm:ss, seconds
// possibly fractional); ok is false when it is absent or not that shape.
func quotaResetsAfter(h http.Header) (time.Duration, bool) {
	parts := strings.Split(strings.TrimSpace(h.Get(headerQuotaResetsAfter)), ":")
	if len(parts) != 3 {
		return 0, false
	}
	hours, errH := strconv.Atoi(parts[0])
	minutes, errM := strconv.Atoi(parts[1])
	seconds, errS := strconv.ParseFloat(parts[2], 64)
	if errH != nil || errM != nil || errS != nil || hours < 0 || minutes < 0 || seconds < 0 {
		return 0, false
	}
	return time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute + time.Duration(seconds*float64(time.Second)), true
}

// quotaSpent is how long to wait before the next Resource Graph request:
// the time until the quota resets when the answer says none is left, else 0.
func quotaSpent(h http.Header) time.Duration {
	if strings.TrimSpace(h.Get(headerQuotaRemaining)) != "0" {
		return 0
	}
	wait, _ := quotaResetsAfter(h)
	return wait
}

// quotaRetryAfterPolicy sits inside the retry loop: a 429 that says when the
// quota resets, and gives no Retry-After of its own, gets that time as
// retry-after-ms, so azcore's retry policy waits exactly until the quota
// resets (bounded by the operation's deadline, the `timeouts` block) instead
// of its own back-off.
type quotaRetryAfterPolicy struct{}

func (quotaRetryAfterPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		return resp, err
	}
	if resp.Header.Get("Retry-After") != "" || resp.Header.Get("retry-after-ms") != "" || resp.Header.Get("x-ms-retry-after-ms") != "" {
		return resp, nil
	}
	if wait, ok := quotaResetsAfter(resp.Header); ok {
		resp.Header.Set("retry-after-ms", strconv.FormatInt(max(wait.Milliseconds(), 1), 10))
	}
	return resp, nil
}

// waitForQuota sleeps d unless ctx ends first; then it returns ctx's error.
func waitForQuota(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// quotaGate sits outside the retry loop of one client's Resource Graph
// requests: when an answer says the quota is spent, the next request waits
// until it resets rather than being answered 429. The wait ends with the
// operation's deadline.
type quotaGate struct {
	mu       sync.Mutex
	resumeAt time.Time
}

func (g *quotaGate) Do(req *policy.Request) (*http.Response, error) {
	g.mu.Lock()
	wait := time.Until(g.resumeAt)
	g.mu.Unlock()
	if err := waitForQuota(req.Raw().Context(), wait); err != nil {
		return nil, fmt.Errorf("waiting for Resource Graph's quota to reset (%s) when the operation's time ran out: raise the `timeouts` of this block or retry later: %w", wait.Round(time.Millisecond), err)
	}
	resp, err := req.Next()
	if err == nil && resp != nil {
		if spent := quotaSpent(resp.Header); spent > 0 {
			g.mu.Lock()
			g.resumeAt = time.Now().Add(spent)
			g.mu.Unlock()
		}
	}
	return resp, err
}
