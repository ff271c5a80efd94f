variable "defender_minimum_percentage" {
  description = "The lowest acceptable Defender for Cloud score (the weighted aggregate over the subscriptions), as a ratio between 0 and 1: 0.7 means 70%."
  type        = number
  default     = 0.7

  validation {
    condition     = var.defender_minimum_percentage >= 0 && var.defender_minimum_percentage <= 1
    error_message = "defender_minimum_percentage is a ratio between 0 and 1, e.g. 0.7 for 70%."
  }
}

variable "microsoft365_minimum_percentage" {
  description = "The lowest acceptable Microsoft 365 Secure Score, as a ratio between 0 and 1: 0.6 means 60%."
  type        = number
  default     = 0.6

  validation {
    condition     = var.microsoft365_minimum_percentage >= 0 && var.microsoft365_minimum_percentage <= 1
    error_message = "microsoft365_minimum_percentage is a ratio between 0 and 1, e.g. 0.6 for 60%."
  }
}

variable "subscription_ids" {
  description = "The subscriptions whose Defender for Cloud scores count. null (with management_group_ids null too): every subscription the identity can read."
  type        = list(string)
  default     = null
}

variable "management_group_ids" {
  description = "The management groups whose subscriptions count, instead of subscription_ids."
  type        = list(string)
  default     = null
}

variable "enforce" {
  description = "true: a score below its minimum fails the run. false: report only, through the outputs and warnings."
  type        = bool
  default     = true
}
