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

resource "helm_release" "this" {
  name       = "vault"
  namespace  = kubernetes_namespace_v1.this.metadata[0].name
  repository = "https://helm.releases.hashicorp.com"
  chart      = "vault"
  version    = var.chart_version
  atomic     = true
  timeout    = 900

  values = [yamlencode({
    global = { enabled = true }
    # The Agent injector renders the control plane's secrets (secrets.source=vault).
    injector = { enabled = true, replicas = 2 }
    ui       = { enabled = false }
    server = {
      serviceAccount = {
        create      = true
        name        = "vault"
        annotations = { "eks.amazonaws.com/role-arn" = module.irsa.role_arn }
      }
      dataStorage  = { enabled = true, size = "10Gi", storageClass = var.storage_class }
      auditStorage = { enabled = true, size = "10Gi", storageClass = var.storage_class }
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
              address         = "[::]:8200"
              cluster_address = "[::]:8201"
              # In-cluster only, behind NetworkPolicies; see the module README.
              tls_disable     = 1
            }
            storage "raft" {
              path = "/vault/data"
              retry_join {
                leader_api_addr = "http://vault-0.vault-internal:8200"
              }
              retry_join {
                leader_api_addr = "http://vault-1.vault-internal:8200"
              }
              retry_join {
                leader_api_addr = "http://vault-2.vault-internal:8200"
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
