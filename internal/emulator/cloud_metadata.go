package emulator

import (
	"net/http"
	"strings"
)

// RouteARMMetadata is GET /metadata/endpoints: the cloud's endpoints, as
// Resource Manager serves them to clients of a custom cloud (azurerm's
// metadata_host, `az cloud register --endpoint-resource-manager`). It needs
// no token.
const RouteARMMetadata Route = "arm_metadata"

// metadataAPIVersion is the version whose answer names the Microsoft Graph
// endpoint (microsoftGraphResourceId).
const metadataAPIVersion = "2022-09-01"

func (e *Emulator) metadataRoutes() []routeDef {
	return []routeDef{def(http.MethodGet, "/metadata/endpoints", RouteARMMetadata, e.handleMetadata)}
}

// cloudMetadata is the answer of api-version 2022-09-01: one object (the
// 2019-05-01 answer is an array of every cloud). Fields the emulator has no
// service for keep the public cloud's values, as a custom cloud's answer
// carries every field.
type cloudMetadata struct {
	Portal         string `json:"portal"`
	Authentication struct {
		LoginEndpoint    string   `json:"loginEndpoint"`
		Audiences        []string `json:"audiences"`
		Tenant           string   `json:"tenant"`
		IdentityProvider string   `json:"identityProvider"`
	} `json:"authentication"`
	Media                    string            `json:"media"`
	GraphAudience            string            `json:"graphAudience"`
	Graph                    string            `json:"graph"`
	Name                     string            `json:"name"`
	Suffixes                 map[string]string `json:"suffixes"`
	Batch                    string            `json:"batch"`
	ResourceManager          string            `json:"resourceManager"`
	VMImageAliasDoc          string            `json:"vmImageAliasDoc"`
	ActiveDirectoryDataLake  string            `json:"activeDirectoryDataLake"`
	SQLManagement            string            `json:"sqlManagement"`
	MicrosoftGraphResourceID string            `json:"microsoftGraphResourceId"`
	AppInsightsResourceID    string            `json:"appInsightsResourceId"`
	AttestationResourceID    string            `json:"attestationResourceId"`
	SynapseAnalyticsResource string            `json:"synapseAnalyticsResourceId"`
	LogAnalyticsResourceID   string            `json:"logAnalyticsResourceId"`
	OSSRDBMSResourceID       string            `json:"ossrDbmsResourceId"`
}

// legacyCloudMetadata is the answer without api-version (or 1.0, 2015-01-01).
type legacyCloudMetadata struct {
	GalleryEndpoint string `json:"galleryEndpoint"`
	GraphEndpoint   string `json:"graphEndpoint"`
	PortalEndpoint  string `json:"portalEndpoint"`
	Authentication  struct {
		LoginEndpoint string   `json:"loginEndpoint"`
		Audiences     []string `json:"audiences"`
	} `json:"authentication"`
}

func (e *Emulator) handleMetadata(rc *reqCtx) {
	armAudiences := []string{ARMAudience, e.armURL + "/"}
	switch v := rc.r.URL.Query().Get("api-version"); v {
	case "", "1.0", "2015-01-01":
		var m legacyCloudMetadata
		m.GalleryEndpoint = "https://gallery.azure.com/"
		m.GraphEndpoint = "https://graph.windows.net/"
		m.PortalEndpoint = "https://portal.azure.com/"
		m.Authentication.LoginEndpoint = e.authorityURL + "/"
		m.Authentication.Audiences = armAudiences
		rc.writeJSON(http.StatusOK, m)
	case "2019-05-01", "2020-06-01":
		rc.writeJSON(http.StatusOK, []cloudMetadata{e.cloudMetadata(armAudiences)})
	case metadataAPIVersion:
		rc.writeJSON(http.StatusOK, e.cloudMetadata(armAudiences))
	default:
		rc.fail(http.StatusBadRequest, "InvalidApiVersionParameter",
			"The api-version '"+v+"' is invalid. The supported versions are '"+strings.Join([]string{"2015-01-01", "2019-05-01", "2020-06-01", metadataAPIVersion}, ",")+"'.")
	}
}

func (e *Emulator) cloudMetadata(armAudiences []string) cloudMetadata {
	var m cloudMetadata
	m.Portal = "https://portal.azure.com"
	m.Authentication.LoginEndpoint = e.authorityURL
	m.Authentication.Audiences = armAudiences
	m.Authentication.Tenant = "common"
	m.Authentication.IdentityProvider = "AAD"
	m.Media = "https://rest.media.azure.net"
	m.GraphAudience = "https://graph.windows.net/"
	m.Graph = "https://graph.windows.net/"
	m.Name = "SecureScoreEmulator"
	m.Suffixes = map[string]string{
		"acrLoginServer": "azurecr.io", "keyVaultDns": "vault.azure.net", "sqlServerHostname": "database.windows.net",
		"storage": "core.windows.net", "azureFrontDoorEndpointSuffix": "azurefd.net", "mhsmDns": "managedhsm.azure.net",
	}
	m.Batch = "https://batch.core.windows.net/"
	m.ResourceManager = e.armURL + "/"
	m.VMImageAliasDoc = "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json"
	m.ActiveDirectoryDataLake = "https://datalake.azure.net/"
	m.SQLManagement = "https://management.core.windows.net:8443/"
	m.MicrosoftGraphResourceID = e.graphURL + "/"
	m.AppInsightsResourceID = "https://api.applicationinsights.io"
	m.AttestationResourceID = "https://attest.azure.net"
	m.SynapseAnalyticsResource = "https://dev.azuresynapse.net"
	m.LogAnalyticsResourceID = e.logAnalyticsURL
	m.OSSRDBMSResourceID = "https://ossrdbms-aad.database.windows.net"
	return m
}
