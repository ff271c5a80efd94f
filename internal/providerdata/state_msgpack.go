package providerdata

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// EncodeState writes model, a pointer to a data source's model, as the
// msgpack of its state of type typ: what SetState's value gives through
// tftypes.Value.MarshalMsgPack (the protocol's DynamicValue), written
// straight from the model. Between them the tftypes tree is the largest
// copy of the state a read holds, and its encoder allocates a path for
// every attribute it writes; for the recommendations of 100 subscriptions
// those were 90 of the 140 MB a read allocated (bench/RESULTS.md). It
// takes the models SetState takes, with the same msgpack library and the
// same encoding rules as tftypes (value_msgpack.go of terraform-plugin-go):
// objects as maps in attribute name order, numbers as integers where they
// are whole and fit in 64 bits, else as float64, else as decimal text.
func EncodeState(ctx context.Context, typ tftypes.Type, model any) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	var buf bytes.Buffer
	e := stateEncoder{ctx: ctx, enc: msgpack.NewEncoder(&buf)}
	if err := e.value(typ, reflect.ValueOf(model)); err != nil {
		diags.AddError("Provider error: the state could not be built",
			"The provider could not convert what it read into Terraform's state: "+err.Error()+
				". This is a bug in the provider; please report it with the data source's configuration.")
		return nil, diags
	}
	return buf.Bytes(), diags
}

// verifyEncoding is the acceptance tests' check of EncodeState (see
// verifyState): the state it wrote must decode to the value SetState
// builds, itself checked against tfsdk.State.Set.
func verifyEncoding(ctx context.Context, state *tfsdk.State, model any, typ tftypes.Type, encoded []byte) diag.Diagnostics {
	built := tfsdk.State{Schema: state.Schema}
	diags := SetState(ctx, &built, model)
	if diags.HasError() {
		return diags
	}
	dv := tfprotov6.DynamicValue{MsgPack: encoded}
	decoded, err := dv.Unmarshal(typ)
	if err != nil {
		diags.AddError("EncodeState wrote no valid state", err.Error())
		return diags
	}
	if !decoded.Equal(built.Raw) {
		diffs, _ := decoded.Diff(built.Raw)
		diags.AddError("State differs from SetState", fmt.Sprintf("EncodeState and SetState disagree at %d place(s), e.g. %v", len(diffs), firstDiff(diffs)))
	}
	return diags
}

type stateEncoder struct {
	ctx context.Context
	enc *msgpack.Encoder
}

func (e stateEncoder) value(typ tftypes.Type, rv reflect.Value) error {
	if av, ok := asAttrValue(rv); ok {
		if vt := av.Type(e.ctx).TerraformType(e.ctx); !vt.Equal(typ) {
			return fmt.Errorf("a value of type %s stands where the schema has %s", vt, typ)
		}
		return e.attrValue(typ, av)
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return e.enc.EncodeNil()
		}
		return e.value(typ, rv.Elem())
	case reflect.Struct:
		return e.object(typ, rv)
	case reflect.Slice:
		return e.collection(typ, rv)
	case reflect.Map:
		return e.mapping(typ, rv)
	case reflect.String:
		return e.enc.EncodeString(rv.String())
	case reflect.Bool:
		return e.enc.EncodeBool(rv.Bool())
	case reflect.Int64:
		return e.enc.EncodeInt(rv.Int())
	case reflect.Float64:
		return e.float(rv.Float())
	}
	return fmt.Errorf("a model field of Go type %s has no Terraform value", rv.Type())
}

// attrValue writes the framework's primitive values without building
// their tftypes.Value, and any other through it.
func (e stateEncoder) attrValue(typ tftypes.Type, av attr.Value) error {
	if av.IsUnknown() {
		return fmt.Errorf("an unknown value stands in the state")
	}
	if av.IsNull() {
		return e.enc.EncodeNil()
	}
	switch v := av.(type) {
	case *basetypes.StringValue:
		return e.enc.EncodeString(v.ValueString())
	case *basetypes.BoolValue:
		return e.enc.EncodeBool(v.ValueBool())
	case *basetypes.Int64Value:
		return e.enc.EncodeInt(v.ValueInt64())
	case *basetypes.Float64Value:
		return e.float(v.ValueFloat64())
	}
	tv, err := av.ToTerraformValue(e.ctx)
	if err != nil {
		return err
	}
	return e.terraform(typ, tv)
}

// float writes f as tftypes writes big.NewFloat(f).
func (e stateEncoder) float(f float64) error {
	switch {
	case math.IsNaN(f):
		return fmt.Errorf("NaN has no Terraform value")
	case math.IsInf(f, 0):
		return e.enc.EncodeFloat64(f)
	case f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64:
		return e.enc.EncodeInt(int64(f))
	case f != math.Trunc(f):
		return e.enc.EncodeFloat64(f)
	}
	return e.enc.EncodeString(big.NewFloat(f).Text('f', -1))
}

func (e stateEncoder) object(typ tftypes.Type, rv reflect.Value) error {
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return fmt.Errorf("the struct %s stands where the schema has %s", rv.Type(), typ)
	}
	fields := sortedStructFields(rv.Type())
	if len(fields) != len(obj.AttributeTypes) {
		return fieldMismatch(rv.Type(), fields, obj)
	}
	if err := e.enc.EncodeMapLen(len(fields)); err != nil {
		return err
	}
	for _, f := range fields {
		at, ok := obj.AttributeTypes[f.name]
		if !ok {
			return fieldMismatch(rv.Type(), fields, obj)
		}
		if err := e.enc.EncodeString(f.name); err != nil {
			return err
		}
		if err := e.value(at, rv.FieldByIndex(f.index)); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

func (e stateEncoder) collection(typ tftypes.Type, rv reflect.Value) error {
	elem, ok := elementType(typ)
	if !ok {
		return fmt.Errorf("the slice %s stands where the schema has %s", rv.Type(), typ)
	}
	if rv.IsNil() {
		return e.enc.EncodeNil()
	}
	if err := e.enc.EncodeArrayLen(rv.Len()); err != nil {
		return err
	}
	for i := range rv.Len() {
		if err := e.value(elem, rv.Index(i)); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}

func (e stateEncoder) mapping(typ tftypes.Type, rv reflect.Value) error {
	m, ok := typ.(tftypes.Map)
	if !ok || rv.Type().Key().Kind() != reflect.String {
		return fmt.Errorf("the map %s stands where the schema has %s", rv.Type(), typ)
	}
	if rv.IsNil() {
		return e.enc.EncodeNil()
	}
	if err := e.enc.EncodeMapLen(rv.Len()); err != nil {
		return err
	}
	for it := rv.MapRange(); it.Next(); {
		if err := e.enc.EncodeString(it.Key().String()); err != nil {
			return err
		}
		if err := e.value(m.ElementType, it.Value()); err != nil {
			return fmt.Errorf("[%q]: %w", it.Key().String(), err)
		}
	}
	return nil
}

// terraform writes a tftypes.Value (of an attr.Value other than the
// primitives above: lists, sets, maps and objects of the framework).
func (e stateEncoder) terraform(typ tftypes.Type, v tftypes.Value) error {
	if !v.IsKnown() {
		return fmt.Errorf("an unknown value stands in the state")
	}
	if v.IsNull() {
		return e.enc.EncodeNil()
	}
	switch t := typ.(type) {
	case tftypes.List, tftypes.Set:
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return err
		}
		elem, _ := elementType(t)
		if err := e.enc.EncodeArrayLen(len(elems)); err != nil {
			return err
		}
		for _, el := range elems {
			if err := e.terraform(elem, el); err != nil {
				return err
			}
		}
		return nil
	case tftypes.Map, tftypes.Object:
		var entries map[string]tftypes.Value
		if err := v.As(&entries); err != nil {
			return err
		}
		var keys []string
		var typeOf func(string) tftypes.Type
		if m, ok := t.(tftypes.Map); ok {
			keys = slices.Collect(maps.Keys(entries))
			typeOf = func(string) tftypes.Type { return m.ElementType }
		} else {
			obj := t.(tftypes.Object)
			keys = slices.Sorted(maps.Keys(obj.AttributeTypes)) // tftypes writes attributes in name order
			typeOf = func(name string) tftypes.Type { return obj.AttributeTypes[name] }
		}
		if err := e.enc.EncodeMapLen(len(keys)); err != nil {
			return err
		}
		for _, k := range keys {
			if err := e.enc.EncodeString(k); err != nil {
				return err
			}
			if err := e.terraform(typeOf(k), entries[k]); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case typ.Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			return err
		}
		return e.enc.EncodeString(s)
	case typ.Is(tftypes.Bool):
		var b bool
		if err := v.As(&b); err != nil {
			return err
		}
		return e.enc.EncodeBool(b)
	case typ.Is(tftypes.Number):
		n := new(big.Float)
		if err := v.As(&n); err != nil {
			return err
		}
		return e.number(n)
	}
	return fmt.Errorf("a value of type %s has no state encoding here", typ)
}

// number writes n as tftypes does.
func (e stateEncoder) number(n *big.Float) error {
	if n.IsInf() {
		return e.enc.EncodeFloat64(math.Inf(n.Sign()))
	}
	if i, acc := n.Int64(); acc == big.Exact {
		return e.enc.EncodeInt(i)
	}
	if f, acc := n.Float64(); acc == big.Exact && !n.IsInt() {
		return e.enc.EncodeFloat64(f)
	}
	return e.enc.EncodeString(n.Text('f', -1))
}

var sortedFieldCache sync.Map // reflect.Type → []structField

// sortedStructFields are structFields in attribute name order, the order
// in which tftypes writes an object's attributes.
func sortedStructFields(t reflect.Type) []structField {
	if cached, ok := sortedFieldCache.Load(t); ok {
		return cached.([]structField)
	}
	fields := append([]structField(nil), structFields(t)...)
	sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	sortedFieldCache.Store(t, fields)
	return fields
}
