package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"golang.org/x/sync/singleflight"
)

// GraphConcurrency is Microsoft's documented limit of concurrent secure score
// requests per app and tenant; each tenant's GraphClient stays within it.
const GraphConcurrency = 4

// GraphClient is a small typed client for the three Microsoft Graph secure
// score endpoints, on azcore's pipeline (msgraph-sdk-go would cost minutes
// and gigabytes of compilation for them). One exists per tenant.
type GraphClient struct {
	TenantID string
	client   *Client
	baseURL  *url.URL // e.g. https://graph.microsoft.com/v1.0
	pipeline runtime.Pipeline

	flight   singleflight.Group
	mu       sync.Mutex
	profiles *profileSnapshot
	// singles are the actions read one by one before any list (lower-cased
	// id), and singleIDs those read or being read so; listing is set once a
	// reader asked for the list instead.
	singles   map[string]singleRead
	singleIDs map[string]bool
	listing   bool
	// stale counts the PATCHes of each action (lower-cased id) since the
	// snapshot was taken; a re-read clears the count it saw.
	stale map[string]int
	// latestScore is the newest secure score, shared like the profiles.
	latestScore *latestScoreSnapshot
}

// Graph returns the Graph client for tenantID ("" = the home tenant). A
// tenant outside tenant_id and auxiliary_tenant_ids is refused.
func (c *Client) Graph(tenantID string) (*GraphClient, error) {
	if !c.AllowedTenant(tenantID) {
		return nil, &ConfigError{Setting: "auxiliary_tenant_ids", EnvVar: "ARM_AUXILIARY_TENANT_IDS",
			Message: fmt.Sprintf("tenant %s is neither the provider's tenant_id nor one of its auxiliary_tenant_ids, so the credential may not get tokens for it; add it to auxiliary_tenant_ids", tenantID)}
	}
	key := strings.ToLower(tenantID)
	if strings.EqualFold(tenantID, c.HomeTenantID) {
		key = ""
	}
	c.graphMu.Lock()
	defer c.graphMu.Unlock()
	if g, ok := c.msGraph[key]; ok {
		return g, nil
	}
	base, err := url.Parse(strings.TrimSuffix(c.Endpoints.GraphEndpoint, "/") + "/v1.0")
	if err != nil {
		return nil, err
	}
	cred := c.credential
	if key != "" {
		cred = tenantCredential{cred: c.credential, tenantID: tenantID}
	}
	options := c.withLogging(ServiceGraph)
	options.PerRetryPolicies = append(options.PerRetryPolicies, newConcurrencyPolicy(GraphConcurrency))
	bearer := runtime.NewBearerTokenPolicy(cred, []string{c.Endpoints.GraphScope()}, nil)
	g := &GraphClient{
		TenantID:  firstNonEmpty(tenantID, c.HomeTenantID),
		client:    c,
		baseURL:   base,
		pipeline:  runtime.NewPipeline("securescore", "v1", runtime.PipelineOptions{PerRetry: []policy.Policy{bearer}}, &options),
		stale:     map[string]int{},
		singles:   map[string]singleRead{},
		singleIDs: map[string]bool{},
	}
	c.msGraph[key] = g
	return g, nil
}

// tenantCredential asks for tokens of one tenant (azidentity's
// additionally-allowed tenants) whatever the caller's options say.
type tenantCredential struct {
	cred     azcore.TokenCredential
	tenantID string
}

func (t tenantCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	opts.TenantID = t.tenantID
	return t.cred.GetToken(ctx, opts)
}

// concurrencyPolicy caps requests in flight; it sits inside the retry loop so
// a request waiting out a Retry-After holds no slot.
type concurrencyPolicy struct{ slots chan struct{} }

func newConcurrencyPolicy(n int) concurrencyPolicy {
	return concurrencyPolicy{slots: make(chan struct{}, n)}
}

func (p concurrencyPolicy) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.slots }()
	resp, err := req.Next()
	if err == nil {
		// Read the body while holding the slot: the request is in flight
		// until the service has sent all of it.
		_, err = runtime.Payload(resp)
	}
	return resp, err
}

// Page of a Graph collection.
type graphPage[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// send runs one request and returns the body of a successful answer and the
// warnings of a 206 Partial Content.
func (g *GraphClient) send(ctx context.Context, method, rawURL string, body any) ([]byte, []string, error) {
	req, err := runtime.NewRequest(ctx, method, rawURL)
	if err != nil {
		return nil, nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	if body != nil {
		payload, err := json.Marshal(body)
		if err != nil {
			return nil, nil, err
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(payload)), "application/json"); err != nil {
			return nil, nil, err
		}
	}
	resp, err := g.pipeline.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s %s: %w", ServiceGraph, method, stripQuery(rawURL), g.client.consentError(g.TenantID, err))
	}
	defer resp.Body.Close() //nolint:errcheck // runtime.Payload has read it
	if !runtime.HasStatusCode(resp, http.StatusOK, http.StatusNoContent, http.StatusPartialContent) {
		return nil, nil, newAPIError(ServiceGraph, resp)
	}
	var warnings []string
	if resp.StatusCode == http.StatusPartialContent {
		warnings = append(warnings, partialContentWarning(method, rawURL, resp))
	}
	payload, err := runtime.Payload(resp)
	if err != nil {
		return nil, warnings, fmt.Errorf("%s %s %s: reading the response: %w", ServiceGraph, method, stripQuery(rawURL), err)
	}
	return payload, warnings, nil
}

func partialContentWarning(method, rawURL string, resp *http.Response) string {
	warning := resp.Header.Get("Warning")
	if warning == "" {
		warning = "no Warning header"
	}
	return fmt.Sprintf("%s %s answered 206 Partial Content: a security provider behind Microsoft Graph failed (%s, request id %s); the data may be incomplete, so retry later if it looks short",
		method, stripQuery(rawURL), warning, requestID(resp.Header))
}

func (g *GraphClient) getJSON(ctx context.Context, rawURL string, out any) ([]string, error) {
	ctx, c := captured(ctx)
	payload, warnings, err := g.send(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return warnings, err
	}
	special, err := decodeGraph(payload, stripQuery(rawURL), c.requestID(), out)
	return append(warnings, special...), err
}

// decodeGraph decodes a successful answer into out, refuses one that is
// not the documented shape, and returns the warnings about special values.
func decodeGraph(payload []byte, url, requestID string, out any) ([]string, error) {
	if err := json.Unmarshal(payload, out); err != nil {
		return nil, &DecodeError{Service: ServiceGraph, URL: url, RequestID: requestID, Err: err}
	}
	if check, ok := out.(interface{ shapeError() error }); ok {
		if err := check.shapeError(); err != nil {
			return nil, &DecodeError{Service: ServiceGraph, URL: url, RequestID: requestID, Err: err}
		}
	}
	if special, ok := out.(interface{ specialValueWarnings() []string }); ok {
		return special.specialValueWarnings(), nil
	}
	return nil, nil
}

// listAll follows @odata.nextLink to the end (or until limit items, when > 0).
// A failure on any page fails the whole list: never a silently shorter one.
func listAll[T any](ctx context.Context, g *GraphClient, rawURL string, limit int) ([]T, []string, error) {
	var items []T
	var warnings []string
	for next, pageNumber := rawURL, 1; next != ""; pageNumber++ {
		if err := g.checkSameHost(next); err != nil {
			return nil, warnings, err
		}
		var page graphPage[T]
		w, err := g.getJSON(ctx, next, &page)
		warnings = append(warnings, w...)
		if err != nil {
			return nil, warnings, pageError(pageNumber, err)
		}
		items = append(items, page.Value...)
		if limit > 0 && len(items) >= limit {
			return items[:limit], warnings, nil
		}
		next = page.NextLink
	}
	return items, warnings, nil
}

// checkSameHost refuses a nextLink on another host: the pipeline would send
// it the bearer token.
func (g *GraphClient) checkSameHost(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return &DecodeError{Service: ServiceGraph, URL: rawURL, Err: err}
	}
	if !strings.EqualFold(u.Host, g.baseURL.Host) || u.Scheme != "https" {
		return &DecodeError{Service: ServiceGraph, URL: stripQuery(rawURL), Err: fmt.Errorf("next page link leaves %s; refusing to follow it", g.baseURL.Host)}
	}
	return nil
}

func (g *GraphClient) endpoint(path string, query url.Values) string {
	u := *g.baseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	if query != nil {
		u.RawQuery = query.Encode()
	}
	return u.String()
}

// SecureScores returns the newest `top` daily snapshots, newest first.
func (g *GraphClient) SecureScores(ctx context.Context, top int) ([]SecureScore, []string, error) {
	query := url.Values{}
	if top > 0 {
		query.Set("$top", strconv.Itoa(top))
	}
	return listAll[SecureScore](ctx, g, g.endpoint("/security/secureScores", query), top)
}

// ProfilePageSize is the $top of the profile list: the largest page Graph
// serves (it pages 200 by default, and honours $top up to 999, as production
// tools ask), so most tenants list in one request. nextLink is followed
// whatever page size the service picks.
const ProfilePageSize = 999

// ListControlProfiles fetches every improvement action, bypassing the cache.
func (g *GraphClient) ListControlProfiles(ctx context.Context) ([]ControlProfile, []string, error) {
	query := url.Values{"$top": {strconv.Itoa(ProfilePageSize)}}
	return listAll[ControlProfile](ctx, g, g.endpoint("/security/secureScoreControlProfiles", query), 0)
}

// GetControlProfile fetches one improvement action.
func (g *GraphClient) GetControlProfile(ctx context.Context, id string) (*ControlProfile, []string, error) {
	var profile ControlProfile
	warnings, err := g.getJSON(ctx, g.endpoint("/security/secureScoreControlProfiles/"+url.PathEscape(id), nil), &profile)
	if err != nil {
		return nil, warnings, err
	}
	return &profile, warnings, nil
}

// UpdateControlProfile PATCHes an action's state, comment and assignee, and
// marks the cached copy stale. It asks for no representation of the update:
// the caller reads the action back until reads show the write, so that the
// next refresh does not show a lagging read as drift.
func (g *GraphClient) UpdateControlProfile(ctx context.Context, id string, update ControlProfileUpdate) error {
	ctx, c := captured(ctx)
	rawURL := g.endpoint("/security/secureScoreControlProfiles/"+url.PathEscape(id), nil)
	payload, _, err := g.send(ctx, http.MethodPatch, rawURL, update)
	if err == nil {
		err = checkPatchAnswer(payload, stripQuery(rawURL), c.requestID())
	}
	// Even a failed PATCH may have been applied: re-read it next time.
	g.markStale(id)
	return err
}

// DecodeError is a successful answer whose body is not the documented shape.
type DecodeError struct {
	Service   Service
	URL       string
	RequestID string // "" when the answer had none
	Err       error
}

func (e *DecodeError) Error() string {
	if e.RequestID != "" {
		return fmt.Sprintf("%s %s answered with a body that is not the documented shape (request id %s): %v", e.Service, e.URL, e.RequestID, e.Err)
	}
	return fmt.Sprintf("%s %s answered with a body that is not the documented shape: %v", e.Service, e.URL, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

func stripQuery(rawURL string) string {
	if i := strings.IndexByte(rawURL, '?'); i >= 0 {
		return rawURL[:i]
	}
	return rawURL
}
