# Redis runs in the cluster rather than on ElastiCache: the operator gives each
# tenant its own ACL user with `ACL SETUSER`, and ElastiCache manages users only
# through its own API (CreateUser / user groups), so that command cannot work
# there. Failover is a rescheduled master pod; AOF keeps the loss window to a
# second.
resource "random_password" "default_user" {
  length  = 40
  special = false
}

# The platform's own users: the operator and the control plane never get `default`.
resource "random_password" "operator_user" {
  length  = 40
  special = false
}

resource "random_password" "control_plane_user" {
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
    "redis-password"         = random_password.default_user.result
    "operator-password"      = random_password.operator_user.result
    "control-plane-password" = random_password.control_plane_user.result
  }
}

locals {
  label_key   = split("=", var.client_namespace_label)[0]
  label_value = split("=", var.client_namespace_label)[1]

  # The chart's master volume (master.persistence.path, also its `dir`): the aclfile lives
  # beside the AOF, so tenants' users saved with ACL SAVE survive a restart or reschedule.
  data_dir = "/data"
  aclfile  = "${local.data_dir}/users.acl"
  # Exactly devstack/redis_server.py's operator_rules() / control_plane_rules(), generated
  # into this file (tests/unit/delivery/test_delivery_redis_aclfile.py keeps them equal).
  platform_user_rules = jsondecode(file("${path.module}/platform_user_rules.json"))
  seed_script = templatefile("${path.module}/seed-aclfile.sh.tftpl", {
    aclfile             = local.aclfile
    operator_rules      = local.platform_user_rules["consorcio-operator"]
    control_plane_rules = local.platform_user_rules["consorcio-control-plane"]
  })
  seed_mount = "/opt/consorcio/redis"
}

# The script that seeds the aclfile, mounted read-only into the master and run by the
# chart's start script (master.preExecCmds) right before `exec redis-server`.
resource "kubernetes_config_map_v1" "seed_aclfile" {
  metadata {
    name      = "${var.release_name}-seed-aclfile"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
  }
  data = {
    "seed-aclfile.sh" = local.seed_script
  }
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
      persistence = { enabled = true, path = local.data_dir, storageClass = var.storage_class, size = var.volume_size }
      resources   = var.resources
      # Users survive a restart: the operator persists tenants' users with ACL SAVE. Master
      # only (ACLs are not replicated; replicas keep `default` with the same password).
      configuration = "aclfile ${local.aclfile}"
      # The chart's start-master.sh has REDIS_PASSWORD (env or password file) when it runs
      # these, then execs redis-server with --requirepass "$REDIS_PASSWORD" and this aclfile.
      preExecCmds = ["sh ${local.seed_mount}/seed-aclfile.sh || exit 1"]
      extraEnvVars = [
        for name, key in {
          CONSORCIO_OPERATOR_PASSWORD      = "operator-password"
          CONSORCIO_CONTROL_PLANE_PASSWORD = "control-plane-password"
        } : { name = name, valueFrom = { secretKeyRef = { name = kubernetes_secret_v1.auth.metadata[0].name, key = key } } }
      ]
      extraVolumes = [{
        name      = "seed-aclfile"
        configMap = { name = kubernetes_config_map_v1.seed_aclfile.metadata[0].name, defaultMode = 292 } # 0444
      }]
      extraVolumeMounts = [{ name = "seed-aclfile", mountPath = local.seed_mount, readOnly = true }]
      # A changed script, rule or password only takes effect when the master restarts
      # (the aclfile is read at start): roll it when any of them changes.
      podAnnotations = {
        # A digest of 238-bit random passwords reveals nothing; the plan stays readable.
        "consorcio.io/aclfile-seed" = nonsensitive(sha256(join("\n", [
          local.seed_script,
          random_password.default_user.result,
          random_password.operator_user.result,
          random_password.control_plane_user.result,
        ])))
      }
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
