package microsoft365

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// rfc3339 formats a service time in UTC; nil gives null.
func rfc3339(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func stringValues(values []string) []types.String {
	out := make([]types.String, 0, len(values))
	for _, v := range values {
		out = append(out, types.StringValue(v))
	}
	return out
}

// nullIfEmpty is how text Graph sends as null (decoded as "") reaches state:
// null, never "".
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// flexValue is a Graph number, null when Graph sent none.
func flexValue(f client.FlexFloat64) types.Float64 {
	if !f.Set {
		return types.Float64Null()
	}
	return types.Float64Value(f.Value)
}

// pointerValue is an optional number, null when absent.
func pointerValue(f *float64) types.Float64 {
	if f == nil {
		return types.Float64Null()
	}
	return types.Float64Value(*f)
}
