variable "name" {
  description = "Name prefix of the AWS resources (KMS key, IAM role)."
  type        = string
}

variable "namespace" {
  description = "Namespace Vault runs in."
  type        = string
  default     = "vault"
}

variable "chart_version" {
  description = "Exact version of the hashicorp/vault chart."
  type        = string
  default     = "0.29.1"
}

variable "replicas" {
  description = "Vault servers in the Raft cluster (3 or 5 for quorum across zones)."
  type        = number
  default     = 3

  validation {
    condition     = contains([1, 3, 5], var.replicas)
    error_message = "replicas must be 1 (dev only), 3 or 5: Raft needs an odd quorum."
  }
}

variable "storage_class" {
  description = "StorageClass of the Raft data and audit volumes."
  type        = string
  default     = "gp3"
}

variable "oidc_provider_arn" {
  description = "EKS IAM OIDC provider ARN (Vault unseals with KMS through IRSA)."
  type        = string
}

variable "oidc_issuer_url" {
  description = "EKS OIDC issuer URL."
  type        = string
}

variable "tags" {
  description = "Tags added to AWS resources."
  type        = map(string)
  default     = {}
}
