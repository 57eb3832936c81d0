variable "metrics_server_chart_version" {
  description = "Exact version of the metrics-server chart (the platform API's HPA reads CPU from it)."
  type        = string
  default     = "3.12.2"
}

variable "storage_class_name" {
  description = "Name of the default encrypted gp3 StorageClass."
  type        = string
  default     = "gp3"
}
