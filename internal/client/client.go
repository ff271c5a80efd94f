// Package client wraps the Azure Resource Manager and Microsoft Graph calls
// the provider makes. It returns plain Go structs and *APIError values; no
// Terraform framework type enters it.
package client

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resourcegraph/armresourcegraph"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/security/armsecurity"
)

// Config is everything needed to build a Client.
type Config struct {
	Auth        AuthConfig
	Environment string
	// Cloud replaces the environment's endpoints (read from a metadata
	// host by CloudFromMetadataHost); Endpoints still override it.
	Cloud          *Endpoints
	Endpoints      EndpointOverrides
	SubscriptionID string
	// ProviderVersion goes into the User-Agent.
	ProviderVersion string
	// MaxRetries bounds the retries of one request (default 4).
	MaxRetries int
	// HTTPClient replaces the transport (tests); nil uses azcore's default,
	// which verifies TLS against the system roots (SSL_CERT_FILE).
	HTTPClient *http.Client
}

// Client is shared by every data source and resource of one configured provider.
type Client struct {
	Endpoints             Endpoints
	AuthMethod            string
	DefaultSubscriptionID string
	HomeTenantID          string
	ClientID              string // the application id, for admin-consent links
	AuxiliaryTenantIDs    []string

	credential    azcore.TokenCredential
	clientOptions azcore.ClientOptions

	armMu         sync.Mutex
	armFactories  map[string]*armsecurity.ClientFactory
	resourceGraph *armresourcegraph.Client
	logAnalytics  *azquery.LogsClient

	graphMu sync.Mutex
	msGraph map[string]*GraphClient
}

// New validates cfg and builds the credential and pipelines. It makes no
// network call: tokens are requested on first use.
func New(cfg Config) (*Client, error) {
	var endpoints Endpoints
	var err error
	if cfg.Cloud != nil {
		endpoints, err = cfg.Cloud.withOverrides(cfg.Endpoints)
	} else {
		endpoints, err = ResolveEndpoints(cfg.Environment, cfg.Endpoints)
	}
	if err != nil {
		return nil, err
	}
	cred, err := NewCredential(cfg.Auth, endpoints, cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	credential := newRefreshingCredential(cred.TokenCredential, func() (azcore.TokenCredential, error) {
		fresh, err := NewCredential(cfg.Auth, endpoints, cfg.HTTPClient)
		if err != nil {
			return nil, err
		}
		return fresh.TokenCredential, nil
	})
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 4
	}
	version := cfg.ProviderVersion
	if version == "" {
		version = "dev"
	}
	clientOptions := azcore.ClientOptions{
		Cloud: cloud.Configuration{
			ActiveDirectoryAuthorityHost: endpoints.AuthorityHost + "/",
			Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: endpoints.ResourceManagerEndpoint, Audience: endpoints.ResourceManagerAudience},
			},
		},
		Retry: policy.RetryOptions{
			MaxRetries:    int32(cfg.MaxRetries),
			RetryDelay:    time.Second,
			MaxRetryDelay: 60 * time.Second,
			StatusCodes:   retryStatusCodes,
		},
		Telemetry:        policy.TelemetryOptions{Disabled: true},
		PerCallPolicies:  []policy.Policy{userAgentPolicy{value: "terraform-provider-securescore/" + version}, deadlinePolicy{}, reauthPolicy{cred: credential}},
		PerRetryPolicies: []policy.Policy{fractionalRetryAfterPolicy{}, transientRecorder, unreachablePolicy{}},
	}
	if cfg.HTTPClient != nil {
		clientOptions.Transport = cfg.HTTPClient
	}
	return &Client{
		Endpoints:             endpoints,
		AuthMethod:            cred.Method,
		DefaultSubscriptionID: cfg.SubscriptionID,
		HomeTenantID:          cfg.Auth.TenantID,
		ClientID:              cfg.Auth.ClientID,
		AuxiliaryTenantIDs:    cfg.Auth.AuxiliaryTenantIDs,
		credential:            credential,
		clientOptions:         clientOptions,
		armFactories:          map[string]*armsecurity.ClientFactory{},
		msGraph:               map[string]*GraphClient{},
	}, nil
}

// withLogging returns a copy of the options that also logs each attempt for service.
func (c *Client) withLogging(service Service) azcore.ClientOptions {
	o := c.clientOptions
	o.PerRetryPolicies = append(append([]policy.Policy{}, o.PerRetryPolicies...), loggingPolicy{service: service}, bodyCheckPolicy{service: service})
	return o
}

func (c *Client) armOptions(service Service) *arm.ClientOptions {
	// The provider only reads from Microsoft.Security: registering resource
	// providers on a 409 would need write permissions the user may not have.
	o := c.withLogging(service)
	o.PerCallPolicies = append(append([]policy.Policy{}, o.PerCallPolicies...), sameHostPolicy{service: service, host: hostOf(c.Endpoints.ResourceManagerEndpoint)})
	return &arm.ClientOptions{ClientOptions: o, DisableRPRegistration: true}
}

func (c *Client) securityFactory(subscriptionID string) (*armsecurity.ClientFactory, error) {
	c.armMu.Lock()
	defer c.armMu.Unlock()
	if f, ok := c.armFactories[subscriptionID]; ok {
		return f, nil
	}
	f, err := armsecurity.NewClientFactory(subscriptionID, c.credential, c.armOptions(ServiceARM))
	if err != nil {
		return nil, fmt.Errorf("building the Microsoft.Security client: %w", err)
	}
	c.armFactories[subscriptionID] = f
	return f, nil
}

func (c *Client) resourceGraphClient() (*armresourcegraph.Client, error) {
	c.armMu.Lock()
	defer c.armMu.Unlock()
	if c.resourceGraph != nil {
		return c.resourceGraph, nil
	}
	o := c.armOptions(ServiceResourceGraph)
	o.PerCallPolicies = append(o.PerCallPolicies, &quotaGate{})
	o.PerRetryPolicies = append(o.PerRetryPolicies, quotaRetryAfterPolicy{})
	rg, err := armresourcegraph.NewClient(c.credential, o)
	if err != nil {
		return nil, fmt.Errorf("building the Resource Graph client: %w", err)
	}
	c.resourceGraph = rg
	return rg, nil
}

// AllowedTenant reports whether the credential may get tokens for tenantID:
// the home tenant, or one of auxiliary_tenant_ids.
func (c *Client) AllowedTenant(tenantID string) bool {
	if tenantID == "" || strings.EqualFold(tenantID, c.HomeTenantID) {
		return true
	}
	for _, t := range c.AuxiliaryTenantIDs {
		if strings.EqualFold(t, tenantID) || t == "*" {
			return true
		}
	}
	return false
}
