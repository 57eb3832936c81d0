variable "name" {
  description = "IAM role name."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the EKS cluster's IAM OIDC provider."
  type        = string
}

variable "oidc_issuer_url" {
  description = "Issuer URL of the EKS cluster (https://oidc.eks...)."
  type        = string
}

variable "namespace" {
  description = "Namespace of the ServiceAccount allowed to assume the role."
  type        = string
}

variable "service_account" {
  description = "Name of the ServiceAccount allowed to assume the role."
  type        = string
}

variable "policy_json" {
  description = "Inline IAM policy document (JSON) granted to the role; empty for none."
  type        = string
  default     = ""
}

variable "managed_policy_arns" {
  description = "AWS-managed or customer-managed policy ARNs attached to the role."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to the role."
  type        = map(string)
  default     = {}
}
