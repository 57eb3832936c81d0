output "host" {
  description = "In-cluster host name of the Redis master (writes, ACL commands)."
  value       = "${var.release_name}-master.${var.namespace}.svc.cluster.local"
}

output "port" {
  description = "Redis port."
  value       = 6379
}

output "admin_url" {
  description = "URL of the default superuser: break-glass only, wired into nothing (the platform uses operator_url / control_plane_url)."
  value       = "redis://default:${random_password.default_user.result}@${var.release_name}-master.${var.namespace}.svc.cluster.local:6379/0"
  sensitive   = true
}

output "operator_url" {
  description = "URL of the least-privilege consorcio-operator user (db 0): the operator's OPERATOR_REDIS_ADMIN_URL."
  value       = "redis://consorcio-operator:${random_password.operator_user.result}@${var.release_name}-master.${var.namespace}.svc.cluster.local:6379/0"
  sensitive   = true
}

output "control_plane_url" {
  description = "URL of the least-privilege consorcio-control-plane user in db 1: the control plane's redis_url / redis-url."
  value       = "redis://consorcio-control-plane:${random_password.control_plane_user.result}@${var.release_name}-master.${var.namespace}.svc.cluster.local:6379/1"
  sensitive   = true
}

output "namespace" {
  description = "Namespace Redis runs in."
  value       = kubernetes_namespace_v1.this.metadata[0].name
}
