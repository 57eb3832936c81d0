variable "name" {
  description = "Environment name prefix of every resource (e.g. consorcio-prod)."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones (three in production)."
  type        = list(string)
}

variable "vpc_cidr_block" {
  description = "VPC range."
  type        = string
  default     = "10.40.0.0/16"
}

variable "single_nat_gateway" {
  description = "One NAT gateway for every zone (dev) instead of one per zone."
  type        = bool
  default     = false
}

variable "kubernetes_version" {
  description = "EKS Kubernetes minor version."
  type        = string
  default     = "1.34"
}

variable "cluster_public_access_cidrs" {
  description = "Ranges allowed to the public Kubernetes API endpoint (SRE VPN egress); empty = private only."
  type        = list(string)
  default     = []
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles granted cluster-admin."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "Node instance types."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "node_min_size" {
  description = "Minimum nodes."
  type        = number
  default     = 3
}

variable "node_max_size" {
  description = "Maximum nodes."
  type        = number
  default     = 9
}

variable "postgres_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.m6g.large"
}

variable "postgres_multi_az" {
  description = "RDS Multi-AZ standby."
  type        = bool
  default     = true
}

variable "postgres_backup_retention_days" {
  description = "RDS point-in-time recovery window, in days."
  type        = number
  default     = 35
}

variable "postgres_deletion_protection" {
  description = "Refuse to delete the RDS instance."
  type        = bool
  default     = true
}

variable "redis_replica_count" {
  description = "Redis read replicas."
  type        = number
  default     = 2
}

variable "vault_replicas" {
  description = "Vault Raft servers (1 for dev, 3 or 5 for production)."
  type        = number
  default     = 3
}

variable "zone_name" {
  description = "Route53 zone."
  type        = string
}

variable "create_zone" {
  description = "Create the Route53 zone here."
  type        = bool
  default     = false
}

variable "tenant_domain" {
  description = "Tenants live at <name>.<tenant_domain>."
  type        = string
}

variable "platform_host" {
  description = "Host name of the control-plane API."
  type        = string
}

variable "acme_email" {
  description = "Let's Encrypt account e-mail."
  type        = string
}

variable "acme_server" {
  description = "ACME directory URL."
  type        = string
  default     = "https://acme-v02.api.letsencrypt.org/directory"
}

variable "install_releases" {
  description = "Install the operator and control-plane releases (false on the first apply, before their Secrets exist)."
  type        = bool
  default     = true
}

variable "app_version" {
  description = "Image tag of the platform release."
  type        = string
}

variable "charts_dir" {
  description = "This repository's charts/ folder."
  type        = string
}

variable "platform_secrets_source" {
  description = "existingSecret or vault for the control plane's URLs."
  type        = string
  default     = "vault"
}

variable "service_monitor_enabled" {
  description = "Create the operator's ServiceMonitor."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every AWS resource."
  type        = map(string)
  default     = {}
}

variable "storage_tenants" {
  description = "Tenant slugs that get an IAM role reaching their prefix of the object bucket (object_storage)."
  type        = set(string)
  default     = []
}

variable "storage_backup_retention_days" {
  description = "Days the copy of a deleted tenant's objects is kept (Snapshot deletion policy)."
  type        = number
  default     = 1825
}
