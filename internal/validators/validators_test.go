package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(v validator.String, value types.String) []string {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: value}, resp)
	var out []string
	for _, d := range resp.Diagnostics {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return out
}

// One mistake, one diagnostic, which says what was wrong and what is allowed
// (no regular expression).
func TestGUIDValidators(t *testing.T) {
	const guid = "7444d220-dc62-4eed-8552-76d7697c3f78"
	cases := []struct {
		name  string
		v     validator.String
		value types.String
		want  string // "" = accepted
	}{
		{"subscription id", SubscriptionID(), types.StringValue(guid), ""},
		{"upper-case subscription id", SubscriptionID(), types.StringValue(strings.ToUpper(guid)), ""},
		{"null", SubscriptionID(), types.StringNull(), ""},
		{"unknown", SubscriptionID(), types.StringUnknown(), ""},
		{"not a GUID", SubscriptionID(), types.StringValue("not-a-guid"),
			`Invalid subscription id: x: "not-a-guid" is not a subscription id: it must be a GUID, 32 hexadecimal digits in groups of 8-4-4-4-12 such as 00000000-0000-0000-0000-000000000000 (` + "`az account show --query id`" + ` prints the current one).`},
		{"resource id", SubscriptionID(), types.StringValue("/subscriptions/" + guid),
			`Invalid subscription id: x: "/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78" is a resource id, not a subscription id: drop the /subscriptions/ prefix and use "7444d220-dc62-4eed-8552-76d7697c3f78".`},
		{"resource id with a slash", SubscriptionID(), types.StringValue("/Subscriptions/" + guid + "/"),
			`Invalid subscription id: x: "/Subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/" is a resource id, not a subscription id: drop the /subscriptions/ prefix and use "7444d220-dc62-4eed-8552-76d7697c3f78".`},
		{"spaces", SubscriptionID(), types.StringValue(" " + guid),
			`Invalid subscription id: x: " 7444d220-dc62-4eed-8552-76d7697c3f78" has spaces around the subscription id: remove them.`},
		{"braces", SubscriptionID(), types.StringValue("{" + guid + "}"),
			`Invalid subscription id: x: "{7444d220-dc62-4eed-8552-76d7697c3f78}" has braces around the subscription id: use "7444d220-dc62-4eed-8552-76d7697c3f78".`},
		{"tenant name", TenantID(), types.StringValue("contoso"),
			`Invalid tenant id: x: "contoso" is not a directory (tenant) id: it must be a GUID, 32 hexadecimal digits in groups of 8-4-4-4-12 such as 00000000-0000-0000-0000-000000000000 (` + "`az account show --query tenantId`" + ` prints the current one; a domain name such as contoso.onmicrosoft.com is not accepted).`},
		{"tenant empty", TenantID(), types.StringValue(""),
			`Invalid tenant id: x: "" is not a directory (tenant) id: it must be a GUID, 32 hexadecimal digits in groups of 8-4-4-4-12 such as 00000000-0000-0000-0000-000000000000 (` + "`az account show --query tenantId`" + ` prints the current one; a domain name such as contoso.onmicrosoft.com is not accepted).`},
		{"tenant or empty: empty", TenantIDOrEmpty(), types.StringValue(""), ""},
		{"tenant or empty: GUID", TenantIDOrEmpty(), types.StringValue(guid), ""},
		{"tenant or empty: name", TenantIDOrEmpty(), types.StringValue("contoso"),
			`Invalid tenant id: x: "contoso" is not a directory (tenant) id: it must be a GUID, 32 hexadecimal digits in groups of 8-4-4-4-12 such as 00000000-0000-0000-0000-000000000000 (` + "`az account show --query tenantId`" + ` prints the current one; a domain name such as contoso.onmicrosoft.com is not accepted).`},
		{"tenant or wildcard: *", TenantIDOrWildcard(), types.StringValue("*"), ""},
		{"tenant resource id", TenantID(), types.StringValue("/tenants/" + guid),
			`Invalid tenant id: x: "/tenants/7444d220-dc62-4eed-8552-76d7697c3f78" is a resource id, not a directory (tenant) id: drop the /tenants/ prefix and use "7444d220-dc62-4eed-8552-76d7697c3f78".`},
		{"http endpoint", HTTPSURL(), types.StringValue("http://management.example"),
			`Invalid endpoint: x: "http://management.example" must be an absolute https:// URL (plain http is refused so that tokens never travel in clear text).`},
		{"https endpoint", HTTPSURL(), types.StringValue("https://management.example"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := validate(tc.v, tc.value)
			switch {
			case tc.want == "" && len(got) != 0:
				t.Errorf("refused: %q", got)
			case tc.want != "" && len(got) != 1:
				t.Errorf("got %d diagnostics, want exactly one: %q", len(got), got)
			case tc.want != "" && got[0] != tc.want:
				t.Errorf("got  %s\nwant %s", got[0], tc.want)
			}
		})
	}
}
