package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// What the service answers can be wrong in ways no status code says: a body
// cut short, a body of another shape, a token the service has revoked
// before its expiry. This file turns each into a retry or one typed error.

// ServiceEntraID names the Microsoft identity platform (token requests).
const ServiceEntraID Service = "Microsoft Entra ID"

// NonRetriable tells azcore's retry policy not to retry a body it cannot
// read: the same request gets the same answer.
func (*DecodeError) NonRetriable() {}

// bodyCheckPolicy sits inside the retry loop and refuses a successful
// answer whose body is not JSON, with the request id, before a decoder
// (the Azure SDK's, which drops both the type and the request id) sees it.
type bodyCheckPolicy struct{ service Service }

func (p bodyCheckPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil || resp == nil || resp.StatusCode < 200 || resp.StatusCode > 299 || req.Raw().Method == http.MethodHead {
		return resp, err
	}
	payload, err := runtime.Payload(resp)
	if err != nil {
		return resp, err
	}
	if len(bytes.TrimSpace(payload)) == 0 || json.Valid(payload) {
		return resp, nil
	}
	var v any
	syntaxErr := json.Unmarshal(payload, &v)
	return resp, &DecodeError{Service: p.service, URL: stripQuery(req.Raw().URL.String()), RequestID: requestID(resp.Header),
		Err: fmt.Errorf("the body is not valid JSON: %w", syntaxErr)}
}

// capture records the raw response of one call made with its context, so
// that errors found after decoding can carry the request id.
type capture struct{ resp *http.Response }

func captured(ctx context.Context) (context.Context, *capture) {
	c := &capture{}
	return policy.WithCaptureResponse(ctx, &c.resp), c
}

func (c *capture) requestID() string {
	if c == nil || c.resp == nil {
		return ""
	}
	return requestID(c.resp.Header)
}

func (c *capture) url(fallback string) string {
	if c != nil && c.resp != nil && c.resp.Request != nil {
		return stripQuery(c.resp.Request.URL.String())
	}
	return fallback
}

// shapeError is a successful answer whose JSON is valid but not the documented shape.
func (c *capture) shapeError(service Service, fallbackURL, format string, args ...any) error {
	return &DecodeError{Service: service, URL: c.url(fallbackURL), RequestID: c.requestID(), Err: fmt.Errorf(format, args...)}
}

// sdkError converts an Azure SDK error: a service error becomes an
// *APIError; a failure to decode a successful answer (which the SDK reports
// as a plain string) becomes a *DecodeError with the request id.
func (c *capture) sdkError(service Service, err error) error {
	if err == nil {
		return nil
	}
	err = asAPIError(service, err)
	var apiErr *APIError
	var decodeErr *DecodeError
	if errors.As(err, &apiErr) || errors.As(err, &decodeErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	if c != nil && c.resp != nil && c.resp.StatusCode >= 200 && c.resp.StatusCode <= 299 {
		return &DecodeError{Service: service, URL: c.url(""), RequestID: c.requestID(), Err: err}
	}
	return err
}

// nextARMPage reads one page of an ARM SDK pager. A page that is not a list
// (hasValue false: no `value` array) is a DecodeError, never an empty page
// that would silently end the list.
func nextARMPage[T any](ctx context.Context, pager *runtime.Pager[T], page int, hasValue func(T) bool) (T, error) {
	ctx, c := captured(ctx)
	resp, err := pager.NextPage(ctx)
	if err != nil {
		return resp, pageError(page, c.sdkError(ServiceARM, err))
	}
	if !hasValue(resp) {
		var zero T
		return zero, pageError(page, c.shapeError(ServiceARM, "", "the list has no `value` array"))
	}
	return resp, nil
}

// refreshingCredential wraps the configured credential so that a token the
// service refuses before its expiry (revoked, or a clock that disagrees) can
// be replaced: azidentity would hand the same token back from its cache, so
// renew builds a new credential, with an empty cache, from the same settings.
//
// It also remembers a failed token request for failedTokenMemory: azidentity
// caches tokens, not failures, so with the identity platform unreachable each
// of 300 resources would wait through the whole retry schedule in turn (a
// plan took 4.6 minutes to fail); now the first failure answers the rest.
type refreshingCredential struct {
	build func() (azcore.TokenCredential, error)
	now   func() time.Time

	mu     sync.Mutex
	inner  azcore.TokenCredential
	gen    int
	issued map[[32]byte]int // hash of each token handed out -> generation
	failed map[string]failedToken
}

// failedTokenMemory is how long a failed token request answers the same
// request again: longer than a plan's burst of reads, short enough that a
// long apply tries again after a transient outage.
const failedTokenMemory = 30 * time.Second

type failedToken struct {
	err error
	at  time.Time
	gen int
}

// tokenRequestKey tells token requests apart by what the identity platform
// is asked for.
func tokenRequestKey(opts policy.TokenRequestOptions) string {
	return opts.TenantID + "\x00" + strings.Join(opts.Scopes, " ") + "\x00" + opts.Claims
}

// maxRememberedTokens bounds the hashes kept; a provider run gets a few tokens.
const maxRememberedTokens = 1024

func newRefreshingCredential(inner azcore.TokenCredential, build func() (azcore.TokenCredential, error)) *refreshingCredential {
	return &refreshingCredential{build: build, now: time.Now, inner: inner, issued: map[[32]byte]int{}, failed: map[string]failedToken{}}
}

func (r *refreshingCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	key := tokenRequestKey(opts)
	r.mu.Lock()
	inner, gen := r.inner, r.gen
	if f, ok := r.failed[key]; ok && f.gen == gen && r.now().Sub(f.at) < failedTokenMemory {
		r.mu.Unlock()
		tflog.Debug(ctx, "Token request not repeated: the same request failed moments ago", map[string]any{"failed_ago_ms": r.now().Sub(f.at).Milliseconds()})
		return azcore.AccessToken{}, f.err
	}
	r.mu.Unlock()
	tok, err := inner.GetToken(ctx, opts)
	if err != nil {
		// A request cut short by its own deadline or cancellation says
		// nothing about the identity platform.
		if ctx.Err() == nil {
			r.mu.Lock()
			r.failed[key] = failedToken{err: err, at: r.now(), gen: gen}
			r.mu.Unlock()
		}
		return tok, err
	}
	r.mu.Lock()
	delete(r.failed, key)
	if len(r.issued) >= maxRememberedTokens {
		r.issued = map[[32]byte]int{}
	}
	r.issued[sha256.Sum256([]byte(tok.Token))] = gen
	r.mu.Unlock()
	return tok, nil
}

// renew replaces the credential when token came from the current one, so
// that many requests refused at once renew it once. It reports whether a
// fresh token can now be had.
func (r *refreshingCredential) renew(token string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	gen, known := r.issued[sha256.Sum256([]byte(token))]
	if !known {
		return false
	}
	if gen != r.gen {
		return true // renewed since this token was handed out
	}
	inner, err := r.build()
	if err != nil {
		return false
	}
	r.inner, r.gen = inner, r.gen+1
	return true
}

// reauthPolicy sits outside the retry loop. When the service refuses the
// bearer token as expired or invalid (not for a wrong audience or a missing
// permission), it renews the credential and sends the request once more;
// the bearer token policy has dropped its cached token on the 401. It also
// turns a failed token request into an *APIError of Microsoft Entra ID.
type reauthPolicy struct{ cred *refreshingCredential }

func (p reauthPolicy) Do(req *policy.Request) (*http.Response, error) {
	call := &tokenCall{}
	req = req.WithContext(context.WithValue(req.Raw().Context(), tokenCallKey{}, call))
	resp, err := req.Next()
	if err != nil {
		return resp, entraError(err, call)
	}
	if resp.StatusCode != http.StatusUnauthorized || !tokenRefused(resp) {
		return resp, nil
	}
	// The retry policy sent a clone: the token is on the request that went out.
	sent := req.Raw()
	if resp.Request != nil {
		sent = resp.Request
	}
	token := strings.TrimPrefix(sent.Header.Get("Authorization"), "Bearer ")
	// A body that cannot be sent again leaves the 401 as it is.
	resendable := token != "" && req.RewindBody() == nil
	if !resendable || !p.cred.renew(token) {
		return resp, nil
	}
	drain(resp)
	resp, err = req.Next()
	return resp, entraError(err, call)
}

// tokenRefused reports whether a 401 says the token itself is no good
// (ARM: ExpiredAuthenticationToken, InvalidAuthenticationToken; Graph:
// InvalidAuthenticationToken).
func tokenRefused(resp *http.Response) bool {
	body, err := runtime.Payload(resp)
	if err != nil {
		return false
	}
	var parsed errorBody
	if json.Unmarshal(body, &parsed) != nil {
		return false
	}
	switch parsed.Error.Code {
	case "ExpiredAuthenticationToken", "InvalidAuthenticationToken":
		return true
	}
	return false
}

func drain(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}

// identityErrorBody is the Microsoft identity platform's error shape.
type identityErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
}

// tokenCall records the last answer of the identity platform to a token
// request made for one API request (the context carries it from
// reauthPolicy through the bearer token policy into azidentity's pipeline).
type tokenCall struct {
	mu        sync.Mutex
	status    int
	requestID string
	url       string
}

type tokenCallKey struct{}

// tokenRecorderPolicy runs in azidentity's pipeline, inside its retries.
type tokenRecorderPolicy struct{}

func (tokenRecorderPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if call, ok := req.Raw().Context().Value(tokenCallKey{}).(*tokenCall); ok && resp != nil {
		call.mu.Lock()
		call.status, call.requestID, call.url = resp.StatusCode, requestID(resp.Header), stripQuery(req.Raw().URL.String())
		call.mu.Unlock()
	}
	return resp, err
}

// entraError turns azidentity's error for a token request the identity
// platform answered with an error into an *APIError (status, AADSTS code
// and description, request id). A token answer it could not read becomes a
// *DecodeError without the body: MSAL quotes the raw answer, which holds
// the access token. Other errors pass through.
func entraError(err error, call *tokenCall) error {
	var authErr *azidentity.AuthenticationFailedError
	if err == nil || !errors.As(err, &authErr) {
		return err
	}
	if authErr.RawResponse == nil {
		if !strings.Contains(err.Error(), "raw message was") {
			return err
		}
		decodeErr := &DecodeError{Service: ServiceEntraID, Err: errors.New("the token response is not a token (the body is not quoted: it may hold one)")}
		if call != nil {
			call.mu.Lock()
			decodeErr.URL, decodeErr.RequestID = call.url, call.requestID
			call.mu.Unlock()
		}
		return decodeErr
	}
	resp := authErr.RawResponse
	apiErr := &APIError{Service: ServiceEntraID, StatusCode: resp.StatusCode, RequestID: requestID(resp.Header)}
	if resp.Request != nil {
		apiErr.Method = resp.Request.Method
		apiErr.URL = stripQuery(resp.Request.URL.String())
	}
	if body, readErr := runtime.Payload(resp); readErr == nil {
		var parsed identityErrorBody
		if json.Unmarshal(body, &parsed) == nil {
			apiErr.Code = parsed.Error
			apiErr.Message = firstLine(parsed.ErrorDescription)
			apiErr.RequestID = firstNonEmpty(apiErr.RequestID, parsed.TraceID, parsed.CorrelationID)
		}
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// A successful status whose body was not a token.
		return &DecodeError{Service: ServiceEntraID, URL: apiErr.URL, RequestID: apiErr.RequestID, Err: errors.New("the token response is not a token")}
	}
	if apiErr.Message == "" {
		apiErr.Message = http.StatusText(resp.StatusCode)
	}
	return apiErr
}

// firstLine keeps the description up to its first line break (Entra adds
// trace ids and timestamps on further lines).
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return strings.TrimSpace(s)
}

// sameHostPolicy refuses any request of an ARM pipeline to another host
// than the Resource Manager endpoint: the Azure SDK's pagers follow
// `nextLink` wherever it points, and the bearer token policy would hand that
// host an ARM token.
type sameHostPolicy struct {
	service Service
	host    string
}

func (p sameHostPolicy) Do(req *policy.Request) (*http.Response, error) {
	u := req.Raw().URL
	if !strings.EqualFold(u.Host, p.host) || !strings.EqualFold(u.Scheme, "https") {
		return nil, &DecodeError{Service: p.service, URL: stripQuery(u.String()),
			Err: fmt.Errorf("a next page link leaves %s; refusing to follow it (the token would go with it)", p.host)}
	}
	return req.Next()
}

func hostOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Host
}
