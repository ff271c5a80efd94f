package microsoft365

import (
	"context"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

// dataSourceReadTimeout bounds a data source read, retries included, unless
// `timeouts` says otherwise.
const dataSourceReadTimeout = 5 * time.Minute

// tenantData is what one read fetched from a tenant.
type tenantData struct {
	Snapshots []client.SecureScore // newest first
	Profiles  []client.ControlProfile
	Warnings  []string
}

// Newest is the newest snapshot, nil when the tenant has none yet.
func (d tenantData) Newest() *client.SecureScore {
	if len(d.Snapshots) == 0 {
		return nil
	}
	return &d.Snapshots[0]
}

// fetchTenant reads the newest `top` secure scores and every control profile
// in parallel. Both lists are the provider's shared caches when top is 1
// (LatestSecureScore, ControlProfiles), so data sources and resources of one
// run make each request once.
func fetchTenant(ctx context.Context, g *client.GraphClient, top int) (tenantData, error) {
	var data tenantData
	var scoreWarnings, profileWarnings []string
	// Not errgroup.WithContext: cancelling on the first error would also
	// cancel the shared requests other reads of this provider wait on.
	var group errgroup.Group
	group.Go(func() error {
		if top == 1 {
			latest, warnings, err := g.LatestSecureScore(ctx)
			scoreWarnings = warnings
			if latest != nil {
				data.Snapshots = []client.SecureScore{*latest}
			}
			return err
		}
		snapshots, warnings, err := g.SecureScores(ctx, top)
		scoreWarnings = warnings
		data.Snapshots = newestFirst(snapshots)
		return err
	})
	group.Go(func() error {
		profiles, warnings, err := g.ControlProfiles(ctx)
		profileWarnings = warnings
		data.Profiles = profiles
		return err
	})
	err := group.Wait()
	data.Warnings = append(append(data.Warnings, scoreWarnings...), profileWarnings...)
	return data, err
}

// newestFirst sorts snapshots by createdDateTime, newest first (the service
// already does; this makes it a guarantee).
func newestFirst(snapshots []client.SecureScore) []client.SecureScore {
	out := append([]client.SecureScore{}, snapshots...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedDateTime.After(out[j].CreatedDateTime) })
	return out
}

// tenantIDAttribute is the tenant_id argument tenantGraph resolves.
func tenantIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true,
		Validators:          []validator.String{validators.TenantIDOrEmpty()},
		MarkdownDescription: "The Microsoft 365 tenant. Defaults to the provider's `tenant_id` (`ARM_TENANT_ID`); another tenant must be listed in the provider's `auxiliary_tenant_ids`."}
}

// tenantGraph resolves a tenant_id ("" or null = the provider's tenant) to
// its Graph client; every object of the package goes through it.
func tenantGraph(c *client.Client, tenantID types.String, diags *diag.Diagnostics) *client.GraphClient {
	g, err := c.Graph(tenantID.ValueString())
	if err != nil {
		diags.Append(diagnostics.FromError("Choosing the Microsoft 365 tenant", err, diagnostics.Hint{}))
		return nil
	}
	return g
}

// tenantValue is the computed tenant_id: the configured value unchanged
// (Terraform expects arguments back as written), else the tenant the read
// used, when the provider knows its id.
func tenantValue(g *client.GraphClient, configured types.String) types.String {
	if !configured.IsNull() && !configured.IsUnknown() {
		return configured
	}
	if g.TenantID != "" {
		return types.StringValue(g.TenantID)
	}
	return types.StringNull()
}

// readError is the diagnostic of a failed read; a 403 names SecurityEvents.Read.All.
func readError(action string, err error) diag.Diagnostic {
	return diagnostics.FromError(action, err, diagnostics.Hint{Permission: diagnostics.GraphReadPermission})
}
