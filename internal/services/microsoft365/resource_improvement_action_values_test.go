package microsoft365

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The hand-written conversion of the resource's model gives the same
// Terraform values as the framework's reflection, both ways, and covers
// every attribute and block of the schema.
func TestImprovementActionValuesMatchTheFramework(t *testing.T) {
	ctx := context.Background()
	var resp resource.SchemaResponse
	(&ImprovementActionResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	schema := resp.Schema

	var m improvementActionModel
	covered := map[string]bool{timeoutsBlock: true}
	for _, f := range m.stringFields() {
		covered[f.name] = true
	}
	for _, f := range m.float64Fields() {
		covered[f.name] = true
	}
	for _, f := range m.boolFields() {
		covered[f.name] = true
	}
	for name := range schema.Attributes {
		if !covered[name] {
			t.Errorf("attribute %s is not converted by hand", name)
		}
	}
	for name := range schema.Blocks {
		if !covered[name] {
			t.Errorf("block %s is not converted by hand", name)
		}
	}
	if len(covered) != len(schema.Attributes)+len(schema.Blocks) {
		t.Errorf("%d names converted, the schema has %d attributes and %d blocks", len(covered), len(schema.Attributes), len(schema.Blocks))
	}

	timeoutTypes := map[string]attr.Type{"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType}
	withTimeout, diags := types.ObjectValue(timeoutTypes, map[string]attr.Value{
		"create": types.StringValue("5m"), "read": types.StringNull(), "update": types.StringUnknown(), "delete": types.StringNull(),
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	full := improvementActionModel{
		ID: types.StringValue("t/AdminMFAV2"), TenantID: types.StringValue("t"), ControlID: types.StringValue("AdminMFAV2"),
		Status: types.StringValue("planned"), Notes: types.StringValue("next sprint"), AssignedTo: types.StringNull(),
		OnDestroy: types.StringValue("keep"), Title: types.StringValue("Require MFA for administrative roles"), Category: types.StringValue("Identity"),
		Service: types.StringValue("AzureAD"), InScore: types.BoolValue(true), MaxScore: types.Float64Value(10), CurrentScore: types.Float64Value(2.5),
		Completed: types.BoolValue(false), UpdatedBy: types.StringUnknown(), UpdatedDateTime: types.StringUnknown(),
		Timeouts: timeouts.Value{Object: withTimeout},
	}
	empty := improvementActionModel{
		ID: types.StringNull(), TenantID: types.StringNull(), ControlID: types.StringNull(), Status: types.StringNull(), Notes: types.StringNull(),
		AssignedTo: types.StringNull(), OnDestroy: types.StringNull(), Title: types.StringNull(), Category: types.StringNull(), Service: types.StringNull(),
		InScore: types.BoolNull(), MaxScore: types.Float64Null(), CurrentScore: types.Float64Null(), Completed: types.BoolNull(),
		UpdatedBy: types.StringNull(), UpdatedDateTime: types.StringNull(), Timeouts: timeouts.Value{Object: types.ObjectNull(timeoutTypes)},
	}
	for name, model := range map[string]improvementActionModel{"full": full, "empty": empty} {
		framework := tfsdk.State{Schema: schema}
		if diags := framework.Set(ctx, &model); diags.HasError() {
			t.Fatalf("%s: framework Set: %v", name, diags)
		}
		byHand, diags := model.toTerraform(ctx, framework.Raw.Type())
		if diags.HasError() {
			t.Fatalf("%s: toTerraform: %v", name, diags)
		}
		if !byHand.Equal(framework.Raw) {
			t.Errorf("%s: written by hand\n%s\nby the framework\n%s", name, byHand, framework.Raw)
		}

		read, diags := modelFromTerraform(ctx, framework.Raw)
		if diags.HasError() {
			t.Fatalf("%s: modelFromTerraform: %v", name, diags)
		}
		var viaFramework improvementActionModel
		if diags := framework.Get(ctx, &viaFramework); diags.HasError() {
			t.Fatalf("%s: framework Get: %v", name, diags)
		}
		again := tfsdk.State{Schema: schema}
		if diags := again.Set(ctx, &read); diags.HasError() || !again.Raw.Equal(framework.Raw) {
			t.Errorf("%s: read by hand and written back: %v\n%s", name, diags, again.Raw)
		}
		for _, pair := range []struct{ a, b attr.Value }{
			{read.ID, viaFramework.ID}, {read.Status, viaFramework.Status}, {read.Notes, viaFramework.Notes}, {read.AssignedTo, viaFramework.AssignedTo},
			{read.MaxScore, viaFramework.MaxScore}, {read.InScore, viaFramework.InScore}, {read.UpdatedBy, viaFramework.UpdatedBy}, {read.Timeouts, viaFramework.Timeouts},
		} {
			if !pair.a.Equal(pair.b) {
				t.Errorf("%s: read by hand %s, by the framework %s", name, pair.a, pair.b)
			}
		}
	}
}
