# A subscription's rule: its Azure Resource Manager id.
terraform import securescore_defender_governance_rule.platform_encryption /subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/providers/Microsoft.Security/governanceRules/ad9a8e26-29d9-4829-bb30-e597a58cdbb8

# A management group's rule.
terraform import securescore_defender_governance_rule.production_high /providers/Microsoft.Management/managementGroups/contoso-production/providers/Microsoft.Security/governanceRules/3c9e5f1a-7b2d-4e8f-a1c6-5d0b9e2f4a71
