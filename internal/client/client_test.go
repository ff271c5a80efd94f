package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

func TestResolveEndpoints(t *testing.T) {
	for env, wantGraph := range map[string]string{
		"":             "https://graph.microsoft.com",
		"public":       "https://graph.microsoft.com",
		"USGovernment": "https://graph.microsoft.us",
		"china":        "https://microsoftgraph.chinacloudapi.cn",
	} {
		e, err := ResolveEndpoints(env, EndpointOverrides{})
		if err != nil {
			t.Fatalf("%q: %v", env, err)
		}
		if e.GraphEndpoint != wantGraph || e.CustomAuthority {
			t.Errorf("%q: got %+v", env, e)
		}
	}
	e, _ := ResolveEndpoints("public", EndpointOverrides{})
	if got := e.GraphScope(); got != "https://graph.microsoft.com/.default" {
		t.Errorf("Graph scope %q", got)
	}

	if _, err := ResolveEndpoints("mooncake", EndpointOverrides{}); err == nil || !strings.Contains(err.Error(), "china, public, usgovernment") {
		t.Errorf("unknown environment: %v", err)
	}
	e, err := ResolveEndpoints("public", EndpointOverrides{AuthorityHost: "https://login.example/", GraphEndpoint: "https://graph.example"})
	if err != nil || e.AuthorityHost != "https://login.example" || e.GraphEndpoint != "https://graph.example" || !e.CustomAuthority {
		t.Errorf("overrides: %+v, %v", e, err)
	}
	var cfgErr *ConfigError
	_, err = ResolveEndpoints("public", EndpointOverrides{ResourceManagerEndpoint: "http://management.example"})
	if !errors.As(err, &cfgErr) || cfgErr.Setting != "endpoint.resource_manager_endpoint" {
		t.Errorf("http endpoint must be refused, got %v", err)
	}
}

func TestNewCredentialRefusesIncompleteSettings(t *testing.T) {
	endpoints, _ := ResolveEndpoints("public", EndpointOverrides{})
	dir := t.TempDir()
	garbage := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		cfg         AuthConfig
		wantSetting string
	}{
		{"secret without client id", AuthConfig{TenantID: "t", ClientSecret: "s"}, "client_id"},
		{"client id without tenant", AuthConfig{ClientID: "c", ClientSecret: "s"}, "tenant_id"},
		{"missing certificate", AuthConfig{TenantID: "t", ClientID: "c", ClientCertificatePath: filepath.Join(dir, "nope.pem")}, "client_certificate_path"},
		{"unreadable certificate", AuthConfig{TenantID: "t", ClientID: "c", ClientCertificatePath: garbage}, "client_certificate_path"},
		{"oidc without a token source", AuthConfig{TenantID: "t", ClientID: "c", UseOIDC: true}, "use_oidc"},
		{"oidc request url without token", AuthConfig{TenantID: "t", ClientID: "c", UseOIDC: true, OIDCRequestURL: "https://x"}, "oidc_request_token"},
		{"oidc request url over http", AuthConfig{TenantID: "t", ClientID: "c", UseOIDC: true, OIDCRequestURL: "http://x", OIDCRequestToken: "r"}, "oidc_request_url"},
		{"oidc token file missing", AuthConfig{TenantID: "t", ClientID: "c", UseOIDC: true, OIDCTokenFilePath: filepath.Join(dir, "none")}, "oidc_token_file_path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCredential(tc.cfg, endpoints, nil)
			var cfgErr *ConfigError
			if !errors.As(err, &cfgErr) {
				t.Fatalf("want a ConfigError, got %v", err)
			}
			if cfgErr.Setting != tc.wantSetting {
				t.Errorf("setting %q, want %q (%v)", cfgErr.Setting, tc.wantSetting, err)
			}
		})
	}
}

// Nothing configured: what is set and what could be, not a setting to blame.
func TestNoCredentialsSaysWhatToSet(t *testing.T) {
	endpoints, _ := ResolveEndpoints("public", EndpointOverrides{})
	_, err := NewCredential(AuthConfig{TenantID: "t", OIDCToken: "o"}, endpoints, nil)
	var noCreds *NoCredentialsError
	if !errors.As(err, &noCreds) {
		t.Fatalf("want a NoCredentialsError, got %v", err)
	}
	want := "no authentication method is configured, and the Azure CLI fallback is off (use_cli = false or ARM_USE_CLI=false). Set now: tenant_id, oidc_token." +
		" An OIDC token source is set but use_oidc is not: set use_oidc = true (ARM_USE_OIDC=true)." +
		" Use one of: client_secret (ARM_CLIENT_SECRET), client_certificate_path (ARM_CLIENT_CERTIFICATE_PATH) or use_oidc = true (ARM_USE_OIDC) with an OIDC token," +
		" each with client_id (ARM_CLIENT_ID) and tenant_id (ARM_TENANT_ID); use_aks_workload_identity = true (ARM_USE_AKS_WORKLOAD_IDENTITY) in an AKS pod with workload identity;" +
		" use_msi = true (ARM_USE_MSI) on a machine with a managed identity;" +
		" or install the Azure CLI and sign in with `az login`."
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}

	// The Azure CLI as the fallback: its failure names the alternatives.
	cli := azureCLIFallback{inner: failingCredential{errors.New("AzureCLICredential: executable not found on path")}}
	_, err = cli.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}})
	if !errors.As(err, &noCreds) || noCreds.CLIError != "executable not found on path" ||
		!strings.HasPrefix(err.Error(), "no service principal or managed identity is configured, so the provider asked the Azure CLI (use_cli, on by default), which gave no token: executable not found on path. No credential setting is set. Use one of:") {
		t.Errorf("got %v", err)
	}
}

type failingCredential struct{ err error }

func (c failingCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, c.err
}

func TestNewCredentialChoosesMethodsInOrder(t *testing.T) {
	endpoints, _ := ResolveEndpoints("public", EndpointOverrides{})
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("eyJ.fake.token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cfg  AuthConfig
		want string
	}{
		{AuthConfig{TenantID: "t", ClientID: "c", ClientSecret: "s", UseOIDC: true, OIDCToken: "o", UseCLI: true}, AuthClientSecret},
		{AuthConfig{TenantID: "t", ClientID: "c", UseOIDC: true, OIDCToken: "o", UseMSI: true}, AuthOIDC},
		{AuthConfig{TenantID: "t", ClientID: "c", UseOIDC: true, OIDCTokenFilePath: tokenFile}, AuthOIDC},
		{AuthConfig{UseMSI: true, UseCLI: true}, AuthManagedIdentity},
		{AuthConfig{UseCLI: true}, AuthAzureCLI},
	}
	for _, tc := range cases {
		cred, err := NewCredential(tc.cfg, endpoints, nil)
		if err != nil {
			t.Fatalf("%+v: %v", tc.cfg, err)
		}
		if cred.Method != tc.want {
			t.Errorf("%+v: method %s, want %s", tc.cfg, cred.Method, tc.want)
		}
	}
}

func TestRequestOIDCToken(t *testing.T) {
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer request-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Query().Get("audience") != oidcAudience || r.URL.Query().Get("api-version") != "2.0" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(`{"count":1,"value":"federated"}`))
	}))
	defer server.Close()
	ctx := context.Background()
	got, err := requestOIDCToken(ctx, server.Client(), server.URL+"/token?api-version=2.0", "request-token")
	if err != nil || got != "federated" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := requestOIDCToken(ctx, server.Client(), server.URL+"/token?api-version=2.0", "wrong"); err == nil || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("a refused request must fail without echoing the token: %v", err)
	}
}

func TestAPIErrorFromARMAndGraphBodies(t *testing.T) {
	cases := []struct {
		service           Service
		header            http.Header
		body              string
		wantCode, wantID  string
		wantMessagePrefix string
	}{
		{ServiceARM, http.Header{"X-Ms-Request-Id": {"arm-1"}},
			`{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization","details":[]}}`,
			"AuthorizationFailed", "arm-1", "The client does not"},
		{ServiceGraph, http.Header{},
			`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges","innerError":{"date":"2024-01-01T00:00:00","request-id":"graph-1","client-request-id":"c-1"}}}`,
			"Authorization_RequestDenied", "graph-1", "Insufficient"},
		{ServiceGraph, http.Header{"Request-Id": {"hdr-1"}}, `<html>oops</html>`, "", "hdr-1", "Forbidden"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodGet, "https://example/v1.0/security/secureScores?$top=1", nil)
		resp := &http.Response{StatusCode: http.StatusForbidden, Header: tc.header, Body: io.NopCloser(strings.NewReader(tc.body)), Request: req}
		err := newAPIError(tc.service, resp)
		if err.Code != tc.wantCode || err.RequestID != tc.wantID || !strings.HasPrefix(err.Message, tc.wantMessagePrefix) {
			t.Errorf("%s: got %+v", tc.service, err)
		}
		if strings.Contains(err.URL, "$top") {
			t.Errorf("URL keeps the query: %s", err.URL)
		}
		if IsNotFound(err) {
			t.Errorf("status helpers wrong for %v", err)
		}
	}
}

func TestFractionalRetryAfterIsHonoured(t *testing.T) {
	var calls int
	var gap time.Duration
	var last time.Time
	server := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if !last.IsZero() {
			gap = time.Since(last)
		}
		last = time.Now()
		if calls == 1 {
			w.Header().Set("Retry-After", "0.3")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer server.Close()
	pl := runtime.NewPipeline("test", "v0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport:        server.Client(),
		Retry:            policy.RetryOptions{MaxRetries: 2, RetryDelay: 5 * time.Second, StatusCodes: retryStatusCodes},
		PerRetryPolicies: []policy.Policy{fractionalRetryAfterPolicy{}},
	})
	req, _ := runtime.NewRequest(context.Background(), http.MethodGet, server.URL)
	resp, err := pl.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK || calls != 2 {
		t.Fatalf("status %v, err %v, calls %d", resp, err, calls)
	}
	// Without the rewrite azcore would fall back to its 5 s exponential delay.
	if gap < 250*time.Millisecond || gap > 3*time.Second {
		t.Errorf("waited %s between attempts, want about 300ms", gap)
	}
}

func TestLatestStateUpdateIsNewestByDate(t *testing.T) {
	day := func(d int) *time.Time { v := time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC); return &v }
	p := ControlProfile{ControlStateUpdates: []ControlStateUpdate{
		{State: "Reviewed", UpdatedDateTime: day(5)},
		{State: "Ignored", UpdatedDateTime: day(9)},
		{State: "Default", UpdatedDateTime: day(2)},
		{State: "ThirdParty"},
	}}
	if got := p.LatestStateUpdate(); got == nil || got.State != "Ignored" {
		t.Fatalf("got %+v", got)
	}
	if (ControlProfile{}).LatestStateUpdate() != nil {
		t.Fatal("no updates must give nil")
	}
}

func TestSubscriptionFromID(t *testing.T) {
	for id, want := range map[string]string{
		"/subscriptions/0000-1/providers/Microsoft.Security/secureScores/ascScore": "0000-1",
		"/SUBSCRIPTIONS/abc/resourceGroups/rg":                                     "abc",
		"/providers/Microsoft.Security/secureScoreControlDefinitions/x":            "",
		"": "",
	} {
		if got := SubscriptionFromID(id); got != want {
			t.Errorf("%q: got %q want %q", id, got, want)
		}
	}
}
