output "zone_id" {
  description = "Route53 zone ID."
  value       = local.zone_id
}

output "name_servers" {
  description = "Name servers to delegate to at the registrar (only when the zone is created here)."
  value       = var.create_zone ? aws_route53_zone.this[0].name_servers : []
}

output "cluster_issuer_name" {
  description = "cert-manager ClusterIssuer for Ingress annotations (cert-manager.io/cluster-issuer)."
  value       = "letsencrypt"
}

output "ingress_class_name" {
  description = "IngressClass of the platform and tenant Ingresses."
  value       = "nginx"
}

output "ingress_namespace" {
  description = "Namespace of the ingress controller (allowed into tenant namespaces)."
  value       = helm_release.ingress_nginx.namespace
}
