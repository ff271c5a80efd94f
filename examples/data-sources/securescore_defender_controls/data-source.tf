# The controls of the default initiative (ascScore) of the provider's
# subscription, the ones that would raise the score most first.
data "securescore_defender_controls" "current" {}

# Set score_name = "" for the subscription-wide list instead of one initiative's.
data "securescore_defender_controls" "all" {
  subscription_id = "da33051b-d48d-4764-a425-4063eca91a0d"
  score_name      = ""
}

locals {
  controls = data.securescore_defender_controls.current.controls
}

output "top_three_controls" {
  value = [
    for c in slice(local.controls, 0, min(3, length(local.controls))) :
    format("%s: +%.2f points, %d unhealthy resources", c.display_name, c.potential_score_increase, c.unhealthy_resource_count)
  ]
}

output "points_left_on_the_table" {
  value = data.securescore_defender_controls.current.potential_score_increase
}
