# Values for planning this example against the bundled emulator (step 1 of
# the guide writes improvement_actions.auto.tfvars.json instead):
#   terraform plan -var-file=emulator.tfvars
improvement_actions = {
  AdminMFAV2 = {
    status      = "planned"
    assigned_to = "identity-team@contoso.com"
  }
}
