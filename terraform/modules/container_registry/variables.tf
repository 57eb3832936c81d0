variable "name_prefix" {
  description = "Repository path prefix (repositories are <prefix>/tenant-app, /operator, /control-plane)."
  type        = string
  default     = "consorcio"
}

variable "images" {
  description = "Images built from images/Dockerfile, one repository each (the Dockerfile's targets)."
  type        = list(string)
  default     = ["tenant-app", "operator", "control-plane"]
}

variable "keep_images" {
  description = "Tagged images kept per repository; older ones expire (tenants may pin any kept version)."
  type        = number
  default     = 100
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
