# Microsoft 365 part of the demo summary.
data "securescore_microsoft365_score" "tenant" {}

data "securescore_microsoft365_improvement_actions" "quick_wins" {
  statuses        = ["to_address", "planned"]
  only_quick_wins = true
}

locals {
  microsoft365_score      = data.securescore_microsoft365_score.tenant
  microsoft365_quick_wins = data.securescore_microsoft365_improvement_actions.quick_wins.actions
  microsoft365_change     = local.microsoft365_score.percentage_change_30_days

  microsoft365_lines = concat(
    [
      "Microsoft 365 Secure Score",
      format("  %-28s %6.2f / %-6.2f (%.1f%%)", "Tenant", local.microsoft365_score.current_score,
      local.microsoft365_score.max_score, local.microsoft365_score.percentage * 100),
    ],
    [
      for name in sort(keys(local.microsoft365_score.categories)) :
      format("    %-26s %6.2f / %-6.2f (%.1f%%)", name, local.microsoft365_score.categories[name].current_score,
      local.microsoft365_score.categories[name].max_score, local.microsoft365_score.categories[name].percentage * 100)
    ],
    [
      format("  %-28s %s", "Change over 30 days",
      local.microsoft365_change == null ? "n/a" : format("%+.1f points of percentage", local.microsoft365_change * 100)),
      format("  Top quick wins (%d open)", length(local.microsoft365_quick_wins)),
    ],
    [
      for action in slice(local.microsoft365_quick_wins, 0, min(5, length(local.microsoft365_quick_wins))) :
      format("    +%5.2f  %s", action.points_remaining, action.title)
    ],
  )
}
