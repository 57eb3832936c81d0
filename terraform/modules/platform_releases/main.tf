# Both releases install this repository's charts from disk: what reaches the
# cluster is exactly what `make test` linted, rendered and dry-ran.
resource "kubernetes_namespace_v1" "this" {
  metadata {
    name = var.namespace
    labels = {
      "app.kubernetes.io/part-of"          = "consorcio"
      "pod-security.kubernetes.io/enforce" = "restricted"
    }
  }
}

resource "kubernetes_secret_v1" "operator_redis" {
  metadata {
    name      = "consorcio-operator-redis"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
  }
  data = {
    url = var.redis_operator_url
  }
}

# The CA that signed Vault's TLS certificate (terraform/modules/vault), for the operator.
resource "kubernetes_secret_v1" "vault_ca" {
  metadata {
    name      = "consorcio-vault-ca"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
  }
  data = {
    "ca.crt" = var.vault_ca_cert_pem
  }
}

locals {
  platform_api_url = "http://consorcio-platform-api.${var.namespace}.svc.cluster.local:8100"

  operator_values = {
    image = { repository = var.image_repositories["operator"], tag = var.app_version }
    postgres = {
      adminDsnSecret = { name = "consorcio-operator-postgres", key = "dsn" }
      tenantHost     = var.postgres_host
      tenantPort     = var.postgres_port
    }
    redis = {
      adminUrlSecret = { name = kubernetes_secret_v1.operator_redis.metadata[0].name, key = "url" }
      tenantHost     = "${var.redis_host}:6379"
    }
    vault = {
      addr        = var.vault_address
      tokenSecret = { name = "consorcio-operator-vault", key = "token" }
      caSecret    = { name = kubernetes_secret_v1.vault_ca.metadata[0].name, key = "ca.crt" }
    }
    tenantApp        = { imageRepository = var.image_repositories["tenant-app"], defaultVersion = var.app_version }
    baseDomain       = var.tenant_domain
    ingressNamespace = var.ingress_namespace
    ingressClassName = var.ingress_class_name
    controlPlaneUrl  = local.platform_api_url
    backup           = { persistence = { enabled = true, size = var.backup_volume_size } }
    metrics          = { serviceMonitor = { enabled = var.service_monitor_enabled } }
    # Production mode of the tenants' egress policy (the chart's default): every
    # shared service by destination, never "this port, any address" (issue 20).
    networkPolicy = {
      tenantEgress = {
        strict = true
        destinations = {
          postgresql = [{ ipBlock = { cidr = var.vpc_cidr_block } }]
          redis = [{
            namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = var.redis_namespace } }
          }]
          vault = [{
            namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = var.vault_namespace } }
            podSelector       = { matchLabels = { "app.kubernetes.io/name" = "vault" } }
          }]
          control-plane = [{
            namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = var.namespace } }
            podSelector = {
              matchLabels = { "app.kubernetes.io/name" = "consorcio-platform", "app.kubernetes.io/component" = "api" }
            }
          }]
        }
      }
    }
  }

  platform_values = {
    fullnameOverride = "consorcio-platform"
    image            = { repository = var.image_repositories["control-plane"], tag = var.app_version }
    secrets          = { source = var.platform_secrets_source }
    ingress = {
      enabled     = true
      className   = var.ingress_class_name
      host        = var.platform_host
      annotations = { "cert-manager.io/cluster-issuer" = var.cluster_issuer_name }
      tls         = { enabled = true, secretName = "consorcio-platform-tls" }
    }
    networkPolicy = {
      enabled           = true
      allowedNamespaces = [var.ingress_namespace, var.namespace]
      egress = {
        enabled = true
        destinations = [
          { cidr = var.vpc_cidr_block, ports = [var.postgres_port, 443] },
          { namespace = var.redis_namespace, ports = [6379] },
          { namespace = var.vault_namespace, ports = [8200] },
        ]
      }
    }
  }
}

resource "helm_release" "operator" {
  name      = "consorcio-operator"
  namespace = kubernetes_namespace_v1.this.metadata[0].name
  chart     = "${var.charts_dir}/consorcio-operator"
  atomic    = true
  timeout   = 600

  values = [yamlencode(local.operator_values), yamlencode(var.operator_values)]
}

resource "helm_release" "platform" {
  name      = "consorcio-platform"
  namespace = kubernetes_namespace_v1.this.metadata[0].name
  chart     = "${var.charts_dir}/consorcio-platform"
  atomic    = true
  # The pre-upgrade migration Job runs inside this window.
  timeout = 900

  values = [yamlencode(local.platform_values), yamlencode(var.platform_values)]

  # The control plane creates ConsorcioTenants: the CRD comes with the operator chart.
  depends_on = [helm_release.operator]
}
