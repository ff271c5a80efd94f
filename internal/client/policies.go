package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryStatusCodes are the transient statuses retried by azcore's retry policy.
var retryStatusCodes = []int{
	http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// userAgentPolicy replaces azcore's telemetry User-Agent, whose application
// id is capped at 24 characters, with the provider's full name and version.
type userAgentPolicy struct{ value string }

func (p userAgentPolicy) Do(req *policy.Request) (*http.Response, error) {
	req.Raw().Header.Set("User-Agent", p.value)
	return req.Next()
}

// fractionalRetryAfterPolicy rewrites a fractional `Retry-After: 2.128`
// (Graph sends those) as `retry-after-ms`, which azcore's retry policy reads
// first; azcore itself only parses whole seconds and HTTP-dates. It runs
// inside the retry loop, so the retry policy sees the rewritten header.
type fractionalRetryAfterPolicy struct{}

func (fractionalRetryAfterPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil || resp == nil {
		return resp, err
	}
	value := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if strings.Contains(value, ".") && resp.Header.Get("retry-after-ms") == "" {
		if seconds, parseErr := strconv.ParseFloat(value, 64); parseErr == nil && seconds > 0 {
			resp.Header.Set("retry-after-ms", strconv.FormatInt(int64(seconds*1000+0.5), 10))
		}
	}
	return resp, nil
}

// loggingPolicy logs every attempt through tflog. It allow-lists what it
// writes (method, URL, status, duration, request id) and never touches
// headers or bodies, so tokens and secrets cannot reach the log.
type loggingPolicy struct{ service Service }

func (p loggingPolicy) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	start := time.Now()
	resp, err := req.Next()
	fields := map[string]any{
		"service":     string(p.service),
		"method":      req.Raw().Method,
		"url":         redactedURL(req),
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(ctx, "API request failed", fields)
		return resp, err
	}
	fields["status"] = resp.StatusCode
	if id := requestID(resp.Header); id != "" {
		fields["request_id"] = id
	}
	if resp.StatusCode >= 400 {
		tflog.Debug(ctx, "API request answered with an error", fields)
	} else {
		tflog.Debug(ctx, "API request", fields)
	}
	return resp, nil
}

// redactedURL drops the query string of token requests (none should carry
// secrets, but identity endpoints are where a mistake would leak one).
func redactedURL(req *policy.Request) string {
	u := *req.Raw().URL
	if strings.Contains(u.Path, "/oauth2/") {
		u.RawQuery = ""
	}
	return u.String()
}

func requestID(h http.Header) string {
	return firstNonEmpty(h.Get("x-ms-request-id"), h.Get("request-id"), h.Get("client-request-id"))
}

// lastTransientKey is the context key of the last retryable answer, which
// transientRecorder records inside the retry loop so that a deadline error
// can say what the service kept answering.
type lastTransientKey struct{}

var transientRecorder = recorderPolicy{key: lastTransientKey{}, keep: func(resp *http.Response) bool {
	return runtime.HasStatusCode(resp, retryStatusCodes...)
}}

// deadlinePolicy sits outside the retry loop: when the operation's deadline
// (the `timeouts` block) ends the retries, it keeps the last transient answer
// in the error instead of a bare "context deadline exceeded". A stop
// (the context cancelled, not timed out) says so instead.
type deadlinePolicy struct{}

func (deadlinePolicy) Do(req *policy.Request) (*http.Response, error) {
	req, last := withLastAnswer(req, lastTransientKey{})
	resp, err := req.Next()
	if err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
		if cause := context.Cause(req.Raw().Context()); errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
			// Terraform's stop signal (Ctrl-C), not the timeout: the
			// `timeouts` block had nothing to do with it.
			return resp, fmt.Errorf("stopped before the service answered (Terraform was interrupted): %w", err)
		}
		if status, id, _ := last.get(); status != 0 {
			return resp, fmt.Errorf("gave up when the operation's time ran out; the last attempt answered HTTP %d %s (request id %s): raise the `timeouts` of this block or retry later: %w",
				status, http.StatusText(status), id, err)
		}
		return resp, fmt.Errorf("the operation's time ran out before the service answered: raise the `timeouts` of this block or retry later: %w", err)
	}
	return resp, err
}

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

// unreachablePolicy sits inside the retry loop, next to the transport. A
// refused connection (nothing listens at the address) and a TLS certificate
// the machine does not trust get the same answer on every attempt, so it
// marks them not to be retried: azcore's retry policy retries every other
// transport error, so a wrong endpoint would fail only after every retry.
// A reset connection, a timeout or a DNS failure stay retried: they pass.
type unreachablePolicy struct{}

func (unreachablePolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil && permanentTransportError(err) {
		return resp, &UnreachableError{Err: err}
	}
	return resp, err
}

// UnreachableError is a transport failure that retrying cannot fix: a
// refused connection or an untrusted TLS certificate.
type UnreachableError struct{ Err error }

func (e *UnreachableError) Error() string { return e.Err.Error() }
func (e *UnreachableError) Unwrap() error { return e.Err }

// NonRetriable tells azcore's retry policy not to retry.
func (*UnreachableError) NonRetriable() {}

func permanentTransportError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var invalidCert x509.CertificateInvalidError
	var hostnameErr x509.HostnameError
	var verifyErr *tls.CertificateVerificationError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &verifyErr) ||
		errors.As(err, &unknownAuthority) || errors.As(err, &invalidCert) || errors.As(err, &hostnameErr)
}
