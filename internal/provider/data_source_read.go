package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"
)

// The provider's gRPC server is the framework's, except for ReadDataSource.
//
// Around a data source's Read the framework's server walks the whole
// configuration and the whole new state three times: it turns empty
// list and set blocks into null ones and back (NullifyCollectionBlocks,
// ReifyNullCollectionBlocks), and it compares every value for semantic
// equality. For each value it visits it rebuilds the schema's attribute maps
// along the value's path, and ReifyNullCollectionBlocks does so for every
// null value of the state; terraform-plugin-framework issue #775 is the same
// cost upstream. With thousands of entries that is most of what the
// provider does: for the recommendations of 100 subscriptions those walks
// took 0.7 of 2.1 s of CPU and 280 of 457 MB allocated, and their copy of
// the state is most of the peak heap (bench/RESULTS.md).
//
// For a schema without list or set blocks, whose attributes that a
// configuration may set have types without semantic equality, all three
// walks return what they were given (a computed-only attribute's value in
// the configuration is null, and semantic equality keeps the new value
// where the configuration's is null). The server then calls the data
// source's read with the framework's public types (tfsdk.Config,
// tfsdk.State); a providerdata.DataSource writes its state as msgpack
// straight from its model (ReadMsgPack, EncodeState), so that no tftypes
// copy of the state is built either. Any data source whose schema does not
// qualify, and every other RPC, is the framework's; so is a provider that
// defers its configuration (this one never does).
// TestDirectReadMatchesFramework reads every data source both ways against
// the emulator and compares the answers.

// NewServer returns the factory of the provider's gRPC server, for
// tf6server.Serve and terraform-plugin-testing. Each server has its own
// provider instance, so that its data source reads use the client its
// ConfigureProvider built.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &SecureScoreProvider{version: version}
		framework, err := providerserver.NewProtocol6WithError(p)()
		if err != nil || frameworkDataSourceReads {
			return framework, err
		}
		direct, err := directDataSources(context.Background(), p)
		if err != nil {
			return nil, err
		}
		return &server{ProviderServer: framework, provider: p, direct: direct}, nil
	}
}

// msgPackReader is a data source that writes its state as msgpack itself
// (providerdata.DataSource[M].ReadMsgPack).
type msgPackReader interface {
	ReadMsgPack(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) []byte
}

// frameworkDataSourceReads leaves every data source read to the
// framework's server: only the benchmark's build sets it
// (framework_reads_bench.go), never a release.
var frameworkDataSourceReads bool

type server struct {
	tfprotov6.ProviderServer
	provider *SecureScoreProvider
	// direct are the data sources whose reads the server answers itself,
	// by type name.
	direct map[string]directDataSource
}

type directDataSource struct {
	factory func() datasource.DataSource
	schema  schema.Schema
	typ     tftypes.Type
}

// directDataSources lists the provider's data sources whose schema lets
// ReadDataSource skip the framework's walks (see directReadable).
func directDataSources(ctx context.Context, p provider.Provider) (map[string]directDataSource, error) {
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	out := map[string]directDataSource{}
	for _, factory := range p.DataSources(ctx) {
		ds := factory()
		var md datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &md)
		var sr datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
		if sr.Diagnostics.HasError() {
			return nil, fmt.Errorf("schema of %s: %v", md.TypeName, sr.Diagnostics)
		}
		if !directReadable(ctx, sr.Schema) {
			continue
		}
		out[md.TypeName] = directDataSource{factory: factory, schema: sr.Schema, typ: sr.Schema.Type().TerraformType(ctx)}
	}
	return out, nil
}

// directReadable reports whether the framework's walks around Read are
// identities for s: no list or set block anywhere, and no attribute that a
// configuration may set with a type whose values implement semantic
// equality.
func directReadable(ctx context.Context, s schema.Schema) bool {
	return allPlain(ctx, s.Attributes, s.Blocks)
}

func allPlain(ctx context.Context, attributes map[string]schema.Attribute, blocks map[string]schema.Block) bool {
	for _, a := range attributes {
		if !plainAttribute(ctx, a) {
			return false
		}
	}
	for _, b := range blocks {
		single, ok := b.(schema.SingleNestedBlock)
		if !ok {
			return false // a list or set block, or one the framework may add
		}
		if !plainType(ctx, single.GetNestedObject().Type()) || !allPlain(ctx, single.Attributes, single.Blocks) {
			return false
		}
	}
	return true
}

// plainAttribute: the configuration of a computed-only attribute is null,
// and the framework neither compares a null value nor descends into it.
func plainAttribute(ctx context.Context, a schema.Attribute) bool {
	if a.IsComputed() && !a.IsOptional() && !a.IsRequired() {
		return true
	}
	if !plainType(ctx, a.GetType()) {
		return false
	}
	if n, ok := a.(interface {
		GetNestedObject() schema.NestedAttributeObject
	}); ok {
		return allPlain(ctx, n.GetNestedObject().Attributes, nil)
	}
	return true
}

// plainType reports whether values of t, and of the types it holds, have
// no semantic equality.
func plainType(ctx context.Context, t attr.Type) bool {
	switch t.ValueType(ctx).(type) {
	case basetypes.StringValuableWithSemanticEquals, basetypes.BoolValuableWithSemanticEquals,
		basetypes.Int64ValuableWithSemanticEquals, basetypes.Int32ValuableWithSemanticEquals,
		basetypes.Float64ValuableWithSemanticEquals, basetypes.Float32ValuableWithSemanticEquals,
		basetypes.NumberValuableWithSemanticEquals, basetypes.ListValuableWithSemanticEquals,
		basetypes.SetValuableWithSemanticEquals, basetypes.MapValuableWithSemanticEquals,
		basetypes.ObjectValuableWithSemanticEquals, basetypes.DynamicValuableWithSemanticEquals:
		return false
	}
	switch tt := t.(type) {
	case attr.TypeWithElementType:
		return plainType(ctx, tt.ElementType())
	case attr.TypeWithAttributeTypes:
		for _, at := range tt.AttributeTypes() {
			if !plainType(ctx, at) {
				return false
			}
		}
	case attr.TypeWithElementTypes:
		for _, et := range tt.ElementTypes() {
			if !plainType(ctx, et) {
				return false
			}
		}
	}
	return true
}

// ReadDataSource reads a data source of s.direct with its own Read, or
// hands the request to the framework.
func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	ds, ok := s.direct[req.TypeName]
	if !ok || req.Config == nil {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	// The framework's functions that Read calls log to its subsystem.
	ctx = tfsdklog.NewSubsystem(ctx, "framework", tfsdklog.WithLevelFromEnv("TF_LOG_SDK_FRAMEWORK"), tfsdklog.WithRootFields())
	resp := &tfprotov6.ReadDataSourceResponse{}
	config, err := req.Config.Unmarshal(ds.typ)
	if err != nil {
		resp.Diagnostics = toProtoDiagnostics(ctx, diag.Diagnostics{diag.NewErrorDiagnostic("Unable to Read Configuration",
			"An unexpected error was encountered when reading the configuration. This is always an issue in the provider; please report it.\n\n"+err.Error())})
		return resp, nil //nolint:nilerr // the error goes to Terraform as a diagnostic, as the framework sends it
	}

	var diags diag.Diagnostics
	instance := ds.factory()
	if c, ok := instance.(datasource.DataSourceWithConfigure); ok {
		var cr datasource.ConfigureResponse
		c.Configure(ctx, datasource.ConfigureRequest{ProviderData: s.provider.client.Load()}, &cr)
		diags.Append(cr.Diagnostics...)
	}
	if !diags.HasError() {
		readReq := datasource.ReadRequest{
			Config:             tfsdk.Config{Raw: config, Schema: ds.schema},
			ClientCapabilities: datasource.ReadClientCapabilities{DeferralAllowed: req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed},
		}
		readResp := datasource.ReadResponse{State: tfsdk.State{Raw: config.Copy(), Schema: ds.schema}}
		var encoded []byte
		if direct, ok := instance.(msgPackReader); ok {
			encoded = direct.ReadMsgPack(ctx, readReq, &readResp)
		} else {
			instance.Read(ctx, readReq, &readResp)
		}
		diags.Append(readResp.Diagnostics...)
		if encoded != nil {
			resp.State = &tfprotov6.DynamicValue{MsgPack: encoded}
			resp.Diagnostics = toProtoDiagnostics(ctx, diags)
			return resp, nil
		}
		// As the framework does, the state goes back with the errors too
		// (the configuration, where Read failed before saving one).
		state, err := tfprotov6.NewDynamicValue(ds.typ, readResp.State.Raw)
		if err != nil {
			diags.AddError("Unable to Convert State", "An unexpected error was encountered when converting the state to the protocol type. "+
				"This is always an issue in the provider; please report it.\n\n"+err.Error())
		} else {
			resp.State = &state
		}
	}
	resp.Diagnostics = toProtoDiagnostics(ctx, diags)
	return resp, nil
}

// toProtoDiagnostics converts the framework's diagnostics as its server does.
func toProtoDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		p := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityInvalid}
		switch d.Severity() {
		case diag.SeverityError:
			p.Severity = tfprotov6.DiagnosticSeverityError
		case diag.SeverityWarning:
			p.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			p.Attribute = attributePath(ctx, withPath.Path())
		}
		out = append(out, p)
	}
	return out
}

func attributePath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(ctx)
			if err != nil {
				return out
			}
			out = out.WithElementKeyValue(v)
		}
	}
	return out
}
