package provider_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	securescore "github.com/securescore/terraform-provider-securescore/internal/provider"
)

// jwtLike matches anything shaped like a JWT (header.payload[.signature]):
// access tokens, federated tokens, and the client assertion the certificate
// credential signs, which no test can know in advance.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

// authPath is one way to sign in, with its secrets in the provider block
// (hcl) or in the environment (env).
type authPath struct {
	name    string
	hcl     string
	env     map[string]string
	secrets []string
}

func authPaths(t *testing.T) []authPath {
	t.Helper()
	pfx := writePFX(t, pkcs12.Modern, "certificate-password")
	pem := writeFile(t, "client.pem", emulator.CertificatePEM+"\n"+emulator.PrivateKeyPEM)
	tokenFile := writeFile(t, "oidc-token", emulator.FederatedToken+"\n")
	noSecret := map[string]string{"ARM_CLIENT_SECRET": ""}
	return []authPath{
		{name: "client secret", hcl: fmt.Sprintf("client_secret = %q", emulator.ClientSecret), env: noSecret,
			secrets: []string{emulator.ClientSecret}},
		{name: "certificate PKCS#12 with password", hcl: fmt.Sprintf("client_certificate_path = %q\nclient_certificate_password = %q", pfx, "certificate-password"), env: noSecret,
			secrets: []string{"certificate-password"}},
		{name: "certificate PEM", hcl: fmt.Sprintf("client_certificate_path = %q", pem), env: noSecret,
			secrets: []string{strings.Split(emulator.PrivateKeyPEM, "\n")[1]}},
		{name: "OIDC token", hcl: fmt.Sprintf("use_oidc = true\noidc_token = %q", emulator.FederatedToken), env: noSecret,
			secrets: []string{emulator.FederatedToken}},
		{name: "OIDC token file", hcl: fmt.Sprintf("use_oidc = true\noidc_token_file_path = %q", tokenFile), env: noSecret,
			secrets: []string{emulator.FederatedToken}},
		{name: "OIDC request URL", hcl: fmt.Sprintf("use_oidc = true\noidc_request_url = %q\noidc_request_token = %q", acctest.Emu.OIDCRequestURL(), emulator.OIDCRequestToken), env: noSecret,
			secrets: []string{emulator.OIDCRequestToken, emulator.FederatedToken}},
		{name: "client secret file", hcl: fmt.Sprintf("client_secret_file_path = %q", writeFile(t, "client-secret", emulator.ClientSecret+"\n")), env: noSecret,
			secrets: []string{emulator.ClientSecret}},
		{name: "AKS workload identity", hcl: "use_aks_workload_identity = true", env: map[string]string{"ARM_CLIENT_SECRET": "",
			"AZURE_CLIENT_ID": emulator.ClientID, "AZURE_TENANT_ID": emulator.DefaultTenantID,
			// As the kubelet writes it: the token alone, no newline.
			"AZURE_FEDERATED_TOKEN_FILE": writeFile(t, "azure-identity-token", emulator.FederatedToken)},
			secrets: []string{emulator.FederatedToken}},
		{name: "Azure DevOps service connection", hcl: fmt.Sprintf("use_oidc = true\nado_pipeline_service_connection_id = %q", emulator.AzurePipelinesServiceConnectionID),
			env:     map[string]string{"ARM_CLIENT_SECRET": "", "SYSTEM_ACCESSTOKEN": emulator.SystemAccessToken, "SYSTEM_OIDCREQUESTURI": acctest.Emu.AzurePipelinesOIDCURL()},
			secrets: []string{emulator.SystemAccessToken, emulator.FederatedToken}},
	}
}

// everyAPI reads ARM, Resource Graph and Microsoft Graph and manages an
// improvement action, so the state holds each kind of object.
func everyAPI(t *testing.T) string {
	t.Helper()
	id := openAction(t)
	return fmt.Sprintf(`
data "securescore_defender_score" "probe" {}

data "securescore_defender_scores" "all" {}

data "securescore_microsoft365_improvement_action" "one" {
  control_id = %[1]q
}

resource "securescore_microsoft365_improvement_action" "managed" {
  control_id = %[1]q
  status     = "planned"
  notes      = "state secrets test"
}
`, id)
}

// openAction adds an improvement action no other test touches that the
// resource may manage (not already completed).
func openAction(t *testing.T) string {
	t.Helper()
	ids := acctest.Emu.AddProfiles(emulator.DefaultTenantID, 2)
	for _, c := range acctest.Emu.Tenant(emulator.DefaultTenantID).SecureScores[0].ControlScores {
		if c.ControlName == ids[0] && c.Score >= 5 {
			return ids[1]
		}
	}
	return ids[0]
}

// TestAccProviderStateHoldsNoSecret applies a configuration over every API
// with each sign-in method's secrets in the provider block, then reads every
// state file Terraform wrote: none may hold a secret, an access token, or
// anything JWT-shaped. Provider settings never go to state; this proves it.
func TestAccProviderStateHoldsNoSecret(t *testing.T) {
	for _, path := range authPaths(t) {
		t.Run(path.name, func(t *testing.T) {
			for k, v := range path.env {
				t.Setenv(k, v)
			}
			reset()
			workDir := t.TempDir()
			checked := 0
			checkStates := func(*terraform.State) error {
				return filepath.WalkDir(workDir, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() || !strings.Contains(d.Name(), ".tfstate") {
						return err
					}
					data, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					checked++
					return noSecretIn(string(data), "state file "+d.Name(), path.secrets)
				})
			}
			acctest.Test(t, resource.TestCase{
				WorkingDir: workDir,
				Steps: []resource.TestStep{{
					Config: acctest.ProviderConfigWith(path.hcl) + everyAPI(t),
					Check:  checkStates,
				}},
			})
			if checked == 0 {
				t.Fatal("no state file was found, so the test proves nothing")
			}
		})
	}
}

func noSecretIn(text, where string, secrets []string) error {
	for _, s := range append(append([]string{}, secrets...), acctest.Emu.IssuedTokens()...) {
		if s != "" && strings.Contains(text, s) {
			return fmt.Errorf("%s contains a secret or token (%d chars starting %q)", where, len(s), s[:4])
		}
	}
	if m := jwtLike.FindString(text); m != "" {
		return fmt.Errorf("%s contains a JWT-shaped string starting %q", where, m[:12])
	}
	if regexp.MustCompile(`(?i)bearer [a-z0-9._-]{8,}`).MatchString(text) {
		return fmt.Errorf("%s contains a bearer token", where)
	}
	return nil
}

// TestAccProviderLogRedactionOnErrors: a TRACE log of failed sign-ins and a
// token answer that cannot be read holds no secret and no token either
// (MSAL quotes an unreadable token answer, which holds the access token).
func TestAccProviderLogRedactionOnErrors(t *testing.T) {
	logPath := traceLog(t)
	cases := []struct {
		name  string
		fault emulator.Fault
		want  string
	}{
		{"unreadable token answer", emulator.Fault{Malformed: true}, `(?s)unexpected response.*Microsoft Entra ID.*not the documented shape`},
		{"token answer of another shape", emulator.Fault{WrongShape: true}, `(?s)unexpected response.*Microsoft Entra ID`},
		{"sign-in refused", emulator.Fault{Status: 401}, `(?s)HTTP 401.*Microsoft Entra ID`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reset()
			acctest.Emu.SetFault(emulator.RouteToken, tc.fault)
			t.Cleanup(acctest.Emu.ClearFaults)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: acctest.ProviderConfig() + probe, ExpectError: acctest.Wrapped(tc.want)}},
			})
		})
	}
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "Microsoft Entra ID") {
		t.Fatalf("the log has no sign-in error, so the test proves nothing (%d bytes)", len(data))
	}
	if err := noSecretIn(string(data), "the TRACE log", []string{emulator.ClientSecret}); err != nil {
		t.Error(err)
	}
}

// No setting turns TLS verification off or allows plain http: the
// provider's schema has none (the endpoint block's included).
func TestProviderHasNoInsecureSetting(t *testing.T) {
	var resp provider.SchemaResponse
	securescore.New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	names := []string{}
	for name, attr := range resp.Schema.Attributes {
		names = append(names, name)
		if nested, ok := attr.(schema.SingleNestedAttribute); ok {
			for inner := range nested.Attributes {
				names = append(names, name+"."+inner)
			}
		}
	}
	if len(names) < 10 {
		t.Fatalf("only %d settings found: %v", len(names), names)
	}
	for _, name := range names {
		if regexp.MustCompile(`(?i)insecure|skip|tls|verify|allow_http|plain`).MatchString(name) {
			t.Errorf("the provider has a setting %q that looks like it weakens transport security", name)
		}
	}
}

// TestProviderRefusesUntrustedTLS: an endpoint whose certificate chains to
// a CA the machine does not trust is refused, with a message; there is no
// switch to accept it.
func TestProviderRefusesUntrustedTLS(t *testing.T) {
	other := emulator.New(emulator.Options{})
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// Trust only a CA that did not sign other's certificate.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(acctest.Emu.CACertPEM())
	c, err := client.New(client.Config{
		Auth:       client.AuthConfig{TenantID: emulator.DefaultTenantID, ClientID: emulator.ClientID, ClientSecret: emulator.ClientSecret},
		Endpoints:  client.EndpointOverrides{AuthorityHost: other.AuthorityURL(), ResourceManagerEndpoint: other.ARMURL(), GraphEndpoint: other.GraphURL()},
		HTTPClient: httpClientTrusting(pool),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DefenderScore(context.Background(), emulator.DefaultSubscriptionID, client.DefaultSecureScoreName)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("an untrusted certificate must be refused with a message naming it, got %v", err)
	}
	if other.Count(emulator.RouteToken) != 0 || other.Count(emulator.RouteARMSecureScoreGet) != 0 {
		t.Fatal("a request reached the untrusted server")
	}
	// And plain http is refused before any request, whatever the host.
	_, err = client.New(client.Config{
		Auth:      client.AuthConfig{TenantID: emulator.DefaultTenantID, ClientID: emulator.ClientID, ClientSecret: emulator.ClientSecret},
		Endpoints: client.EndpointOverrides{GraphEndpoint: strings.Replace(other.GraphURL(), "https://", "http://", 1)},
	})
	if err == nil || !strings.Contains(err.Error(), "https://") {
		t.Fatalf("plain http must be refused with a message, got %v", err)
	}
}

func httpClientTrusting(pool *x509.CertPool) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// runEveryAPI is runProbe over ARM, Resource Graph and Microsoft Graph, so
// that a log shows every kind of bearer token.
func runEveryAPI(t *testing.T) {
	t.Helper()
	reset()
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{Config: acctest.ProviderConfig() + everyAPI(t)}},
	})
	if n := acctest.Emu.Count(emulator.RouteToken); n == 0 {
		t.Errorf("no token was requested from the emulator")
	}
}
