package provider_test

import (
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// AKS workload identity end to end: the pod's AZURE_* variables alone (no
// ARM_CLIENT_ID or ARM_TENANT_ID) sign in with the projected token.
func TestAccProviderAuthAKSWorkloadIdentity(t *testing.T) {
	useNoSecret(t)
	t.Setenv("ARM_CLIENT_ID", "")
	t.Setenv("ARM_TENANT_ID", "")
	t.Setenv("ARM_USE_AKS_WORKLOAD_IDENTITY", "true")
	t.Setenv("AZURE_CLIENT_ID", emulator.ClientID)
	t.Setenv("AZURE_TENANT_ID", emulator.DefaultTenantID)
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", writeFile(t, "azure-identity-token", emulator.FederatedToken))
	runProbe(t, "")
}

// client_id and client_secret read from files, as HCP Terraform and
// mounted secrets give them.
func TestAccProviderAuthClientIDAndSecretFiles(t *testing.T) {
	useNoSecret(t)
	t.Setenv("ARM_CLIENT_ID", "")
	t.Setenv("ARM_CLIENT_ID_FILE_PATH", writeFile(t, "client-id", emulator.ClientID+"\n"))
	t.Setenv("ARM_CLIENT_SECRET_FILE_PATH", writeFile(t, "client-secret", emulator.ClientSecret+"\n"))
	runProbe(t, "")
}

// An Azure DevOps service connection end to end: azidentity's
// AzurePipelinesCredential asks SYSTEM_OIDCREQUESTURI for the connection's
// token with the job's access token, and signs in with it.
func TestAccProviderAuthAzurePipelines(t *testing.T) {
	useNoSecret(t)
	t.Setenv("ARM_USE_OIDC", "true")
	t.Setenv("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", emulator.AzurePipelinesServiceConnectionID)
	t.Setenv("SYSTEM_ACCESSTOKEN", emulator.SystemAccessToken)
	t.Setenv("SYSTEM_OIDCREQUESTURI", acctest.Emu.AzurePipelinesOIDCURL())
	runProbe(t, "")
	if acctest.Emu.Count(emulator.RouteOIDCRequest) == 0 {
		t.Error("the Azure Pipelines OIDC endpoint was not called")
	}
}
