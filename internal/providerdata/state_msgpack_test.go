package providerdata

import (
	"bytes"
	"context"
	"encoding/hex"
	"math"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// tftypes' encoder is the oracle: EncodeState writes, byte for byte, what
// SetState's value gives through tftypes.Value.MarshalMsgPack (the test
// models' maps hold one entry, so that tftypes' map order is fixed).
func TestEncodeStateMatchesTftypes(t *testing.T) {
	ctx := context.Background()
	s := testSchema(ctx)
	typ := s.Type().TerraformType(ctx)
	empty := testModel{ReadTimeout: nullTimeouts(), Names: types.ListNull(types.StringType), Statuses: types.SetNull(types.StringType)}
	for name, model := range map[string]testModel{"filled": filledModel(), "empty": empty} {
		built := tfsdk.State{Schema: s}
		if diags := SetState(ctx, &built, &model); diags.HasError() {
			t.Fatalf("%s: SetState: %v", name, diags)
		}
		want, err := built.Raw.MarshalMsgPack(typ) //nolint:staticcheck // the oracle: what the framework's server sends
		if err != nil {
			t.Fatal(err)
		}
		got, diags := EncodeState(ctx, typ, &model)
		if diags.HasError() {
			t.Fatalf("%s: EncodeState: %v", name, diags)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: EncodeState wrote\n%s\ntftypes writes\n%s", name, hex.Dump(got), hex.Dump(want))
		}
		if diags := verifyEncoding(ctx, &built, &model, typ, got); diags.HasError() {
			t.Errorf("%s: verifyEncoding: %v", name, diags)
		}
	}
}

// Numbers as the msgpack specification writes them (fixmap of one
// attribute "x", then the value), following tftypes' rule: whole numbers
// that fit in 64 bits as integers, other floats as float64, larger whole
// numbers as decimal text.
func TestEncodeStateNumbers(t *testing.T) {
	ctx := context.Background()
	type floatModel struct {
		X float64 `tfsdk:"x"`
	}
	type intModel struct {
		X types.Int64 `tfsdk:"x"`
	}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"x": tftypes.Number}}
	cases := []struct {
		name  string
		model any
		want  string
	}{
		{"whole float", &floatModel{3}, "81a178" + "03"},
		{"negative whole float", &floatModel{-2}, "81a178" + "fe"},
		{"negative zero", &floatModel{math.Copysign(0, -1)}, "81a178" + "00"},
		{"half", &floatModel{0.5}, "81a178" + "cb3fe0000000000000"},
		{"whole beyond int64", &floatModel{1e20}, "81a178" + "b5" + hex.EncodeToString([]byte("100000000000000000000"))},
		{"infinity", &floatModel{math.Inf(1)}, "81a178" + "cb7ff0000000000000"},
		{"int64 300", &intModel{types.Int64Value(300)}, "81a178" + "cd012c"},
		{"null int64", &intModel{types.Int64Null()}, "81a178" + "c0"},
	}
	for _, c := range cases {
		got, diags := EncodeState(ctx, typ, c.model)
		if diags.HasError() {
			t.Errorf("%s: %v", c.name, diags)
			continue
		}
		if hex.EncodeToString(got) != c.want {
			t.Errorf("%s: got %x, want %s", c.name, got, c.want)
		}
	}
}

// A value with no state encoding is one diagnostic, not a panic.
func TestEncodeStateErrors(t *testing.T) {
	ctx := context.Background()
	type floatModel struct {
		X float64 `tfsdk:"x"`
	}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"x": tftypes.Number}}
	if _, diags := EncodeState(ctx, typ, &floatModel{math.NaN()}); diags.ErrorsCount() != 1 {
		t.Errorf("NaN: %v", diags)
	}
	other := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"y": tftypes.Number}}
	if _, diags := EncodeState(ctx, other, &floatModel{1}); diags.ErrorsCount() != 1 {
		t.Errorf("mismatch: %v", diags)
	}
	unknown := struct {
		X types.Float64 `tfsdk:"x"`
	}{types.Float64Unknown()}
	if _, diags := EncodeState(ctx, typ, &unknown); diags.ErrorsCount() != 1 {
		t.Errorf("unknown: %v", diags)
	}
}
