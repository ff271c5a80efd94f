package defender

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
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
// client's object. what names it in diagnostics ("rule", "assignment") and
// key the attribute holding its key; fill sets every attribute of the model
// from what the service stored, and reports false (with an error) when the
// model cannot represent it; differences names the managed settings that
// differ between two objects; lastChange, when set, says who last changed
// an object and when; timeouts is the model's timeouts block.
type governanceObject[M, T any] struct {
	what, key   string
	fill        func(*M, T, *diag.Diagnostics) bool
	differences func(want, got T) []string
	lastChange  func(T) string
	timeouts    func(M) timeouts.Value
}

// objectAccess is how a resource reads and writes one object: id names it
// in diagnostics; get reads it (a missing object is a 404 error); put
// writes it; remove deletes it. managementGroupID (at management-group
// scope) and notFound go to governanceWriteError.
type objectAccess[T any] struct {
	id                string
	get               func(context.Context) (*T, error)
	put               func(context.Context, T) (*T, error)
	remove            func(context.Context) error
	managementGroupID string
	notFound          string
}

// operationTimeout is the Create, Read, Update or Delete method of a
// resource's timeouts block, e.g. timeouts.Value.Create.
type operationTimeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// readBackTimeout bounds the read that follows a failed write, which runs
// even when the write ran out of time or Terraform is stopping, so that a
// write that landed reaches the state.
const readBackTimeout = 30 * time.Second

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

// save fills m from what the service stored and makes it the state.
func (g governanceObject[M, T]) save(ctx context.Context, m M, stored T, state *tfsdk.State, diags *diag.Diagnostics) {
	if g.fill(&m, stored, diags) {
		diags.Append(state.Set(ctx, &m)...)
	}
}

// create writes want under the planned key unless an object has it
// already: one with the same settings is adopted (an earlier apply stored
// it and lost the answer), one with other settings is refused, since a
// create never overwrites. before, when set, runs once nothing is found and
// may refuse the write.
func (g governanceObject[M, T]) create(ctx context.Context, plan M, want T, acc objectAccess[T], before func(*diag.Diagnostics) bool, state *tfsdk.State, diags *diag.Diagnostics) {
	found, err := acc.get(ctx)
	switch {
	case err == nil:
		if d := g.differences(want, *found); len(d) > 0 {
			diags.AddAttributeError(path.Root(g.key), "Governance "+g.what+" already exists",
				fmt.Sprintf("%s already exists, with other settings than this configuration's (%s). A create never overwrites an object: "+
					"import it (terraform import <address> %s) and plan to see the changes, or set %s to another GUID.",
					acc.id, strings.Join(d, ", "), acc.id, g.key))
			return
		}
		diags.AddWarning("Governance "+g.what+" adopted",
			fmt.Sprintf("%s already exists with this configuration's settings under the key this configuration gives it: an earlier apply stored it and its answer was lost. "+
				"Terraform now manages it; nothing was written.", acc.id))
		g.save(ctx, plan, *found, state, diags)
		return
	case !client.IsNotFound(err):
		diags.Append(governanceScopeReadError(g.what, err, acc.managementGroupID))
		return
	}
	if before != nil && !before(diags) {
		return
	}
	g.write(ctx, plan, want, acc, true, state, diags)
}

// update writes want after checking that the object still holds what the
// prior state recorded; carry copies from the current object what the
// resource does not manage. Nothing is sent when the check fails.
func (g governanceObject[M, T]) update(ctx context.Context, plan M, prior, want T, acc objectAccess[T], carry func(current T, want *T), state *tfsdk.State, diags *diag.Diagnostics) {
	current, ok := g.unchanged(ctx, prior, acc, "updated", diags)
	if !ok {
		return
	}
	if current == nil {
		diags.AddError("Governance "+g.what+" deleted outside Terraform",
			fmt.Sprintf("%s no longer exists: it was deleted after the plan read it. Nothing was written. Run terraform apply again: its plan creates it.", acc.id))
		return
	}
	carry(*current, &want)
	g.write(ctx, plan, want, acc, false, state, diags)
}

// remove deletes the object after checking that it still holds what the
// prior state recorded; an object already gone is no error.
func (g governanceObject[M, T]) remove(ctx context.Context, prior T, acc objectAccess[T], diags *diag.Diagnostics) {
	current, ok := g.unchanged(ctx, prior, acc, "deleted", diags)
	if !ok || current == nil {
		return
	}
	if err := acc.remove(ctx); err != nil {
		diags.Append(governanceWriteError("Deleting the governance "+g.what, err, acc.managementGroupID, ""))
	}
}

// unchanged reads the object before a write (optimistic concurrency) and
// refuses, with no request sent, when the settings the resource manages
// differ from prior, the state the plan was made from. It returns the
// current object, nil when it is gone.
func (g governanceObject[M, T]) unchanged(ctx context.Context, prior T, acc objectAccess[T], verb string, diags *diag.Diagnostics) (*T, bool) {
	current, err := acc.get(ctx)
	if client.IsNotFound(err) {
		return nil, true
	}
	if err != nil {
		diags.Append(governanceReadError(g.what, err, ""))
		return nil, false
	}
	if d := g.differences(prior, *current); len(d) > 0 {
		changed := ""
		if g.lastChange != nil {
			if who := g.lastChange(*current); who != "" {
				changed = " (" + who + ")"
			}
		}
		diags.AddError("Governance "+g.what+" changed since the plan",
			fmt.Sprintf("%s was changed outside Terraform after the plan read it%s: %s now differ from the state the plan was made from. "+
				"It was not %s, so that the other change is not lost. Run terraform apply -refresh-only to record what the service holds, then plan again.",
				acc.id, changed, strings.Join(d, ", "), verb))
		return nil, false
	}
	return current, true
}

// write sends want and saves what the service stored. When the write
// fails, the object is read back before the failure is reported: an
// object that holds what was sent is saved (the write landed and its
// answer was lost); otherwise the error says whether the write may have
// landed and what the next apply does.
func (g governanceObject[M, T]) write(ctx context.Context, plan M, want T, acc objectAccess[T], creating bool, state *tfsdk.State, diags *diag.Diagnostics) {
	stored, err := acc.put(ctx, want)
	if err == nil {
		g.save(ctx, plan, *stored, state, diags)
		return
	}
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readBackTimeout)
	defer cancel()
	back, readErr := acc.get(readCtx)
	if readErr == nil && len(g.differences(want, *back)) == 0 {
		diags.AddWarning("Governance "+g.what+" written, its answer lost",
			fmt.Sprintf("Writing %s failed (%v), but reading it back shows that the service stored what was sent: the state records it.", acc.id, err))
		g.save(ctx, plan, *back, state, diags)
		return
	}
	d := governanceWriteError("Writing the governance "+g.what, err, acc.managementGroupID, acc.notFound)
	var outcome string
	switch {
	case readErr == nil:
		outcome = fmt.Sprintf("Reading %s back shows other settings than were sent (%s): the write did not land as sent. Run terraform apply -refresh-only, then plan.",
			acc.id, strings.Join(g.differences(want, *back), ", "))
	case client.IsNotFound(readErr) && creating:
		outcome = fmt.Sprintf("Reading %s back found nothing: the write did not land, and the next apply creates it.", acc.id)
	case creating:
		outcome = fmt.Sprintf("The write may have landed: reading %s back failed too (%v). The next apply looks the key up first and adopts the %s if it holds these settings, so nothing is created twice.",
			acc.id, readErr, g.what)
	default:
		outcome = fmt.Sprintf("The write may have landed: reading %s back failed too (%v). The next plan reads it again and shows what is left to change.", acc.id, readErr)
	}
	diags.Append(diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+outcome))
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
