package defender

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Azure Resource Manager ids are case-insensitive, and the service may
// answer them in another case than the request's (lower-case management
// group ids, `resourcegroups`):
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
// and https://github.com/Azure/azure-resource-manager-rpc (resource ids are
// compared case-insensitively). A timestamp names an instant, whatever its
// offset. The governance resources keep the configuration's spelling of
// both: a plan keeps the prior spelling when the configuration's is the
// same id or instant (so nothing is replaced or updated for a spelling),
// and a read keeps the prior spelling when the service's is.

// sameID is true when two ids differ at most in case.
func sameID(a, b string) bool { return strings.EqualFold(a, b) }

// sameInstant is true when two RFC 3339 timestamps name the same instant.
func sameInstant(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339, a)
	tb, errB := time.Parse(time.RFC3339, b)
	return errA == nil && errB == nil && ta.Equal(tb)
}

// keepPriorSpelling plans the prior value of a string attribute when the
// configuration's is equivalent to it (equal says so). It goes before
// RequiresReplace, which then sees no change.
type keepPriorSpelling struct {
	equal func(a, b string) bool
	what  string
}

func (m keepPriorSpelling) Description(context.Context) string {
	return "Keeps the prior value when the configuration's is " + m.what + "."
}

func (m keepPriorSpelling) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m keepPriorSpelling) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if req.PlanValue.ValueString() != req.StateValue.ValueString() && m.equal(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}

// sameIDPlan keeps the prior spelling of an id that differs only in case.
var sameIDPlan planmodifier.String = keepPriorSpelling{equal: sameID, what: "the same id in another case"}

// sameInstantPlan keeps the prior spelling of a timestamp naming the same instant.
var sameInstantPlan planmodifier.String = keepPriorSpelling{equal: sameInstant, what: "the same instant in another offset"}

// sameIDsPlan keeps the prior set of ids when the configuration's holds the
// same ids in another case.
type sameIDsPlan struct{}

func (sameIDsPlan) Description(context.Context) string {
	return "Keeps the prior ids when the configuration's are the same ids in another case."
}

func (m sameIDsPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (sameIDsPlan) PlanModifySet(_ context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	plan, okPlan := stringElements(req.PlanValue.Elements())
	prior, okPrior := stringElements(req.StateValue.Elements())
	if okPlan && okPrior && sameFold(plan, prior) {
		resp.PlanValue = req.StateValue
	}
}

// stringElements reads known string elements; false when one is not.
func stringElements(elems []attr.Value) ([]string, bool) {
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			return nil, false
		}
		out = append(out, s.ValueString())
	}
	return out, true
}

// keepID is served, or prior when served is the same id in another case.
func keepID(prior, served types.String) types.String {
	if !served.IsNull() && !prior.IsNull() && !prior.IsUnknown() && sameID(prior.ValueString(), served.ValueString()) {
		return prior
	}
	return served
}

// keepIDs is the set of served ids, each in prior's spelling where prior
// holds it in another case.
func keepIDs(prior types.Set, served []string) types.Set {
	var spelled []string
	if !prior.IsNull() && !prior.IsUnknown() {
		spelled, _ = stringElements(prior.Elements())
	}
	out := make([]string, len(served))
	for i, s := range served {
		out[i] = s
		for _, p := range spelled {
			if sameID(p, s) {
				out[i] = p
			}
		}
	}
	return nullableSet(out)
}

// keepInstant is served (RFC 3339, UTC), or prior when it names the same instant.
func keepInstant(prior types.String, served time.Time) types.String {
	if !prior.IsNull() && !prior.IsUnknown() {
		if t, err := time.Parse(time.RFC3339, prior.ValueString()); err == nil && t.Equal(served) {
			return prior
		}
	}
	return types.StringValue(served.UTC().Format(time.RFC3339))
}
