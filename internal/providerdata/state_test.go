package providerdata

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type testEntry struct {
	Name  types.String   `tfsdk:"name"`
	Score types.Float64  `tfsdk:"score"`
	Tags  []string       `tfsdk:"tags"`
	Flags []types.String `tfsdk:"flags"`
}

type testCounts struct {
	Healthy int64 `tfsdk:"healthy"`
}

type testModel struct {
	ReadTimeout
	ID       types.String             `tfsdk:"id"`
	Count    types.Int64              `tfsdk:"count"`
	Ready    bool                     `tfsdk:"ready"`
	Ratio    float64                  `tfsdk:"ratio"`
	Entries  []testEntry              `tfsdk:"entries"`
	ByName   map[string]testEntry     `tfsdk:"by_name"`
	Points   map[string]types.Float64 `tfsdk:"points"`
	Counts   *testCounts              `tfsdk:"counts"`
	Missing  *testCounts              `tfsdk:"missing"`
	Names    types.List               `tfsdk:"names"`
	Statuses types.Set                `tfsdk:"statuses"`
	None     []testEntry              `tfsdk:"none"`
	internal string
}

func testSchema(ctx context.Context) schema.Schema {
	entry := schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
		"name":  schema.StringAttribute{Computed: true},
		"score": schema.Float64Attribute{Computed: true},
		"tags":  schema.ListAttribute{Computed: true, ElementType: types.StringType},
		"flags": schema.SetAttribute{Computed: true, ElementType: types.StringType},
	}}
	counts := map[string]schema.Attribute{"healthy": schema.Int64Attribute{Computed: true}}
	return Schema(ctx, "test", map[string]schema.Attribute{
		"id":       schema.StringAttribute{Optional: true},
		"count":    schema.Int64Attribute{Computed: true},
		"ready":    schema.BoolAttribute{Computed: true},
		"ratio":    schema.Float64Attribute{Computed: true},
		"entries":  schema.ListNestedAttribute{Computed: true, NestedObject: entry},
		"by_name":  schema.MapNestedAttribute{Computed: true, NestedObject: entry},
		"points":   schema.MapAttribute{Computed: true, ElementType: types.Float64Type},
		"counts":   schema.SingleNestedAttribute{Computed: true, Attributes: counts},
		"missing":  schema.SingleNestedAttribute{Computed: true, Attributes: counts},
		"names":    schema.ListAttribute{Computed: true, ElementType: types.StringType},
		"statuses": schema.SetAttribute{Computed: true, ElementType: types.StringType},
		"none":     schema.ListNestedAttribute{Computed: true, NestedObject: entry},
	})
}

func filledModel() testModel {
	a := testEntry{Name: types.StringValue("a"), Score: types.Float64Value(0.5), Tags: []string{"x", "y"}, Flags: []types.String{types.StringValue("f")}}
	b := testEntry{Name: types.StringNull(), Score: types.Float64Null(), Tags: []string{}, Flags: nil}
	return testModel{
		ReadTimeout: nullTimeouts(),
		ID:          types.StringValue("sub"), Count: types.Int64Value(3), Ready: true, Ratio: 0.8495,
		Entries: []testEntry{a, b},
		ByName:  map[string]testEntry{"a": a},
		Points:  map[string]types.Float64{"p": types.Float64Value(4.74)},
		Counts:  &testCounts{Healthy: 16},
		Names:   types.ListValueMust(types.StringType, []attr.Value{types.StringValue("n")}),
		Statuses: types.SetValueMust(types.StringType, []attr.Value{
			types.StringValue("Unhealthy"), types.StringValue("Healthy")}),
		internal: "not an attribute",
	}
}

// nullTimeouts is the timeouts block as a configuration without one loads it.
func nullTimeouts() ReadTimeout {
	return ReadTimeout{Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"read": types.StringType})}}
}

// The framework's own conversion is the oracle: SetState must give what
// tfsdk.State.Set gives for every kind of field a model holds.
func TestSetStateMatchesFramework(t *testing.T) {
	ctx := context.Background()
	s := testSchema(ctx)
	empty := testModel{ReadTimeout: nullTimeouts(), Names: types.ListNull(types.StringType), Statuses: types.SetNull(types.StringType)}
	for name, model := range map[string]testModel{"filled": filledModel(), "empty": empty} {
		ours := tfsdk.State{Schema: s}
		if diags := SetState(ctx, &ours, &model); diags.HasError() {
			t.Fatalf("%s: SetState: %v", name, diags)
		}
		framework := tfsdk.State{Schema: s}
		if diags := framework.Set(ctx, &model); diags.HasError() {
			t.Fatalf("%s: tfsdk.State.Set: %v", name, diags)
		}
		if !ours.Raw.Equal(framework.Raw) {
			diffs, _ := ours.Raw.Diff(framework.Raw)
			t.Fatalf("%s: SetState differs from tfsdk.State.Set: %v", name, diffs)
		}
	}
}

func TestSetStateValues(t *testing.T) {
	ctx := context.Background()
	state := tfsdk.State{Schema: testSchema(ctx)}
	model := filledModel()
	if diags := SetState(ctx, &state, &model); diags.HasError() {
		t.Fatal(diags)
	}
	var name, missing tftypes.Value
	var err error
	if name, err = at(state.Raw, tftypes.NewAttributePath().WithAttributeName("entries").WithElementKeyInt(0).WithAttributeName("name")); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := name.As(&s); err != nil || s != "a" {
		t.Errorf("entries[0].name = %q (%v), want \"a\"", s, err)
	}
	healthy, err := at(state.Raw, tftypes.NewAttributePath().WithAttributeName("counts").WithAttributeName("healthy"))
	if err != nil {
		t.Fatal(err)
	}
	var n big.Float
	if err := healthy.As(&n); err != nil || n.Cmp(big.NewFloat(16)) != 0 {
		t.Errorf("counts.healthy = %v (%v), want 16", n.String(), err)
	}
	if missing, err = at(state.Raw, tftypes.NewAttributePath().WithAttributeName("missing")); err != nil || !missing.IsNull() {
		t.Errorf("missing = %v (%v), want null", missing, err)
	}
	none, err := at(state.Raw, tftypes.NewAttributePath().WithAttributeName("none"))
	if err != nil || !none.IsNull() {
		t.Errorf("none = %v (%v), want null (a nil slice)", none, err)
	}
}

func at(v tftypes.Value, p *tftypes.AttributePath) (tftypes.Value, error) {
	got, _, err := tftypes.WalkAttributePath(v, p)
	if err != nil {
		return tftypes.Value{}, err
	}
	return got.(tftypes.Value), nil
}

// A model that does not match the schema is one error that names what is
// wrong, never a panic or a half-written state.
func TestSetStateMismatch(t *testing.T) {
	ctx := context.Background()
	type short struct {
		ReadTimeout
		ID types.String `tfsdk:"id"`
	}
	state := tfsdk.State{Schema: testSchema(ctx)}
	model := short{ReadTimeout: nullTimeouts(), ID: types.StringValue("sub")}
	diags := SetState(ctx, &state, &model)
	if !diags.HasError() || len(diags) != 1 {
		t.Fatalf("diags = %v, want one error", diags)
	}
	if detail := diags[0].Detail(); !strings.Contains(detail, "attributes without a field:") || !strings.Contains(detail, "entries") {
		t.Errorf("detail = %q, want the attributes without a field", detail)
	}
	if !state.Raw.IsNull() {
		t.Errorf("state = %v, want it left unset", state.Raw)
	}

	// A types.List left at its zero value has no element type: the
	// framework refuses it, and so does SetState.
	zero := testModel{ReadTimeout: nullTimeouts()}
	if diags := SetState(ctx, &state, &zero); !diags.HasError() || !strings.Contains(diags[0].Detail(), "names: a value of type") {
		t.Errorf("zero types.List: diags = %v, want an error at names", diags)
	}
	if diags := (&tfsdk.State{Schema: testSchema(ctx)}).Set(ctx, &zero); !diags.HasError() {
		t.Errorf("tfsdk.State.Set accepted a zero types.List; the test's premise changed")
	}
}
