package client

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The CI identities azurerm users have: which credential each combination
// of settings chooses, and what is refused before any token request.

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func noEnv(string) string { return "" }

func TestResolveAuthReadsIDAndSecretFiles(t *testing.T) {
	idFile := writeTemp(t, "client-id", "11111111-1111-1111-1111-111111111111\n")
	secretFile := writeTemp(t, "client-secret", "  s3cr3t-from-file \n")
	cfg, err := ResolveAuth(AuthConfig{TenantID: "t"}, idFile, secretFile, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ClientID != "11111111-1111-1111-1111-111111111111" || cfg.ClientSecret != "s3cr3t-from-file" {
		t.Errorf("got client id %q, secret %q", cfg.ClientID, cfg.ClientSecret)
	}
	// The same value in the setting and the file is fine, as in azurerm.
	if _, err := ResolveAuth(AuthConfig{ClientSecret: "s3cr3t-from-file"}, "", secretFile, noEnv); err != nil {
		t.Errorf("agreeing values refused: %v", err)
	}
	// A different one is refused, naming the file, never either secret.
	_, err = ResolveAuth(AuthConfig{ClientSecret: "other-secret"}, "", secretFile, noEnv)
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || cfgErr.Setting != "client_secret_file_path" || cfgErr.EnvVar != "ARM_CLIENT_SECRET_FILE_PATH" {
		t.Fatalf("want a ConfigError on client_secret_file_path, got %v", err)
	}
	if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "other-secret") {
		t.Errorf("the error shows a secret: %v", err)
	}
	_, err = ResolveAuth(AuthConfig{}, filepath.Join(t.TempDir(), "missing"), "", noEnv)
	if !errors.As(err, &cfgErr) || cfgErr.Setting != "client_id_file_path" || !strings.Contains(err.Error(), "cannot read the file") {
		t.Errorf("want an unreadable client_id_file_path, got %v", err)
	}
}

func TestResolveAuthAKSWorkloadIdentity(t *testing.T) {
	env := map[string]string{
		"AZURE_CLIENT_ID":            "22222222-2222-2222-2222-222222222222",
		"AZURE_TENANT_ID":            "33333333-3333-3333-3333-333333333333",
		"AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/azure/tokens/azure-identity-token",
	}
	getenv := func(k string) string { return env[k] }
	cfg, err := ResolveAuth(AuthConfig{UseAKSWorkloadIdentity: true}, "", "", getenv)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ClientID != env["AZURE_CLIENT_ID"] || cfg.TenantID != env["AZURE_TENANT_ID"] || cfg.FederatedTokenFile != env["AZURE_FEDERATED_TOKEN_FILE"] {
		t.Errorf("got %+v", cfg)
	}
	// Without use_aks_workload_identity the webhook's variables are ignored.
	if cfg, _ := ResolveAuth(AuthConfig{}, "", "", getenv); cfg.ClientID != "" || cfg.FederatedTokenFile != "" {
		t.Errorf("AZURE_* read without use_aks_workload_identity: %+v", cfg)
	}
	_, err = ResolveAuth(AuthConfig{UseAKSWorkloadIdentity: true, ClientID: "44444444-4444-4444-4444-444444444444"}, "", "", getenv)
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || cfgErr.Setting != "client_id" || !strings.Contains(err.Error(), "AZURE_CLIENT_ID") {
		t.Errorf("want a client_id that disagrees with AZURE_CLIENT_ID refused, got %v", err)
	}
}

func TestNewCredentialCIIdentities(t *testing.T) {
	endpoints, _ := ResolveEndpoints("public", EndpointOverrides{})
	tokenFile := writeTemp(t, "token", "eyJ.fake.token\n")
	sp := func(c AuthConfig) AuthConfig {
		c.TenantID, c.ClientID = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"
		return c
	}
	t.Setenv("SYSTEM_OIDCREQUESTURI", "https://dev.azure.com/contoso/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken")
	cases := []struct {
		name string
		cfg  AuthConfig
		want string
	}{
		{"AKS workload identity", sp(AuthConfig{UseAKSWorkloadIdentity: true, FederatedTokenFile: tokenFile, UseMSI: true, UseCLI: true}), AuthAKSWorkloadIdentity},
		{"a client secret wins over AKS", sp(AuthConfig{ClientSecret: "s", UseAKSWorkloadIdentity: true, FederatedTokenFile: tokenFile}), AuthClientSecret},
		{"an explicit OIDC token wins over AKS", sp(AuthConfig{UseAKSWorkloadIdentity: true, FederatedTokenFile: tokenFile, OIDCToken: "o"}), AuthOIDC},
		{"Azure DevOps service connection", sp(AuthConfig{UseOIDC: true, ADOPipelineServiceConnectionID: "sc", OIDCRequestToken: "system-access-token", UseMSI: true}), AuthAzurePipelines},
		{"an OIDC token file wins over the service connection", sp(AuthConfig{UseOIDC: true, ADOPipelineServiceConnectionID: "sc", OIDCRequestToken: "x", OIDCTokenFilePath: tokenFile}), AuthOIDC},
		{"AKS wins over the service connection", sp(AuthConfig{UseOIDC: true, ADOPipelineServiceConnectionID: "sc", OIDCRequestToken: "x", UseAKSWorkloadIdentity: true, FederatedTokenFile: tokenFile}), AuthAKSWorkloadIdentity},
		{"a request URL without a service connection is GitHub's", sp(AuthConfig{UseOIDC: true, OIDCRequestURL: "https://token.actions.example", OIDCRequestToken: "x"}), AuthOIDC},
		{"a service connection without use_oidc is not used", AuthConfig{ADOPipelineServiceConnectionID: "sc", OIDCRequestToken: "x", UseCLI: true}, AuthAzureCLI},
	}
	for _, tc := range cases {
		cred, err := NewCredential(tc.cfg, endpoints, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if cred.Method != tc.want {
			t.Errorf("%s: method %s, want %s", tc.name, cred.Method, tc.want)
		}
	}

	refused := []struct {
		name, setting, says string
		cfg                 AuthConfig
		env                 map[string]string
	}{
		{"AKS without the projected token", "use_aks_workload_identity", "AZURE_FEDERATED_TOKEN_FILE is not set", sp(AuthConfig{UseAKSWorkloadIdentity: true}), nil},
		{"AKS without a client id", "client_id", "AKS sets AZURE_CLIENT_ID", AuthConfig{TenantID: "t", UseAKSWorkloadIdentity: true, FederatedTokenFile: tokenFile}, nil},
		{"service connection without the job's token", "oidc_request_token", "SYSTEM_ACCESSTOKEN", sp(AuthConfig{UseOIDC: true, ADOPipelineServiceConnectionID: "sc"}), nil},
		{"service connection outside Azure Pipelines", "ado_pipeline_service_connection_id", "SYSTEM_OIDCREQUESTURI", sp(AuthConfig{UseOIDC: true, ADOPipelineServiceConnectionID: "sc", OIDCRequestToken: "x"}),
			map[string]string{"SYSTEM_OIDCREQUESTURI": ""}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := NewCredential(tc.cfg, endpoints, nil)
			var cfgErr *ConfigError
			if !errors.As(err, &cfgErr) || cfgErr.Setting != tc.setting || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("want a ConfigError on %s saying %q, got %v", tc.setting, tc.says, err)
			}
		})
	}
}
