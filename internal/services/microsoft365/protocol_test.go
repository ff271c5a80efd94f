package microsoft365_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// readDataSource configures the provider against the emulator and reads one
// data source through the plugin protocol, bypassing the Terraform CLI, so a
// test can see warnings (terraform-plugin-testing cannot).
func readDataSource(t *testing.T, typeName string, arguments map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	server, schemas := configuredServer(t)
	_, config := protocolConfig(t, schemas.DataSourceSchemas, typeName, arguments)
	resp, err := server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: &config})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// planResourceCreate plans creating a resource through the plugin protocol,
// so a test can see the plan's warnings.
func planResourceCreate(t *testing.T, typeName string, arguments map[string]tftypes.Value) *tfprotov6.PlanResourceChangeResponse {
	t.Helper()
	server, schemas := configuredServer(t)
	resourceType, config := protocolConfig(t, schemas.ResourceSchemas, typeName, arguments)
	prior := dynamicValue(t, resourceType, tftypes.NewValue(resourceType, nil))
	resp, err := server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, Config: &config, ProposedNewState: &config, PriorState: &prior,
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// protocolConfig is the configuration of typeName, one of schemas, with
// arguments set and every other attribute null, and its type.
func protocolConfig(t *testing.T, schemas map[string]*tfprotov6.Schema, typeName string, arguments map[string]tftypes.Value) (tftypes.Object, tfprotov6.DynamicValue) {
	t.Helper()
	schema, ok := schemas[typeName]
	if !ok {
		t.Fatalf("no data source or resource %s", typeName)
	}
	objectType := schema.ValueType().(tftypes.Object)
	return objectType, dynamicValue(t, objectType, objectValue(t, objectType, arguments))
}

// configuredServer is the provider server, configured against the emulator
// with the worked tenant as an auxiliary tenant.
func configuredServer(t *testing.T) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	auxiliary := tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, emulator.WorkedTenantID)})
	return acctest.ConfiguredServer(t, nil, map[string]tftypes.Value{"auxiliary_tenant_ids": auxiliary})
}

var (
	objectValue  = acctest.ObjectValue
	dynamicValue = acctest.DynamicValue
)

// diagnosticsOf splits a response's diagnostics by severity.
func diagnosticsOf(diags []*tfprotov6.Diagnostic) (errs, warnings []*tfprotov6.Diagnostic) {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d)
		} else {
			warnings = append(warnings, d)
		}
	}
	return errs, warnings
}

// applyResourceCreate plans and applies creating a resource through the
// plugin protocol, so a test can see the apply's warnings.
func applyResourceCreate(t *testing.T, typeName string, arguments map[string]tftypes.Value) *tfprotov6.ApplyResourceChangeResponse {
	t.Helper()
	server, schemas := configuredServer(t)
	resourceType := schemas.ResourceSchemas[typeName].ValueType().(tftypes.Object)
	config := dynamicValue(t, resourceType, objectValue(t, resourceType, arguments))
	prior := dynamicValue(t, resourceType, tftypes.NewValue(resourceType, nil))
	ctx := context.Background()
	planned, err := server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, Config: &config, ProposedNewState: &config, PriorState: &prior,
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := diagnosticsOf(planned.Diagnostics); len(errs) > 0 {
		t.Fatalf("plan: %s: %s", errs[0].Summary, errs[0].Detail)
	}
	applied, err := server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, Config: &config, PriorState: &prior, PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate,
	})
	if err != nil {
		t.Fatal(err)
	}
	return applied
}
