resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  # An upload that never completed is invisible and billed: gone after a week.
  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  rule {
    id     = "tenant-objects"
    status = "Enabled"
    filter {
      prefix = "tenants/"
    }
    # Contracts and reports are read often when new, rarely after.
    transition {
      days          = var.infrequent_access_after_days
      storage_class = "STANDARD_IA"
    }
    # A replaced or deleted version is kept this long, then gone.
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }
  }

  rule {
    id     = "deleted-tenant-backups"
    status = "Enabled"
    filter {
      prefix = "backups/"
    }
    transition {
      days          = 30
      storage_class = "GLACIER_IR"
    }
    expiration {
      days = var.backup_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
