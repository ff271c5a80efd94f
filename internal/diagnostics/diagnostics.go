// Package diagnostics turns client errors into Terraform diagnostics that say
// what failed, what the service said, and what to do next.
package diagnostics

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// Permissions named in 403 diagnostics.
const (
	DefenderRole         = "the Security Reader role (or Reader) on the subscription or management group"
	GraphReadPermission  = "the Microsoft Graph application permission SecurityEvents.Read.All, with admin consent"
	GraphWritePermission = "the Microsoft Graph application permission SecurityEvents.ReadWrite.All, with admin consent"
)

// Hint adds context the error itself cannot know.
type Hint struct {
	// NotFound says what was not found, e.g. `secure score "x" in subscription y`.
	NotFound string
	// Permission overrides the permission named on a 403.
	Permission string
}

// FromError builds the diagnostic for err, which failed while doing `action`
// (e.g. "Reading the secure score").
func FromError(action string, err error, hint Hint) diag.Diagnostic {
	var configErr *client.ConfigError
	if errors.As(err, &configErr) {
		return diag.NewErrorDiagnostic("Invalid provider configuration", configErr.Error())
	}
	if d, ok := NoCredentials(err); ok {
		return d
	}
	var consentErr *client.ConsentError
	if errors.As(err, &consentErr) {
		return diag.NewErrorDiagnostic(action+" failed: admin consent missing", consentErr.Error()+".")
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		var decodeErr *client.DecodeError
		if errors.As(err, &decodeErr) {
			return diag.NewErrorDiagnostic(action+" failed: unexpected response",
				err.Error()+"\n\nThe service answered with a body this provider cannot read. Retry; if it persists, report it with the request above.")
		}
		if next := transportHint(err); next != "" {
			return diag.NewErrorDiagnostic(action+" failed", err.Error()+"\n\n"+next)
		}
		return diag.NewErrorDiagnostic(action+" failed", err.Error())
	}
	var next string
	switch apiErr.StatusCode {
	case http.StatusUnauthorized:
		next = "Check the credentials (client_id, client_secret or certificate, OIDC token) and that tenant_id is the tenant that owns the subscription or data. A token for another tenant or audience is refused."
	case http.StatusForbidden:
		permission := hint.Permission
		if permission == "" {
			if apiErr.Service == client.ServiceGraph {
				permission = GraphReadPermission
			} else {
				permission = DefenderRole
			}
		}
		next = "The identity is authenticated but not allowed. Grant it " + permission + "."
	case http.StatusNotFound:
		if apiErr.Code == "SubscriptionNotFound" {
			// ARM answers the same for a subscription that does not exist and
			// for one the identity has no role on; the secure score in it is
			// not what is missing.
			next = "Not found: subscription " + subscriptionOf(apiErr.URL) + " does not exist or is not visible to the identity. " +
				"Check subscription_id (ARM_SUBSCRIPTION_ID for the provider's default) and that the identity has " + DefenderRole + "."
		} else if hint.NotFound != "" {
			next = "Not found: " + hint.NotFound + "."
		} else {
			next = "The requested object does not exist."
		}
	case http.StatusTooManyRequests:
		next = "The service kept throttling after the retries. Lower -parallelism or retry later."
	default:
		if apiErr.StatusCode >= 500 {
			next = "The service failed after the retries. Retry later; quote the request id if you open a support case."
		}
	}
	// err, not apiErr: wrapping adds context such as which page failed.
	detail := err.Error()
	if next != "" {
		detail += "\n\n" + next
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%s failed (HTTP %d)", action, apiErr.StatusCode), detail)
}

var subscriptionInURL = regexp.MustCompile(`(?i)/subscriptions/([^/?]+)`)

// subscriptionOf is the subscription id in an ARM URL, or "".
func subscriptionOf(u string) string {
	if m := subscriptionInURL.FindStringSubmatch(u); m != nil {
		return m[1]
	}
	return ""
}

// transportHint says what to do when no answer came back: the network or
// the TLS certificate. azidentity and MSAL flatten some of these errors to
// text, so the text is checked too.
func transportHint(err error) string {
	msg := err.Error()
	var unknownAuthority x509.UnknownAuthorityError
	var invalidCert x509.CertificateInvalidError
	var hostnameErr x509.HostnameError
	if errors.As(err, &unknownAuthority) || errors.As(err, &invalidCert) || errors.As(err, &hostnameErr) || strings.Contains(msg, "x509: ") {
		return "The service's TLS certificate is not trusted. If a proxy inspects TLS, add its CA to the system trust store (or point SSL_CERT_FILE at it); the provider does not turn off certificate verification."
	}
	var opErr *net.OpError
	var dnsErr *net.DNSError
	if errors.As(err, &opErr) || errors.As(err, &dnsErr) || strings.Contains(msg, "dial tcp ") || strings.Contains(msg, "no such host") || strings.Contains(msg, "connection reset by peer") {
		return "The address in the error above could not be reached. Check the network path to it and any proxy (HTTPS_PROXY, NO_PROXY), and that `environment` or `metadata_host` (or the `endpoint` overrides) names the cloud you use."
	}
	return ""
}

// NoCredentials is the diagnostic for a *client.NoCredentialsError in err's chain.
func NoCredentials(err error) (diag.Diagnostic, bool) {
	var noCreds *client.NoCredentialsError
	if !errors.As(err, &noCreds) {
		return nil, false
	}
	msg := noCreds.Error()
	return diag.NewErrorDiagnostic("No credentials for Microsoft Entra ID", strings.ToUpper(msg[:1])+msg[1:]), true
}

// ConfigAttributeError places a ConfigError on its provider attribute.
func ConfigAttributeError(err *client.ConfigError) diag.Diagnostic {
	p := path.Root(err.Setting)
	if setting, nested, ok := strings.Cut(err.Setting, "."); ok {
		p = path.Root(setting).AtName(nested)
	}
	return diag.NewAttributeErrorDiagnostic(p, "Invalid provider configuration", err.Error())
}

// Warnings turns service warnings (e.g. Graph 206 Partial Content) into diagnostics.
func Warnings(warnings []string) diag.Diagnostics {
	var diags diag.Diagnostics
	seen := map[string]bool{}
	for _, w := range warnings {
		if seen[w] {
			continue
		}
		seen[w] = true
		summary := "Partial data from Microsoft Graph"
		if strings.HasPrefix(w, "Microsoft Graph sent OData special values") {
			summary = "Numbers missing in Microsoft Graph's answer"
		}
		diags.AddWarning(summary, w)
	}
	return diags
}

// Closest returns up to n candidates nearest to target by edit distance,
// for "did you mean" suggestions.
func Closest(target string, candidates []string, n int) []string {
	type scored struct {
		name     string
		distance int
	}
	lowerTarget := strings.ToLower(target)
	list := make([]scored, 0, len(candidates))
	for _, c := range candidates {
		list = append(list, scored{c, levenshtein(lowerTarget, strings.ToLower(c))})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].distance != list[j].distance {
			return list[i].distance < list[j].distance
		}
		return list[i].name < list[j].name
	})
	out := []string{}
	for i := 0; i < len(list) && i < n; i++ {
		out = append(out, list[i].name)
	}
	return out
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
