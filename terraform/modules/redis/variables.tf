variable "namespace" {
  description = "Namespace Redis runs in."
  type        = string
  default     = "redis"
}

variable "release_name" {
  description = "Helm release name (also the prefix of the Services)."
  type        = string
  default     = "redis"
}

variable "chart_repository" {
  description = "Repository of the Redis chart (Bitnami's OCI registry by default; point it at a mirror in production)."
  type        = string
  default     = "oci://registry-1.docker.io/bitnamicharts"
}

variable "chart_version" {
  description = "Exact chart version: an upgrade of Redis is a reviewed change."
  type        = string
  default     = "20.6.2"
}

variable "replica_count" {
  description = "Read replicas beside the master (in other zones)."
  type        = number
  default     = 2
}

variable "storage_class" {
  description = "StorageClass of the master and replica volumes."
  type        = string
  default     = "gp3"
}

variable "volume_size" {
  description = "Size of each Redis volume (AOF and RDB files)."
  type        = string
  default     = "20Gi"
}

variable "client_namespaces" {
  description = "Namespaces allowed to connect (the platform namespace; tenant namespaces carry the label below)."
  type        = list(string)
  default     = ["consorcio-system"]
}

variable "client_namespace_label" {
  description = "Label (key=value) that marks tenant namespaces allowed to connect; the operator sets it."
  type        = string
  default     = "app.kubernetes.io/part-of=consorcio"
}

variable "resources" {
  description = "Resources of each Redis pod."
  type = object({
    requests = map(string)
    limits   = map(string)
  })
  default = {
    requests = { cpu = "250m", memory = "1Gi" }
    limits   = { memory = "1Gi" }
  }
}
