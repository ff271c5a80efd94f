package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

// validateProviderConfig runs the provider's plan-time validation over a
// configuration with the given attributes set (the others null), as
// Terraform's validate does, and returns the diagnostics.
func validateProviderConfig(t *testing.T, set map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	server, schema := acctest.Server(t, providerserver.NewProtocol6WithError(provider.New("test")()))
	objectType := schema.Provider.ValueType().(tftypes.Object)
	config := acctest.DynamicValue(t, objectType, acctest.ObjectValue(t, objectType, set))
	resp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Diagnostics
}

// One mistake in the provider block gives one error, at plan time.
func TestProviderValidationOneErrorPerMistake(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	cases := []struct {
		name    string
		set     map[string]tftypes.Value
		summary string
		detail  string
	}{
		{"tenant name", map[string]tftypes.Value{"tenant_id": str("contoso")}, "Invalid tenant id",
			`tenant_id: "contoso" is not a directory (tenant) id: it must be a GUID, 32 hexadecimal digits in groups of 8-4-4-4-12 such as 00000000-0000-0000-0000-000000000000 (` +
				"`az account show --query tenantId`" + ` prints the current one; a domain name such as contoso.onmicrosoft.com is not accepted).`},
		{"subscription resource id", map[string]tftypes.Value{"subscription_id": str("/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78")}, "Invalid subscription id",
			`subscription_id: "/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78" is a resource id, not a subscription id: drop the /subscriptions/ prefix and use "7444d220-dc62-4eed-8552-76d7697c3f78".`},
		{"auxiliary tenant name", map[string]tftypes.Value{"auxiliary_tenant_ids": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{str("*"), str("fabrikam")})},
			"Invalid tenant id", `auxiliary_tenant_ids[1]: "fabrikam" is not a directory (tenant) id: it must be a GUID, 32 hexadecimal digits in groups of 8-4-4-4-12 such as 00000000-0000-0000-0000-000000000000 (` +
				"`az account show --query tenantId`" + ` prints the current one; a domain name such as contoso.onmicrosoft.com is not accepted).`},
		{"metadata host with a scheme", map[string]tftypes.Value{"metadata_host": str("https://management.azure.com")}, "Invalid metadata host",
			`metadata_host: "https://management.azure.com" is not a host name: give the host alone, with an optional port, e.g. management.azure.com (no https://, no path).`},
		{"plain http OIDC request URL", map[string]tftypes.Value{"oidc_request_url": str("http://token.example/request")}, "Invalid endpoint",
			`oidc_request_url: "http://token.example/request" must be an absolute https:// URL (plain http is refused so that tokens never travel in clear text).`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := validateProviderConfig(t, tc.set)
			if len(diags) != 1 {
				for _, d := range diags {
					t.Logf("%s: %s", d.Summary, d.Detail)
				}
				t.Fatalf("got %d diagnostics, want exactly one", len(diags))
			}
			if d := diags[0]; d.Severity != tfprotov6.DiagnosticSeverityError || d.Summary != tc.summary || d.Detail != tc.detail {
				t.Errorf("got %s: %s\nwant %s: %s", d.Summary, d.Detail, tc.summary, tc.detail)
			}
		})
	}
	if diags := validateProviderConfig(t, map[string]tftypes.Value{"tenant_id": str("F4C83C42-8CE2-4C5D-8BBC-BBCB022C9A39")}); len(diags) != 0 {
		t.Errorf("a tenant GUID was refused: %v", diags[0].Detail)
	}
}
