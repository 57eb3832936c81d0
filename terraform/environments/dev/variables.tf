variable "region" {
  description = "AWS region (São Paulo keeps tenant data in Brazil)."
  type        = string
  default     = "sa-east-1"
}

variable "zone_name" {
  description = "Route53 zone of this environment."
  type        = string
}

variable "acme_email" {
  description = "Let's Encrypt account e-mail."
  type        = string
}

variable "app_version" {
  description = "Image tag to run."
  type        = string
}

variable "install_releases" {
  description = "Install the operator and control plane (false on the first apply)."
  type        = bool
  default     = true
}

variable "cluster_public_access_cidrs" {
  description = "Ranges allowed to the Kubernetes API endpoint."
  type        = list(string)
  default     = []
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles granted cluster-admin."
  type        = list(string)
  default     = []
}

variable "storage_tenants" {
  description = "Tenant slugs that get an IAM role (IRSA) reaching their prefix tenants/<slug>/ of the object bucket."
  type        = set(string)
  default     = []
}
