package client

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Environment names accepted by the provider's `environment` setting.
const (
	EnvironmentPublic       = "public"
	EnvironmentUSGovernment = "usgovernment"
	EnvironmentChina        = "china"
)

// Endpoints holds every host the provider talks to in one cloud.
type Endpoints struct {
	AuthorityHost           string // Microsoft identity platform, e.g. https://login.microsoftonline.com
	ResourceManagerEndpoint string // Azure Resource Manager, e.g. https://management.azure.com
	ResourceManagerAudience string // audience of ARM tokens, e.g. https://management.core.windows.net/
	GraphEndpoint           string // Microsoft Graph, e.g. https://graph.microsoft.com
	LogAnalyticsEndpoint    string // Azure Monitor Log Analytics query API, e.g. https://api.loganalytics.io (its paths start /v1)
	LogAnalyticsAudience    string // audience of Log Analytics tokens, e.g. https://api.loganalytics.io
	// CustomAuthority is true when the authority host was overridden; instance
	// discovery only knows Microsoft's own hosts, so it is disabled then.
	CustomAuthority bool
}

// GraphScope is the token scope for Microsoft Graph.
func (e Endpoints) GraphScope() string {
	return strings.TrimSuffix(e.GraphEndpoint, "/") + "/.default"
}

// clouds is the one table of per-cloud endpoints: Microsoft Entra authorities
// (https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud),
// Resource Manager (https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure,
// https://learn.microsoft.com/azure/china/resources-developer-guide),
// Microsoft Graph (https://learn.microsoft.com/graph/deployments) and the
// Log Analytics query API (https://learn.microsoft.com/azure/azure-monitor/logs/api/access-api).
var clouds = map[string]Endpoints{
	EnvironmentPublic: {
		AuthorityHost:           "https://login.microsoftonline.com",
		ResourceManagerEndpoint: "https://management.azure.com",
		ResourceManagerAudience: "https://management.core.windows.net/",
		GraphEndpoint:           "https://graph.microsoft.com",
		LogAnalyticsEndpoint:    "https://api.loganalytics.io",
		LogAnalyticsAudience:    "https://api.loganalytics.io",
	},
	EnvironmentUSGovernment: {
		AuthorityHost:           "https://login.microsoftonline.us",
		ResourceManagerEndpoint: "https://management.usgovcloudapi.net",
		ResourceManagerAudience: "https://management.core.usgovcloudapi.net/",
		GraphEndpoint:           "https://graph.microsoft.us",
		LogAnalyticsEndpoint:    "https://api.loganalytics.us",
		LogAnalyticsAudience:    "https://api.loganalytics.us",
	},
	EnvironmentChina: {
		AuthorityHost:           "https://login.chinacloudapi.cn",
		ResourceManagerEndpoint: "https://management.chinacloudapi.cn",
		ResourceManagerAudience: "https://management.core.chinacloudapi.cn/",
		GraphEndpoint:           "https://microsoftgraph.chinacloudapi.cn",
		LogAnalyticsEndpoint:    "https://api.loganalytics.azure.cn",
		LogAnalyticsAudience:    "https://api.loganalytics.azure.cn",
	},
}

// Environments lists the accepted environment names, sorted.
func Environments() []string {
	names := make([]string, 0, len(clouds))
	for name := range clouds {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// EndpointOverrides replaces single hosts of the chosen cloud (private clouds, offline tests).
type EndpointOverrides struct {
	AuthorityHost           string
	ResourceManagerEndpoint string
	ResourceManagerAudience string
	GraphEndpoint           string
	// LogAnalyticsEndpoint also sets the audience of Log Analytics tokens
	// (the API's audience is its host in every cloud).
	LogAnalyticsEndpoint string
}

// ResolveEndpoints picks the cloud's table row and applies the overrides.
// Every endpoint must be an absolute https:// URL: tokens and scores never
// travel in clear text, and there is deliberately no switch to allow it.
func ResolveEndpoints(environment string, o EndpointOverrides) (Endpoints, error) {
	if environment == "" {
		environment = EnvironmentPublic
	}
	e, ok := clouds[strings.ToLower(environment)]
	if !ok {
		return Endpoints{}, &ConfigError{
			Setting: "environment", EnvVar: "ARM_ENVIRONMENT",
			Message: fmt.Sprintf("unknown environment %q; allowed values: %s", environment, strings.Join(Environments(), ", ")),
		}
	}
	return e.withOverrides(o)
}

// withOverrides applies the endpoint overrides to a cloud's endpoints.
func (e Endpoints) withOverrides(o EndpointOverrides) (Endpoints, error) {
	overrides := []struct {
		value, setting string
		target         *string
	}{
		{o.AuthorityHost, "endpoint.active_directory_authority_host", &e.AuthorityHost},
		{o.ResourceManagerEndpoint, "endpoint.resource_manager_endpoint", &e.ResourceManagerEndpoint},
		{o.ResourceManagerAudience, "endpoint.resource_manager_audience", &e.ResourceManagerAudience},
		{o.GraphEndpoint, "endpoint.microsoft_graph_endpoint", &e.GraphEndpoint},
		{o.LogAnalyticsEndpoint, "endpoint.log_analytics_endpoint", &e.LogAnalyticsEndpoint},
	}
	for _, ov := range overrides {
		if ov.value == "" {
			continue
		}
		if err := ValidateHTTPSURL(ov.value); err != nil {
			return Endpoints{}, &ConfigError{Setting: ov.setting, Message: err.Error()}
		}
		*ov.target = strings.TrimSuffix(ov.value, "/")
	}
	if o.ResourceManagerAudience != "" {
		// Audiences conventionally end with a slash; keep the user's spelling.
		e.ResourceManagerAudience = o.ResourceManagerAudience
	}
	if o.LogAnalyticsEndpoint != "" {
		e.LogAnalyticsAudience = e.LogAnalyticsEndpoint
	}
	e.CustomAuthority = e.CustomAuthority || o.AuthorityHost != ""
	return e, nil
}

// ValidateHTTPSURL reports why s is not an absolute https:// URL with a host.
func ValidateHTTPSURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", s, err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q must be an absolute https:// URL (plain http is refused so that tokens never travel in clear text)", s)
	}
	return nil
}
