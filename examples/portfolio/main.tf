# A managed service provider's portfolio: one multi-tenant application,
# consented in every customer tenant, reads every customer's Microsoft 365
# Secure Score and manages the same improvement action everywhere.
terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

variable "home_tenant_id" {
  description = "The managed service provider's own tenant, where the application is registered."
  type        = string
}

variable "customers" {
  description = "Customer tenants by a short name; each has consented to the application."
  type        = map(string)
}

variable "minimum_percentage" {
  description = "Customers below this ratio (0-1) are reported."
  type        = number
  default     = 0.5
}

provider "securescore" {
  tenant_id            = var.home_tenant_id
  auxiliary_tenant_ids = values(var.customers)
  # client_id and client_secret (or OIDC) come from ARM_* environment variables.
}

data "securescore_microsoft365_tenant_scores" "customers" {
  tenant_ids   = values(var.customers)
  history_days = 0
}

# Every customer plans multifactor authentication for administrators.
resource "securescore_microsoft365_improvement_action" "admin_mfa" {
  for_each = var.customers

  tenant_id   = each.value
  control_id  = "AdminMFAV2"
  status      = "planned"
  notes       = "Rolled out by the managed service provider's baseline"
  assigned_to = "baseline@msp.example"
}

output "portfolio_percentage" {
  value = data.securescore_microsoft365_tenant_scores.customers.portfolio_percentage
}

output "below_minimum" {
  value = [
    for t in data.securescore_microsoft365_tenant_scores.customers.tenants : t.tenant_id
    if t.error == null && t.percentage < var.minimum_percentage
  ]
}

output "unreadable" {
  value = {
    for t in data.securescore_microsoft365_tenant_scores.customers.tenants : t.tenant_id => t.error
    if t.error != null
  }
}
