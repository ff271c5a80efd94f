// Package validators holds the plan-time checks shared by the provider's
// schemas. Where terraform-plugin-framework-validators has one, it is used.
package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// SubscriptionID refuses a value that is not a subscription id, naming the pattern.
func SubscriptionID() validator.String {
	return stringvalidator.RegexMatches(client.GUIDPattern,
		"must be a subscription id (a GUID) matching "+client.GUIDPattern.String())
}

// TenantID refuses a value that is not a directory (tenant) id.
func TenantID() validator.String {
	return stringvalidator.RegexMatches(client.GUIDPattern,
		"must be a directory (tenant) id (a GUID) matching "+client.GUIDPattern.String())
}

// HTTPSURL refuses anything but an absolute https:// URL. The validators
// library has no URL validator, hence this one.
func HTTPSURL() validator.String { return httpsURLValidator{} }

type httpsURLValidator struct{}

func (httpsURLValidator) Description(context.Context) string {
	return "must be an absolute https:// URL"
}

func (v httpsURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (httpsURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := client.ValidateHTTPSURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint", fmt.Sprintf("%s.", err))
	}
}
