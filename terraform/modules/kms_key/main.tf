# One customer-managed key per purpose, rotated yearly. The account's IAM
# decides who may use it (the AWS default key policy), plus any service that
# must encrypt with it on its own (CloudWatch Logs).
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_109:A key policy's "*" resource is this key alone; delegating to the account's IAM is the AWS default key policy.
  #checkov:skip=CKV_AWS_111:Same: write access is to this key only, granted to IAM principals of this account.
  #checkov:skip=CKV_AWS_356:In a key policy the resource can only be "*" (the key itself).
  statement {
    sid       = "AccountIamDecides"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = length(var.service_principals) > 0 ? [1] : []
    content {
      sid       = "ServicesEncrypt"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = var.service_principals
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description         = var.description
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.this.json
  tags                = var.tags
}
