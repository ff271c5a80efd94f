# Adopt the action's current status, notes and assignee, then change them with
# the resource's arguments. The id is `<control_id>`, or
# `<tenant_id>/<control_id>` for a tenant in the provider's auxiliary_tenant_ids.
import {
  to = securescore_microsoft365_improvement_action.admin_mfa
  id = "AdminMFAV2"
}
