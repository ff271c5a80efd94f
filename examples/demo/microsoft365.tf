# Microsoft 365 part of the demo summary.
locals {
  microsoft365_lines = []
}
