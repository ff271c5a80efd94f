# High-severity recommendations of a management group's subscriptions: the
# owner comes from each resource's "owner" tag (or its resource group's, or
# its subscription's), with 7 days to fix them. A sandbox subscription is
# left out.
resource "securescore_defender_governance_rule" "production_high" {
  management_group_id        = "contoso-production"
  display_name               = "Production: high severity within 7 days"
  description                = "Owners come from the owner tag; managers are told about overdue items."
  priority                   = 100
  remediation_timeframe_days = 7
  owner_tag                  = "owner"
  conditions                 = [{ severities = ["High"] }]
  excluded_scopes            = ["/subscriptions/a6d2e3c5-4a2b-4c6f-8d1e-2b3c4d5e6f70"]
}

# Two recommendations of one subscription go to the platform team, with 30
# days and a grace period (no secure score impact until the due date).
resource "securescore_defender_governance_rule" "platform_encryption" {
  subscription_id            = "7444d220-dc62-4eed-8552-76d7697c3f78"
  display_name               = "Platform: encryption recommendations"
  priority                   = 200
  remediation_timeframe_days = 30
  grace_period               = true
  owner_email                = "platform-team@contoso.com"
  notify_manager             = false
  conditions = [
    # Encrypt data in transit, any severity; or medium and low recommendations
    # of "Enable encryption at rest".
    { assessment_keys = ["149c2ed9-310e-4f4a-907e-424d5ceb2279"] },
    { assessment_keys = ["48b043e5-c43a-4e4d-9405-39eb892241c9"], severities = ["Medium", "Low"] },
  ]
}
