package emulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func clientOptions(t *testing.T, e *Emulator) azcore.ClientOptions {
	return azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: e.AuthorityURL() + "/"},
		Transport: clientFor(t, e),
	}
}

func TestAzidentityClientSecret(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	cred, err := azidentity.NewClientSecretCredential(DefaultTenantID, ClientID, ClientSecret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions: clientOptions(t, e), DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := get(t, c, secURL(e, DefaultSubscriptionID, "secureScores/ascScore"), tok.Token); r.status != http.StatusOK {
		t.Fatalf("ARM with azidentity token: %d %s", r.status, r.raw)
	}
	// The provider's scope form (no double slash) gives an accepted audience too.
	tok2, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := get(t, c, secURL(e, DefaultSubscriptionID, "secureScores"), tok2.Token); r.status != http.StatusOK {
		t.Fatalf("ARM with audience without slash: %d %s", r.status, r.raw)
	}

	bad, _ := azidentity.NewClientSecretCredential(DefaultTenantID, ClientID, "wrong", &azidentity.ClientSecretCredentialOptions{
		ClientOptions: clientOptions(t, e), DisableInstanceDiscovery: true,
	})
	_, err = bad.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{e.GraphURL() + "/.default"}})
	if err == nil || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestAzidentityClientCertificate(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	certs, key, err := azidentity.ParseCertificates([]byte(CertificatePEM+PrivateKeyPEM), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, chain := range []bool{false, true} {
		cred, err := azidentity.NewClientCertificateCredential(SecondTenantID, ClientID, certs, key, &azidentity.ClientCertificateCredentialOptions{
			ClientOptions: clientOptions(t, e), DisableInstanceDiscovery: true, SendCertificateChain: chain,
		})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{e.GraphURL() + "/.default"}})
		if err != nil {
			t.Fatal(err)
		}
		r := get(t, c, e.GraphURL()+"/v1.0/security/secureScores?$top=1", tok.Token)
		if r.status != http.StatusOK || len(r.values()) != 1 {
			t.Fatalf("Graph with certificate token: %d %s", r.status, r.raw)
		}
		if got := path(r.values()[0], "azureTenantId"); got != SecondTenantID {
			t.Fatalf("Graph served tenant %v, want the token's %s", got, SecondTenantID)
		}
	}
}

func TestFederatedTokenViaOIDCRequest(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	fetch := func(bearer, audience string) response {
		return call(t, c, http.MethodGet, e.OIDCRequestURL()+"&audience="+url.QueryEscape(audience), "", nil, "Authorization", "Bearer "+bearer)
	}
	if r := fetch("nope", FederatedTokenAudience); r.status != http.StatusUnauthorized {
		t.Fatalf("wrong bearer: %d", r.status)
	}
	r := fetch(OIDCRequestToken, FederatedTokenAudience)
	if r.status != http.StatusOK || r.body["value"] != FederatedToken {
		t.Fatalf("OIDC request: %d %s", r.status, r.raw)
	}
	cred, err := azidentity.NewClientAssertionCredential(ThirdTenantID, ClientID, func(context.Context) (string, error) {
		return r.body["value"].(string), nil
	}, &azidentity.ClientAssertionCredentialOptions{ClientOptions: clientOptions(t, e), DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{ARMAudience + ".default"}}); err != nil {
		t.Fatal(err)
	}
	if e.Count(RouteOIDCRequest) != 2 || e.Count(RouteToken) != 1 {
		t.Fatalf("counts: %v", e.Counts())
	}

	// A token minted for another audience is refused like Entra ID does.
	other := fetch(OIDCRequestToken, "api://other").body["value"].(string)
	status, body := postForm(t, c, e.AuthorityURL()+"/"+ThirdTenantID+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {ClientID}, "scope": {ARMAudience + ".default"},
		"client_assertion_type": {clientAssertionType}, "client_assertion": {other},
	})
	if status != http.StatusBadRequest || !strings.Contains(body["error_description"].(string), "AADSTS700212") {
		t.Fatalf("other audience: %d %v", status, body)
	}
}

func TestTokenErrors(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	form := func(tenant, client, secret string) (int, map[string]any) {
		return postForm(t, c, e.AuthorityURL()+"/"+tenant+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {client}, "client_secret": {secret},
			"scope": {ARMAudience + ".default"},
		})
	}
	cases := []struct {
		name, tenant, client, secret string
		status                       int
		errCode, aadsts              string
	}{
		{"unknown tenant", "00000000-0000-4000-8000-000000000000", ClientID, ClientSecret, 400, "invalid_request", "AADSTS90002"},
		{"no consent", NoConsentTenantID, ClientID, ClientSecret, 400, "invalid_grant", "AADSTS65001: The user or administrator has not consented"},
		{"wrong secret", DefaultTenantID, ClientID, "x", 401, "invalid_client", "AADSTS7000215"},
		{"unknown client", DefaultTenantID, "11111111-1111-4111-8111-111111111111", ClientSecret, 400, "unauthorized_client", "AADSTS700016"},
	}
	for _, tc := range cases {
		status, body := form(tc.tenant, tc.client, tc.secret)
		if status != tc.status || body["error"] != tc.errCode || !strings.Contains(body["error_description"].(string), tc.aadsts) {
			t.Errorf("%s: %d %v", tc.name, status, body)
		}
		if body["trace_id"] == nil || body["correlation_id"] == nil || body["error_codes"] == nil {
			t.Errorf("%s: incomplete identity error %v", tc.name, body)
		}
	}
	r := get(t, c, e.AuthorityURL()+"/"+DefaultTenantID+"/v2.0/.well-known/openid-configuration", "")
	if r.status != 200 || r.body["token_endpoint"] != e.AuthorityURL()+"/"+DefaultTenantID+"/oauth2/v2.0/token" ||
		r.body["issuer"] != e.AuthorityURL()+"/"+DefaultTenantID+"/v2.0" {
		t.Fatalf("openid configuration: %s", r.raw)
	}
}
