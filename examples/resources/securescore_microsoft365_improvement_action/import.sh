# An action of the provider's tenant: the id is the control id.
terraform import securescore_microsoft365_improvement_action.admin_mfa AdminMFAV2

# An action of another tenant (listed in the provider's auxiliary_tenant_ids): <tenant_id>/<control_id>.
terraform import securescore_microsoft365_improvement_action.customer_admin_mfa 09788d87-3071-4bc9-ab65-a1d0f47a75bd/AdminMFAV2
