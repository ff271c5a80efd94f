// Package validators holds the plan-time checks shared by the provider's
// schemas. Where terraform-plugin-framework-validators has one, it is used.
package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// SubscriptionID refuses a value that is not a subscription id, with one
// diagnostic that says what a subscription id looks like.
func SubscriptionID() validator.String { return guidValidator{kind: kindSubscription} }

// TenantID refuses a value that is not a directory (tenant) id.
func TenantID() validator.String { return guidValidator{kind: kindTenant} }

// TenantIDOrEmpty is TenantID that also accepts "" (the provider's tenant),
// in one validator: stringvalidator.Any(OneOf(""), TenantID()) reports both
// refusals for one mistake.
func TenantIDOrEmpty() validator.String { return guidValidator{kind: kindTenant, allowEmpty: true} }

// TenantIDOrWildcard is TenantID that also accepts "*" (any tenant, as
// azidentity's additionally allowed tenants do).
func TenantIDOrWildcard() validator.String {
	return guidValidator{kind: kindTenant, allowWildcard: true}
}

// A GUID-shaped id and how to find the right one.
type guidKind struct {
	noun    string // "subscription id"
	title   string // "Invalid subscription id"
	prefix  string // the resource id prefix users paste by mistake, lower-case
	findOne string
}

var (
	kindSubscription = guidKind{noun: "subscription id", title: "Invalid subscription id", prefix: "/subscriptions/",
		findOne: "`az account show --query id` prints the current one"}
	kindTenant = guidKind{noun: "directory (tenant) id", title: "Invalid tenant id", prefix: "/tenants/",
		findOne: "`az account show --query tenantId` prints the current one; a domain name such as contoso.onmicrosoft.com is not accepted"}
)

// CheckSubscriptionID returns why value is not a subscription id, or "".
// The provider uses it for ARM_SUBSCRIPTION_ID, which no schema validator sees.
func CheckSubscriptionID(value string) string { return kindSubscription.check(value) }

// CheckTenantID returns why value is not a directory (tenant) id, or "".
func CheckTenantID(value string) string { return kindTenant.check(value) }

func (k guidKind) check(value string) string {
	if client.GUIDPattern.MatchString(value) {
		return ""
	}
	trimmed := strings.TrimSpace(value)
	if trimmed != value && client.GUIDPattern.MatchString(trimmed) {
		return fmt.Sprintf("%q has spaces around the %s: remove them.", value, k.noun)
	}
	if len(trimmed) > len(k.prefix) && strings.EqualFold(trimmed[:len(k.prefix)], k.prefix) {
		rest := strings.TrimSuffix(trimmed[len(k.prefix):], "/")
		if client.GUIDPattern.MatchString(rest) {
			return fmt.Sprintf("%q is a resource id, not a %s: drop the %s prefix and use %q.", value, k.noun, k.prefix, rest)
		}
	}
	if inner := strings.TrimSuffix(strings.TrimPrefix(trimmed, "{"), "}"); inner != trimmed && client.GUIDPattern.MatchString(inner) {
		return fmt.Sprintf("%q has braces around the %s: use %q.", value, k.noun, inner)
	}
	return fmt.Sprintf("%q is not a %s: it must be a GUID, 32 hexadecimal digits in groups of 8-4-4-4-12 such as 00000000-0000-0000-0000-000000000000 (%s).",
		value, k.noun, k.findOne)
}

type guidValidator struct {
	kind          guidKind
	allowEmpty    bool
	allowWildcard bool
}

func (v guidValidator) Description(context.Context) string {
	d := "must be a " + v.kind.noun + " (a GUID)"
	if v.allowEmpty {
		d += ` or "" for the provider's tenant`
	}
	if v.allowWildcard {
		d += ` or "*" for any tenant`
	}
	return d
}

func (v guidValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v guidValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if (v.allowEmpty && value == "") || (v.allowWildcard && value == "*") {
		return
	}
	if problem := v.kind.check(value); problem != "" {
		// The path, because Terraform shows only the line of a list element.
		resp.Diagnostics.AddAttributeError(req.Path, v.kind.title, req.Path.String()+": "+problem)
	}
}

// MetadataHost refuses a metadata_host that is not a bare host name (with
// an optional port).
func MetadataHost() validator.String {
	return StringFunc("must be a host name with an optional port, without a scheme or path", "Invalid metadata host",
		func(p path.Path, value string) string {
			if err := client.ValidateMetadataHost(value); err != nil {
				return fmt.Sprintf("%s: %s.", p, err)
			}
			return ""
		})
}

// HTTPSURL refuses anything but an absolute https:// URL. The validators
// library has no URL validator, hence this one.
func HTTPSURL() validator.String {
	return StringFunc("must be an absolute https:// URL", "Invalid endpoint", func(p path.Path, value string) string {
		if err := client.ValidateHTTPSURL(value); err != nil {
			return fmt.Sprintf("%s: %s.", p, err)
		}
		return ""
	})
}

// StringFunc is a string validator whose rule is check: it returns why the
// value at p is refused (the diagnostic's detail, under title), or "".
// Null and unknown values are not checked. The validators library has no
// such adapter, and each hand-written rule would otherwise repeat the
// validator.String methods.
func StringFunc(description, title string, check func(p path.Path, value string) string) validator.String {
	return funcValidator{description: description, title: title, check: check}
}

type funcValidator struct {
	description, title string
	check              func(path.Path, string) string
}

func (v funcValidator) Description(context.Context) string { return v.description }

func (v funcValidator) MarkdownDescription(context.Context) string { return v.description }

func (v funcValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := v.check(req.Path, req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.title, problem)
	}
}
