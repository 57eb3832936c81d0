data "aws_region" "current" {}

module "logs_key" {
  source             = "../kms_key"
  description        = "${var.name} EKS control-plane logs"
  service_principals = ["logs.${data.aws_region.current.name}.amazonaws.com"]
  tags               = var.tags
}
