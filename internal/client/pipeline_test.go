package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// The emulator is only a test dependency: it imports nothing from here.

func startEmulator(t *testing.T, opts emulator.Options) *emulator.Emulator {
	t.Helper()
	e := emulator.New(opts)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// emulatorClient builds a Client for the emulator.
func emulatorClient(t *testing.T, e *emulator.Emulator, secret string) *Client {
	t.Helper()
	return emulatorClientWithARM(t, e, secret, e.ARMURL())
}

// emulatorClientWithARM points ARM elsewhere; extraCA is trusted too.
func emulatorClientWithARM(t *testing.T, e *emulator.Emulator, secret, armURL string, extraCA ...*x509.Certificate) *Client {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(e.CACertPEM())
	for _, c := range extraCA {
		pool.AddCert(c)
	}
	c, err := New(Config{
		Auth:           AuthConfig{TenantID: emulator.DefaultTenantID, ClientID: emulator.ClientID, ClientSecret: secret},
		Endpoints:      EndpointOverrides{AuthorityHost: e.AuthorityURL(), ResourceManagerEndpoint: armURL, GraphEndpoint: e.GraphURL()},
		SubscriptionID: emulator.DefaultSubscriptionID,
		HTTPClient:     &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// emulatorGraph starts an emulator and gives it with the home tenant's
// Graph client on it and a context bounded as testContext's.
func emulatorGraph(t *testing.T) (*emulator.Emulator, *GraphClient, context.Context) {
	t.Helper()
	e := startEmulator(t, emulator.Options{})
	g, err := emulatorClient(t, e, emulator.ClientSecret).Graph("")
	if err != nil {
		t.Fatal(err)
	}
	return e, g, testContext(t)
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// A token the service refuses before its expiry is replaced once, for ARM
// and for Graph; before the fix the provider failed with HTTP 401 until the
// cached token expired.
func TestRefusedTokenIsRenewed(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	ctx := testContext(t)
	if _, err := c.DefenderScore(ctx, emulator.DefaultSubscriptionID, DefaultSecureScoreName); err != nil {
		t.Fatal(err)
	}
	g, err := c.Graph("")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := g.ListControlProfiles(ctx); err != nil {
		t.Fatal(err)
	}
	tokens := e.Count(emulator.RouteToken)
	e.ExpireTokens()
	if _, err := c.DefenderScore(ctx, emulator.DefaultSubscriptionID, DefaultSecureScoreName); err != nil {
		t.Fatalf("ARM after the token was revoked: %v", err)
	}
	if _, _, err := g.ListControlProfiles(ctx); err != nil {
		t.Fatalf("Graph after the token was revoked: %v", err)
	}
	if got := e.Count(emulator.RouteToken) - tokens; got != 2 {
		t.Errorf("%d new tokens, want 2 (ARM and Graph)", got)
	}

	// A wrong audience is not a stale token: no renewal loop, one 401.
	e.ResetCounts()
	bad := emulatorClient(t, e, emulator.ClientSecret)
	bad.Endpoints.GraphEndpoint = e.ARMURL() // Graph tokens for the ARM host
	bg, _ := bad.Graph("")
	_, _, err = bg.ListControlProfiles(ctx)
	if statusOf(err) != http.StatusNotFound && statusOf(err) != http.StatusUnauthorized {
		t.Fatalf("want a plain API error, got %v", err)
	}
}

func TestBodiesOfAnotherShapeAreDecodeErrors(t *testing.T) {
	e := startEmulator(t, emulator.Options{ARMPageSize: 5, GraphPageSize: 10, GraphMaxPageSize: 10, ResourceGraphPageSize: 2})
	c := emulatorClient(t, e, emulator.ClientSecret)
	ctx := testContext(t)
	g, _ := c.Graph("")
	ids := e.AddProfiles(emulator.DefaultTenantID, 1)
	calls := []struct {
		name  string
		route emulator.Route
		page  int
		call  func() error
	}{
		{"ARM get", emulator.RouteARMSecureScoreGet, 0, func() error {
			_, err := c.DefenderScore(ctx, emulator.DefaultSubscriptionID, DefaultSecureScoreName)
			return err
		}},
		{"ARM list page 2", emulator.RouteARMControlList, 2, func() error {
			_, err := c.DefenderControls(ctx, emulator.DefaultSubscriptionID, DefaultSecureScoreName)
			return err
		}},
		{"Resource Graph page 2", emulator.RouteResourceGraph, 2, func() error {
			_, _, err := c.QueryDefenderScores(ctx, ScoreQuery{})
			return err
		}},
		{"Graph list page 2", emulator.RouteGraphProfileList, 2, func() error {
			_, _, err := g.ListControlProfiles(ctx)
			return err
		}},
		{"Graph get", emulator.RouteGraphProfileGet, 0, func() error {
			_, _, err := g.GetControlProfile(ctx, ids[0])
			return err
		}},
		{"Graph PATCH", emulator.RouteGraphProfilePatch, 0, func() error {
			return g.UpdateControlProfile(ctx, ids[0], ControlProfileUpdate{State: "Reviewed", VendorInformation: SecureScoreVendor})
		}},
	}
	for _, tc := range calls {
		for _, fault := range []emulator.Fault{{Malformed: true, Page: tc.page}, {WrongShape: true, Page: tc.page}} {
			e.ClearFaults()
			e.ResetCounts()
			e.SetFault(tc.route, fault)
			err := tc.call()
			var decodeErr *DecodeError
			if !errors.As(err, &decodeErr) {
				t.Errorf("%s %+v: want a DecodeError, got %v", tc.name, fault, err)
				continue
			}
			if decodeErr.RequestID == "" || !strings.Contains(err.Error(), decodeErr.RequestID) {
				t.Errorf("%s %+v: no request id in %v", tc.name, fault, err)
			}
			if n := e.FaultApplied(tc.route); n != 1 {
				t.Errorf("%s %+v: the answer was fetched %d times; a body that cannot be read is not retried", tc.name, fault, n)
			}
			if tc.page > 1 && !strings.Contains(err.Error(), "page 2") {
				t.Errorf("%s: the error does not say page 2 failed: %v", tc.name, err)
			}
		}
	}
}

// A token answer that cannot be read is reported without its body, which
// holds (part of) the access token.
func TestTokenAnswerIsNeverQuoted(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	ctx := testContext(t)
	for _, fault := range []emulator.Fault{{Malformed: true}, {WrongShape: true}} {
		e.SetFault(emulator.RouteToken, fault)
		c := emulatorClient(t, e, emulator.ClientSecret)
		_, err := c.DefenderScore(ctx, emulator.DefaultSubscriptionID, DefaultSecureScoreName)
		var decodeErr *DecodeError
		if !errors.As(err, &decodeErr) || decodeErr.Service != ServiceEntraID || decodeErr.RequestID == "" {
			t.Fatalf("%+v: want a DecodeError of Entra ID with a request id, got %v", fault, err)
		}
		for _, leak := range append(e.IssuedTokens(), "eyJ", "access_token") {
			if strings.Contains(err.Error(), leak) {
				t.Fatalf("%+v: the error quotes the token answer: %v", fault, err)
			}
		}
	}
}

// A refused sign-in is an APIError of Microsoft Entra ID: status, AADSTS
// code and request id, like every other failed call.
func TestSignInErrorIsAPIError(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, "not-the-secret")
	_, err := c.DefenderScore(testContext(t), emulator.DefaultSubscriptionID, DefaultSecureScoreName)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want an APIError, got %v", err)
	}
	if apiErr.Service != ServiceEntraID || apiErr.StatusCode != http.StatusUnauthorized || apiErr.Code != "invalid_client" ||
		!strings.Contains(apiErr.Message, "AADSTS7000215") || apiErr.RequestID == "" || !strings.HasSuffix(apiErr.URL, "/oauth2/v2.0/token") {
		t.Fatalf("got %+v", apiErr)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Fatal("the error quotes the secret")
	}
}

// The Azure SDK's pagers follow nextLink wherever it points; the ARM
// pipeline refuses another host before the bearer token policy adds the token.
func TestARMNextLinkToAnotherHostIsRefused(t *testing.T) {
	var stolen atomic.Int32
	elsewhere := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		_, _ = w.Write([]byte(`{"value":[]}`))
	}))
	defer elsewhere.Close()
	arm := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[{"id":"/subscriptions/` + emulator.DefaultSubscriptionID + `/providers/Microsoft.Security/secureScores/ascScore","name":"ascScore","properties":{"score":{"max":1,"current":1,"percentage":1}}}],"nextLink":"` + elsewhere.URL + `/next?api-version=2020-01-01"}`))
	}))
	defer arm.Close()
	e := startEmulator(t, emulator.Options{})
	c := emulatorClientWithARM(t, e, emulator.ClientSecret, arm.URL, arm.Certificate(), elsewhere.Certificate())

	_, err := c.DefenderScores(testContext(t), emulator.DefaultSubscriptionID)
	var decodeErr *DecodeError
	if !errors.As(err, &decodeErr) || !strings.Contains(err.Error(), "leaves") || !strings.Contains(err.Error(), "page 2") {
		t.Fatalf("want a refused next link on page 2, got %v", err)
	}
	if stolen.Load() != 0 {
		t.Fatal("the other host was called")
	}
}

func TestBodyCheckPolicy(t *testing.T) {
	var calls int
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("x-ms-request-id", "rid-1")
		_, _ = w.Write([]byte(`{"value":[{"id":`))
	}))
	defer server.Close()
	pl := runtime.NewPipeline("test", "v0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport:        server.Client(),
		Retry:            policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, StatusCodes: retryStatusCodes},
		PerRetryPolicies: []policy.Policy{bodyCheckPolicy{service: ServiceARM}},
	})
	req, _ := runtime.NewRequest(context.Background(), http.MethodGet, server.URL+"/x?api-version=1")
	_, err := pl.Do(req)
	var decodeErr *DecodeError
	if !errors.As(err, &decodeErr) || decodeErr.RequestID != "rid-1" || strings.Contains(decodeErr.URL, "api-version") {
		t.Fatalf("got %v", err)
	}
	if calls != 1 {
		t.Errorf("%d calls; an unreadable body is not retried", calls)
	}
}

// When the deadline ends the retries, the error names the last transient
// answer (status and request id): here the first, a 503, since the test
// has the retry policy retry the 404s that follow, which are not transient.
func TestDeadlineNamesLastTransientAnswer(t *testing.T) {
	var calls atomic.Int32
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("x-ms-request-id", "rid-503")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("x-ms-request-id", "rid-404")
		w.WriteHeader(http.StatusNotFound)
	}))
	defer server.Close()
	pl := runtime.NewPipeline("test", "v0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport:        server.Client(),
		Retry:            policy.RetryOptions{MaxRetries: 1000, RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond, StatusCodes: append([]int{http.StatusNotFound}, retryStatusCodes...)},
		PerCallPolicies:  []policy.Policy{deadlinePolicy{}},
		PerRetryPolicies: []policy.Policy{transientRecorder},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := runtime.NewRequest(ctx, http.MethodGet, server.URL+"/x")
	_, err := pl.Do(req)
	if err == nil || !strings.Contains(err.Error(), "the last attempt answered HTTP 503 Service Unavailable (request id rid-503)") {
		t.Fatalf("got %v", err)
	}
}

func TestCheckPatchAnswer(t *testing.T) {
	for body, ok := range map[string]bool{
		"":                          true,
		"  ":                        true,
		`{}`:                        true,
		`{"@odata.context":"x"}`:    true,
		`{"id":"AdminMFAV2"}`:       true,
		`{"value":"oops"}`:          false,
		`[1]`:                       false,
		`{"id":5}`:                  false,
		`{"id":"","title":"x"}`:     false,
		`{"id":"x","maxScore":"z"}`: false,
	} {
		if err := checkPatchAnswer([]byte(body), "https://graph/x", "rid"); (err == nil) != ok {
			t.Errorf("%q: %v", body, err)
		}
	}
}

// countingHTTPClient trusts pool and counts the connections it opens, by address.
func countingHTTPClient(pool *x509.CertPool) (*http.Client, func(addr string) int) {
	var mu sync.Mutex
	dials := map[string]int{}
	dialer := &net.Dialer{}
	transport := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dials[addr]++
			mu.Unlock()
			return dialer.DialContext(ctx, network, addr)
		},
	}
	return &http.Client{Transport: transport}, func(addr string) int {
		mu.Lock()
		defer mu.Unlock()
		return dials[addr]
	}
}

// refusedAddress is a loopback address where nothing listens.
func refusedAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// A refused connection or an untrusted certificate answers the same on every
// attempt: one connection, then the error, without retries.
// Attempts are counted, not timed.
func TestUnreachableEndpointsAreNotRetried(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	untrusted := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request reached the server with the untrusted certificate")
	}))
	defer untrusted.Close()
	refused := refusedAddress(t)
	trusted := x509.NewCertPool()
	trusted.AppendCertsFromPEM(e.CACertPEM())

	cases := []struct {
		name      string
		authority string
		arm       string
		dialed    string // the address that must have been dialled exactly once
		kind      func(error) bool
	}{
		{"Resource Manager refuses the connection", e.AuthorityURL(), "https://" + refused, refused,
			func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }},
		// MSAL flattens the error to text.
		{"the identity platform refuses the connection", "https://" + refused, e.ARMURL(), refused,
			func(err error) bool { return strings.Contains(err.Error(), "connect: connection refused") }},
		{"Resource Manager's certificate is not trusted", e.AuthorityURL(), untrusted.URL, strings.TrimPrefix(untrusted.URL, "https://"),
			func(err error) bool {
				var unknownAuthority x509.UnknownAuthorityError
				return errors.As(err, &unknownAuthority)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			httpClient, dials := countingHTTPClient(trusted)
			c, err := New(Config{
				Auth:       AuthConfig{TenantID: emulator.DefaultTenantID, ClientID: emulator.ClientID, ClientSecret: emulator.ClientSecret},
				Endpoints:  EndpointOverrides{AuthorityHost: tc.authority, ResourceManagerEndpoint: tc.arm, GraphEndpoint: e.GraphURL()},
				HTTPClient: httpClient,
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.DefenderScore(testContext(t), emulator.DefaultSubscriptionID, "ascScore")
			var unreachable *UnreachableError
			if !tc.kind(err) || !errors.As(err, &unreachable) {
				t.Fatalf("want an UnreachableError of the right kind, got %T: %v", err, err)
			}
			if n := dials(tc.dialed); n != 1 {
				t.Errorf("%s was dialled %d times; want 1 (no retries)", tc.dialed, n)
			}
		})
	}
}
