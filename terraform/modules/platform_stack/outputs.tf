output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.kubernetes_cluster.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.kubernetes_cluster.cluster_endpoint
}

output "cluster_ca_certificate" {
  description = "Base64 CA bundle of the Kubernetes API."
  value       = module.kubernetes_cluster.cluster_ca_certificate
}

output "image_repositories" {
  description = "ECR repository per image."
  value       = module.container_registry.repository_urls
}

output "registry" {
  description = "ECR registry host."
  value       = module.container_registry.registry
}

output "postgres_address" {
  description = "RDS PostgreSQL host."
  value       = module.postgresql.address
}

output "postgres_master_user_secret_arn" {
  description = "Secrets Manager secret with the RDS master password."
  value       = module.postgresql.master_user_secret_arn
}

output "postgres_admin_username" {
  description = "RDS master user."
  value       = module.postgresql.admin_username
}

output "vault_address" {
  description = "In-cluster Vault address."
  value       = module.vault.address
}

output "redis_host" {
  description = "In-cluster Redis master host."
  value       = module.redis.host
}

output "redis_control_plane_url" {
  description = "Redis URL of the control plane's least-privilege user (db 1): its redis_url in Vault or redis-url in the Secret consorcio-platform."
  value       = module.redis.control_plane_url
  sensitive   = true
}

output "zone_name_servers" {
  description = "Name servers to delegate to (when the zone is created here)."
  value       = module.dns_tls.name_servers
}

output "platform_api_url" {
  description = "Public URL of the control-plane API (once the releases are installed)."
  value       = "https://${var.platform_host}"
}

output "storage_bucket_name" {
  description = "S3 bucket of the tenants' documents and reports (tenants/<slug>/)."
  value       = module.object_storage.bucket_name
}

output "storage_tenant_role_arns" {
  description = "IAM role per tenant slug for its tenant-app ServiceAccount (IRSA)."
  value       = module.object_storage.tenant_role_arns
}

output "storage_operator_role_arn" {
  description = "IAM role with the operator's storage permissions."
  value       = module.object_storage.operator_role_arn
}
