# Defender for Cloud part of the demo summary.
data "securescore_defender_score" "default" {}

locals {
  defender_lines = [
    "Defender for Cloud",
    format("  %-28s %6.2f / %-4d (%.1f%%)", data.securescore_defender_score.default.display_name,
      data.securescore_defender_score.default.current, data.securescore_defender_score.default.max,
    data.securescore_defender_score.default.percentage * 100),
  ]
}
