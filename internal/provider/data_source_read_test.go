package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

// directReadCases are configurations (attributes set, the others null) of
// every data source, read both ways by TestDirectReadMatchesFramework: the
// answers and the failures, a warning and attribute paths included.
var directReadCases = []struct {
	typeName string
	set      map[string]tftypes.Value
}{
	{"securescore_defender_control_definitions", nil},
	{"securescore_defender_controls", nil},
	{"securescore_defender_controls", map[string]tftypes.Value{"subscription_id": str("00000000-0000-0000-0000-00000000dead")}},
	{"securescore_defender_governance_assignments", map[string]tftypes.Value{
		"management_group_ids": strList("contoso-production"), "overdue_threshold_days": tftypes.NewValue(tftypes.Number, 14)}},
	{"securescore_defender_recommendations", map[string]tftypes.Value{
		"subscription_ids": strList(emulator.DefaultSubscriptionID), "affected_resource_id_limit": tftypes.NewValue(tftypes.Number, 5)}},
	{"securescore_defender_recommendations", map[string]tftypes.Value{"management_group_ids": strList("contoso-production", "contoso-restricted")}},
	{"securescore_defender_score", nil},
	{"securescore_defender_score_history", map[string]tftypes.Value{
		"workspace_id": str("5e1d0c3a-9f4b-4c27-8d61-2b7a3f0e9c41"), "days": tftypes.NewValue(tftypes.Number, 30), "include_controls": tftypes.NewValue(tftypes.Bool, true)}},
	{"securescore_defender_scores", nil},
	{"securescore_microsoft365_improvement_action", map[string]tftypes.Value{"control_id": str("AdminMFAV2")}},
	{"securescore_microsoft365_improvement_action", map[string]tftypes.Value{"control_id": str("NoSuchAction")}},
	{"securescore_microsoft365_improvement_actions", nil},
	{"securescore_microsoft365_score", map[string]tftypes.Value{"history_days": tftypes.NewValue(tftypes.Number, 90)}},
	{"securescore_microsoft365_tenant_scores", map[string]tftypes.Value{"history_days": tftypes.NewValue(tftypes.Number, 0)}},
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func strList(items ...string) tftypes.Value {
	var values []tftypes.Value
	for _, s := range items {
		values = append(values, str(s))
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, values)
}

// The provider's own ReadDataSource (data_source_read.go) answers what the
// framework's server answers, for every data source.
func TestDirectReadMatchesFramework(t *testing.T) {
	ctx := context.Background()
	ours, schema := acctest.ConfiguredServer(t, provider.NewServer("test"), nil)
	framework, _ := acctest.ConfiguredServer(t, providerserver.NewProtocol6WithError(provider.New("test")()), nil)

	direct := provider.DirectTypeNames(ours)
	for name := range schema.DataSourceSchemas {
		if !slices.Contains(direct, name) {
			t.Errorf("%s is read by the framework's server, not the provider's", name)
		}
		if !slices.ContainsFunc(directReadCases, func(c struct {
			typeName string
			set      map[string]tftypes.Value
		}) bool {
			return c.typeName == name
		}) {
			t.Errorf("%s has no case in directReadCases", name)
		}
	}

	for i, c := range directReadCases {
		t.Run(fmt.Sprintf("%d_%s", i, c.typeName), func(t *testing.T) {
			typ := schema.DataSourceSchemas[c.typeName].ValueType().(tftypes.Object)
			config := acctest.DynamicValue(t, typ, acctest.ObjectValue(t, typ, c.set))
			req := &tfprotov6.ReadDataSourceRequest{TypeName: c.typeName, Config: &config}
			// A read stamped with the clock (as_of_date_time) may straddle a
			// second: the pair is read again once before it fails.
			var diff string
			for attempt := 0; attempt < 2; attempt++ {
				if diff = compareReads(t, ctx, ours, framework, req, typ); diff == "" {
					return
				}
			}
			t.Error(diff)
		})
	}
}

func compareReads(t *testing.T, ctx context.Context, ours, framework tfprotov6.ProviderServer, req *tfprotov6.ReadDataSourceRequest, typ tftypes.Type) string {
	t.Helper()
	got, err := ours.ReadDataSource(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want, err := framework.ReadDataSource(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := fmt.Sprint(diagnosticStrings(got.Diagnostics)), fmt.Sprint(diagnosticStrings(want.Diagnostics)); g != w {
		return fmt.Sprintf("diagnostics:\n%s\nframework's:\n%s", g, w)
	}
	if (got.State == nil) != (want.State == nil) {
		return fmt.Sprintf("state %v, framework's %v", got.State, want.State)
	}
	if got.State == nil {
		return ""
	}
	t.Logf("%d diagnostics: %v", len(got.Diagnostics), diagnosticStrings(got.Diagnostics))
	g, err := got.State.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	w, err := want.State.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Equal(w) {
		diffs, _ := g.Diff(w)
		return fmt.Sprintf("state differs from the framework's at %d values, first %v", len(diffs), diffs[0])
	}
	return ""
}

// requestID is the id the emulator gives every answer, which errors quote.
var requestID = regexp.MustCompile(`request id [0-9a-f-]+`)

func diagnosticStrings(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		detail := requestID.ReplaceAllString(d.Detail, "request id …")
		out = append(out, fmt.Sprintf("%s|%s|%s|%v", d.Severity, d.Summary, detail, d.Attribute))
	}
	return out
}

// Which schemas the provider reads itself: only where the framework's
// walks around Read change nothing.
func TestDirectReadable(t *testing.T) {
	ctx := context.Background()
	timeoutsBlock := dsschema.SingleNestedBlock{Attributes: map[string]dsschema.Attribute{"read": dsschema.StringAttribute{Optional: true}}}
	cases := []struct {
		name   string
		schema dsschema.Schema
		want   bool
	}{
		{"computed float (its configuration is null)", dsschema.Schema{
			Attributes: map[string]dsschema.Attribute{"percentage": dsschema.Float64Attribute{Computed: true}},
			Blocks:     map[string]dsschema.Block{"timeouts": timeoutsBlock}}, true},
		{"optional string", dsschema.Schema{Attributes: map[string]dsschema.Attribute{"name": dsschema.StringAttribute{Optional: true}}}, true},
		{"optional float (semantic equality)", dsschema.Schema{Attributes: map[string]dsschema.Attribute{"limit": dsschema.Float64Attribute{Optional: true}}}, false},
		{"optional and computed float", dsschema.Schema{Attributes: map[string]dsschema.Attribute{"limit": dsschema.Float64Attribute{Optional: true, Computed: true}}}, false},
		{"required list of objects with a float", dsschema.Schema{Attributes: map[string]dsschema.Attribute{"items": dsschema.ListNestedAttribute{Required: true,
			NestedObject: dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{"weight": dsschema.Float64Attribute{Optional: true}}}}}}, false},
		{"computed list of objects with a float", dsschema.Schema{Attributes: map[string]dsschema.Attribute{"items": dsschema.ListNestedAttribute{Computed: true,
			NestedObject: dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{"weight": dsschema.Float64Attribute{Computed: true}}}}}}, true},
		{"list block", dsschema.Schema{Blocks: map[string]dsschema.Block{"filter": dsschema.ListNestedBlock{
			NestedObject: dsschema.NestedBlockObject{Attributes: map[string]dsschema.Attribute{"name": dsschema.StringAttribute{Optional: true}}}}}}, false},
		{"set block inside a single block", dsschema.Schema{Blocks: map[string]dsschema.Block{"outer": dsschema.SingleNestedBlock{
			Blocks: map[string]dsschema.Block{"inner": dsschema.SetNestedBlock{}}}}}, false},
	}
	for _, c := range cases {
		if got := provider.DirectReadable(ctx, c.schema); got != c.want {
			t.Errorf("%s: directReadable = %v, want %v", c.name, got, c.want)
		}
	}
}
