// Package microsoft365 holds the Terraform data sources and resource for
// Microsoft 365 Secure Score (Microsoft Graph v1.0 /security).
package microsoft365

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// DataSources lists this package's data sources for the provider.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewScoreDataSource,
		NewImprovementActionsDataSource,
		NewImprovementActionDataSource,
		NewTenantScoresDataSource,
	}
}

// Resources lists this package's resources for the provider.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		NewImprovementActionResource,
	}
}
