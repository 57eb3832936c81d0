resource "aws_route53_zone" "this" {
  #checkov:skip=CKV2_AWS_39:Route53 query logs can only go to a us-east-1 log group; the evidence trail for tenant traffic is the VPC flow logs and ingress logs. Add a us-east-1 provider alias if an auditor requires query logs.
  #checkov:skip=CKV2_AWS_38:DNSSEC signing needs a key-signing KMS key in us-east-1 and a DS record at the registrar (registro.br for .br); docs/deployment.md lists it as a manual step.
  count = var.create_zone ? 1 : 0
  name  = var.zone_name
  tags  = var.tags
}

data "aws_route53_zone" "existing" {
  count = var.create_zone ? 0 : 1
  name  = var.zone_name
}

locals {
  zone_id = var.create_zone ? aws_route53_zone.this[0].zone_id : data.aws_route53_zone.existing[0].zone_id
}

# DNS-01 for cert-manager and records for external-dns: both change this zone only.
data "aws_iam_policy_document" "route53" {
  statement {
    actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
    resources = ["arn:aws:route53:::hostedzone/${local.zone_id}"]
  }
  statement {
    actions   = ["route53:GetChange"]
    resources = ["arn:aws:route53:::change/*"]
  }
  statement {
    actions   = ["route53:ListHostedZones", "route53:ListHostedZonesByName"]
    resources = ["*"]
  }
}
