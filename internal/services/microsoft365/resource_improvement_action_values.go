package microsoft365

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The resource's model to and from Terraform values, by hand, for the calls
// every plan makes once per resource (Read, ModifyPlan). The framework's Get
// and Set reflect on the struct on every call and check every field's name
// against a regular expression, a cost that grows with the number of managed
// actions; bench/README.md says what converting by hand saves. Only the
// framework's and terraform-plugin-go's public value types are used. The
// rarer Create, Update and Delete keep the framework's Get and Set.
// resource_improvement_action_values_test.go checks both agree on every
// attribute of the schema.

func (m *improvementActionModel) stringFields() []stringField {
	return []stringField{
		{"id", &m.ID}, {"tenant_id", &m.TenantID}, {"control_id", &m.ControlID}, {"status", &m.Status},
		{"notes", &m.Notes}, {"assigned_to", &m.AssignedTo}, {"on_destroy", &m.OnDestroy}, {"title", &m.Title},
		{"category", &m.Category}, {"service", &m.Service}, {"updated_by", &m.UpdatedBy}, {"updated_date_time", &m.UpdatedDateTime},
	}
}

func (m *improvementActionModel) float64Fields() []float64Field {
	return []float64Field{{"max_score", &m.MaxScore}, {"current_score", &m.CurrentScore}}
}

func (m *improvementActionModel) boolFields() []boolField {
	return []boolField{{"in_score", &m.InScore}, {"completed", &m.Completed}}
}

const timeoutsBlock = "timeouts"

type (
	stringField struct {
		name  string
		value *types.String
	}
	float64Field struct {
		name  string
		value *types.Float64
	}
	boolField struct {
		name  string
		value *types.Bool
	}
)

// modelFromTerraform reads a state, plan or configuration of the resource.
func modelFromTerraform(ctx context.Context, v tftypes.Value) (improvementActionModel, diag.Diagnostics) {
	var m improvementActionModel
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		diags.AddError("Reading the resource's values", fmt.Sprintf("This is a bug in the provider: %v", err))
		return m, diags
	}
	convert := func(name string, t attr.Type, set func(attr.Value) bool) {
		value, err := t.ValueFromTerraform(ctx, attrs[name])
		if err != nil || !set(value) {
			diags.AddError("Reading the resource's values", fmt.Sprintf("This is a bug in the provider: attribute %s: %v", name, err))
		}
	}
	for _, f := range m.stringFields() {
		convert(f.name, types.StringType, func(v attr.Value) bool { s, ok := v.(types.String); *f.value = s; return ok })
	}
	for _, f := range m.float64Fields() {
		convert(f.name, types.Float64Type, func(v attr.Value) bool { n, ok := v.(types.Float64); *f.value = n; return ok })
	}
	for _, f := range m.boolFields() {
		convert(f.name, types.BoolType, func(v attr.Value) bool { b, ok := v.(types.Bool); *f.value = b; return ok })
	}
	convert(timeoutsBlock, timeoutsType(attrs[timeoutsBlock].Type()), func(v attr.Value) bool {
		t, ok := v.(timeouts.Value)
		m.Timeouts = t
		return ok
	})
	return m, diags
}

// toTerraform writes m as a value of typ, the type of the state or plan it
// replaces (the schema's object type).
func (m improvementActionModel) toTerraform(ctx context.Context, typ tftypes.Type) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	object, ok := typ.(tftypes.Object)
	if !ok {
		diags.AddError("Writing the resource's values", fmt.Sprintf("This is a bug in the provider: %s is not an object type", typ))
		return tftypes.Value{}, diags
	}
	values := make(map[string]tftypes.Value, len(object.AttributeTypes))
	add := func(name string, v attr.Value) {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Writing the resource's values", fmt.Sprintf("This is a bug in the provider: attribute %s: %v", name, err))
		}
		values[name] = tv
	}
	for _, f := range m.stringFields() {
		add(f.name, *f.value)
	}
	for _, f := range m.float64Fields() {
		add(f.name, *f.value)
	}
	for _, f := range m.boolFields() {
		add(f.name, *f.value)
	}
	switch {
	case m.Timeouts.IsNull():
		values[timeoutsBlock] = tftypes.NewValue(object.AttributeTypes[timeoutsBlock], nil)
	case m.Timeouts.IsUnknown():
		values[timeoutsBlock] = tftypes.NewValue(object.AttributeTypes[timeoutsBlock], tftypes.UnknownValue)
	default:
		add(timeoutsBlock, m.Timeouts)
	}
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	if err := tftypes.ValidateValue(typ, values); err != nil {
		diags.AddError("Writing the resource's values", fmt.Sprintf("This is a bug in the provider: %v", err))
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(typ, values), diags
}

// timeoutsType is the timeouts block's type for its Terraform type: an
// object of duration strings.
func timeoutsType(t tftypes.Type) attr.Type {
	attrTypes := map[string]attr.Type{}
	if object, ok := t.(tftypes.Object); ok {
		for name := range object.AttributeTypes {
			attrTypes[name] = types.StringType
		}
	}
	return timeouts.Type{ObjectType: types.ObjectType{AttrTypes: attrTypes}}
}
