package providerdata

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// SetState saves model, a pointer to a data source's model, as its state.
// It gives the value tfsdk.State.Set gives, built another way: Set reflects
// the model into the framework's attr.Value tree (an object, a map of
// attributes and a type check for every entry of every list) and converts
// that tree into a tftypes.Value, while SetState builds the tftypes.Value
// straight from the model, with the struct tags read once per model type.
// For data sources that return thousands of objects the detour was a
// quarter of the provider's CPU and one of the three copies of the state
// alive at its peak (bench/RESULTS.md); no setting of the framework skips
// it, so this is written here.
//
// A model holds what tfsdk.State.Set takes: attr.Value fields (types.String,
// types.List, timeouts.Value, ...), structs and pointers to structs (objects,
// nil is null), slices (lists and sets, nil is null), maps with string keys,
// and string, bool, int64 and float64; fields are matched to attributes by
// their `tfsdk` tag, embedded structs without a tag lend their fields.
func SetState(ctx context.Context, state *tfsdk.State, model any) diag.Diagnostics {
	var diags diag.Diagnostics
	v, err := terraformValue(ctx, state.Schema.Type().TerraformType(ctx), reflect.ValueOf(model))
	if err != nil {
		diags.AddError("Provider error: the state could not be built",
			"The provider could not convert what it read into Terraform's state: "+err.Error()+
				". This is a bug in the provider; please report it with the data source's configuration.")
		return diags
	}
	if verifyState.Load() {
		framework := tfsdk.State{Schema: state.Schema}
		if diags.Append(framework.Set(ctx, model)...); diags.HasError() {
			return diags
		}
		if !framework.Raw.Equal(v) {
			diffs, _ := v.Diff(framework.Raw)
			diags.AddError("State differs from tfsdk.State.Set", fmt.Sprintf("SetState and the framework disagree at %d place(s), e.g. %v", len(diffs), firstDiff(diffs)))
			return diags
		}
	}
	state.Raw = v
	return diags
}

// verifyState makes SetState also build the state with tfsdk.State.Set and
// fail where the two differ. The acceptance tests turn it on (acctest), so
// that every read they make checks SetState against the framework.
var verifyState atomic.Bool

// VerifyStateAgainstFramework is for tests: see verifyState.
func VerifyStateAgainstFramework() { verifyState.Store(true) }

func firstDiff(diffs []tftypes.ValueDiff) string {
	if len(diffs) == 0 {
		return "none listed"
	}
	d := diffs[0]
	return fmt.Sprintf("%s: SetState %v, framework %v", d.Path, d.Value1, d.Value2)
}

var attrValueType = reflect.TypeFor[attr.Value]()

func terraformValue(ctx context.Context, typ tftypes.Type, rv reflect.Value) (tftypes.Value, error) {
	if av, ok := asAttrValue(rv); ok {
		// As tfsdk.State.Set: a value of another type (e.g. a types.List
		// left at its zero value, without an element type) is an error.
		if vt := av.Type(ctx).TerraformType(ctx); !vt.Equal(typ) {
			return tftypes.Value{}, fmt.Errorf("a value of type %s stands where the schema has %s", vt, typ)
		}
		return av.ToTerraformValue(ctx)
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return tftypes.NewValue(typ, nil), nil
		}
		return terraformValue(ctx, typ, rv.Elem())
	case reflect.Struct:
		return objectValue(ctx, typ, rv)
	case reflect.Slice:
		return collectionValue(ctx, typ, rv)
	case reflect.Map:
		return mapValue(ctx, typ, rv)
	case reflect.String:
		return types.StringValue(rv.String()).ToTerraformValue(ctx)
	case reflect.Bool:
		return types.BoolValue(rv.Bool()).ToTerraformValue(ctx)
	case reflect.Int64:
		return types.Int64Value(rv.Int()).ToTerraformValue(ctx)
	case reflect.Float64:
		return types.Float64Value(rv.Float()).ToTerraformValue(ctx)
	}
	return tftypes.Value{}, fmt.Errorf("a model field of Go type %s has no Terraform value", rv.Type())
}

// asAttrValue gives rv as an attr.Value when its type is one, through its
// address where it has one so that no copy is boxed.
func asAttrValue(rv reflect.Value) (attr.Value, bool) {
	if rv.Kind() == reflect.Pointer || !isAttrValue(rv.Type()) {
		return nil, false
	}
	if rv.CanAddr() {
		return rv.Addr().Interface().(attr.Value), true
	}
	av, ok := rv.Interface().(attr.Value)
	return av, ok
}

var attrValueTypes sync.Map // reflect.Type → bool

func isAttrValue(t reflect.Type) bool {
	if is, ok := attrValueTypes.Load(t); ok {
		return is.(bool)
	}
	is := reflect.PointerTo(t).Implements(attrValueType)
	attrValueTypes.Store(t, is)
	return is
}

func objectValue(ctx context.Context, typ tftypes.Type, rv reflect.Value) (tftypes.Value, error) {
	obj, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("the struct %s stands where the schema has %s", rv.Type(), typ)
	}
	fields := structFields(rv.Type())
	if len(fields) != len(obj.AttributeTypes) {
		return tftypes.Value{}, fieldMismatch(rv.Type(), fields, obj)
	}
	values := make(map[string]tftypes.Value, len(fields))
	for _, f := range fields {
		at, ok := obj.AttributeTypes[f.name]
		if !ok {
			return tftypes.Value{}, fieldMismatch(rv.Type(), fields, obj)
		}
		v, err := terraformValue(ctx, at, rv.FieldByIndex(f.index))
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%s: %w", f.name, err)
		}
		values[f.name] = v
	}
	return tftypes.NewValue(obj, values), nil
}

func collectionValue(ctx context.Context, typ tftypes.Type, rv reflect.Value) (tftypes.Value, error) {
	elem, ok := elementType(typ)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("the slice %s stands where the schema has %s", rv.Type(), typ)
	}
	if rv.IsNil() {
		return tftypes.NewValue(typ, nil), nil
	}
	values := make([]tftypes.Value, rv.Len())
	for i := range values {
		v, err := terraformValue(ctx, elem, rv.Index(i))
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("[%d]: %w", i, err)
		}
		values[i] = v
	}
	return tftypes.NewValue(typ, values), nil
}

func mapValue(ctx context.Context, typ tftypes.Type, rv reflect.Value) (tftypes.Value, error) {
	m, ok := typ.(tftypes.Map)
	if !ok || rv.Type().Key().Kind() != reflect.String {
		return tftypes.Value{}, fmt.Errorf("the map %s stands where the schema has %s", rv.Type(), typ)
	}
	if rv.IsNil() {
		return tftypes.NewValue(typ, nil), nil
	}
	values := make(map[string]tftypes.Value, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		v, err := terraformValue(ctx, m.ElementType, it.Value())
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("[%q]: %w", it.Key().String(), err)
		}
		values[it.Key().String()] = v
	}
	return tftypes.NewValue(typ, values), nil
}

// elementType is the element type of a list or set type.
func elementType(typ tftypes.Type) (tftypes.Type, bool) {
	switch t := typ.(type) {
	case tftypes.List:
		return t.ElementType, true
	case tftypes.Set:
		return t.ElementType, true
	}
	return nil, false
}

type structField struct {
	name  string
	index []int
}

var fieldCache sync.Map // reflect.Type → []structField

// structFields lists a model struct's attributes as tfsdk.State.Set reads
// them: tagged exported fields, and the fields of untagged embedded structs.
func structFields(t reflect.Type) []structField {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.([]structField)
	}
	var fields []structField
	for _, f := range reflect.VisibleFields(t) {
		tag, tagged := f.Tag.Lookup("tfsdk")
		if !tagged || tag == "-" || !f.IsExported() || hasTaggedAncestor(t, f.Index) {
			continue
		}
		fields = append(fields, structField{name: tag, index: f.Index})
	}
	fieldCache.Store(t, fields)
	return fields
}

// hasTaggedAncestor reports whether the field at index sits inside an
// embedded struct that is itself an attribute (tagged), not a lender.
func hasTaggedAncestor(t reflect.Type, index []int) bool {
	for depth := 1; depth < len(index); depth++ {
		if _, tagged := t.FieldByIndex(index[:depth]).Tag.Lookup("tfsdk"); tagged {
			return true
		}
	}
	return false
}

func fieldMismatch(t reflect.Type, fields []structField, obj tftypes.Object) error {
	have := map[string]bool{}
	for _, f := range fields {
		have[f.name] = true
	}
	var missing, extra []string
	for name := range obj.AttributeTypes {
		if !have[name] {
			missing = append(missing, name)
		}
		delete(have, name)
	}
	for name := range have {
		extra = append(extra, name)
	}
	return fmt.Errorf("the struct %s does not match the schema (attributes without a field: %s; fields without an attribute: %s)",
		t, strings.Join(missing, ", "), strings.Join(extra, ", "))
}
