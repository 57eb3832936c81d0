locals {
  name = "consorcio-prod"
  tags = {
    Project     = "consorcio"
    Environment = "prod"
    ManagedBy   = "terraform"
  }
}

module "platform" {
  source = "../../modules/platform_stack"

  name                         = local.name
  availability_zones           = ["${var.region}a", "${var.region}b", "${var.region}c"]
  vpc_cidr_block               = "10.40.0.0/16"
  single_nat_gateway           = false
  cluster_public_access_cidrs  = var.cluster_public_access_cidrs
  cluster_admin_principal_arns = var.cluster_admin_principal_arns
  node_instance_types          = ["m6i.xlarge"]
  node_min_size                = 3
  node_max_size                = 12

  postgres_instance_class        = "db.r6g.xlarge"
  postgres_multi_az              = true
  postgres_backup_retention_days = 35
  postgres_deletion_protection   = true
  redis_replica_count            = 2
  vault_replicas                 = 3

  zone_name     = var.zone_name
  tenant_domain = "tenants.${var.zone_name}"
  platform_host = "platform.${var.zone_name}"
  acme_email    = var.acme_email

  install_releases        = var.install_releases
  app_version             = var.app_version
  charts_dir              = "${path.root}/../../../charts"
  platform_secrets_source = "vault"
  service_monitor_enabled = false
  storage_tenants         = var.storage_tenants
  tags                    = local.tags
}
