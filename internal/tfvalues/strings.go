// Package tfvalues reads the framework's collection values into plain Go
// for every object of the provider.
package tfvalues

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Collection is what a list and a set have in common.
type Collection interface {
	IsNull() bool
	IsUnknown() bool
	ElementsAs(ctx context.Context, target any, allowUnhandled bool) diag.Diagnostics
}

// Strings reads a list or set of strings into target; null or unknown
// leaves target nil.
func Strings(ctx context.Context, c Collection, target *[]string) diag.Diagnostics {
	if c.IsNull() || c.IsUnknown() {
		*target = nil
		return nil
	}
	values := []string{}
	diags := c.ElementsAs(ctx, &values, false)
	*target = values
	return diags
}
