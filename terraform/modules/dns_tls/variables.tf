variable "name" {
  description = "Name prefix of the AWS resources (IAM roles)."
  type        = string
}

variable "zone_name" {
  description = "Route53 public zone of the platform (e.g. consorcio.example.com.br)."
  type        = string
}

variable "create_zone" {
  description = "Create the zone here (then delegate its name servers at the registrar) instead of using an existing one."
  type        = bool
  default     = false
}

variable "tenant_domain" {
  description = "Domain under which tenants live (<tenant>.<tenant_domain>); the operator's baseDomain."
  type        = string
}

variable "platform_host" {
  description = "Host name of the control-plane API."
  type        = string
}

variable "acme_email" {
  description = "E-mail Let's Encrypt sends expiry warnings to."
  type        = string
}

variable "acme_server" {
  description = "ACME directory (use the Let's Encrypt staging URL while testing an environment)."
  type        = string
  default     = "https://acme-v02.api.letsencrypt.org/directory"
}

variable "oidc_provider_arn" {
  description = "EKS IAM OIDC provider ARN (cert-manager and external-dns use IRSA)."
  type        = string
}

variable "oidc_issuer_url" {
  description = "EKS OIDC issuer URL."
  type        = string
}

variable "cert_manager_chart_version" {
  description = "Exact version of the jetstack/cert-manager chart."
  type        = string
  default     = "v1.16.2"
}

variable "ingress_nginx_chart_version" {
  description = "Exact version of the ingress-nginx chart."
  type        = string
  default     = "4.11.3"
}

variable "external_dns_chart_version" {
  description = "Exact version of the external-dns chart."
  type        = string
  default     = "1.15.0"
}

variable "tags" {
  description = "Tags added to AWS resources."
  type        = map(string)
  default     = {}
}
