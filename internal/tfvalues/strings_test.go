package tfvalues

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestStrings(t *testing.T) {
	ctx := context.Background()
	elems := []attr.Value{types.StringValue("a"), types.StringValue("b")}
	list, _ := types.ListValue(types.StringType, elems)
	set, _ := types.SetValue(types.StringType, elems)
	for name, c := range map[string]Collection{"list": list, "set": set} {
		var got []string
		if diags := Strings(ctx, c, &got); diags.HasError() || !reflect.DeepEqual(got, []string{"a", "b"}) {
			t.Errorf("%s: %v %v", name, got, diags)
		}
	}
	for name, c := range map[string]Collection{"null": types.ListNull(types.StringType), "unknown": types.SetUnknown(types.StringType)} {
		got := []string{"stale"}
		if diags := Strings(ctx, c, &got); diags.HasError() || got != nil {
			t.Errorf("%s: %v %v", name, got, diags)
		}
	}
}
