package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The environment variables of the CI identities, in azurerm's order: the
// first one set wins, and a setting in HCL wins over them all.
func TestCIIdentityEnvironmentVariables(t *testing.T) {
	for _, name := range []string{"ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
		"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "ARM_USE_AKS_WORKLOAD_IDENTITY", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE"} {
		t.Setenv(name, "")
	}
	t.Setenv("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "primary-connection")
	t.Setenv("ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "azapi-connection")
	t.Setenv("SYSTEM_ACCESSTOKEN", "job-access-token")
	t.Setenv("SYSTEM_OIDCREQUESTURI", "https://dev.azure.com/contoso/oidctoken")
	idFile := filepath.Join(t.TempDir(), "client-id")
	if err := os.WriteFile(idFile, []byte("55555555-5555-5555-5555-555555555555\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ARM_CLIENT_ID_FILE_PATH", idFile)
	t.Setenv("ARM_USE_AKS_WORKLOAD_IDENTITY", "true")
	t.Setenv("AZURE_TENANT_ID", "66666666-6666-6666-6666-666666666666")
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token")

	cfg, err := providerModel{}.clientConfig("test")
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Auth
	if a.ADOPipelineServiceConnectionID != "primary-connection" {
		t.Errorf("service connection %q, want ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID's", a.ADOPipelineServiceConnectionID)
	}
	if a.OIDCRequestToken != "job-access-token" || a.OIDCRequestURL != "https://dev.azure.com/contoso/oidctoken" {
		t.Errorf("request token and URL not taken from SYSTEM_ACCESSTOKEN and SYSTEM_OIDCREQUESTURI: %q %q", a.OIDCRequestToken, a.OIDCRequestURL)
	}
	if a.ClientID != "55555555-5555-5555-5555-555555555555" {
		t.Errorf("client id %q, want the content of ARM_CLIENT_ID_FILE_PATH", a.ClientID)
	}
	if !a.UseAKSWorkloadIdentity || a.TenantID != "66666666-6666-6666-6666-666666666666" || a.FederatedTokenFile == "" {
		t.Errorf("AKS workload identity not completed from the environment: %+v", a)
	}

	t.Setenv("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "")
	cfg, _ = providerModel{}.clientConfig("test")
	if cfg.Auth.ADOPipelineServiceConnectionID != "azapi-connection" {
		t.Errorf("service connection %q, want ARM_OIDC_AZURE_SERVICE_CONNECTION_ID's when the first is unset", cfg.Auth.ADOPipelineServiceConnectionID)
	}
	cfg, _ = providerModel{ADOServiceConnectionID: types.StringValue("from-hcl"), UseAKSWorkloadIdentity: types.BoolValue(false)}.clientConfig("test")
	if cfg.Auth.ADOPipelineServiceConnectionID != "from-hcl" || cfg.Auth.UseAKSWorkloadIdentity {
		t.Errorf("HCL did not win over the environment: %+v", cfg.Auth)
	}
}
