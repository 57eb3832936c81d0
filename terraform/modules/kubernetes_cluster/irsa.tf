# IAM OIDC provider: lets ServiceAccounts assume IAM roles (IRSA).
data "tls_certificate" "oidc" {
  url = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

resource "aws_iam_openid_connect_provider" "this" {
  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = [data.tls_certificate.oidc.certificates[0].sha1_fingerprint]
  tags            = var.tags
}

module "ebs_csi_irsa" {
  source            = "../irsa_role"
  name              = "${var.name}-ebs-csi"
  oidc_provider_arn = aws_iam_openid_connect_provider.this.arn
  oidc_issuer_url   = aws_eks_cluster.this.identity[0].oidc[0].issuer
  namespace         = "kube-system"
  service_account   = "ebs-csi-controller-sa"
  managed_policy_arns = [
    "${local.policy_prefix}/service-role/AmazonEBSCSIDriverPolicy",
  ]
  tags = var.tags
}

# Add-on settings. The VPC CNI enforces NetworkPolicy only when asked to
# (enableNetworkPolicy: its node agent then programs eBPF filters on every
# node). Without it every tenant's default-deny, the Redis and the control
# plane policies are accepted by the API server and enforced by nothing
# (issue 20); a unit test fails if this is switched off.
locals {
  addon_configuration = {
    "vpc-cni" = jsonencode({ enableNetworkPolicy = "true" })
  }
}

# Managed add-ons; the EBS CSI driver provisions the gp3 volumes of PostgreSQL
# backups, Redis and Vault.
resource "aws_eks_addon" "this" {
  for_each = {
    "vpc-cni"            = null
    "coredns"            = null
    "kube-proxy"         = null
    "aws-ebs-csi-driver" = module.ebs_csi_irsa.role_arn
  }
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  service_account_role_arn    = each.value
  configuration_values        = lookup(local.addon_configuration, each.key, null)
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags

  depends_on = [aws_eks_node_group.default]
}
