variable "name" {
  description = "Name prefix of the buckets, key and roles (e.g. consorcio-prod)."
  type        = string
}

variable "tenants" {
  description = "Slugs of the tenants that get an IAM role reaching tenants/<slug>/ (IRSA)."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for t in var.tenants : can(regex("^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$", t))])
    error_message = "Tenant slugs are DNS-1123 labels of at most 40 characters (the ConsorcioTenant names)."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the EKS cluster's IAM OIDC provider (IRSA)."
  type        = string
}

variable "oidc_issuer_url" {
  description = "Issuer URL of the EKS cluster (https://oidc.eks...)."
  type        = string
}

variable "tenant_namespace_prefix" {
  description = "Tenant namespaces are <prefix><slug> (the operator's naming)."
  type        = string
  default     = "tenant-"
}

variable "tenant_service_account" {
  description = "ServiceAccount of the tenant app pods in each tenant namespace."
  type        = string
  default     = "tenant-app"
}

variable "operator_namespace" {
  description = "Namespace of the operator's ServiceAccount (its storage role)."
  type        = string
  default     = "consorcio-system"
}

variable "operator_service_account" {
  description = "Name of the operator's ServiceAccount."
  type        = string
  default     = "consorcio-operator"
}

variable "infrequent_access_after_days" {
  description = "Days after which current tenant objects move to STANDARD_IA (minimum 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.infrequent_access_after_days >= 30
    error_message = "S3 moves objects to STANDARD_IA after 30 days at the earliest."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept before it expires."
  type        = number
  default     = 90
}

variable "backup_retention_days" {
  description = "Days the copy of a deleted tenant's objects (backups/, Snapshot policy) is kept."
  type        = number
  default     = 1825

  validation {
    condition     = var.backup_retention_days > 30
    error_message = "Backups move to GLACIER_IR after 30 days, so they must outlive that."
  }
}

variable "log_retention_days" {
  description = "Days the S3 server access logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
