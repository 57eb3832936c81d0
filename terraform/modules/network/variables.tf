variable "name" {
  description = "Name prefix of every network resource (e.g. consorcio-prod)."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of the VPC; split into public, private and database subnets."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && tonumber(split("/", var.cidr_block)[1]) <= 18
    error_message = "cidr_block must be a valid IPv4 CIDR of /18 or larger."
  }
}

variable "availability_zones" {
  description = "Availability zones to spread subnets over (three for a Multi-AZ database and cluster)."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "At least two availability zones are needed for Multi-AZ PostgreSQL and EKS."
  }
}

variable "cluster_name" {
  description = "EKS cluster name, tagged on subnets so the AWS load balancer integration finds them."
  type        = string
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper, for dev) instead of one per zone."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
