# The whole platform of one environment; environments/<env>/ only chooses sizes.
module "network" {
  source             = "../network"
  name               = var.name
  cidr_block         = var.vpc_cidr_block
  availability_zones = var.availability_zones
  cluster_name       = var.name
  single_nat_gateway = var.single_nat_gateway
  tags               = var.tags
}

module "kubernetes_cluster" {
  source               = "../kubernetes_cluster"
  name                 = var.name
  kubernetes_version   = var.kubernetes_version
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  public_access_cidrs  = var.cluster_public_access_cidrs
  admin_principal_arns = var.cluster_admin_principal_arns
  node_instance_types  = var.node_instance_types
  node_min_size        = var.node_min_size
  node_desired_size    = var.node_min_size
  node_max_size        = var.node_max_size
  tags                 = var.tags
}

module "container_registry" {
  source = "../container_registry"
  tags   = var.tags
}

module "postgresql" {
  source                     = "../postgresql"
  name                       = var.name
  instance_class             = var.postgres_instance_class
  multi_az                   = var.postgres_multi_az
  backup_retention_days      = var.postgres_backup_retention_days
  deletion_protection        = var.postgres_deletion_protection
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.database_subnet_ids
  allowed_security_group_ids = [module.kubernetes_cluster.cluster_security_group_id]
  tags                       = var.tags
}

module "cluster_addons" {
  source     = "../cluster_addons"
  depends_on = [module.kubernetes_cluster]
}

module "redis" {
  source        = "../redis"
  replica_count = var.redis_replica_count
  storage_class = module.cluster_addons.storage_class_name
}

module "vault" {
  source            = "../vault"
  name              = var.name
  replicas          = var.vault_replicas
  storage_class     = module.cluster_addons.storage_class_name
  oidc_provider_arn = module.kubernetes_cluster.oidc_provider_arn
  oidc_issuer_url   = module.kubernetes_cluster.oidc_issuer_url
  tags              = var.tags
}

module "object_storage" {
  source                   = "../object_storage"
  name                     = var.name
  tenants                  = var.storage_tenants
  backup_retention_days    = var.storage_backup_retention_days
  oidc_provider_arn        = module.kubernetes_cluster.oidc_provider_arn
  oidc_issuer_url          = module.kubernetes_cluster.oidc_issuer_url
  operator_namespace       = "consorcio-system"
  operator_service_account = "consorcio-operator"
  tags                     = var.tags
}

module "dns_tls" {
  source            = "../dns_tls"
  name              = var.name
  zone_name         = var.zone_name
  create_zone       = var.create_zone
  tenant_domain     = var.tenant_domain
  platform_host     = var.platform_host
  acme_email        = var.acme_email
  acme_server       = var.acme_server
  oidc_provider_arn = module.kubernetes_cluster.oidc_provider_arn
  oidc_issuer_url   = module.kubernetes_cluster.oidc_issuer_url
  tags              = var.tags
  depends_on        = [module.cluster_addons]
}

module "platform_releases" {
  source                  = "../platform_releases"
  count                   = var.install_releases ? 1 : 0
  charts_dir              = var.charts_dir
  app_version             = var.app_version
  image_repositories      = module.container_registry.repository_urls
  tenant_domain           = var.tenant_domain
  platform_host           = var.platform_host
  ingress_namespace       = module.dns_tls.ingress_namespace
  ingress_class_name      = module.dns_tls.ingress_class_name
  cluster_issuer_name     = module.dns_tls.cluster_issuer_name
  postgres_host           = module.postgresql.address
  postgres_port           = module.postgresql.port
  redis_host              = module.redis.host
  redis_operator_url      = module.redis.operator_url
  redis_namespace         = module.redis.namespace
  vault_address           = module.vault.address
  vault_ca_cert_pem       = module.vault.ca_cert_pem
  vault_namespace         = module.vault.namespace
  vpc_cidr_block          = module.network.vpc_cidr_block
  platform_secrets_source = var.platform_secrets_source
  service_monitor_enabled = var.service_monitor_enabled
}
