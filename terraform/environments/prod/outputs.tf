output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.platform.cluster_name
}

output "registry" {
  description = "ECR registry host to push the images to."
  value       = module.platform.registry
}

output "image_repositories" {
  description = "ECR repository per image."
  value       = module.platform.image_repositories
}

output "postgres_address" {
  description = "RDS PostgreSQL host."
  value       = module.platform.postgres_address
}

output "postgres_admin_username" {
  description = "RDS master user (the operator's admin DSN user)."
  value       = module.platform.postgres_admin_username
}

output "postgres_master_user_secret_arn" {
  description = "Secrets Manager secret with the RDS master password."
  value       = module.platform.postgres_master_user_secret_arn
}

output "vault_address" {
  description = "In-cluster Vault address."
  value       = module.platform.vault_address
}

output "redis_host" {
  description = "In-cluster Redis master host."
  value       = module.platform.redis_host
}

output "redis_control_plane_url" {
  description = "Redis URL of the control plane's least-privilege user (db 1), for its redis_url / redis-url."
  value       = module.platform.redis_control_plane_url
  sensitive   = true
}

output "zone_name_servers" {
  description = "Name servers to delegate the zone to (when created here)."
  value       = module.platform.zone_name_servers
}

output "platform_api_url" {
  description = "Public URL of the control-plane API."
  value       = module.platform.platform_api_url
}

output "storage_bucket_name" {
  description = "S3 bucket of the tenants' documents and reports (tenants/<slug>/)."
  value       = module.platform.storage_bucket_name
}

output "storage_tenant_role_arns" {
  description = "IAM role per tenant slug for its tenant-app ServiceAccount (IRSA)."
  value       = module.platform.storage_tenant_role_arns
}
