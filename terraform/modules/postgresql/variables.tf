variable "name" {
  description = "Identifier of the RDS instance (e.g. consorcio-prod)."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major version. Keep it equal to the operator image's pg_dump (15): pg_dump cannot dump a newer server."
  type        = string
  default     = "15"
}

variable "instance_class" {
  description = "RDS instance class; every tenant database shares it."
  type        = string
  default     = "db.m6g.large"
}

variable "allocated_storage_gb" {
  description = "Initial gp3 storage, in GiB."
  type        = number
  default     = 100
}

variable "max_allocated_storage_gb" {
  description = "Ceiling for storage autoscaling, in GiB."
  type        = number
  default     = 1000
}

variable "multi_az" {
  description = "Synchronous standby in a second zone with automatic failover."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window); 35 is the RDS maximum."
  type        = number
  default     = 35

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35: tenant data needs a point-in-time recovery window."
  }
}

variable "backup_window" {
  description = "Daily UTC window for automated backups (quiet hours in Brazil)."
  type        = string
  default     = "05:00-06:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window."
  type        = string
  default     = "sun:06:30-sun:07:30"
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (turn off deliberately before destroying an environment)."
  type        = bool
  default     = true
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Database subnets (two or more zones)."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on 5432 (the EKS cluster security group)."
  type        = list(string)
}

variable "max_connections" {
  description = "PostgreSQL max_connections; every tenant app pod holds a pool."
  type        = number
  default     = 1000
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
