output "host" {
  description = "In-cluster host name of the Redis master (writes, ACL commands)."
  value       = "${var.release_name}-master.${var.namespace}.svc.cluster.local"
}

output "port" {
  description = "Redis port."
  value       = 6379
}

output "admin_url" {
  description = "URL of the default (admin) user: the operator's OPERATOR_REDIS_ADMIN_URL."
  value       = "redis://default:${random_password.default_user.result}@${var.release_name}-master.${var.namespace}.svc.cluster.local:6379/0"
  sensitive   = true
}

output "namespace" {
  description = "Namespace Redis runs in."
  value       = kubernetes_namespace_v1.this.metadata[0].name
}
