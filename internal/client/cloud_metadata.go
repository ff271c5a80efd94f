package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// A custom cloud (Azure Stack Hub, a private cloud, the bundled emulator)
// publishes its endpoints at https://{metadata_host}/metadata/endpoints, the
// document `az cloud register --endpoint-resource-manager` and azurerm's
// metadata_host read
// (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs#metadata_host,
// https://learn.microsoft.com/azure-stack/user/azure-stack-version-profiles-azurecli2).
// api-version 2022-09-01 is the first to name the Microsoft Graph endpoint.
// azidentity and azcore have no reader for it, hence this small one.

const cloudMetadataAPIVersion = "2022-09-01"

// cloudMetadata is the part of the answer the provider uses.
type cloudMetadata struct {
	Name           string `json:"name"`
	Authentication struct {
		LoginEndpoint string   `json:"loginEndpoint"`
		Audiences     []string `json:"audiences"`
	} `json:"authentication"`
	ResourceManager          string `json:"resourceManager"`
	MicrosoftGraphResourceID string `json:"microsoftGraphResourceId"`
	LogAnalyticsResourceID   string `json:"logAnalyticsResourceId"` // optional: securescore_defender_score_history only
}

// ValidateMetadataHost reports why host is not a host name with an optional
// port (what metadata_host takes: no scheme, no path).
func ValidateMetadataHost(host string) error {
	if host == "" || strings.ContainsAny(host, "/?#@ ") {
		return fmt.Errorf("%q is not a host name: give the host alone, with an optional port, e.g. management.azure.com (no https://, no path)", host)
	}
	return nil
}

// CloudFromMetadataHost reads the cloud's endpoints from metadataHost (a host
// name with an optional port, no scheme), for Config.Cloud. httpClient nil
// uses azcore's default transport (the system's trust store).
func CloudFromMetadataHost(ctx context.Context, metadataHost string, httpClient *http.Client) (*Endpoints, error) {
	configErr := func(format string, args ...any) error {
		return &ConfigError{Setting: "metadata_host", EnvVar: "ARM_METADATA_HOSTNAME", Message: fmt.Sprintf(format, args...)}
	}
	if err := ValidateMetadataHost(metadataHost); err != nil {
		return nil, configErr("%v", err)
	}
	endpoint := "https://" + metadataHost + "/metadata/endpoints?api-version=" + cloudMetadataAPIVersion
	options := &policy.ClientOptions{
		Retry:            policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Second, StatusCodes: retryStatusCodes},
		Telemetry:        policy.TelemetryOptions{Disabled: true},
		PerRetryPolicies: []policy.Policy{unreachablePolicy{}},
	}
	if httpClient != nil {
		options.Transport = httpClient
	}
	pipeline := runtime.NewPipeline("securescore", "", runtime.PipelineOptions{}, options)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := runtime.NewRequest(ctx, http.MethodGet, endpoint)
	if err != nil {
		return nil, configErr("%v", err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := pipeline.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the cloud's endpoints from metadata_host (ARM_METADATA_HOSTNAME) %s: %w", endpoint, err)
	}
	defer resp.Body.Close() //nolint:errcheck // read-only body
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, fmt.Errorf("reading the cloud's endpoints from metadata_host (ARM_METADATA_HOSTNAME): %w", newAPIError(ServiceARM, resp))
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil, fmt.Errorf("reading the cloud's endpoints from %s: %w", endpoint, err)
	}
	var m cloudMetadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, &DecodeError{Service: ServiceARM, URL: stripQuery(endpoint), RequestID: requestID(resp.Header),
			Err: fmt.Errorf("the cloud metadata is not the documented object: %w", err)}
	}
	var missing []string
	if m.Authentication.LoginEndpoint == "" {
		missing = append(missing, "authentication.loginEndpoint")
	}
	if len(m.Authentication.Audiences) == 0 || m.Authentication.Audiences[0] == "" {
		missing = append(missing, "authentication.audiences")
	}
	if m.ResourceManager == "" {
		missing = append(missing, "resourceManager")
	}
	if m.MicrosoftGraphResourceID == "" {
		missing = append(missing, "microsoftGraphResourceId")
	}
	if len(missing) > 0 {
		return nil, &DecodeError{Service: ServiceARM, URL: stripQuery(endpoint), RequestID: requestID(resp.Header),
			Err: fmt.Errorf("the cloud metadata has no %s", strings.Join(missing, ", "))}
	}
	e := &Endpoints{
		AuthorityHost:           strings.TrimSuffix(m.Authentication.LoginEndpoint, "/"),
		ResourceManagerEndpoint: strings.TrimSuffix(m.ResourceManager, "/"),
		ResourceManagerAudience: m.Authentication.Audiences[0],
		GraphEndpoint:           strings.TrimSuffix(m.MicrosoftGraphResourceID, "/"),
		LogAnalyticsEndpoint:    strings.TrimSuffix(m.LogAnalyticsResourceID, "/"),
		LogAnalyticsAudience:    strings.TrimSuffix(m.LogAnalyticsResourceID, "/"),
	}
	for setting, u := range map[string]string{
		"authentication.loginEndpoint": e.AuthorityHost, "resourceManager": e.ResourceManagerEndpoint, "microsoftGraphResourceId": e.GraphEndpoint,
	} {
		if err := ValidateHTTPSURL(u); err != nil {
			return nil, configErr("the cloud metadata's %s: %v", setting, err)
		}
	}
	// Instance discovery knows Microsoft's own authorities only.
	e.CustomAuthority = true
	for _, c := range clouds {
		if strings.EqualFold(c.AuthorityHost, e.AuthorityHost) {
			e.CustomAuthority = false
		}
	}
	return e, nil
}
