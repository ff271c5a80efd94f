# The tenant's built-in catalogue of security controls.
data "securescore_defender_control_definitions" "builtin" {}

# The definitions available to one subscription, custom ones included.
data "securescore_defender_control_definitions" "subscription" {
  subscription_id = "22222222-2222-2222-2222-222222222222"
}

output "custom_controls" {
  value = [
    for d in data.securescore_defender_control_definitions.subscription.definitions :
    "${d.display_name} (${d.max_score} points, ${length(d.assessment_definition_ids)} recommendations)"
    if d.source_type == "Custom"
  ]
}
