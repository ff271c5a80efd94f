package defender

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
)

// governanceObject holds the steps the governance rule and assignment
// resources take alike with one object: M is the resource's model, T the
// client's object. what names it in diagnostics ("rule", "assignment");
// fill sets every attribute of the model from what the service stored, and
// reports false (with an error) when the model cannot represent it;
// timeouts is the model's timeouts block.
type governanceObject[M, T any] struct {
	what     string
	fill     func(*M, T, *diag.Diagnostics) bool
	timeouts func(M) timeouts.Value
}

// operationTimeout is the Create, Read, Update or Delete method of a
// resource's timeouts block, e.g. timeouts.Value.Create.
type operationTimeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// within loads the plan or the state (get is its Get method) and runs do
// with it, bounded by the operation's timeout (governanceTimeout unless the
// timeouts block sets one). do does not run when loading failed.
func (g governanceObject[M, T]) within(ctx context.Context, r *providerdata.Resource, get func(context.Context, any) diag.Diagnostics, timeout operationTimeout, diags *diag.Diagnostics, do func(context.Context, M)) {
	var m M
	if !r.Load(ctx, get, &m, diags) {
		return
	}
	block := g.timeouts(m)
	ctx, cancel := providerdata.Deadline(ctx, func(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics) {
		return timeout(block, ctx, def)
	}, governanceTimeout, diags)
	defer cancel()
	do(ctx, m)
}

// apply is Create and Update: prepare builds the object to send from the
// plan (a create gives it its key, an update keeps what the resource does
// not manage) and send writes it. Nothing is sent when prepare fails.
func (g governanceObject[M, T]) apply(ctx context.Context, r *providerdata.Resource, plan tfsdk.Plan, timeout operationTimeout, state *tfsdk.State, diags *diag.Diagnostics,
	prepare func(context.Context, *M, *diag.Diagnostics) (T, bool), send func(context.Context, M, T, *tfsdk.State, *diag.Diagnostics)) {
	g.within(ctx, r, plan.Get, timeout, diags, func(ctx context.Context, m M) {
		if obj, ok := prepare(ctx, &m, diags); ok {
			send(ctx, m, obj, state, diags)
		}
	})
}

// save fills m from what the service stored and makes it the state.
func (g governanceObject[M, T]) save(ctx context.Context, m M, stored T, state *tfsdk.State, diags *diag.Diagnostics) {
	if g.fill(&m, stored, diags) {
		diags.Append(state.Set(ctx, &m)...)
	}
}

// write sends obj with put and saves the state only when the service took
// it. managementGroup and notFound go to governanceWriteError.
func (g governanceObject[M, T]) write(ctx context.Context, plan M, obj T, put func(context.Context, T) (*T, error), managementGroup bool, notFound string, state *tfsdk.State, diags *diag.Diagnostics) {
	stored, err := put(ctx, obj)
	if err != nil {
		diags.Append(governanceWriteError("Writing the governance "+g.what, err, managementGroup, notFound))
		return
	}
	g.save(ctx, plan, *stored, state, diags)
}

// refresh ends Read with what reading the object gave (found, err): the
// state as the service has it now or, when the service no longer has the
// object, the resource removed from state with a warning (gone says why).
func (g governanceObject[M, T]) refresh(ctx context.Context, m M, found *T, err error, gone string, resp *resource.ReadResponse) {
	if client.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Governance "+g.what+" removed from state", gone)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(governanceReadError(g.what, err, ""))
		return
	}
	g.save(ctx, m, *found, &resp.State, &resp.Diagnostics)
}

// importAttributes is ImportState for both resources: the attributes the
// import id names, or one error when parsing the id failed (err).
func importAttributes(ctx context.Context, err error, attributes map[string]any, resp *resource.ImportStateResponse) {
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error()+".")
		return
	}
	for _, name := range slices.Sorted(maps.Keys(attributes)) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), attributes[name])...)
	}
}

// defaultedBool is an optional boolean setting of a governance resource
// with the service's default, which the description ends by naming.
func defaultedBool(value bool, description string) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(value),
		MarkdownDescription: fmt.Sprintf("%s Default `%t`.", description, value)}
}
