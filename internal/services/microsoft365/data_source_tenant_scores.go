package microsoft365

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

// maxTenantsInFlight bounds how many tenants are read at once; each tenant
// also has its own Graph concurrency limit.
const maxTenantsInFlight = 8

// TenantScoresDataSource reads the Microsoft 365 secure score of several
// tenants: a managed service provider's portfolio.
type TenantScoresDataSource struct {
	providerdata.DataSource[tenantScoresModel]
}

// NewTenantScoresDataSource is the factory the provider registers.
func NewTenantScoresDataSource() datasource.DataSource {
	d := &TenantScoresDataSource{}
	d.DataSource = providerdata.NewDataSource("microsoft365_tenant_scores", dataSourceReadTimeout, d.read)
	return d
}

type tenantScoresModel struct {
	providerdata.ReadTimeout
	TenantIDs           types.Set          `tfsdk:"tenant_ids"`
	HistoryDays         types.Int64        `tfsdk:"history_days"`
	FailOnError         types.Bool         `tfsdk:"fail_on_error"`
	Tenants             []tenantScoreModel `tfsdk:"tenants"`
	TenantCount         types.Int64        `tfsdk:"tenant_count"`
	FailedTenantCount   types.Int64        `tfsdk:"failed_tenant_count"`
	PortfolioPercentage types.Float64      `tfsdk:"portfolio_percentage"`
	MedianPercentage    types.Float64      `tfsdk:"median_percentage"`
}

type tenantScoreModel struct {
	scoreValues
	TenantID types.String `tfsdk:"tenant_id"`
	Error    types.String `tfsdk:"error"`
}

func (d *TenantScoresDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = providerdata.Schema(ctx, "Reads the Microsoft 365 Secure Score of many tenants with one multi-tenant application: a managed service provider's portfolio view, "+
		"like the portal's comparison with \"your other tenants\". Tenants are read in parallel (at most 8 at once, each within Microsoft's limit of 4 concurrent requests). "+
		"A tenant that cannot be read (consent missing, permission missing, throttled past the deadline) shows its `error` instead of failing the whole read, unless `fail_on_error` is set. "+
		"Needs the Microsoft Graph application permission `SecurityEvents.Read.All`, consented in every tenant.",
		map[string]schema.Attribute{
			"tenant_ids": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(validators.TenantID())},
				MarkdownDescription: "The tenants to read. Defaults to the provider's `tenant_id` and every one of its `auxiliary_tenant_ids`; " +
					"each must be one of those, since the credential may only get tokens for them."},
			"history_days": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.Between(0, 90)},
				MarkdownDescription: fmt.Sprintf("How many daily scores each tenant's `history` holds, 0 to 90. Defaults to %d.", defaultHistoryDays)},
			"fail_on_error": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Fail the read when any tenant cannot be read. Defaults to `false`: failures stay visible in each tenant's `error` and in one warning."},
			"tenants": computed.ObjectList("One entry per tenant, the weakest `percentage` first, then by `tenant_id`; tenants that could not be read come last, by `tenant_id`. "+
				"The order changes with the scores: to look a tenant up, key the list with a `for` expression: "+
				"`{ for t in data.securescore_microsoft365_tenant_scores.this.tenants : t.tenant_id => t }`.", tenantScoreAttributes()),
			"tenant_count":         computed.Int64("How many tenants were asked for."),
			"failed_tenant_count":  computed.Int64("How many of them could not be read."),
			"portfolio_percentage": computed.Float64("Σ `current_score` / Σ `max_score` over the tenants read: the portfolio's score as one ratio, 0 to 1; null when no tenant was read."),
			"median_percentage":    computed.Float64("The median `percentage` of the tenants read; null when no tenant was read."),
		})
}

// read fills data from the service (see providerdata.DataSource).
func (d *TenantScoresDataSource) read(ctx context.Context, data *tenantScoresModel, diags *diag.Diagnostics) {
	tenantIDs := d.tenants(ctx, data.TenantIDs, diags)
	if diags.HasError() {
		return
	}
	historyDays := defaultHistoryDays
	if !data.HistoryDays.IsNull() {
		historyDays = int(data.HistoryDays.ValueInt64())
	}

	results := make([]tenantScoreModel, len(tenantIDs))
	var group errgroup.Group
	group.SetLimit(maxTenantsInFlight)
	for i, tenantID := range tenantIDs {
		group.Go(func() error {
			results[i] = d.readTenant(ctx, tenantID, historyDays)
			return nil
		})
	}
	_ = group.Wait() // readTenant records each tenant's error in its result

	data.Tenants = orderTenants(results)
	data.TenantCount = types.Int64Value(int64(len(results)))
	var failed []string
	var percentages []float64
	var current, maxScore float64
	for _, t := range data.Tenants {
		if !t.Error.IsNull() {
			failed = append(failed, t.TenantID.ValueString()+": "+t.Error.ValueString())
			continue
		}
		current += t.CurrentScore.ValueFloat64()
		maxScore += t.MaxScore.ValueFloat64()
		percentages = append(percentages, t.Percentage.ValueFloat64())
	}
	data.FailedTenantCount = types.Int64Value(int64(len(failed)))
	data.PortfolioPercentage, data.MedianPercentage = types.Float64Null(), types.Float64Null()
	if len(percentages) > 0 {
		data.PortfolioPercentage = types.Float64Value(scoremath.Ratio(current, maxScore))
		data.MedianPercentage = types.Float64Value(scoremath.RoundRatio(median(percentages)))
	}
	if len(failed) > 0 {
		detail := fmt.Sprintf("%d of %d tenants could not be read:\n- %s", len(failed), len(results), strings.Join(failed, "\n- "))
		if data.FailOnError.ValueBool() {
			diags.AddError("Tenants could not be read", detail+"\n\nSet fail_on_error = false to read the others and see each failure in `error`.")
			return
		}
		diags.AddWarning("Tenants could not be read", detail)
	}
}

// tenants resolves tenant_ids, or the home and auxiliary tenants, and
// refuses a tenant the credential may not use.
func (d *TenantScoresDataSource) tenants(ctx context.Context, configured types.Set, diags *diag.Diagnostics) []string {
	var ids []string
	if configured.IsNull() {
		ids = append(ids, d.Client.HomeTenantID)
		ids = append(ids, d.Client.AuxiliaryTenantIDs...)
	} else {
		diags.Append(configured.ElementsAs(ctx, &ids, false)...)
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		key := strings.ToLower(id)
		if id == "" || seen[key] {
			continue
		}
		seen[key] = true
		if !d.Client.AllowedTenant(id) {
			diags.AddAttributeError(path.Root("tenant_ids"), "Tenant not allowed",
				fmt.Sprintf("Tenant %s is neither the provider's tenant_id nor one of its auxiliary_tenant_ids (ARM_AUXILIARY_TENANT_IDS), so the credential may not get tokens for it. Add it to auxiliary_tenant_ids.", id))
			continue
		}
		out = append(out, id)
	}
	if len(out) == 0 && !diags.HasError() {
		diags.AddAttributeError(path.Root("tenant_ids"), "No tenant to read",
			"Set tenant_ids, or the provider's tenant_id / auxiliary_tenant_ids.")
	}
	return out
}

// readTenant reads one tenant; a failure becomes the tenant's error.
func (d *TenantScoresDataSource) readTenant(ctx context.Context, tenantID string, historyDays int) tenantScoreModel {
	result := tenantScoreModel{
		scoreValues: scoreValues{pointsModel: pointsModel{types.Float64Null(), types.Float64Null(), types.Float64Null()},
			LicensedUserCount: types.Int64Null(), History: []historyPointModel{}, PercentageChange30Days: types.Float64Null()},
		TenantID: types.StringValue(tenantID), Error: types.StringNull(),
	}
	g, err := d.Client.Graph(tenantID)
	if err != nil {
		result.Error = types.StringValue(err.Error())
		return result
	}
	tenant, err := fetchTenant(ctx, g, historyTop(historyDays))
	if err != nil {
		result.Error = types.StringValue(d.explain(tenantID, err))
		return result
	}
	newest := tenant.Newest()
	if newest == nil {
		result.Error = types.StringValue("Microsoft Graph has no secure score for this tenant yet; Microsoft computes the first about a day after the tenant gets Microsoft 365.")
		return result
	}
	result.scoreValues = newScoreValues(tenant, *newest, Summarize(*newest, NewActions(tenant.Profiles, newest)), historyDays)
	return result
}

// explain turns a tenant's failure into what happened and what to do.
func (d *TenantScoresDataSource) explain(tenantID string, err error) string {
	var apiErr *client.APIError
	var consentErr *client.ConsentError
	switch {
	case errors.As(err, &consentErr):
		return consentErr.Error()
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		return "permission missing: grant the application " + diagnostics.GraphReadPermission + " in this tenant (" + apiErr.Error() + ")"
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests,
		errors.Is(err, context.DeadlineExceeded):
		return "throttled past the deadline: Microsoft Graph kept answering 429 until the read's time ran out; retry later or raise `timeouts.read` (" + err.Error() + ")"
	}
	return err.Error()
}

// orderTenants puts the weakest percentage first and failed tenants last.
func orderTenants(tenants []tenantScoreModel) []tenantScoreModel {
	out := append([]tenantScoreModel{}, tenants...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Error.IsNull() != b.Error.IsNull() {
			return a.Error.IsNull()
		}
		if a.Error.IsNull() && a.Percentage.ValueFloat64() != b.Percentage.ValueFloat64() {
			return a.Percentage.ValueFloat64() < b.Percentage.ValueFloat64()
		}
		return a.TenantID.ValueString() < b.TenantID.ValueString()
	})
	return out
}

func median(values []float64) float64 {
	sorted := append([]float64{}, values...)
	sort.Float64s(sorted)
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// tenantScoreAttributes are one tenant's attributes, an element of tenants.
func tenantScoreAttributes() map[string]schema.Attribute {
	return withPoints(map[string]schema.Attribute{
		"tenant_id":                 computed.String("The tenant."),
		"categories":                categoriesAttribute(),
		"history":                   historyAttribute(),
		"percentage_change_30_days": computed.Float64("The newest `percentage` minus the one 30 days earlier; null without data."),
		"licensed_user_count":       computed.Int64("Licensed users in the tenant."),
		"error":                     computed.String("Null, or why the tenant could not be read and what to do."),
	}, "The tenant's newest score, in points; null when the tenant could not be read.", "The tenant's highest reachable score, in points.",
		"`current_score / max_score`: a ratio between 0 and 1, 4 decimals.")
}
