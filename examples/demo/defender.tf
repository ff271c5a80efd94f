# Defender for Cloud part of the demo summary.

# The default subscription's score (ascScore).
data "securescore_defender_score" "default" {}

# Every subscription the identity can read, in one Resource Graph query.
data "securescore_defender_scores" "all" {}

# The default subscription's controls, largest potential increase first.
data "securescore_defender_controls" "default" {}

locals {
  defender_score    = data.securescore_defender_score.default
  defender_scores   = data.securescore_defender_scores.all
  defender_controls = data.securescore_defender_controls.default.controls
  weakest_controls  = slice(local.defender_controls, 0, min(3, length(local.defender_controls)))

  # percentage values are ratios (0-1): multiplied by 100 for display only.
  defender_lines = concat(
    [
      "Defender for Cloud",
      format("  %-28s %6.2f / %-4d (%.1f%%)",
        local.defender_score.display_name, local.defender_score.current_score, local.defender_score.max_score,
        local.defender_score.percentage * 100,
      ),
      # aggregate_percentage is null when no subscription has a weighted score.
      local.defender_scores.aggregate_percentage == null ? format("  %-28s no weighted score", "All subscriptions") : format(
        "  %-28s %5.1f%% over %d subscriptions (weighted)",
        "All subscriptions", local.defender_scores.aggregate_percentage * 100,
        local.defender_scores.subscription_count,
      ),
    ],
    # Subscriptions Defender for Cloud assesses but has not scored yet are
    # named, not counted as 0 %: they are left out of the aggregate.
    [
      for id in local.defender_scores.not_calculated_subscription_ids :
      format("  %-28s %s (first score not calculated yet: not in the aggregate)", "Not calculated", id)
    ],
    [
      "  Weakest controls (points to gain):",
    ],
    [
      for c in local.weakest_controls :
      format("    %-38s +%5.2f  (%d unhealthy resources)", c.display_name, c.potential_score_increase, c.unhealthy_resource_count)
    ],
  )
}
