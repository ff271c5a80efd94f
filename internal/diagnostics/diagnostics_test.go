package diagnostics

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

func TestFromErrorSaysWhatToDo(t *testing.T) {
	cases := []struct {
		err         error
		hint        Hint
		wantSummary string
		wantDetail  []string
	}{
		{&client.APIError{Service: client.ServiceARM, StatusCode: 403, Code: "AuthorizationFailed", RequestID: "r-1"}, Hint{},
			"Reading x failed (HTTP 403)", []string{"AuthorizationFailed", "r-1", "Security Reader"}},
		{&client.APIError{Service: client.ServiceGraph, StatusCode: 403}, Hint{},
			"Reading x failed (HTTP 403)", []string{"SecurityEvents.Read.All"}},
		{&client.APIError{Service: client.ServiceGraph, StatusCode: 403}, Hint{Permission: GraphWritePermission},
			"Reading x failed (HTTP 403)", []string{"SecurityEvents.ReadWrite.All"}},
		{&client.APIError{Service: client.ServiceARM, StatusCode: 401}, Hint{},
			"Reading x failed (HTTP 401)", []string{"Check the credentials"}},
		{fmt.Errorf("page 2: %w", &client.APIError{Service: client.ServiceARM, StatusCode: 404}), Hint{NotFound: "secure score \"nope\""},
			"Reading x failed (HTTP 404)", []string{`Not found: secure score "nope"`}},
		// The subscription, not the score in it, is what ARM did not find.
		{&client.APIError{Service: client.ServiceARM, StatusCode: 404, Code: "SubscriptionNotFound",
			URL: "https://management.azure.com/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/providers/Microsoft.Security/secureScores/ascScore"},
			Hint{NotFound: `secure score "ascScore" in subscription 7444d220-dc62-4eed-8552-76d7697c3f78`},
			"Reading x failed (HTTP 404)", []string{"Not found: subscription 7444d220-dc62-4eed-8552-76d7697c3f78 does not exist or is not visible to the identity. " +
				"Check subscription_id (ARM_SUBSCRIPTION_ID for the provider's default) and that the identity has the Security Reader role (or Reader) on the subscription or management group."}},
		{&client.APIError{Service: client.ServiceGraph, StatusCode: 503, RequestID: "r-5"}, Hint{},
			"Reading x failed (HTTP 503)", []string{"Retry later", "r-5"}},
		{&client.DecodeError{Service: client.ServiceGraph, URL: "https://g/v1.0/x", Err: errors.New("bad")}, Hint{},
			"Reading x failed: unexpected response", []string{"not the documented shape"}},
		{&client.ConfigError{Setting: "tenant_id", EnvVar: "ARM_TENANT_ID", Message: "missing"}, Hint{},
			"Invalid provider configuration", []string{"tenant_id (ARM_TENANT_ID): missing"}},
	}
	for _, tc := range cases {
		d := FromError("Reading x", tc.err, tc.hint)
		if d.Summary() != tc.wantSummary {
			t.Errorf("%v: summary %q, want %q", tc.err, d.Summary(), tc.wantSummary)
		}
		for _, want := range tc.wantDetail {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("%v: detail %q lacks %q", tc.err, d.Detail(), want)
			}
		}
	}
}

func TestClosest(t *testing.T) {
	got := Closest("AdminMFA", []string{"BlockLegacyAuthentication", "AdminMFAV2", "MFARegistrationV2", "aadAdminMFA"}, 2)
	if strings.Join(got, ",") != "AdminMFAV2,aadAdminMFA" {
		t.Errorf("got %v", got)
	}
	if len(Closest("x", nil, 3)) != 0 {
		t.Error("no candidates, no suggestions")
	}
}

func TestWarningsAreDeduplicated(t *testing.T) {
	if n := len(Warnings([]string{"a", "b", "a"})); n != 2 {
		t.Errorf("got %d warnings", n)
	}
}

// A failure on a later page says which page failed, so nobody mistakes the
// error for a short list.
func TestFromErrorKeepsThePageContext(t *testing.T) {
	apiErr := &client.APIError{Service: client.ServiceARM, Method: "GET", URL: "https://management.azure.com/x", StatusCode: 500, Code: "InternalServerError", Message: "boom"}
	d := FromError("Reading", fmt.Errorf("listing: %w", &client.PageError{Page: 3, Err: apiErr}), Hint{})
	if d.Summary() != "Reading failed (HTTP 500)" || !strings.Contains(d.Detail(), "page 3 failed, so the list is incomplete") || !strings.Contains(d.Detail(), "InternalServerError: boom") {
		t.Errorf("diagnostic = %q / %q", d.Summary(), d.Detail())
	}
}

func TestFromErrorExplainsTransportFailures(t *testing.T) {
	refused := &url.Error{Op: "Get", URL: "https://login.microsoftonline.com/t/oauth2/v2.0/token",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"wrapped net error", fmt.Errorf("Microsoft Graph GET https://graph.microsoft.com/v1.0/security/secureScores: %w", refused), "HTTPS_PROXY"},
		// azidentity and MSAL flatten some transport errors to text.
		{"flattened dial error", errors.New(`ClientSecretCredential: unable to resolve an endpoint: server response error:
 Get "https://127.0.0.1:1/t/v2.0/.well-known/openid-configuration?": dial tcp 127.0.0.1:1: connect: connection refused`), "HTTPS_PROXY"},
		{"unknown host", &net.DNSError{Err: "no such host", Name: "management.azure.invalid"}, "`environment`"},
		{"untrusted certificate", fmt.Errorf("Get https://management.azure.com: %w", x509.UnknownAuthorityError{}), "SSL_CERT_FILE"},
	} {
		d := FromError("Reading the secure score", tc.err, Hint{})
		if d.Summary() != "Reading the secure score failed" || !strings.Contains(d.Detail(), tc.want) || !strings.HasPrefix(d.Detail(), tc.err.Error()) {
			t.Errorf("%s: got %q / %q, want the error and %q", tc.name, d.Summary(), d.Detail(), tc.want)
		}
	}
	// An error that is neither gets no transport advice.
	if d := FromError("Reading x", errors.New("something else"), Hint{}); d.Detail() != "something else" {
		t.Errorf("unrelated error: %q", d.Detail())
	}
}
