# Values for planning this example against the bundled emulator:
#   terraform plan -var-file=emulator.tfvars
# (Contoso is the home of the emulator's application; of its customers,
# Fabrikam has the AdminMFAV2 action this example manages, Northwind not.)
home_tenant_id = "f4c83c42-8ce2-4c5d-8bbc-bbcb022c9a39"

customers = {
  fabrikam = "09788d87-3071-4bc9-ab65-a1d0f47a75bd"
}
