output "bucket_name" {
  description = "The tenant object bucket (tenant data under tenants/<slug>/, Snapshot copies under backups/)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the tenant object bucket."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "KMS key that encrypts the bucket (bucket key)."
  value       = module.kms.arn
}

output "tenant_role_arns" {
  description = "IAM role per tenant slug: the annotation eks.amazonaws.com/role-arn of its tenant-app ServiceAccount."
  value       = { for slug, role in module.tenant_role : slug => role.role_arn }
}

output "operator_role_arn" {
  description = "IAM role with the operator's storage permissions (Snapshot copies and deletion)."
  value       = module.operator_role.role_arn
}

output "log_bucket_name" {
  description = "Bucket receiving the server access logs of the tenant bucket."
  value       = aws_s3_bucket.logs.id
}
