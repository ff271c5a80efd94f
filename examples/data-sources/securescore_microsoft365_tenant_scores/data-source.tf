# The provider's tenant_id plus every auxiliary tenant, weakest first.
data "securescore_microsoft365_tenant_scores" "portfolio" {
  history_days = 0
}

output "weakest_customers" {
  value = [for t in slice(data.securescore_microsoft365_tenant_scores.portfolio.tenants, 0, 3) : {
    tenant     = t.tenant_id
    percentage = t.percentage
    error      = t.error
  }]
}

output "portfolio_percentage" {
  value = data.securescore_microsoft365_tenant_scores.portfolio.portfolio_percentage
}
