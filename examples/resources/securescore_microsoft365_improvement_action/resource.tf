# Plan to fix an action: assign it and say why. A create adopts an action
# that carries no decision yet; one that already does (AdminMFAV2 in the
# emulator) is refused at plan time, so it is imported first
# (import-by-string-id.tf).
resource "securescore_microsoft365_improvement_action" "admin_mfa" {
  control_id  = "AdminMFAV2"
  status      = "planned"
  notes       = "Conditional Access policy for admin roles ships in sprint 42 (CHG-1234)."
  assigned_to = "identity-team@contoso.com"
}

# Accept a risk: the notes record the decision for auditors (the policy of
# the guide "Manage improvement actions as code" refuses a risk acceptance
# without them).
resource "securescore_microsoft365_improvement_action" "password_expiry" {
  control_id = "PWAgePolicyNew"
  status     = "risk_accepted"
  notes      = "Passwords expire yearly by corporate policy SEC-7; reviewed 2025-01 by the CISO."
}

# Mitigated by another product.
resource "securescore_microsoft365_improvement_action" "safe_links" {
  control_id = "mdo_safelinksforemail"
  status     = "resolved_through_third_party"
  notes      = "Link rewriting is done by the mail gateway."
}

# An action of a customer tenant: the tenant must be in the provider's
# auxiliary_tenant_ids (ARM_AUXILIARY_TENANT_IDS).
# resource "securescore_microsoft365_improvement_action" "customer_admin_mfa" {
#   tenant_id  = "09788d87-3071-4bc9-ab65-a1d0f47a75bd"
#   control_id = "AdminMFAV2"
#   status     = "planned"
# }
