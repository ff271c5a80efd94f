package emulator

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// issuedToken is what an access token stands for. Tokens are looked up, never
// parsed: their JWT shape is only for humans reading logs.
type issuedToken struct {
	tenantID string
	audience string
	clientID string
	roles    []string
	expires  time.Time
	gen      int
}

type tokenProblem int

const (
	tokenOK tokenProblem = iota
	tokenMissing
	tokenUnknown
	tokenExpired
)

// tokenRefusal is what a service answers (HTTP 401) to a token problem:
// its error code and message; each service has its own words.
type tokenRefusal struct{ code, message string }

// refuseToken writes the service's refusal of the request's token, if the
// token has a problem refusals answers; false when it has none.
func (rc *reqCtx) refuseToken(refusals map[tokenProblem]tokenRefusal) bool {
	r, ok := refusals[rc.tokenErr]
	if ok {
		rc.fail(http.StatusUnauthorized, r.code, r.message)
	}
	return ok
}

func (e *Emulator) lookupToken(r *http.Request) (*issuedToken, tokenProblem) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return nil, tokenMissing
	}
	scheme, raw, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, tokenUnknown
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.tokens[strings.TrimSpace(raw)]
	if t == nil {
		return nil, tokenUnknown
	}
	if t.gen != e.tokenGen || time.Now().After(t.expires) {
		return t, tokenExpired
	}
	return t, tokenOK
}

func (e *Emulator) authorityRoutes() []routeDef {
	return []routeDef{
		def(http.MethodGet, "/{tenant}/v2.0/.well-known/openid-configuration", RouteOpenIDConfig, e.handleOpenIDConfig),
		def(http.MethodGet, "/{tenant}/discovery/v2.0/keys", RouteOpenIDConfig, e.handleJWKS),
		def(http.MethodPost, "/{tenant}/oauth2/v2.0/token", RouteToken, e.handleToken),
		def(http.MethodGet, "/oidc/request", RouteOIDCRequest, e.handleOIDCRequest),
		def(http.MethodPost, "/oidc/azure-pipelines", RouteOIDCRequest, e.handleAzurePipelinesOIDC),
	}
}

func (e *Emulator) knownTenant(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.tenants[strings.ToLower(id)] != nil
}

func (e *Emulator) handleOpenIDConfig(rc *reqCtx) {
	tenant := rc.params["tenant"]
	if !e.knownTenant(tenant) {
		rc.identityError(http.StatusBadRequest, "invalid_tenant", 90002, tenantNotFound(tenant))
		return
	}
	base := "https://" + rc.r.Host + "/" + tenant
	rc.writeJSON(http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                base + "/v2.0",
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     base + "/openid/userinfo",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "emulator",
	})
}

func (e *Emulator) handleJWKS(rc *reqCtx) {
	rc.writeJSON(http.StatusOK, map[string]any{"keys": []any{}})
}

func tenantNotFound(tenant string) string {
	return fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", tenant)
}

// identityError is the Microsoft identity platform's error body.
func (rc *reqCtx) identityError(status int, code string, aadsts int, message string) {
	now := time.Now().UTC()
	rc.writeJSON(status, map[string]any{
		"error": code,
		"error_description": fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
			aadsts, message, rc.requestID, rc.requestID, now.Format("2006-01-02 15:04:05Z")),
		"error_codes":    []int{aadsts},
		"timestamp":      now.Format("2006-01-02 15:04:05Z"),
		"trace_id":       rc.requestID,
		"correlation_id": rc.requestID,
		"error_uri":      fmt.Sprintf("https://%s/error?code=%d", rc.r.Host, aadsts),
	})
}

func (e *Emulator) handleToken(rc *reqCtx) {
	r := rc.r
	r.Body = http.MaxBytesReader(rc.w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		rc.identityError(http.StatusBadRequest, "invalid_request", 900144, "The request body must be form-encoded.")
		return
	}
	tenant := rc.params["tenant"]
	if !e.knownTenant(tenant) {
		rc.identityError(http.StatusBadRequest, "invalid_request", 90002, tenantNotFound(tenant))
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		rc.identityError(http.StatusBadRequest, "unsupported_grant_type", 70003, fmt.Sprintf("The app requested an unsupported grant type '%s'. The emulator supports client_credentials only.", gt))
		return
	}
	clientID := r.PostForm.Get("client_id")
	if !strings.EqualFold(clientID, ClientID) {
		rc.identityError(http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, tenant))
		return
	}
	switch secret, assertion := r.PostForm.Get("client_secret"), r.PostForm.Get("client_assertion"); {
	case secret != "":
		if secret != ClientSecret {
			rc.identityError(http.StatusUnauthorized, "invalid_client", 7000215, fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", ClientID))
			return
		}
	case assertion != "":
		if at := r.PostForm.Get("client_assertion_type"); at != clientAssertionType {
			rc.identityError(http.StatusBadRequest, "invalid_request", 700023, fmt.Sprintf("Invalid client assertion type '%s'; expected '%s'.", at, clientAssertionType))
			return
		}
		if status, code, aadsts, msg := e.checkAssertion(assertion, tenant); status != 0 {
			rc.identityError(status, code, aadsts, msg)
			return
		}
	default:
		rc.identityError(http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
		return
	}
	if strings.EqualFold(tenant, NoConsentTenantID) {
		rc.identityError(http.StatusBadRequest, "invalid_grant", 65001, fmt.Sprintf("The user or administrator has not consented to use the application with ID '%s' named 'securescore-app'. Send an interactive authorization request for this user and resource.", ClientID))
		return
	}
	var audience string
	for _, s := range strings.Fields(r.PostForm.Get("scope")) {
		if strings.HasSuffix(s, "/.default") {
			// "https://management.core.windows.net//.default" keeps its trailing slash.
			audience = strings.TrimSuffix(s, "/.default")
			break
		}
	}
	if audience == "" {
		rc.identityError(http.StatusBadRequest, "invalid_scope", 1002012, fmt.Sprintf("The provided value for scope '%s' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", r.PostForm.Get("scope")))
		return
	}
	access, lifetime := e.issueToken(tenant, audience)
	secs := int(lifetime / time.Second)
	rc.writeJSON(http.StatusOK, map[string]any{
		"token_type":     "Bearer",
		"expires_in":     secs,
		"ext_expires_in": secs,
		"access_token":   access,
	})
}

func (e *Emulator) issueToken(tenant, audience string) (string, time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	lifetime := e.opts.TokenLifetime
	now := time.Now()
	roles := slices.Clone(e.graphRolesLocked(ClientID))
	jti := make([]byte, 24)
	rand.Read(jti) //nolint:errcheck // never fails
	header, _ := json.Marshal(map[string]any{"typ": "JWT", "alg": "RS256", "kid": "securescore-emulator"})
	payload, _ := json.Marshal(map[string]any{
		"aud": audience, "iss": "https://sts.windows.net/" + tenant + "/", "tid": tenant,
		"appid": ClientID, "oid": ClientID, "sub": ClientID, "roles": roles,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(lifetime).Unix(),
		"uti": base64.RawURLEncoding.EncodeToString(jti[:8]),
	})
	enc := base64.RawURLEncoding
	access := enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString(jti)
	e.tokens[access] = &issuedToken{
		tenantID: strings.ToLower(tenant), audience: audience, clientID: ClientID,
		roles: roles, expires: now.Add(lifetime), gen: e.tokenGen,
	}
	return access, lifetime
}

// checkAssertion accepts FederatedToken or a JWT signed with the registered
// certificate (identified by x5t or x5t#S256, RS256 or PS256). It returns a
// zero status when the assertion is good.
func (e *Emulator) checkAssertion(assertion, tenant string) (status int, code string, aadsts int, msg string) {
	if assertion == FederatedToken {
		return 0, "", 0, ""
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return http.StatusBadRequest, "invalid_client", 50027, "JWT token is invalid or malformed."
	}
	var header struct {
		Alg     string `json:"alg"`
		X5t     string `json:"x5t"`
		X5tS256 string `json:"x5t#S256"`
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp json.Number     `json:"exp"`
	}
	if decodeJWTPart(parts[0], &header) != nil || decodeJWTPart(parts[1], &claims) != nil {
		return http.StatusBadRequest, "invalid_client", 50027, "JWT token is invalid or malformed."
	}
	if header.X5t == "" && header.X5tS256 == "" {
		// A federated token other than FederatedToken: explain the mismatch
		// the way Entra ID does.
		var aud string
		if json.Unmarshal(claims.Aud, &aud) != nil {
			var auds []string
			json.Unmarshal(claims.Aud, &auds) //nolint:errcheck // empty on error
			aud = strings.Join(auds, ",")
		}
		if aud != FederatedTokenAudience {
			return http.StatusBadRequest, "invalid_client", 700212, fmt.Sprintf("No matching federated identity record found for presented assertion audience '%s'.", aud)
		}
		return http.StatusBadRequest, "invalid_client", 700213, fmt.Sprintf("No matching federated identity record found for presented assertion subject '%s'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.", claims.Sub)
	}

	sha1Sum := sha1.Sum(e.clientCert.Raw) //nolint:gosec // thumbprint, not security
	sha256Sum := sha256.Sum256(e.clientCert.Raw)
	if !thumbprintMatches(header.X5t, sha1Sum[:]) && !thumbprintMatches(header.X5tS256, sha256Sum[:]) {
		return http.StatusUnauthorized, "invalid_client", 700027, fmt.Sprintf("The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s%s']", header.X5t, header.X5tS256)
	}
	pub, ok := e.clientCert.PublicKey.(*rsa.PublicKey)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if !ok || err != nil {
		return http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature validation."
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch header.Alg {
	case "RS256":
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
	case "PS256":
		err = rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	default:
		return http.StatusUnauthorized, "invalid_client", 5002738, fmt.Sprintf("Invalid JWT token. '%s' is not a supported signature algorithm. Supported signing algorithms are: 'RS256, PS256'.", header.Alg)
	}
	if err != nil {
		return http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature validation."
	}
	if !strings.EqualFold(claims.Iss, ClientID) || !strings.EqualFold(claims.Sub, ClientID) {
		return http.StatusUnauthorized, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter."
	}
	if exp, err := claims.Exp.Int64(); err != nil || time.Now().After(time.Unix(exp, 0)) {
		return http.StatusUnauthorized, "invalid_client", 700024, "Client assertion is not within its valid time range."
	}
	var aud string
	if json.Unmarshal(claims.Aud, &aud) != nil || !strings.HasSuffix(strings.ToLower(aud), strings.ToLower("/"+tenant+"/oauth2/v2.0/token")) {
		return http.StatusUnauthorized, "invalid_client", 50027, fmt.Sprintf("Invalid JWT token. The audience '%s' is not this tenant's token endpoint.", aud)
	}
	return 0, "", 0, ""
}

func decodeJWTPart(part string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "="))
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// thumbprintMatches accepts base64url as the JOSE spec says and standard
// base64 as MSAL sends it, padded or not.
func thumbprintMatches(value string, sum []byte) bool {
	if value == "" {
		return false
	}
	trimmed := strings.TrimRight(value, "=")
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(trimmed); err == nil && bytes.Equal(b, sum) {
			return true
		}
	}
	return false
}

// handleOIDCRequest mimics GitHub Actions' ID token endpoint.
func (e *Emulator) handleOIDCRequest(rc *reqCtx) {
	if rc.r.Header.Get("Authorization") != "Bearer "+OIDCRequestToken {
		rc.fail(http.StatusUnauthorized, "", "Bad credentials: the bearer token is not the job's ACTIONS_ID_TOKEN_REQUEST_TOKEN.")
		return
	}
	aud := rc.r.URL.Query().Get("audience")
	if aud == "" || aud == FederatedTokenAudience {
		rc.writeJSON(http.StatusOK, map[string]any{"value": FederatedToken})
		return
	}
	// Another audience gets a token the token endpoint will refuse (AADSTS700212).
	enc := base64.RawURLEncoding
	payload, _ := json.Marshal(map[string]any{
		"iss": "https://token.actions.githubusercontent.com", "aud": aud,
		"sub": "repo:securescore/terraform-provider-securescore:environment:emulator",
		"exp": time.Now().Add(10 * time.Minute).Unix(),
	})
	tok := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString([]byte("unsigned"))
	rc.writeJSON(http.StatusOK, map[string]any{"value": tok})
}
