package microsoft365

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/tfvalues"
)

// ImprovementActionsDataSource lists a tenant's Microsoft 365 improvement actions.
type ImprovementActionsDataSource struct {
	providerdata.DataSource[improvementActionsDataSourceModel]
}

// NewImprovementActionsDataSource is the factory the provider registers.
func NewImprovementActionsDataSource() datasource.DataSource {
	d := &ImprovementActionsDataSource{}
	d.DataSource = providerdata.NewDataSource("microsoft365_improvement_actions", dataSourceReadTimeout, d.read)
	return d
}

type improvementActionsDataSourceModel struct {
	providerdata.ReadTimeout
	TenantID          types.String  `tfsdk:"tenant_id"`
	Categories        types.Set     `tfsdk:"categories"`
	Services          types.Set     `tfsdk:"services"`
	Statuses          types.Set     `tfsdk:"statuses"`
	IncludeDeprecated types.Bool    `tfsdk:"include_deprecated"`
	IncludeNotInScore types.Bool    `tfsdk:"include_not_in_score"`
	OnlyQuickWins     types.Bool    `tfsdk:"only_quick_wins"`
	OrderBy           types.String  `tfsdk:"order_by"`
	QuickWinsFirst    types.Bool    `tfsdk:"quick_wins_first"`
	Actions           []actionModel `tfsdk:"actions"`
}

func (d *ImprovementActionsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = providerdata.Schema(ctx, "Lists a tenant's Microsoft 365 Secure Score improvement actions (`GET /security/secureScoreControlProfiles`, every page, joined with the newest `GET /security/secureScores`) "+
		"in one documented order (`order_by`; Microsoft does not document the portal's own order). By default only the actions that count in the tenant's score (`in_score`) are listed. "+
		"Every filter is optional; filters combine with AND, the values of one filter with OR. "+
		"Needs the Microsoft Graph application permission `SecurityEvents.Read.All` (admin consent).",
		map[string]schema.Attribute{
			"tenant_id": tenantIDAttribute(),
			"categories": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
				MarkdownDescription: "Only actions of these control categories, e.g. `Identity`, `Data`, `Apps`, `Device`, `Infrastructure` (case- and space-insensitive). Empty or unset: every category."},
			"services": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
				MarkdownDescription: "Only actions of these services, e.g. `AzureAD`, `EXO`, `SPO`, `MDO`, `MS Teams`, `Intune` (case- and space-insensitive: `msteams` matches `MS Teams`). Empty or unset: every service."},
			"statuses": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(filterStatuses...))},
				MarkdownDescription: "Only actions with these statuses: `completed`, `in_progress`, `to_address`, `planned`, `risk_accepted`, `resolved_through_third_party`, `resolved_through_alternate_mitigation`. Empty or unset: every status."},
			"include_deprecated": schema.BoolAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Also list the actions Microsoft deprecated (they count for no points). Defaults to `false`."},
			"include_not_in_score": schema.BoolAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Also list the actions that do not count in the tenant's score (`in_score = false`: the newest score does not list them, typically products the tenant is not licensed for). Defaults to `false`."},
			"only_quick_wins": schema.BoolAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Only the quick wins (see `quick_win`). Defaults to `false`."},
			"order_by": schema.StringAttribute{Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(OrderBy...)},
				MarkdownDescription: "The order of `actions`. `points_remaining` (default): the points still to gain, most first, then Microsoft's `rank` (1 first), then `control_id`. " +
					"`rank`: Microsoft's `rank`, 1 first, then `control_id`. Either way actions not `in_score` come last."},
			"quick_wins_first": schema.BoolAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Put the quick wins first, each group in the `order_by` order. Defaults to `false`."},
			"actions": computed.ObjectList("The matching improvement actions, in the `order_by` order.", actionAttributes(computed.String("The action's id (the control profile's id), e.g. `AdminMFAV2`."))),
		})
}

// read fills data from the service (see providerdata.DataSource).
func (d *ImprovementActionsDataSource) read(ctx context.Context, data *improvementActionsDataSourceModel, diags *diag.Diagnostics) {
	filter := ActionFilter{
		IncludeDeprecated: data.IncludeDeprecated.ValueBool(),
		IncludeNotInScore: data.IncludeNotInScore.ValueBool(),
		OnlyQuickWins:     data.OnlyQuickWins.ValueBool(),
	}
	diags.Append(tfvalues.Strings(ctx, data.Categories, &filter.Categories)...)
	diags.Append(tfvalues.Strings(ctx, data.Services, &filter.Services)...)
	diags.Append(tfvalues.Strings(ctx, data.Statuses, &filter.Statuses)...)
	orderBy := OrderBy[0]
	if !data.OrderBy.IsNull() && !data.OrderBy.IsUnknown() {
		orderBy = data.OrderBy.ValueString()
	}
	g := tenantGraph(d.Client, data.TenantID, diags)
	if diags.HasError() {
		return
	}

	tenant, err := fetchTenant(ctx, g, 1)
	diags.Append(diagnostics.Warnings(tenant.Warnings)...)
	if err != nil {
		diags.Append(readError("Reading the Microsoft 365 improvement actions", err))
		return
	}
	actions := FilterActions(NewActions(tenant.Profiles, tenant.Newest()), filter)
	SortActions(actions, orderBy, data.QuickWinsFirst.ValueBool())

	data.TenantID = tenantValue(g, data.TenantID)
	data.IncludeDeprecated = types.BoolValue(filter.IncludeDeprecated)
	data.IncludeNotInScore = types.BoolValue(filter.IncludeNotInScore)
	data.OnlyQuickWins = types.BoolValue(filter.OnlyQuickWins)
	data.OrderBy = types.StringValue(orderBy)
	data.QuickWinsFirst = types.BoolValue(data.QuickWinsFirst.ValueBool())
	data.Actions = make([]actionModel, 0, len(actions))
	for _, a := range actions {
		data.Actions = append(data.Actions, newActionModel(a))
	}
}
