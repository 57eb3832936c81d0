output "namespace" {
  description = "Namespace of the operator and the control plane."
  value       = kubernetes_namespace_v1.this.metadata[0].name
}

output "control_plane_url" {
  description = "In-cluster URL of the control-plane API."
  value       = local.platform_api_url
}

output "platform_api_url" {
  description = "Public URL of the control-plane API."
  value       = "https://${var.platform_host}"
}
