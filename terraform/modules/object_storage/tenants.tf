# One IAM role per tenant, assumed only by the tenant's ServiceAccount
# (IRSA): object actions on tenants/<slug>/* and listing with an s3:prefix
# condition. Another tenant's keys are outside every statement, so they are
# denied by default — list, read, write and presigned URLs alike (a presigned
# URL carries the signer's permissions).
data "aws_iam_policy_document" "tenant" {
  for_each = var.tenants

  statement {
    sid       = "ListOwnPrefix"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [aws_s3_bucket.this.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["tenants/${each.key}/", "tenants/${each.key}/*"]
    }
  }

  statement {
    sid = "ObjectsUnderOwnPrefix"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${aws_s3_bucket.this.arn}/tenants/${each.key}/*"]
  }

  statement {
    sid       = "BucketKeyThroughS3Only"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

module "tenant_role" {
  source   = "../irsa_role"
  for_each = var.tenants

  name              = "${var.name}-tenant-${each.key}"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer_url   = var.oidc_issuer_url
  namespace         = "${var.tenant_namespace_prefix}${each.key}"
  service_account   = var.tenant_service_account
  policy_json       = data.aws_iam_policy_document.tenant[each.key].json
  tags              = var.tags
}

# The operator copies a tenant's prefix to backups/ (Snapshot deletion and
# scheduled backups, objectStorage.mode=aws-irsa) and removes it (Snapshot,
# Delete); it reads a copy back when restoring it and deletes the copies the
# backup retention no longer keeps.
data "aws_iam_policy_document" "operator" {
  statement {
    sid       = "ListBucket"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"]
    resources = [aws_s3_bucket.this.arn]
  }

  statement {
    sid = "TenantObjects"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:AbortMultipartUpload",
    ]
    resources = ["${aws_s3_bucket.this.arn}/tenants/*"]
  }

  statement {
    sid       = "WriteBackups"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.this.arn}/backups/*"]
  }

  statement {
    sid       = "BucketKeyThroughS3Only"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

module "operator_role" {
  source            = "../irsa_role"
  name              = "${var.name}-operator-storage"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer_url   = var.oidc_issuer_url
  namespace         = var.operator_namespace
  service_account   = var.operator_service_account
  policy_json       = data.aws_iam_policy_document.operator.json
  tags              = var.tags
}
