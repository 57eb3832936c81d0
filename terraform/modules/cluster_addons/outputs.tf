output "storage_class_name" {
  description = "Default StorageClass (encrypted gp3, Retain)."
  value       = kubernetes_storage_class_v1.gp3.metadata[0].name
}
