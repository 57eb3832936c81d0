# Redis runs in the cluster rather than on ElastiCache: the operator gives each
# tenant its own ACL user with `ACL SETUSER`, and ElastiCache manages users only
# through its own API (CreateUser / user groups), so that command cannot work
# there. Failover is a rescheduled master pod; AOF keeps the loss window to a
# second.
resource "random_password" "default_user" {
  length  = 40
  special = false
}

resource "kubernetes_namespace_v1" "this" {
  metadata {
    name = var.namespace
    labels = {
      "app.kubernetes.io/part-of"          = "consorcio"
      "pod-security.kubernetes.io/enforce" = "restricted"
    }
  }
}

resource "kubernetes_secret_v1" "auth" {
  metadata {
    name      = "${var.release_name}-auth"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
  }
  data = {
    "redis-password" = random_password.default_user.result
  }
}

locals {
  label_key   = split("=", var.client_namespace_label)[0]
  label_value = split("=", var.client_namespace_label)[1]
}

resource "helm_release" "this" {
  name       = var.release_name
  namespace  = kubernetes_namespace_v1.this.metadata[0].name
  repository = var.chart_repository
  chart      = "redis"
  version    = var.chart_version
  atomic     = true
  timeout    = 600

  values = [yamlencode({
    architecture = "replication"
    auth = {
      enabled                   = true
      existingSecret            = kubernetes_secret_v1.auth.metadata[0].name
      existingSecretPasswordKey = "redis-password"
    }
    commonConfiguration = <<-CONF
      appendonly yes
      appendfsync everysec
      save 900 1 300 100
    CONF
    master = {
      persistence = { enabled = true, storageClass = var.storage_class, size = var.volume_size }
      resources   = var.resources
      # The chart's defaults already run non-root with a read-only root
      # filesystem, no capabilities and seccomp RuntimeDefault.
    }
    replica = {
      replicaCount = var.replica_count
      persistence  = { enabled = true, storageClass = var.storage_class, size = var.volume_size }
      resources    = var.resources
      topologySpreadConstraints = [{
        maxSkew           = 1
        topologyKey       = "topology.kubernetes.io/zone"
        whenUnsatisfiable = "ScheduleAnyway"
        labelSelector     = { matchLabels = { "app.kubernetes.io/component" = "replica" } }
      }]
    }
    networkPolicy = {
      enabled       = true
      allowExternal = false
      ingressNSMatchLabels = {
        (local.label_key) = local.label_value
      }
    }
  })]
}
