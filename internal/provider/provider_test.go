package provider_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func TestMain(m *testing.M) { acctest.Main(m, emulator.Options{}) }

// probe reads ARM, so a working configuration obtains an ARM token.
const probe = `
data "securescore_defender_score" "probe" {}
`

var probeReadsScore = []statecheck.StateCheck{
	acctest.Expect("data.securescore_defender_score.probe", "score_name", knownvalue.StringExact("ascScore")),
	acctest.Expect("data.securescore_defender_score.probe", "subscription_id", knownvalue.StringExact(emulator.DefaultSubscriptionID)),
}

func reset() {
	acctest.Emu.ClearFaults()
	acctest.Emu.ResetCounts()
}

// useNoSecret removes the secret Main exported, so other methods are chosen.
func useNoSecret(t *testing.T) {
	t.Setenv("ARM_CLIENT_SECRET", "")
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runProbe(t *testing.T, providerExtra string) {
	t.Helper()
	reset()
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:            acctest.ProviderConfigWith(providerExtra) + probe,
			ConfigStateChecks: probeReadsScore,
		}},
	})
	if n := acctest.Emu.Count(emulator.RouteToken); n == 0 {
		t.Errorf("no token was requested from the emulator")
	}
}

func TestAccProviderAuthClientSecret(t *testing.T) {
	runProbe(t, "")
}

func TestAccProviderAuthClientSecretInHCL(t *testing.T) {
	useNoSecret(t)
	t.Setenv("ARM_TENANT_ID", "")
	runProbe(t, fmt.Sprintf("tenant_id = %q\nclient_id = %q\nclient_secret = %q", emulator.DefaultTenantID, emulator.ClientID, emulator.ClientSecret))
}

func TestAccProviderAuthClientCertificate(t *testing.T) {
	useNoSecret(t)
	certPath := writeFile(t, "client.pem", emulator.CertificatePEM+"\n"+emulator.PrivateKeyPEM)
	t.Setenv("ARM_CLIENT_CERTIFICATE_PATH", certPath)
	runProbe(t, "")
}

// Both the legacy PKCS#12 encryption (3DES, SHA-1 MAC) and the modern one
// (AES-256, SHA-256 MAC: OpenSSL 3's default) are accepted.
func TestAccProviderAuthClientCertificatePKCS12(t *testing.T) {
	for name, encoder := range map[string]*pkcs12.Encoder{"legacy": pkcs12.LegacyDES, "modern": pkcs12.Modern} {
		t.Run(name, func(t *testing.T) {
			useNoSecret(t)
			t.Setenv("ARM_CLIENT_CERTIFICATE_PATH", writePFX(t, encoder, "certificate-password"))
			t.Setenv("ARM_CLIENT_CERTIFICATE_PASSWORD", "certificate-password")
			runProbe(t, "")
		})
	}
}

// writePFX writes the emulator's client certificate as a PKCS#12 file.
func writePFX(t *testing.T, encoder *pkcs12.Encoder, password string) string {
	t.Helper()
	certs, key, err := azidentity.ParseCertificates([]byte(emulator.CertificatePEM+"\n"+emulator.PrivateKeyPEM), nil)
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := encoder.Encode(key, certs[0], nil, password)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "client.pfx", string(pfx))
}

func TestAccProviderAuthOIDCToken(t *testing.T) {
	useNoSecret(t)
	runProbe(t, fmt.Sprintf("use_oidc = true\noidc_token = %q", emulator.FederatedToken))
}

func TestAccProviderAuthOIDCTokenFile(t *testing.T) {
	useNoSecret(t)
	t.Setenv("ARM_USE_OIDC", "true")
	t.Setenv("ARM_OIDC_TOKEN_FILE_PATH", writeFile(t, "oidc-token", emulator.FederatedToken+"\n"))
	runProbe(t, "")
}

// GitHub Actions exports ACTIONS_ID_TOKEN_REQUEST_*; the provider falls back to them.
func TestAccProviderAuthOIDCRequestURL(t *testing.T) {
	useNoSecret(t)
	t.Setenv("ARM_USE_OIDC", "true")
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", acctest.Emu.OIDCRequestURL())
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", emulator.OIDCRequestToken)
	runProbe(t, "")
	if acctest.Emu.Count(emulator.RouteOIDCRequest) == 0 {
		t.Error("the OIDC request endpoint was not called")
	}
}

func TestAccProviderAuthOIDCRequestRefused(t *testing.T) {
	useNoSecret(t)
	reset()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderConfigWith(fmt.Sprintf("use_oidc = true\noidc_request_url = %q\noidc_request_token = \"wrong\"", acctest.Emu.OIDCRequestURL())) + probe,
			ExpectError: acctest.Wrapped(`(?s)OIDC token request answered 401.*oidc_request_token`),
		}},
	})
}

func TestAccProviderAuthWrongSecret(t *testing.T) {
	t.Setenv("ARM_CLIENT_SECRET", "not-the-secret")
	reset()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderConfig() + probe,
			ExpectError: acctest.Wrapped(`AADSTS7000215`),
		}},
	})
}

func TestAccProviderConfigurationErrors(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		extra string
		want  string
	}{
		{"client id without tenant", map[string]string{"ARM_TENANT_ID": ""}, "", `tenant_id \(ARM_TENANT_ID\)`},
		{"unreadable certificate", map[string]string{"ARM_CLIENT_SECRET": ""}, `client_certificate_path = "/nonexistent/cert.pfx"`, `(?s)client_certificate_path.*cannot read the client certificate`},
		{"certificate that is not one", map[string]string{"ARM_CLIENT_SECRET": "", "ARM_CLIENT_CERTIFICATE_PATH": "GARBAGE"}, "", `(?s)not a usable PEM or PKCS#12`},
		{"oidc without a token source", map[string]string{"ARM_CLIENT_SECRET": ""}, "use_oidc = true", `(?s)use_oidc.*no token source`},
		{"nothing configured", map[string]string{"ARM_CLIENT_SECRET": "", "ARM_USE_CLI": "false"}, "",
			`(?s)No credentials for Microsoft Entra ID.*No authentication method is configured, and the Azure CLI fallback is off.*Set now: tenant_id, client_id\..*client_secret \(ARM_CLIENT_SECRET\).*use_msi = true.*az login`},
		{"OIDC token without use_oidc", map[string]string{"ARM_CLIENT_SECRET": "", "ARM_USE_CLI": "false", "ARM_OIDC_TOKEN": "eyJ.x.y"}, "",
			`(?s)Set now: tenant_id, client_id, oidc_token\. An OIDC token source is set but use_oidc is not: set use_oidc = true`},
		// No Azure CLI on PATH: what could be set, not azidentity's bare error.
		{"nothing configured and no Azure CLI", map[string]string{"ARM_CLIENT_SECRET": "", "ARM_USE_CLI": "true", "PATH": "EMPTYDIR"}, "",
			`(?s)No credentials for Microsoft Entra ID.*asked the Azure CLI \(use_cli, on by default\), which gave no token: executable not found on path\..*Set now: tenant_id, client_id\..*az login`},
		{"not a boolean", map[string]string{"ARM_USE_OIDC": "maybe"}, "", `use_oidc \(ARM_USE_OIDC\): "maybe" is not a boolean`},
		{"unknown environment", nil, `environment = "mars"`, `(?s)environment.*value must be one of`},
		{"plain http endpoint", nil, "", `(?s)Invalid endpoint.*endpoint.resource_manager_endpoint: "http://127.0.0.1:[0-9]+" must be an absolute https:// URL`},
		{"bad default subscription", nil, `subscription_id = "not-a-guid"`, `(?s)Invalid subscription id.*"not-a-guid" is not a subscription id: it must be a GUID`},
		{"subscription resource id", nil, `subscription_id = "/subscriptions/` + emulator.DefaultSubscriptionID + `"`,
			`(?s)Invalid subscription id.*drop the /subscriptions/ prefix and use "` + emulator.DefaultSubscriptionID + `"`},
		{"bad subscription in the environment", map[string]string{"ARM_SUBSCRIPTION_ID": "1234"}, "", `subscription_id \(ARM_SUBSCRIPTION_ID\): "1234" is not a subscription id: it must be a GUID`},
		// Entra would refuse it later with AADSTS90002: refused at plan time instead.
		{"tenant name", nil, `tenant_id = "contoso"`, `(?s)Invalid tenant id.*"contoso" is not a directory \(tenant\) id: it must be a GUID`},
		{"tenant name in the environment", map[string]string{"ARM_TENANT_ID": "contoso.onmicrosoft.com"}, "",
			`tenant_id \(ARM_TENANT_ID\): "contoso.onmicrosoft.com" is not a directory \(tenant\) id`},
		{"auxiliary tenant name", nil, `auxiliary_tenant_ids = ["fabrikam"]`, `(?s)Invalid tenant id.*"fabrikam" is not a directory \(tenant\) id`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := tc.env["PATH"]; ok && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
				// terraform-plugin-testing finds Terraform on PATH otherwise.
				tf, err := exec.LookPath("terraform")
				if err != nil {
					t.Fatal(err)
				}
				t.Setenv("TF_ACC_TERRAFORM_PATH", tf)
			}
			for k, v := range tc.env {
				switch v {
				case "GARBAGE":
					v = writeFile(t, "garbage.pem", "-----BEGIN NOTHING-----")
				case "EMPTYDIR":
					v = t.TempDir()
				}
				t.Setenv(k, v)
			}
			config := acctest.ProviderConfigWith(tc.extra) + probe
			if tc.name == "plain http endpoint" {
				config = strings.Replace(config, acctest.Emu.ARMURL(), strings.Replace(acctest.Emu.ARMURL(), "https://", "http://", 1), 1)
			}
			reset()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: config, ExpectError: acctest.Wrapped(tc.want)}},
			})
			if n := acctest.Emu.Count(emulator.RouteToken); n != 0 {
				t.Errorf("a refused configuration requested %d tokens", n)
			}
		})
	}
}

// Explicit endpoints win over the environment's table.
func TestAccProviderEnvironmentWithEndpointOverrides(t *testing.T) {
	reset()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The US Government table's ARM audience is not the emulator's.
				Config:      acctest.ProviderConfigWith(`environment = "usgovernment"`) + probe,
				ExpectError: acctest.Wrapped(`(?s)InvalidAuthenticationTokenAudience.*management.core.usgovcloudapi.net`),
			},
			{
				Config:            acctest.ProviderConfigWithEndpoint(`resource_manager_audience = "https://management.core.windows.net/"`, `environment = "usgovernment"`) + probe,
				ConfigStateChecks: probeReadsScore,
			},
		},
	})
}

// A token minted for another audience is refused by ARM: the provider must
// request ARM tokens with the ARM audience (and Graph tokens with Graph's).
func TestAccProviderAudienceSeparation(t *testing.T) {
	reset()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderConfigWithEndpoint(fmt.Sprintf("resource_manager_audience = %q", acctest.Emu.GraphURL()), "") + probe,
			ExpectError: acctest.Wrapped(`(?s)HTTP 401.*InvalidAuthenticationTokenAudience.*Check the credentials`),
		}},
	})
}

func TestAccProviderRetriesHonourRetryAfter(t *testing.T) {
	reset()
	acctest.Emu.SetFault(emulator.RouteARMSecureScoreGet, emulator.Fault{Status: 429, RetryAfter: "1", Times: 1})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            acctest.ProviderConfig() + probe,
			ConfigStateChecks: probeReadsScore,
			Check: func(*terraform.State) error {
				// One refresh at plan, one at apply's read; the first attempt got the 429.
				if n := acctest.Emu.Count(emulator.RouteARMSecureScoreGet); n < 2 {
					return fmt.Errorf("want the throttled request retried, saw %d requests", n)
				}
				return nil
			},
		}},
	})
}

func TestAccProviderPersistent503EndsInClearError(t *testing.T) {
	reset()
	acctest.Emu.SetFault(emulator.RouteARMSecureScoreGet, emulator.Fault{Status: 503, RetryAfter: "1"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderConfig() + probe,
			ExpectError: acctest.Wrapped(`(?s)HTTP 503.*request id.*Retry later`),
		}},
	})
	// 1 attempt + 4 retries, then a diagnostic; never an endless loop.
	if n := acctest.Emu.Count(emulator.RouteARMSecureScoreGet); n != 5 {
		t.Errorf("want 5 attempts, saw %d", n)
	}
}

// traceLog makes the test's Terraform runs log at TRACE into the file it
// returns. The test is skipped without TF_ACC: its steps need the Terraform
// CLI, and without them the log checks would fail, not skip.
func traceLog(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	return logPath
}

// A TRACE log of every offline auth path holds no secret and no token.
// Secrets come from environment variables, as in a pipeline: the test
// harness itself logs each step's HCL at TRACE.
func TestAccProviderLogRedaction(t *testing.T) {
	logPath := traceLog(t)
	secrets := []string{emulator.ClientSecret, emulator.FederatedToken, emulator.OIDCRequestToken, "certificate-password"}
	pfx := writePFX(t, pkcs12.Modern, "certificate-password")
	pem := writeFile(t, "client.pem", emulator.CertificatePEM+"\n"+emulator.PrivateKeyPEM)
	tokenFile := writeFile(t, "oidc-token", emulator.FederatedToken+"\n")

	authPaths := []map[string]string{
		{},
		{"ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN": emulator.FederatedToken},
		{"ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "true", "ARM_OIDC_REQUEST_URL": acctest.Emu.OIDCRequestURL(), "ARM_OIDC_REQUEST_TOKEN": emulator.OIDCRequestToken},
		{"ARM_CLIENT_SECRET": "", "ARM_CLIENT_CERTIFICATE_PATH": pfx, "ARM_CLIENT_CERTIFICATE_PASSWORD": "certificate-password"},
		{"ARM_CLIENT_SECRET": "", "ARM_CLIENT_CERTIFICATE_PATH": pem},
		{"ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN_FILE_PATH": tokenFile},
	}
	for i, env := range authPaths {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			runEveryAPI(t)
		})
	}

	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	if !strings.Contains(log, "API request") {
		t.Fatalf("the log has no API request lines, so the test proves nothing (%d bytes)", len(data))
	}
	for _, s := range append(secrets, acctest.Emu.IssuedTokens()...) {
		if strings.Contains(log, s) {
			t.Errorf("the TRACE log contains a secret or token (%d chars starting %q)", len(s), s[:4])
		}
	}
	if regexp.MustCompile(`(?i)bearer [a-z0-9._-]{8,}`).MatchString(log) {
		t.Error("the TRACE log contains a bearer token")
	}
	// The certificate credential's client assertion is a JWT no test can
	// know in advance: nothing JWT-shaped may be in the log.
	if m := jwtLike.FindString(log); m != "" {
		t.Errorf("the TRACE log contains a JWT-shaped string starting %q", m[:12])
	}
}

// A setting computed from a resource is unknown during plan, when the data
// sources read: one error that names it, not a generic "not configured".
func TestAccProviderUnknownSetting(t *testing.T) {
	reset()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "tenant" {
  input = "` + emulator.DefaultTenantID + `"
}
` + acctest.ProviderConfigWith(`tenant_id = terraform_data.tenant.output`) + probe,
			ExpectError: acctest.Wrapped(`(?s)Provider setting not known until apply.*The provider's tenant_id is computed from a value that is known only after apply`),
		}},
	})
	if n := acctest.Emu.Count(emulator.RouteToken); n != 0 {
		t.Errorf("an unconfigured provider requested %d tokens", n)
	}
}

// metadata_host (or ARM_METADATA_HOSTNAME) alone reaches the emulator: the
// endpoints come from its /metadata/endpoints, as azurerm reads a custom cloud's.
func TestAccProviderMetadataHost(t *testing.T) {
	host := strings.TrimPrefix(acctest.Emu.ARMURL(), "https://")
	refused := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close() //nolint:errcheck // closed to free the port
		return ln.Addr().String()
	}()
	reset()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      "provider \"securescore\" {\n  metadata_host = \"https://" + host + "\"\n}\n" + probe,
				ExpectError: acctest.Wrapped(`(?s)Invalid metadata host.*metadata_host: "https://127.0.0.1:[0-9]+" is not a host name: give the host alone`),
			},
			{
				Config:      fmt.Sprintf("provider \"securescore\" {\n  metadata_host = %q\n}\n", refused) + probe,
				ExpectError: acctest.Wrapped(`(?s)Reading the cloud's endpoints from metadata_host failed.*connection refused.*could not be reached`),
			},
			{
				Config:            fmt.Sprintf("provider \"securescore\" {\n  metadata_host = %q\n}\n", host) + probe,
				ConfigStateChecks: probeReadsScore,
			},
		},
	})
	if n := acctest.Emu.Count(emulator.RouteARMMetadata); n == 0 {
		t.Error("the metadata endpoint was not read")
	}

	// The environment variable, with an empty provider block.
	t.Setenv("ARM_METADATA_HOSTNAME", host)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            "provider \"securescore\" {}\n" + probe,
			ConfigStateChecks: probeReadsScore,
		}},
	})
}
