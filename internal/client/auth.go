package client

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"software.sslmate.com/src/go-pkcs12"
)

// Authentication methods, in the order they are chosen from what is set.
const (
	AuthClientSecret      = "client_secret"
	AuthClientCertificate = "client_certificate"
	AuthOIDC              = "oidc"
	// AuthAKSWorkloadIdentity is OIDC with the token AKS projects into the
	// pod (AZURE_FEDERATED_TOKEN_FILE).
	AuthAKSWorkloadIdentity = "aks_workload_identity"
	// AuthAzurePipelines is OIDC with the token of an Azure DevOps service
	// connection, requested with the job's System.AccessToken.
	AuthAzurePipelines  = "azure_pipelines"
	AuthManagedIdentity = "managed_identity"
	AuthAzureCLI        = "azure_cli"
)

// oidcAudience is the audience Entra ID expects in federated tokens.
const oidcAudience = "api://AzureADTokenExchange"

// AuthConfig is the provider's credential settings after HCL and environment
// variables were merged. It holds secrets: never log it.
type AuthConfig struct {
	TenantID                  string
	ClientID                  string
	ClientSecret              string
	ClientCertificatePath     string
	ClientCertificatePassword string
	UseOIDC                   bool
	OIDCToken                 string
	OIDCTokenFilePath         string
	OIDCRequestURL            string
	OIDCRequestToken          string
	// ADOPipelineServiceConnectionID picks the Azure DevOps service
	// connection whose federated token use_oidc signs in with.
	ADOPipelineServiceConnectionID string
	// UseAKSWorkloadIdentity signs in with the token AKS writes to
	// FederatedTokenFile (AZURE_FEDERATED_TOKEN_FILE), see ResolveAuth.
	UseAKSWorkloadIdentity bool
	FederatedTokenFile     string
	UseMSI                 bool
	UseCLI                 bool
	AuxiliaryTenantIDs     []string
}

// Credential is a token source and the method that produced it.
type Credential struct {
	azcore.TokenCredential
	Method string
}

// NewCredential builds the azidentity credential for cfg: client secret,
// client certificate, OIDC client assertion, managed identity, then Azure CLI.
// It makes no network call, so `terraform validate` works offline.
func NewCredential(cfg AuthConfig, endpoints Endpoints, httpClient *http.Client) (*Credential, error) {
	clientOptions := azcore.ClientOptions{
		Cloud:            cloud.Configuration{ActiveDirectoryAuthorityHost: endpoints.AuthorityHost + "/"},
		PerRetryPolicies: []policy.Policy{tokenRecorder, unreachablePolicy{}},
	}
	if httpClient != nil {
		clientOptions.Transport = httpClient
	}
	needsServicePrincipal := cfg.ClientSecret != "" || cfg.ClientCertificatePath != "" || cfg.UseOIDC || cfg.UseAKSWorkloadIdentity
	if needsServicePrincipal {
		if cfg.ClientID == "" {
			return nil, &ConfigError{Setting: "client_id", EnvVar: "ARM_CLIENT_ID",
				Message: "a service principal login (client secret, certificate or OIDC) needs the application (client) id" + aksHint(cfg, "AZURE_CLIENT_ID")}
		}
		if cfg.TenantID == "" {
			return nil, &ConfigError{Setting: "tenant_id", EnvVar: "ARM_TENANT_ID",
				Message: "a service principal login (client secret, certificate or OIDC) needs the directory (tenant) id" + aksHint(cfg, "AZURE_TENANT_ID")}
		}
	}

	switch {
	case cfg.ClientSecret != "":
		cred, err := azidentity.NewClientSecretCredential(cfg.TenantID, cfg.ClientID, cfg.ClientSecret, &azidentity.ClientSecretCredentialOptions{
			ClientOptions:              clientOptions,
			AdditionallyAllowedTenants: cfg.AuxiliaryTenantIDs,
			DisableInstanceDiscovery:   endpoints.CustomAuthority,
		})
		return newCredential(cred, AuthClientSecret, err, "client_secret", "ARM_CLIENT_SECRET")

	case cfg.ClientCertificatePath != "":
		certs, key, err := readCertificate(cfg.ClientCertificatePath, cfg.ClientCertificatePassword)
		if err != nil {
			return nil, err
		}
		cred, err := azidentity.NewClientCertificateCredential(cfg.TenantID, cfg.ClientID, certs, key, &azidentity.ClientCertificateCredentialOptions{
			ClientOptions:              clientOptions,
			AdditionallyAllowedTenants: cfg.AuxiliaryTenantIDs,
			DisableInstanceDiscovery:   endpoints.CustomAuthority,
		})
		return newCredential(cred, AuthClientCertificate, err, "client_certificate_path", "ARM_CLIENT_CERTIFICATE_PATH")

	case cfg.UseAKSWorkloadIdentity && cfg.OIDCToken == "" && cfg.OIDCTokenFilePath == "":
		if cfg.FederatedTokenFile == "" {
			return nil, &ConfigError{Setting: "use_aks_workload_identity", EnvVar: "ARM_USE_AKS_WORKLOAD_IDENTITY",
				Message: "use_aks_workload_identity is true but AZURE_FEDERATED_TOKEN_FILE is not set: run Terraform in a pod labelled `azure.workload.identity/use: \"true\"` whose service account is annotated with the identity's client id, or set oidc_token_file_path"}
		}
		cred, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions:              clientOptions,
			AdditionallyAllowedTenants: cfg.AuxiliaryTenantIDs,
			ClientID:                   cfg.ClientID,
			TenantID:                   cfg.TenantID,
			TokenFilePath:              cfg.FederatedTokenFile,
			DisableInstanceDiscovery:   endpoints.CustomAuthority,
		})
		return newCredential(cred, AuthAKSWorkloadIdentity, err, "use_aks_workload_identity", "ARM_USE_AKS_WORKLOAD_IDENTITY")

	case cfg.UseOIDC && cfg.ADOPipelineServiceConnectionID != "" && cfg.OIDCToken == "" && cfg.OIDCTokenFilePath == "":
		if cfg.OIDCRequestToken == "" {
			return nil, &ConfigError{Setting: "oidc_request_token", EnvVar: "ARM_OIDC_REQUEST_TOKEN or SYSTEM_ACCESSTOKEN",
				Message: "ado_pipeline_service_connection_id is set but the job's access token is not: map it into the step's environment (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken))"}
		}
		cred, err := azidentity.NewAzurePipelinesCredential(cfg.TenantID, cfg.ClientID, cfg.ADOPipelineServiceConnectionID, cfg.OIDCRequestToken,
			&azidentity.AzurePipelinesCredentialOptions{
				ClientOptions:              clientOptions,
				AdditionallyAllowedTenants: cfg.AuxiliaryTenantIDs,
				DisableInstanceDiscovery:   endpoints.CustomAuthority,
			})
		return newCredential(cred, AuthAzurePipelines, err, "ado_pipeline_service_connection_id", "ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID")

	case cfg.UseOIDC || cfg.UseAKSWorkloadIdentity:
		assertion, err := newOIDCAssertionSource(cfg, httpClient)
		if err != nil {
			return nil, err
		}
		cred, err := azidentity.NewClientAssertionCredential(cfg.TenantID, cfg.ClientID, assertion, &azidentity.ClientAssertionCredentialOptions{
			ClientOptions:              clientOptions,
			AdditionallyAllowedTenants: cfg.AuxiliaryTenantIDs,
			DisableInstanceDiscovery:   endpoints.CustomAuthority,
		})
		return newCredential(cred, AuthOIDC, err, "use_oidc", "ARM_USE_OIDC")

	case cfg.UseMSI:
		options := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: clientOptions}
		if cfg.ClientID != "" {
			options.ID = azidentity.ClientID(cfg.ClientID)
		}
		cred, err := azidentity.NewManagedIdentityCredential(options)
		return newCredential(cred, AuthManagedIdentity, err, "use_msi", "ARM_USE_MSI")

	case cfg.UseCLI:
		cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{
			TenantID:                   cfg.TenantID,
			AdditionallyAllowedTenants: cfg.AuxiliaryTenantIDs,
		})
		return newCredential(newAzureCLIFallback(cred, configuredSettings(cfg)), AuthAzureCLI, err, "use_cli", "ARM_USE_CLI")
	}
	return nil, &NoCredentialsError{Set: configuredSettings(cfg)}
}

// aksHint adds, for AKS workload identity, the variable AKS would have set.
func aksHint(cfg AuthConfig, envVar string) string {
	if !cfg.UseAKSWorkloadIdentity {
		return ""
	}
	return fmt.Sprintf(" (with use_aks_workload_identity, AKS sets %s in a pod labelled `azure.workload.identity/use: \"true\"`)", envVar)
}

// ResolveAuth completes cfg as azurerm does: client_id_file_path and
// client_secret_file_path are read (each must agree with client_id or
// client_secret when both are set), and with use_aks_workload_identity
// AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, which the
// AKS workload identity webhook sets in the pod, fill in (or must agree
// with) client_id, tenant_id and the token file. getenv reads the
// environment (os.Getenv). The errors never hold a file's content.
func ResolveAuth(cfg AuthConfig, clientIDFilePath, clientSecretFilePath string, getenv func(string) string) (AuthConfig, error) {
	var err error
	if clientIDFilePath != "" {
		if cfg.ClientID, err = fromFile(cfg.ClientID, clientIDFilePath, "client_id_file_path", "ARM_CLIENT_ID_FILE_PATH", "client_id"); err != nil {
			return cfg, err
		}
	}
	if clientSecretFilePath != "" {
		if cfg.ClientSecret, err = fromFile(cfg.ClientSecret, clientSecretFilePath, "client_secret_file_path", "ARM_CLIENT_SECRET_FILE_PATH", "client_secret"); err != nil {
			return cfg, err
		}
	}
	if !cfg.UseAKSWorkloadIdentity {
		return cfg, nil
	}
	for _, v := range []struct {
		target           *string
		envVar, setting  string
		settingEnvVarFor string
	}{
		{&cfg.ClientID, "AZURE_CLIENT_ID", "client_id", "ARM_CLIENT_ID"},
		{&cfg.TenantID, "AZURE_TENANT_ID", "tenant_id", "ARM_TENANT_ID"},
	} {
		value := strings.TrimSpace(getenv(v.envVar))
		switch {
		case value == "":
		case *v.target == "":
			*v.target = value
		case !strings.EqualFold(*v.target, value):
			return cfg, &ConfigError{Setting: v.setting, EnvVar: v.settingEnvVarFor,
				Message: fmt.Sprintf("%s is %s but AKS workload identity set %s to %s: remove %s or make them agree", v.setting, *v.target, v.envVar, value, v.setting)}
		}
	}
	cfg.FederatedTokenFile = strings.TrimSpace(getenv("AZURE_FEDERATED_TOKEN_FILE"))
	return cfg, nil
}

// fromFile is the trimmed content of path, which must agree with the
// setting's own value when that is set too.
func fromFile(value, path, setting, envVar, valueSetting string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", &ConfigError{Setting: setting, EnvVar: envVar, Message: fmt.Sprintf("cannot read the file: %v", err)}
	}
	content := strings.TrimSpace(string(data))
	if content == "" {
		return "", &ConfigError{Setting: setting, EnvVar: envVar, Message: fmt.Sprintf("%s is empty", path)}
	}
	if value != "" && value != content {
		return "", &ConfigError{Setting: setting, EnvVar: envVar,
			Message: fmt.Sprintf("%s is set and differs from the content of %s: set only one of them, or make them agree", valueSetting, path)}
	}
	return content, nil
}

// newCredential is what an azidentity constructor gave for the method a
// setting picked: the credential (the constructor's, or a wrapper of it),
// or, when the constructor failed, a ConfigError naming the setting.
func newCredential(cred azcore.TokenCredential, method string, err error, setting, envVar string) (*Credential, error) {
	if err != nil {
		return nil, &ConfigError{Setting: setting, EnvVar: envVar, Message: err.Error()}
	}
	return &Credential{cred, method}, nil
}

// NoCredentialsError says that nothing usable is configured: no service
// principal or managed identity, and no Azure CLI token (use_cli off, the
// CLI missing, or nobody signed in). It names what is set, never values.
type NoCredentialsError struct {
	Set      []string // the credential settings that have a value
	CLIError string   // why the Azure CLI gave no token; "" when use_cli is false
}

func (e *NoCredentialsError) Error() string {
	var b strings.Builder
	if e.CLIError != "" {
		fmt.Fprintf(&b, "no service principal or managed identity is configured, so the provider asked the Azure CLI (use_cli, on by default), which gave no token: %s.", e.CLIError)
	} else {
		b.WriteString("no authentication method is configured, and the Azure CLI fallback is off (use_cli = false or ARM_USE_CLI=false).")
	}
	if len(e.Set) > 0 {
		fmt.Fprintf(&b, " Set now: %s.", strings.Join(e.Set, ", "))
	} else {
		b.WriteString(" No credential setting is set.")
	}
	for _, name := range e.Set {
		if strings.HasPrefix(name, "oidc_") || name == "ado_pipeline_service_connection_id" {
			b.WriteString(" An OIDC token source is set but use_oidc is not: set use_oidc = true (ARM_USE_OIDC=true).")
			break
		}
	}
	b.WriteString(" Use one of: client_secret (ARM_CLIENT_SECRET), client_certificate_path (ARM_CLIENT_CERTIFICATE_PATH) or use_oidc = true (ARM_USE_OIDC) with an OIDC token," +
		" each with client_id (ARM_CLIENT_ID) and tenant_id (ARM_TENANT_ID); use_aks_workload_identity = true (ARM_USE_AKS_WORKLOAD_IDENTITY) in an AKS pod with workload identity;" +
		" use_msi = true (ARM_USE_MSI) on a machine with a managed identity;" +
		" or install the Azure CLI and sign in with `az login`.")
	return b.String()
}

// configuredSettings names the credential settings that have a value.
func configuredSettings(cfg AuthConfig) []string {
	var set []string
	for _, s := range []struct {
		name string
		set  bool
	}{
		{"tenant_id", cfg.TenantID != ""}, {"client_id", cfg.ClientID != ""},
		{"client_certificate_password", cfg.ClientCertificatePassword != ""},
		{"oidc_token", cfg.OIDCToken != ""}, {"oidc_token_file_path", cfg.OIDCTokenFilePath != ""},
		{"oidc_request_url", cfg.OIDCRequestURL != ""}, {"oidc_request_token", cfg.OIDCRequestToken != ""},
		{"ado_pipeline_service_connection_id", cfg.ADOPipelineServiceConnectionID != ""},
		{"auxiliary_tenant_ids", len(cfg.AuxiliaryTenantIDs) > 0},
	} {
		if s.set {
			set = append(set, s.name)
		}
	}
	return set
}

// azureCLIFallback is the Azure CLI credential chosen because nothing else
// is configured: when it gives no token, the error says what could be set
// instead of azidentity's bare "AzureCLICredential: executable not found on path".
//
// It keeps the tokens it got until shortly before they expire: azidentity's
// Azure CLI credential caches nothing, and every token runs `az`, so the
// token VerifyCredential asks for when the provider is configured serves the
// first Resource Manager request too.
type azureCLIFallback struct {
	inner azcore.TokenCredential
	set   []string

	mu     sync.Mutex
	tokens map[string]azcore.AccessToken // tokenRequestKey -> token
}

// cliTokenMargin is how long before its expiry a kept token is no longer
// handed out.
const cliTokenMargin = 5 * time.Minute

func newAzureCLIFallback(inner azcore.TokenCredential, set []string) *azureCLIFallback {
	return &azureCLIFallback{inner: inner, set: set, tokens: map[string]azcore.AccessToken{}}
}

func (c *azureCLIFallback) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	key := tokenRequestKey(opts)
	c.mu.Lock()
	kept, ok := c.tokens[key]
	c.mu.Unlock()
	if ok && time.Until(kept.ExpiresOn) > cliTokenMargin {
		return kept, nil
	}
	tok, err := c.inner.GetToken(ctx, opts)
	if err != nil {
		if ctx.Err() == nil {
			return tok, &NoCredentialsError{Set: c.set, CLIError: strings.TrimPrefix(firstLine(err.Error()), "AzureCLICredential: ")}
		}
		return tok, err
	}
	c.mu.Lock()
	c.tokens[key] = tok
	c.mu.Unlock()
	return tok, nil
}

// cliVerifyTimeout bounds VerifyCredential's wait for the Azure CLI.
const cliVerifyTimeout = time.Minute

// VerifyCredential asks the Azure CLI for a Resource Manager token when it
// is the credential the provider fell back to, so that a machine without the
// CLI, or where nobody is signed in, fails the provider's configuration once
// instead of every data source and resource with the same error. The other
// methods are not called: their settings were checked when the credential
// was built, and their token requests go to the network.
func (c *Client) VerifyCredential(ctx context.Context) error {
	if c.AuthMethod != AuthAzureCLI {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, cliVerifyTimeout)
	defer cancel()
	_, err := c.credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{c.Endpoints.ResourceManagerAudience + "/.default"}})
	return err
}

func readCertificate(path, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &ConfigError{Setting: "client_certificate_path", EnvVar: "ARM_CLIENT_CERTIFICATE_PATH",
			Message: fmt.Sprintf("cannot read the client certificate: %v", err)}
	}
	var pw []byte
	if password != "" {
		pw = []byte(password)
	}
	certs, key, err := azidentity.ParseCertificates(data, pw)
	if err != nil && !bytes.Contains(data, []byte("-----BEGIN")) {
		// azidentity decodes PKCS#12 with x/crypto/pkcs12, which lacks the
		// AES and SHA-256 MAC that OpenSSL 3 and current Windows export by
		// default; go-pkcs12 reads both.
		if key, cert, chain, pfxErr := pkcs12.DecodeChain(data, password); pfxErr == nil {
			return append([]*x509.Certificate{cert}, chain...), key, nil
		}
	}
	if err != nil {
		return nil, nil, &ConfigError{Setting: "client_certificate_path", EnvVar: "ARM_CLIENT_CERTIFICATE_PATH",
			Message: fmt.Sprintf("%s is not a usable PEM or PKCS#12 certificate with its private key (check client_certificate_password / ARM_CLIENT_CERTIFICATE_PASSWORD): %v", path, err)}
	}
	return certs, key, nil
}

// newOIDCAssertionSource returns the callback azidentity calls for a fresh
// federated token. Sources in order: a literal token, a token file (re-read on
// every call because pipelines rotate it), or a token-request endpoint in
// GitHub Actions' shape. azidentity has no credential for the GitHub endpoint,
// hence this small hand-written fetch.
func newOIDCAssertionSource(cfg AuthConfig, httpClient *http.Client) (func(context.Context) (string, error), error) {
	switch {
	case cfg.OIDCToken != "":
		token := cfg.OIDCToken
		return func(context.Context) (string, error) { return token, nil }, nil
	case cfg.OIDCTokenFilePath != "":
		path := cfg.OIDCTokenFilePath
		if _, err := os.Stat(path); err != nil {
			return nil, &ConfigError{Setting: "oidc_token_file_path", EnvVar: "ARM_OIDC_TOKEN_FILE_PATH", Message: fmt.Sprintf("cannot read the OIDC token file: %v", err)}
		}
		return func(context.Context) (string, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("reading the OIDC token file (oidc_token_file_path): %w", err)
			}
			return strings.TrimSpace(string(data)), nil
		}, nil
	case cfg.OIDCRequestURL != "" || cfg.OIDCRequestToken != "":
		if cfg.OIDCRequestURL == "" {
			return nil, &ConfigError{Setting: "oidc_request_url", EnvVar: "ARM_OIDC_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_URL", Message: "oidc_request_token is set but the URL to request the token from is not"}
		}
		if cfg.OIDCRequestToken == "" {
			return nil, &ConfigError{Setting: "oidc_request_token", EnvVar: "ARM_OIDC_REQUEST_TOKEN or ACTIONS_ID_TOKEN_REQUEST_TOKEN", Message: "oidc_request_url is set but the bearer token to call it with is not"}
		}
		if err := ValidateHTTPSURL(cfg.OIDCRequestURL); err != nil {
			return nil, &ConfigError{Setting: "oidc_request_url", EnvVar: "ARM_OIDC_REQUEST_URL", Message: err.Error()}
		}
		if httpClient == nil {
			httpClient = &http.Client{Timeout: 30 * time.Second}
		}
		requestURL, requestToken := cfg.OIDCRequestURL, cfg.OIDCRequestToken
		return func(ctx context.Context) (string, error) {
			return requestOIDCToken(ctx, httpClient, requestURL, requestToken)
		}, nil
	}
	return nil, &ConfigError{Setting: "use_oidc", EnvVar: "ARM_USE_OIDC",
		Message: "use_oidc is true but no token source is set: set oidc_token (ARM_OIDC_TOKEN), oidc_token_file_path (ARM_OIDC_TOKEN_FILE_PATH), or oidc_request_url and oidc_request_token (ARM_OIDC_REQUEST_URL / ARM_OIDC_REQUEST_TOKEN, set by GitHub Actions as ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN when the job has `permissions: id-token: write`); in Azure Pipelines, ado_pipeline_service_connection_id (ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID) with SYSTEM_ACCESSTOKEN"}
}

func requestOIDCToken(ctx context.Context, httpClient *http.Client, requestURL, requestToken string) (string, error) {
	u, err := url.Parse(requestURL)
	if err != nil {
		return "", fmt.Errorf("oidc_request_url is not a URL: %w", err)
	}
	q := u.Query()
	q.Set("audience", oidcAudience)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+requestToken)
	req.Header.Set("Accept", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting an OIDC token from oidc_request_url: %w", err)
	}
	defer resp.Body.Close() //nolint:errcheck // read-only body
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading the OIDC token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the OIDC token request answered %s: check oidc_request_token (ARM_OIDC_REQUEST_TOKEN) and that the pipeline may request ID tokens", resp.Status)
	}
	var payload struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &payload); err != nil || payload.Value == "" {
		return "", errors.New("the OIDC token response has no `value`: is oidc_request_url the pipeline's ID token endpoint?")
	}
	return payload.Value, nil
}
