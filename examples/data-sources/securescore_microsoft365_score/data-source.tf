# The tenant's Microsoft 365 Secure Score with 90 days of history.
data "securescore_microsoft365_score" "tenant" {
  history_days = 90
}

output "microsoft365_score" {
  value = format("%.2f / %.2f points (%.1f%%)",
    data.securescore_microsoft365_score.tenant.current_score,
    data.securescore_microsoft365_score.tenant.max_score,
  data.securescore_microsoft365_score.tenant.percentage * 100)
}

# Percentage by category (Identity, Data, Device, Apps, ...), e.g. "72.3%".
output "microsoft365_categories" {
  value = {
    for name, category in data.securescore_microsoft365_score.tenant.categories :
    name => format("%.1f%%", category.percentage * 100)
  }
}

# How the tenant compares with tenants of its size.
output "microsoft365_vs_similar_size" {
  value = one([
    for c in data.securescore_microsoft365_score.tenant.comparisons :
    c.average_score if c.basis == "TotalSeats"
  ])
}

# Warn when the score lost more than 5 percentage points in 30 days.
check "microsoft365_score_trend" {
  assert {
    condition     = coalesce(data.securescore_microsoft365_score.tenant.percentage_change_30_days, 0) > -0.05
    error_message = "The Microsoft 365 Secure Score dropped by more than 5 points of percentage in 30 days."
  }
}
