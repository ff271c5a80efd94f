# Override what a governance rule assigned for one recommendation on one
# virtual machine: another owner, a later due date, a ticket.
resource "securescore_defender_governance_assignment" "web01_management_ports" {
  resource_id               = "/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01"
  assessment_key            = "ac21c637-d558-482c-9d11-d6d9033e834e"
  owner_email               = "web-team@contoso.com"
  remediation_due_date_time = "2030-06-30T00:00:00Z"
  grace_period              = true
  ticket_link               = "https://contoso.service-now.com/nav_to.do?uri=incident.do?sys_id=4711"
}
