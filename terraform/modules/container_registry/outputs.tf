output "repository_urls" {
  description = "Repository URL per image (keys: tenant-app, operator, control-plane)."
  value       = { for image, repo in aws_ecr_repository.this : image => repo.repository_url }
}

output "registry" {
  description = "Registry host to `docker login` to."
  value       = split("/", values(aws_ecr_repository.this)[0].repository_url)[0]
}
