package providerdata

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// What every data source and resource of the provider does the same way:
// its type name, the client Configure hands it, reading its configuration,
// plan or state before it calls the API, and its deadline. Each embeds
// DataSource or Resource and writes only its Schema and operations.

// Base holds the type name (without the provider's prefix) and the client.
type Base struct {
	name string
	// Client is the provider's API client; nil until Configure runs.
	Client *client.Client
}

// Load reads the configuration, plan or state into target through get (its
// Get method) and reports whether the operation can go on: no error, and a
// configured client (see Require).
func (b *Base) Load(ctx context.Context, get func(context.Context, any) diag.Diagnostics, target any, diags *diag.Diagnostics) bool {
	diags.Append(get(ctx, target)...)
	return !diags.HasError() && Require(b.Client, diags)
}

// DataSource is embedded by every data source whose configuration model is
// M. It is the framework's Read: it loads the configuration into an M,
// bounds the context by the `timeouts` block's read timeout, lets the data
// source's read fill the model, and saves it as the state unless read added
// an error, so that each data source writes only what it reads.
type DataSource[M any] struct {
	Base
	timeout time.Duration
	read    func(ctx context.Context, data *M, diags *diag.Diagnostics)
}

// NewDataSource names a data source, e.g. "defender_score" for
// securescore_defender_score; timeout is its read timeout when the
// `timeouts` block does not set one.
func NewDataSource[M any](name string, timeout time.Duration, read func(ctx context.Context, data *M, diags *diag.Diagnostics)) DataSource[M] {
	return DataSource[M]{Base: Base{name: name}, timeout: timeout, read: read}
}

// Metadata gives the data source's type name.
func (d *DataSource[M]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.name
}

// Configure keeps the provider's client.
func (d *DataSource[M]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.Client = Client(req.ProviderData, &resp.Diagnostics)
}

// ReadTimeout is embedded by the model of every data source: the
// `timeouts` block (see Schema) whose read timeout bounds Read.
type ReadTimeout struct {
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// Schema is a data source's schema: its description and attributes, and
// the `timeouts` block every data source has.
func Schema(ctx context.Context, description string, attributes map[string]schema.Attribute) schema.Schema {
	return schema.Schema{
		MarkdownDescription: description,
		Attributes:          attributes,
		Blocks:              map[string]schema.Block{"timeouts": timeouts.Block(ctx)},
	}
}

// Read runs the data source's read between the steps every read shares.
func (d *DataSource[M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if data, ok := d.readModel(ctx, req, &resp.Diagnostics); ok {
		resp.Diagnostics.Append(resp.State.Set(ctx, data)...)
	}
}

// readModel loads the configuration into an M, bounds the context by the
// read timeout and lets the data source's read fill the model.
func (d *DataSource[M]) readModel(ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) (*M, bool) {
	var data M
	if !d.Load(ctx, req.Config.Get, &data, diags) {
		return nil, false
	}
	var t timeouts.Value
	diags.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	ctx, cancel := Deadline(ctx, t.Read, d.timeout, diags)
	defer cancel()
	if diags.HasError() {
		return nil, false
	}
	d.read(ctx, &data, diags)
	return &data, !diags.HasError()
}

// Resource is embedded by every resource.
type Resource struct{ Base }

// NewResource names a resource, e.g. "defender_governance_rule".
func NewResource(name string) Resource { return Resource{Base{name: name}} }

// Metadata gives the resource's type name.
func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.name
}

// Configure keeps the provider's client.
func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.Client = Client(req.ProviderData, &resp.Diagnostics)
}

// Deadline bounds ctx by one operation's timeout: timeout is the Create,
// Read, Update or Delete method of the object's timeouts block, which gives
// def when the block does not set it.
func Deadline(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := timeout(ctx, def)
	diags.Append(ds...)
	return context.WithTimeout(ctx, d)
}
