# The emulator's management group and Log Analytics workspace.
management_group_id = "contoso-production"
workspace_id        = "5e1d0c3a-9f4b-4c27-8d61-2b7a3f0e9c41"
