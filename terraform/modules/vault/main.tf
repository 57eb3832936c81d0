data "aws_region" "current" {}

# Auto-unseal: a restarted Vault pod unseals itself with this key, so no human
# holds unseal shares in the night.
module "unseal_key" {
  source      = "../kms_key"
  description = "${var.name} Vault auto-unseal"
  tags        = var.tags
}

data "aws_iam_policy_document" "unseal" {
  statement {
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]
    resources = [module.unseal_key.arn]
  }
}

module "irsa" {
  source            = "../irsa_role"
  name              = "${var.name}-vault"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer_url   = var.oidc_issuer_url
  namespace         = var.namespace
  service_account   = "vault"
  policy_json       = data.aws_iam_policy_document.unseal.json
  tags              = var.tags
}

resource "kubernetes_namespace_v1" "this" {
  metadata {
    name = var.namespace
  }
}

# TLS on every Vault listener (issue 20): tenant pods, the operator and the
# Raft peers talk to Vault over HTTPS only. A private CA made here signs the
# servers' certificate; its certificate is the `ca_cert_pem` output (the
# operator's vault.caSecret, the tenant pods' bundle). The keys live in the
# Terraform state, which is encrypted and access-controlled like the rest.
resource "tls_private_key" "ca" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_self_signed_cert" "ca" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  is_ca_certificate     = true
  validity_period_hours = 24 * 365 * 5
  allowed_uses          = ["cert_signing", "crl_signing"]
  subject {
    common_name  = "${var.name} Vault CA"
    organization = "consorcio"
  }
}

resource "tls_private_key" "server" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

locals {
  vault_dns_names = concat(
    [for svc in ["vault", "vault-active", "vault-standby", "vault-internal"] : "${svc}.${var.namespace}.svc"],
    [for svc in ["vault", "vault-active", "vault-standby", "vault-internal"] : "${svc}.${var.namespace}.svc.cluster.local"],
    ["*.vault-internal", "*.vault-internal.${var.namespace}.svc", "*.vault-internal.${var.namespace}.svc.cluster.local"],
  )
}

resource "tls_cert_request" "server" {
  private_key_pem = tls_private_key.server.private_key_pem
  dns_names       = local.vault_dns_names
  ip_addresses    = ["127.0.0.1"]
  subject {
    common_name = "vault-active.${var.namespace}.svc"
  }
}

resource "tls_locally_signed_cert" "server" {
  cert_request_pem      = tls_cert_request.server.cert_request_pem
  ca_private_key_pem    = tls_private_key.ca.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.ca.cert_pem
  validity_period_hours = 24 * 365
  early_renewal_hours   = 24 * 30
  allowed_uses          = ["digital_signature", "key_encipherment", "server_auth", "client_auth"]
}

resource "kubernetes_secret_v1" "tls" {
  metadata {
    name      = "vault-tls"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
  }
  type = "kubernetes.io/tls"
  data = {
    "tls.crt" = tls_locally_signed_cert.server.cert_pem
    "tls.key" = tls_private_key.server.private_key_pem
    "ca.crt"  = tls_self_signed_cert.ca.cert_pem
  }
}

resource "helm_release" "this" {
  name       = "vault"
  namespace  = kubernetes_namespace_v1.this.metadata[0].name
  repository = "https://helm.releases.hashicorp.com"
  chart      = "vault"
  version    = var.chart_version
  atomic     = true
  timeout    = 900

  values = [yamlencode({
    global = { enabled = true, tlsDisable = false }
    # The Agent injector renders the control plane's secrets (secrets.source=vault).
    injector = { enabled = true, replicas = 2 }
    ui       = { enabled = false }
    server = {
      serviceAccount = {
        create      = true
        name        = "vault"
        annotations = { "eks.amazonaws.com/role-arn" = module.irsa.role_arn }
      }
      # The listener's certificate and the CA the peers and the CLI verify with.
      volumes              = [{ name = "vault-tls", secret = { secretName = kubernetes_secret_v1.tls.metadata[0].name } }]
      volumeMounts         = [{ name = "vault-tls", mountPath = "/vault/userconfig/vault-tls", readOnly = true }]
      extraEnvironmentVars = { VAULT_CACERT = "/vault/userconfig/vault-tls/ca.crt" }
      dataStorage          = { enabled = true, size = "10Gi", storageClass = var.storage_class }
      auditStorage         = { enabled = true, size = "10Gi", storageClass = var.storage_class }
      affinity = {
        podAntiAffinity = {
          requiredDuringSchedulingIgnoredDuringExecution = [{
            labelSelector = { matchLabels = { "app.kubernetes.io/name" = "vault", component = "server" } }
            topologyKey   = "topology.kubernetes.io/zone"
          }]
        }
      }
      ha = {
        enabled  = true
        replicas = var.replicas
        raft = {
          enabled   = true
          setNodeId = true
          config    = <<-HCL
            ui = false
            listener "tcp" {
              address            = "[::]:8200"
              cluster_address    = "[::]:8201"
              tls_disable        = 0
              tls_cert_file      = "/vault/userconfig/vault-tls/tls.crt"
              tls_key_file       = "/vault/userconfig/vault-tls/tls.key"
              tls_client_ca_file = "/vault/userconfig/vault-tls/ca.crt"
              tls_min_version    = "tls12"
            }
            storage "raft" {
              path = "/vault/data"
              retry_join {
                leader_api_addr     = "https://vault-0.vault-internal:8200"
                leader_ca_cert_file = "/vault/userconfig/vault-tls/ca.crt"
              }
              retry_join {
                leader_api_addr     = "https://vault-1.vault-internal:8200"
                leader_ca_cert_file = "/vault/userconfig/vault-tls/ca.crt"
              }
              retry_join {
                leader_api_addr     = "https://vault-2.vault-internal:8200"
                leader_ca_cert_file = "/vault/userconfig/vault-tls/ca.crt"
              }
            }
            seal "awskms" {
              region     = "${data.aws_region.current.name}"
              kms_key_id = "${module.unseal_key.key_id}"
            }
            service_registration "kubernetes" {}
          HCL
        }
      }
    }
  })]
}
