locals {
  name = "consorcio-dev"
  tags = {
    Project     = "consorcio"
    Environment = "dev"
    ManagedBy   = "terraform"
  }
}

# Dev: the production shape at the smallest size — one NAT gateway, no RDS
# standby, a single Vault server, 7 days of backups, deletable database.
module "platform" {
  source = "../../modules/platform_stack"

  name                         = local.name
  availability_zones           = ["${var.region}a", "${var.region}b", "${var.region}c"]
  vpc_cidr_block               = "10.41.0.0/16"
  single_nat_gateway           = true
  cluster_public_access_cidrs  = var.cluster_public_access_cidrs
  cluster_admin_principal_arns = var.cluster_admin_principal_arns
  node_instance_types          = ["t3.large"]
  node_min_size                = 2
  node_max_size                = 4

  postgres_instance_class        = "db.t4g.medium"
  postgres_multi_az              = false
  postgres_backup_retention_days = 7
  postgres_deletion_protection   = false
  redis_replica_count            = 1
  vault_replicas                 = 1

  zone_name     = var.zone_name
  tenant_domain = "tenants.${var.zone_name}"
  platform_host = "platform.${var.zone_name}"
  acme_email    = var.acme_email
  # Staging certificates: dev churns through environments faster than the production rate limits allow.
  acme_server = "https://acme-staging-v02.api.letsencrypt.org/directory"

  install_releases        = var.install_releases
  app_version             = var.app_version
  charts_dir              = "${path.root}/../../../charts"
  platform_secrets_source = "existingSecret"
  storage_tenants         = var.storage_tenants
  tags                    = local.tags
}
