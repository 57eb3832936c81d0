output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 range of the VPC (used by NetworkPolicy egress rules)."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Subnets for internet-facing load balancers."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Subnets for the EKS control-plane ENIs and worker nodes."
  value       = aws_subnet.private[*].id
}

output "database_subnet_ids" {
  description = "Subnets for RDS PostgreSQL (no route to the internet)."
  value       = aws_subnet.database[*].id
}
