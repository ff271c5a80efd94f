package acctest

import (
	"context"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Tests that speak the plugin protocol to the provider without the Terraform
// CLI, to see what terraform-plugin-testing does not show (warnings, the
// exact answer of one RPC).

// ConfiguredServer starts a server from newServer (ProviderFactories'
// when nil) and configures it against the emulator, with provider the
// provider attributes set besides the endpoints. It skips the test unless
// TF_ACC is set, as acceptance tests do.
func ConfiguredServer(t *testing.T, newServer func() (tfprotov6.ProviderServer, error), provider map[string]tftypes.Value) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if newServer == nil {
		newServer = ProviderFactories["securescore"]
	}
	ctx := context.Background()
	server, schemas := Server(t, newServer)
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	set := map[string]tftypes.Value{"endpoint": ObjectValue(t, providerType.AttributeTypes["endpoint"], map[string]tftypes.Value{
		"active_directory_authority_host": tftypes.NewValue(tftypes.String, Emu.AuthorityURL()),
		"resource_manager_endpoint":       tftypes.NewValue(tftypes.String, Emu.ARMURL()),
		"microsoft_graph_endpoint":        tftypes.NewValue(tftypes.String, Emu.GraphURL()),
		"log_analytics_endpoint":          tftypes.NewValue(tftypes.String, Emu.LogAnalyticsURL()),
	})}
	for name, v := range provider {
		set[name] = v
	}
	config := DynamicValue(t, providerType, ObjectValue(t, providerType, set))
	configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.0", Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range configured.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("configuring the provider: %s: %s", d.Summary, d.Detail)
		}
	}
	return server, schemas
}

// Server starts a server from newServer and reads its schemas.
func Server(t *testing.T, newServer func() (tfprotov6.ProviderServer, error)) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	server, err := newServer()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return server, schemas
}

// ObjectValue is an object of type typ with the given attributes, the
// others null.
func ObjectValue(t *testing.T, typ tftypes.Type, set map[string]tftypes.Value) tftypes.Value {
	t.Helper()
	object := typ.(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attributeType := range object.AttributeTypes {
		if v, ok := set[name]; ok {
			values[name] = v
			continue
		}
		values[name] = tftypes.NewValue(attributeType, nil)
	}
	for name := range set {
		if _, ok := object.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %s", name)
		}
	}
	return tftypes.NewValue(typ, values)
}

// DynamicValue is value as the protocol sends it.
func DynamicValue(t *testing.T, typ tftypes.Type, value tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, value)
	if err != nil {
		t.Fatal(err)
	}
	return dv
}
