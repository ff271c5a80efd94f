# The tenant's built-in catalogue of security controls.
data "securescore_defender_control_definitions" "builtin" {}

# The definitions available to one subscription, custom ones included.
data "securescore_defender_control_definitions" "subscription" {
  subscription_id = "7444d220-dc62-4eed-8552-76d7697c3f78"
}

output "custom_controls" {
  value = [
    for d in data.securescore_defender_control_definitions.subscription.definitions :
    "${d.display_name} (${d.max_score} points, ${length(d.assessment_definition_ids)} recommendations)"
    if d.source_type == "Custom"
  ]
}
