# The provider's tenant_id plus every auxiliary tenant, weakest first.
data "securescore_microsoft365_tenant_scores" "portfolio" {
  history_days = 0
}

locals {
  tenants = data.securescore_microsoft365_tenant_scores.portfolio.tenants
}

# The three weakest (or fewer: slice fails past the end of the list).
output "weakest_customers" {
  value = [for t in slice(local.tenants, 0, min(3, length(local.tenants))) : {
    tenant     = t.tenant_id
    percentage = t.percentage
    error      = t.error
  }]
}

output "portfolio_percentage" {
  value = data.securescore_microsoft365_tenant_scores.portfolio.portfolio_percentage
}
