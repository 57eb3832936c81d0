variable "charts_dir" {
  description = "Folder holding consorcio-operator and consorcio-platform: this repository's charts/, the ones the tests exercised."
  type        = string
}

variable "namespace" {
  description = "Namespace of the operator and the control plane."
  type        = string
  default     = "consorcio-system"
}

variable "app_version" {
  description = "Image tag of the release (operator, control plane, and the default tenant app version)."
  type        = string
}

variable "image_repositories" {
  description = "Repository URL per image: keys tenant-app, operator, control-plane (container_registry output)."
  type        = map(string)

  validation {
    condition     = alltrue([for k in ["tenant-app", "operator", "control-plane"] : contains(keys(var.image_repositories), k)])
    error_message = "image_repositories needs tenant-app, operator and control-plane."
  }
}

variable "tenant_domain" {
  description = "Domain under which tenants get <name>.<tenant_domain> (the operator's baseDomain)."
  type        = string
}

variable "platform_host" {
  description = "Host name of the control-plane API Ingress."
  type        = string
}

variable "ingress_namespace" {
  description = "Namespace of the ingress controller."
  type        = string
}

variable "ingress_class_name" {
  description = "IngressClass for the platform and tenant Ingresses."
  type        = string
}

variable "cluster_issuer_name" {
  description = "cert-manager ClusterIssuer for the platform API certificate."
  type        = string
}

variable "postgres_host" {
  description = "PostgreSQL host tenant apps connect to."
  type        = string
}

variable "postgres_port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "redis_host" {
  description = "Redis master host tenant apps connect to."
  type        = string
}

variable "redis_operator_url" {
  description = "URL of the operator's least-privilege Redis user consorcio-operator (the redis module's operator_url; stored in the Secret consorcio-operator-redis). Never the default superuser."
  type        = string
  sensitive   = true
}

variable "redis_namespace" {
  description = "Namespace of Redis (allowed in the control plane's egress)."
  type        = string
}

variable "vault_ca_cert_pem" {
  description = "PEM certificate of the CA that signed Vault's TLS certificate (the vault module's ca_cert_pem)."
  type        = string
}

variable "vault_address" {
  description = "Vault address for the operator."
  type        = string
}

variable "vault_namespace" {
  description = "Namespace of Vault (allowed in the control plane's egress)."
  type        = string
}

variable "vpc_cidr_block" {
  description = "VPC range: PostgreSQL and the EKS API endpoint live there (control-plane egress)."
  type        = string
}

variable "platform_secrets_source" {
  description = "existingSecret (Secret consorcio-platform) or vault (Agent injector) for the control plane's URLs."
  type        = string
  default     = "vault"

  validation {
    condition     = contains(["existingSecret", "vault"], var.platform_secrets_source)
    error_message = "platform_secrets_source must be existingSecret or vault."
  }
}

variable "service_monitor_enabled" {
  description = "Create the operator's ServiceMonitor (needs the Prometheus Operator CRDs)."
  type        = bool
  default     = false
}

variable "backup_volume_size" {
  description = "Size of the operator's backup volume."
  type        = string
  default     = "100Gi"
}

variable "operator_values" {
  description = "Extra values merged over the operator chart values built here."
  type        = any
  default     = {}
}

variable "platform_values" {
  description = "Extra values merged over the platform chart values built here."
  type        = any
  default     = {}
}
