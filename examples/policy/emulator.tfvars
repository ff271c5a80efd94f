# Minimums the bundled emulator's scores pass (Defender about 82%,
# Microsoft 365 about 60%), for planning this example against it:
#   terraform plan -var-file=emulator.tfvars
defender_minimum_percentage     = 0.7
microsoft365_minimum_percentage = 0.4
