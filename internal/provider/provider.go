// Package provider defines the securescore provider: its configuration
// schema, how settings fall back to environment variables, and the client
// shared by every data source and resource.
package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/services/defender"
	"github.com/securescore/terraform-provider-securescore/internal/services/microsoft365"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

var _ provider.Provider = &SecureScoreProvider{}

// maxAuxiliaryTenants bounds auxiliary_tenant_ids.
const maxAuxiliaryTenants = 50

// SecureScoreProvider is the provider implementation.
type SecureScoreProvider struct {
	version string
}

// New returns the provider factory for providerserver.Serve and tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &SecureScoreProvider{version: version} }
}

// providerModel maps the provider schema.
type providerModel struct {
	TenantID                  types.String   `tfsdk:"tenant_id"`
	ClientID                  types.String   `tfsdk:"client_id"`
	ClientIDFilePath          types.String   `tfsdk:"client_id_file_path"`
	ClientSecret              types.String   `tfsdk:"client_secret"`
	ClientSecretFilePath      types.String   `tfsdk:"client_secret_file_path"`
	ClientCertificatePath     types.String   `tfsdk:"client_certificate_path"`
	ClientCertificatePassword types.String   `tfsdk:"client_certificate_password"`
	UseOIDC                   types.Bool     `tfsdk:"use_oidc"`
	OIDCToken                 types.String   `tfsdk:"oidc_token"`
	OIDCTokenFilePath         types.String   `tfsdk:"oidc_token_file_path"`
	OIDCRequestURL            types.String   `tfsdk:"oidc_request_url"`
	OIDCRequestToken          types.String   `tfsdk:"oidc_request_token"`
	ADOServiceConnectionID    types.String   `tfsdk:"ado_pipeline_service_connection_id"`
	UseAKSWorkloadIdentity    types.Bool     `tfsdk:"use_aks_workload_identity"`
	UseMSI                    types.Bool     `tfsdk:"use_msi"`
	UseCLI                    types.Bool     `tfsdk:"use_cli"`
	SubscriptionID            types.String   `tfsdk:"subscription_id"`
	AuxiliaryTenantIDs        types.List     `tfsdk:"auxiliary_tenant_ids"`
	Environment               types.String   `tfsdk:"environment"`
	MetadataHost              types.String   `tfsdk:"metadata_host"`
	Endpoint                  *endpointModel `tfsdk:"endpoint"`
}

type endpointModel struct {
	ActiveDirectoryAuthorityHost types.String `tfsdk:"active_directory_authority_host"`
	ResourceManagerEndpoint      types.String `tfsdk:"resource_manager_endpoint"`
	ResourceManagerAudience      types.String `tfsdk:"resource_manager_audience"`
	MicrosoftGraphEndpoint       types.String `tfsdk:"microsoft_graph_endpoint"`
	LogAnalyticsEndpoint         types.String `tfsdk:"log_analytics_endpoint"`
}

func (p *SecureScoreProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "securescore"
	resp.Version = p.version
}

func (p *SecureScoreProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	httpsURL := []validator.String{validators.HTTPSURL()}
	// endpoint is one of the endpoint block's overrides.
	endpoint := func(description string) schema.Attribute {
		return schema.StringAttribute{Optional: true, Validators: httpsURL, MarkdownDescription: description}
	}
	// secret is a credential setting: sensitive, so that Terraform never
	// shows it in a plan or in its output.
	secret := func(description string) schema.Attribute {
		return schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Microsoft Defender for Cloud and Microsoft 365 secure scores and manages Microsoft 365 improvement actions. " +
			"Every setting is optional and falls back to the environment variable named in its description, the same ones the azurerm and azapi providers read.",
		Attributes: map[string]schema.Attribute{
			"tenant_id": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.TenantID()},
				MarkdownDescription: "The Microsoft Entra directory (tenant) id, a GUID. Environment variable: `ARM_TENANT_ID`."},
			"client_id": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The application (client) id of the service principal or user-assigned managed identity. Environment variable: `ARM_CLIENT_ID`."},
			"client_id_file_path": schema.StringAttribute{Optional: true,
				MarkdownDescription: "A file holding the application (client) id, as HCP Terraform's dynamic credentials write it; read when the provider is configured, and it must agree with `client_id` when both are set. Environment variable: `ARM_CLIENT_ID_FILE_PATH`."},
			"client_secret": secret("A client secret of the service principal. Environment variable: `ARM_CLIENT_SECRET`."),
			"client_secret_file_path": schema.StringAttribute{Optional: true,
				MarkdownDescription: "A file holding the client secret (a mounted secret, for example), read when the provider is configured; it must agree with `client_secret` when both are set. The secret is never logged. Environment variable: `ARM_CLIENT_SECRET_FILE_PATH`."},
			"client_certificate_path": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Path to a PEM or PKCS#12 (`.pfx`) file holding the service principal's certificate and private key. Environment variable: `ARM_CLIENT_CERTIFICATE_PATH`."},
			"client_certificate_password": secret("The password of the PKCS#12 certificate, if any. Environment variable: `ARM_CLIENT_CERTIFICATE_PASSWORD`."),
			"use_oidc": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Authenticate with a federated OIDC token (workload identity federation: GitHub Actions, Azure DevOps, HCP Terraform). Environment variable: `ARM_USE_OIDC`."},
			"oidc_token": secret("The federated OIDC token itself. Environment variable: `ARM_OIDC_TOKEN`."),
			"oidc_token_file_path": schema.StringAttribute{Optional: true,
				MarkdownDescription: "A file holding the federated OIDC token, re-read whenever a new token is needed. Environment variable: `ARM_OIDC_TOKEN_FILE_PATH`."},
			"oidc_request_url": schema.StringAttribute{Optional: true, Validators: httpsURL,
				MarkdownDescription: "The URL to request a federated OIDC token from (GitHub Actions). Environment variables: `ARM_OIDC_REQUEST_URL`, then `ACTIONS_ID_TOKEN_REQUEST_URL`, then `SYSTEM_OIDCREQUESTURI`."},
			"oidc_request_token": secret("The bearer token for `oidc_request_url`, or in Azure Pipelines the job's access token. Environment variables: `ARM_OIDC_REQUEST_TOKEN`, then `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, then `SYSTEM_ACCESSTOKEN`."),
			"ado_pipeline_service_connection_id": schema.StringAttribute{Optional: true,
				MarkdownDescription: "With `use_oidc`, in Azure Pipelines: the id of the workload identity federation service connection whose token the provider requests (from `SYSTEM_OIDCREQUESTURI`, with the job's access token `SYSTEM_ACCESSTOKEN`), and renews when it needs a new one. Environment variables: `ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID`, then `ARM_OIDC_AZURE_SERVICE_CONNECTION_ID`."},
			"use_aks_workload_identity": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Authenticate with AKS workload identity: the token the cluster projects into the pod (`AZURE_FEDERATED_TOKEN_FILE`), with `client_id` and `tenant_id` taken from `AZURE_CLIENT_ID` and `AZURE_TENANT_ID` when not set (they must agree when set). Environment variable: `ARM_USE_AKS_WORKLOAD_IDENTITY`."},
			"use_msi": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Authenticate with the managed identity of the machine Terraform runs on; `client_id` picks a user-assigned identity. Environment variable: `ARM_USE_MSI`."},
			"use_cli": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Fall back to the Azure CLI's signed-in account (`az login`) when no other method is configured. Defaults to `true`. Environment variable: `ARM_USE_CLI`."},
			"subscription_id": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.SubscriptionID()},
				MarkdownDescription: "The default subscription of the Defender for Cloud data sources. Environment variable: `ARM_SUBSCRIPTION_ID`."},
			"auxiliary_tenant_ids": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.List{listvalidator.SizeAtMost(maxAuxiliaryTenants), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(validators.TenantIDOrWildcard())},
				MarkdownDescription: "Other tenants the credential may get tokens for (a multi-tenant application consented in each), at most 50. Microsoft 365 data sources and resources target them with `tenant_id`. Environment variable: `ARM_AUXILIARY_TENANT_IDS` (comma-separated)."},
			"environment": schema.StringAttribute{Optional: true,
				Validators:          []validator.String{stringvalidator.OneOfCaseInsensitive(client.Environments()...)},
				MarkdownDescription: "The cloud: `public` (default), `usgovernment` or `china`. It sets the login authority, the Resource Manager endpoint and audience, and the Microsoft Graph endpoint. Ignored when `metadata_host` is set. Environment variable: `ARM_ENVIRONMENT`."},
			"metadata_host": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.MetadataHost()},
				MarkdownDescription: "The host name (with an optional port, no scheme) of a custom cloud's Resource Manager, whose endpoints are read from `https://{metadata_host}/metadata/endpoints` when the provider is configured, as azurerm's `metadata_host` does: Azure Stack Hub, a private cloud, or the bundled emulator (`make emulator` exports it). It replaces `environment`; `endpoint` still overrides single endpoints. Environment variable: `ARM_METADATA_HOSTNAME`."},
			"endpoint": schema.SingleNestedAttribute{Optional: true,
				MarkdownDescription: "Overrides single endpoints of the chosen `environment`, for private clouds and offline testing. Every endpoint must be an `https://` URL. A custom authority host disables Microsoft Entra instance discovery.",
				Attributes: map[string]schema.Attribute{
					"active_directory_authority_host": endpoint("The Microsoft Entra login authority, e.g. `https://login.microsoftonline.com`."),
					"resource_manager_endpoint":       endpoint("The Azure Resource Manager endpoint, e.g. `https://management.azure.com`."),
					"resource_manager_audience":       endpoint("The audience of Resource Manager tokens, e.g. `https://management.core.windows.net/`."),
					"microsoft_graph_endpoint":        endpoint("The Microsoft Graph endpoint, e.g. `https://graph.microsoft.com`."),
					"log_analytics_endpoint":          endpoint("The Azure Monitor Log Analytics query endpoint that `securescore_defender_score_history` reads, e.g. `https://api.loganalytics.io`; it is also the audience of its tokens."),
				},
			},
		},
	}
}

// Configure merges HCL with environment variables and builds the client. It
// makes no network call unless metadata_host is set (the cloud's endpoints
// are read then) and runs nothing unless the Azure CLI is the credential
// (asked for one token then); `terraform validate` never configures the
// provider.
func (p *SecureScoreProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Terraform configures the provider during plan too, and the data sources
	// and the resource's plan need the client then: a setting computed from a
	// resource that does not exist yet cannot be waited for.
	for _, setting := range config.unknownSettings() {
		resp.Diagnostics.AddAttributeError(setting.path, "Provider setting not known until apply",
			fmt.Sprintf("The provider's %s is computed from a value that is known only after apply, but the provider needs it during plan to read data sources and plan resources. "+
				"Set it from a known value (a variable, a literal) or its environment variable, or apply what it comes from first (terraform apply -target=...).", setting.name))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, err := config.clientConfig(p.version)
	if err != nil {
		var configErr *client.ConfigError
		if errors.As(err, &configErr) {
			resp.Diagnostics.Append(diagnostics.ConfigAttributeError(configErr))
		} else {
			resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		}
		return
	}
	metadataHost := config.MetadataHost.ValueString()
	if config.MetadataHost.IsNull() {
		metadataHost = os.Getenv("ARM_METADATA_HOSTNAME")
	}
	if metadataHost != "" {
		cloud, err := client.CloudFromMetadataHost(ctx, metadataHost, nil)
		if err != nil {
			var configErr *client.ConfigError
			if errors.As(err, &configErr) {
				resp.Diagnostics.Append(diagnostics.ConfigAttributeError(configErr))
			} else {
				resp.Diagnostics.Append(diagnostics.FromError("Reading the cloud's endpoints from metadata_host", err, diagnostics.Hint{}))
			}
			return
		}
		cfg.Cloud = cloud
	}
	c, err := client.New(cfg)
	if err != nil {
		var configErr *client.ConfigError
		if d, ok := diagnostics.NoCredentials(err); ok {
			resp.Diagnostics.Append(d)
		} else if errors.As(err, &configErr) {
			resp.Diagnostics.Append(diagnostics.ConfigAttributeError(configErr))
		} else {
			resp.Diagnostics.AddError("Cannot build the API client", err.Error())
		}
		return
	}
	// The Azure CLI fallback is asked for a token now: without it, every data
	// source and resource would fail on its own with the same error.
	if err := c.VerifyCredential(ctx); err != nil {
		if d, ok := diagnostics.NoCredentials(err); ok {
			resp.Diagnostics.Append(d)
		} else {
			resp.Diagnostics.Append(diagnostics.FromError("Signing in with the Azure CLI", err, diagnostics.Hint{}))
		}
		return
	}
	tflog.Info(ctx, "configured securescore provider", map[string]any{
		"auth_method": c.AuthMethod, "environment": cfg.Environment,
		"resource_manager_endpoint": c.Endpoints.ResourceManagerEndpoint, "graph_endpoint": c.Endpoints.GraphEndpoint,
		"log_analytics_endpoint": c.Endpoints.LogAnalyticsEndpoint,
	})
	resp.DataSourceData = c
	resp.ResourceData = c
}

type unknownSetting struct {
	name string
	path path.Path
}

// unknownSettings lists the settings whose value is unknown (computed from a
// resource during plan), in schema order.
func (m providerModel) unknownSettings() []unknownSetting {
	settings := []struct {
		name  string
		value interface{ IsUnknown() bool }
	}{
		{"tenant_id", m.TenantID}, {"client_id", m.ClientID}, {"client_id_file_path", m.ClientIDFilePath},
		{"client_secret", m.ClientSecret}, {"client_secret_file_path", m.ClientSecretFilePath},
		{"client_certificate_path", m.ClientCertificatePath}, {"client_certificate_password", m.ClientCertificatePassword},
		{"use_oidc", m.UseOIDC}, {"oidc_token", m.OIDCToken}, {"oidc_token_file_path", m.OIDCTokenFilePath},
		{"oidc_request_url", m.OIDCRequestURL}, {"oidc_request_token", m.OIDCRequestToken},
		{"ado_pipeline_service_connection_id", m.ADOServiceConnectionID}, {"use_aks_workload_identity", m.UseAKSWorkloadIdentity},
		{"use_msi", m.UseMSI}, {"use_cli", m.UseCLI}, {"subscription_id", m.SubscriptionID},
		{"auxiliary_tenant_ids", m.AuxiliaryTenantIDs}, {"environment", m.Environment}, {"metadata_host", m.MetadataHost},
	}
	var out []unknownSetting
	for _, s := range settings {
		if s.value.IsUnknown() {
			out = append(out, unknownSetting{s.name, path.Root(s.name)})
		}
	}
	if m.Endpoint != nil {
		nested := []struct {
			name  string
			value types.String
		}{
			{"active_directory_authority_host", m.Endpoint.ActiveDirectoryAuthorityHost},
			{"resource_manager_endpoint", m.Endpoint.ResourceManagerEndpoint},
			{"resource_manager_audience", m.Endpoint.ResourceManagerAudience},
			{"microsoft_graph_endpoint", m.Endpoint.MicrosoftGraphEndpoint},
			{"log_analytics_endpoint", m.Endpoint.LogAnalyticsEndpoint},
		}
		for _, s := range nested {
			if s.value.IsUnknown() {
				out = append(out, unknownSetting{"endpoint." + s.name, path.Root("endpoint").AtName(s.name)})
			}
		}
	}
	return out
}

// clientConfig applies the environment-variable fallbacks.
func (m providerModel) clientConfig(version string) (client.Config, error) {
	var errs []error
	str := func(v types.String, envVars ...string) string {
		if !v.IsNull() {
			return v.ValueString()
		}
		for _, name := range envVars {
			if value := os.Getenv(name); value != "" {
				return value
			}
		}
		return ""
	}
	boolean := func(v types.Bool, setting, envVar string, fallback bool) bool {
		if !v.IsNull() {
			return v.ValueBool()
		}
		value := os.Getenv(envVar)
		if value == "" {
			return fallback
		}
		parsed, err := strconv.ParseBool(value)
		if err != nil {
			errs = append(errs, &client.ConfigError{Setting: setting, EnvVar: envVar, Message: fmt.Sprintf("%q is not a boolean (use true or false)", value)})
		}
		return parsed
	}

	cfg := client.Config{
		Auth: client.AuthConfig{
			TenantID:                  str(m.TenantID, "ARM_TENANT_ID"),
			ClientID:                  str(m.ClientID, "ARM_CLIENT_ID"),
			ClientSecret:              str(m.ClientSecret, "ARM_CLIENT_SECRET"),
			ClientCertificatePath:     str(m.ClientCertificatePath, "ARM_CLIENT_CERTIFICATE_PATH"),
			ClientCertificatePassword: str(m.ClientCertificatePassword, "ARM_CLIENT_CERTIFICATE_PASSWORD"),
			UseOIDC:                   boolean(m.UseOIDC, "use_oidc", "ARM_USE_OIDC", false),
			OIDCToken:                 str(m.OIDCToken, "ARM_OIDC_TOKEN"),
			OIDCTokenFilePath:         str(m.OIDCTokenFilePath, "ARM_OIDC_TOKEN_FILE_PATH"),
			OIDCRequestURL:            str(m.OIDCRequestURL, "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"),
			OIDCRequestToken:          str(m.OIDCRequestToken, "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"),
			ADOPipelineServiceConnectionID: str(m.ADOServiceConnectionID,
				"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"),
			UseAKSWorkloadIdentity: boolean(m.UseAKSWorkloadIdentity, "use_aks_workload_identity", "ARM_USE_AKS_WORKLOAD_IDENTITY", false),
			UseMSI:                 boolean(m.UseMSI, "use_msi", "ARM_USE_MSI", false),
			UseCLI:                 boolean(m.UseCLI, "use_cli", "ARM_USE_CLI", true),
		},
		Environment:     strings.ToLower(str(m.Environment, "ARM_ENVIRONMENT")),
		SubscriptionID:  str(m.SubscriptionID, "ARM_SUBSCRIPTION_ID"),
		ProviderVersion: version,
	}
	resolved, err := client.ResolveAuth(cfg.Auth, str(m.ClientIDFilePath, "ARM_CLIENT_ID_FILE_PATH"), str(m.ClientSecretFilePath, "ARM_CLIENT_SECRET_FILE_PATH"), os.Getenv)
	if err != nil {
		errs = append(errs, err)
	}
	cfg.Auth = resolved
	// Values from HCL were checked by the schema's validators; these catch
	// the environment variables.
	if problem := validators.CheckSubscriptionID(cfg.SubscriptionID); cfg.SubscriptionID != "" && m.SubscriptionID.IsNull() && problem != "" {
		errs = append(errs, &client.ConfigError{Setting: "subscription_id", EnvVar: "ARM_SUBSCRIPTION_ID", Message: problem})
	}
	if problem := validators.CheckTenantID(cfg.Auth.TenantID); cfg.Auth.TenantID != "" && m.TenantID.IsNull() && problem != "" {
		errs = append(errs, &client.ConfigError{Setting: "tenant_id", EnvVar: "ARM_TENANT_ID", Message: problem})
	}
	if !m.AuxiliaryTenantIDs.IsNull() {
		for _, e := range m.AuxiliaryTenantIDs.Elements() {
			if s, ok := e.(types.String); ok && !s.IsNull() {
				cfg.Auth.AuxiliaryTenantIDs = append(cfg.Auth.AuxiliaryTenantIDs, s.ValueString())
			}
		}
	} else if value := os.Getenv("ARM_AUXILIARY_TENANT_IDS"); value != "" {
		for _, t := range strings.Split(value, ",") {
			if t = strings.TrimSpace(t); t != "" {
				cfg.Auth.AuxiliaryTenantIDs = append(cfg.Auth.AuxiliaryTenantIDs, t)
			}
		}
		for _, t := range cfg.Auth.AuxiliaryTenantIDs {
			if problem := validators.CheckTenantID(t); t != "*" && problem != "" {
				errs = append(errs, &client.ConfigError{Setting: "auxiliary_tenant_ids", EnvVar: "ARM_AUXILIARY_TENANT_IDS", Message: problem})
			}
		}
		if len(cfg.Auth.AuxiliaryTenantIDs) > maxAuxiliaryTenants {
			errs = append(errs, &client.ConfigError{Setting: "auxiliary_tenant_ids", EnvVar: "ARM_AUXILIARY_TENANT_IDS",
				Message: fmt.Sprintf("%d tenants given; at most %d are allowed", len(cfg.Auth.AuxiliaryTenantIDs), maxAuxiliaryTenants)})
		}
	}
	if m.Endpoint != nil {
		cfg.Endpoints = client.EndpointOverrides{
			AuthorityHost:           m.Endpoint.ActiveDirectoryAuthorityHost.ValueString(),
			ResourceManagerEndpoint: m.Endpoint.ResourceManagerEndpoint.ValueString(),
			ResourceManagerAudience: m.Endpoint.ResourceManagerAudience.ValueString(),
			GraphEndpoint:           m.Endpoint.MicrosoftGraphEndpoint.ValueString(),
			LogAnalyticsEndpoint:    m.Endpoint.LogAnalyticsEndpoint.ValueString(),
		}
	}
	return cfg, errors.Join(errs...)
}

func (p *SecureScoreProvider) Resources(_ context.Context) []func() resource.Resource {
	return append(defender.Resources(), microsoft365.Resources()...)
}

func (p *SecureScoreProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return append(defender.DataSources(), microsoft365.DataSources()...)
}
