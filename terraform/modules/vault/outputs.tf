output "address" {
  description = "In-cluster address of the active Vault server (the operator's vault.addr)."
  value       = "https://vault-active.${var.namespace}.svc.cluster.local:8200"
}

output "ca_cert_pem" {
  description = "Certificate of the private CA that signed Vault's TLS certificate (what clients verify with)."
  value       = tls_self_signed_cert.ca.cert_pem
}

output "namespace" {
  description = "Namespace Vault runs in."
  value       = kubernetes_namespace_v1.this.metadata[0].name
}

output "unseal_kms_key_arn" {
  description = "KMS key used for auto-unseal."
  value       = module.unseal_key.arn
}
