package emulator

import (
	"fmt"
	"net/http"
)

// Azure Pipelines' OIDC token endpoint (System.OidcRequestUri, exported to
// scripts as SYSTEM_OIDCREQUESTURI): a POST with the job's access token as
// bearer and the service connection in serviceConnectionId answers
// {"oidcToken": ...}, the federated token of that workload identity
// federation service connection
// (https://learn.microsoft.com/rest/api/azure/devops/distributedtask/oidctoken/create).
// An unknown connection answers 404 with the message the agent shows; its
// exact body is a choice.

const (
	// AzurePipelinesServiceConnectionID is the one service connection the
	// emulator's Azure Pipelines OIDC endpoint knows; its token is
	// FederatedToken, accepted for ClientID.
	AzurePipelinesServiceConnectionID = "5b0c2e7a-9d41-4f6e-8a3c-1e7f2d9b4c60"
	// SystemAccessToken is the job access token (System.AccessToken) that
	// endpoint expects as bearer.
	SystemAccessToken = "emulator-azure-pipelines-system-access-token"
)

// AzurePipelinesOIDCURL is the value of SYSTEM_OIDCREQUESTURI for the
// emulator's Azure Pipelines OIDC endpoint.
func (e *Emulator) AzurePipelinesOIDCURL() string {
	return e.authorityURL + "/oidc/azure-pipelines"
}

func (e *Emulator) handleAzurePipelinesOIDC(rc *reqCtx) {
	if rc.r.Header.Get("Authorization") != "Bearer "+SystemAccessToken {
		rc.fail(http.StatusUnauthorized, "", "The job's access token (System.AccessToken) is missing or not valid.")
		return
	}
	if id := rc.r.URL.Query().Get("serviceConnectionId"); id != AzurePipelinesServiceConnectionID {
		rc.fail(http.StatusNotFound, "", fmt.Sprintf("No service connection found with identifier %s.", id))
		return
	}
	rc.writeJSON(http.StatusOK, map[string]any{"oidcToken": FederatedToken})
}
