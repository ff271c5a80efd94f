package microsoft365

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
)

// ImprovementActionDataSource reads one Microsoft 365 improvement action.
type ImprovementActionDataSource struct {
	providerdata.DataSource[improvementActionDataSourceModel]
}

// NewImprovementActionDataSource is the factory the provider registers.
func NewImprovementActionDataSource() datasource.DataSource {
	d := &ImprovementActionDataSource{}
	d.DataSource = providerdata.NewDataSource("microsoft365_improvement_action", dataSourceReadTimeout, d.read)
	return d
}

type improvementActionDataSourceModel struct {
	providerdata.ReadTimeout
	actionModel
	TenantID types.String       `tfsdk:"tenant_id"`
	History  []stateChangeModel `tfsdk:"history"`
}

func (d *ImprovementActionDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := actionAttributes(schema.StringAttribute{Required: true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		MarkdownDescription: "The action's id (the control profile's id), e.g. `AdminMFAV2`, as listed by `securescore_microsoft365_improvement_actions` and taken by the resource. Matched case-insensitively, as Graph does."})
	attributes["tenant_id"] = tenantIDAttribute()
	attributes["history"] = computed.ObjectList("Every state update of the action (`controlStateUpdates`), oldest first; the last one is the current state. The placeholder live tenants send for an action nobody touched (every member null but `state = Default`) is not an update and is left out.", stateChangeAttributes())
	resp.Schema = providerdata.Schema(ctx, "Reads one Microsoft 365 Secure Score improvement action (`GET /security/secureScoreControlProfiles`, joined with the newest `GET /security/secureScores`) with its status history. "+
		"Needs the Microsoft Graph application permission `SecurityEvents.Read.All` (admin consent).",
		attributes)
}

// read fills data from the service (see providerdata.DataSource).
func (d *ImprovementActionDataSource) read(ctx context.Context, data *improvementActionDataSourceModel, diags *diag.Diagnostics) {
	g := tenantGraph(d.Client, data.TenantID, diags)
	if diags.HasError() {
		return
	}

	id := data.ControlID.ValueString()
	tenant, err := fetchTenant(ctx, g, 1)
	diags.Append(diagnostics.Warnings(tenant.Warnings)...)
	if err != nil {
		diags.Append(readError("Reading the Microsoft 365 improvement action "+id, err))
		return
	}
	profile := findProfile(tenant.Profiles, id)
	if profile == nil {
		diags.Append(actionNotFound(g.TenantID, id, tenant.Profiles))
		return
	}
	action := NewActions([]client.ControlProfile{*profile}, tenant.Newest())[0]

	*data = improvementActionDataSourceModel{
		actionModel: newActionModel(action),
		TenantID:    tenantValue(g, data.TenantID),
		History:     newStateChangeModels(action.History),
		ReadTimeout: data.ReadTimeout,
	}
	// An id matched case-insensitively stays as configured: Terraform
	// expects arguments back unchanged.
	data.ControlID = types.StringValue(id)
}

// findProfile finds id exactly, else case-insensitively when that is unambiguous.
func findProfile(profiles []client.ControlProfile, id string) *client.ControlProfile {
	var folded *client.ControlProfile
	matches := 0
	for i := range profiles {
		if profiles[i].ID == id {
			return &profiles[i]
		}
		if strings.EqualFold(profiles[i].ID, id) {
			folded = &profiles[i]
			matches++
		}
	}
	if matches == 1 {
		return folded
	}
	return nil
}

// actionNotFound explains an unknown id with the closest ids that exist.
func actionNotFound(tenantID, id string, profiles []client.ControlProfile) diag.Diagnostic {
	ids := make([]string, 0, len(profiles))
	for _, p := range profiles {
		ids = append(ids, p.ID)
	}
	detail := fmt.Sprintf("Tenant %s has no improvement action %q.", tenantID, id)
	if closest := diagnostics.Closest(id, ids, 3); len(closest) > 0 {
		detail += " Did you mean " + quoteJoin(closest) + "?"
	} else {
		detail += " The tenant has no improvement actions at all (is it licensed for Microsoft 365?)."
	}
	detail += " The data source securescore_microsoft365_improvement_actions lists every id."
	return diag.NewAttributeErrorDiagnostic(path.Root("control_id"), "Improvement action not found", detail)
}

func quoteJoin(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	switch len(quoted) {
	case 1:
		return quoted[0]
	default:
		return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	}
}
