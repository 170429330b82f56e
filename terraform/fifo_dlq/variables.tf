variable "endpoint" {
  description = "Spool SQS endpoint, e.g. http://127.0.0.1:9324"
  type        = string
  default     = "http://127.0.0.1:9324"
}

variable "region" {
  description = "Region Spool was started with (--region); it appears in queue ARNs."
  type        = string
  default     = "us-east-1"
}

variable "access_key" {
  description = "Spool access key id (the embedded default tenant uses \"test\")."
  type        = string
  default     = "test"
}

variable "secret_key" {
  description = "Spool secret key (the embedded default tenant uses \"test\")."
  type        = string
  default     = "test"
  sensitive   = true
}

variable "name_prefix" {
  description = "Prefix of every queue name, so several copies can share one Spool tenant."
  type        = string
  default     = "tf"
}

variable "max_receive_count" {
  description = "maxReceiveCount of the FIFO queue's redrive policy."
  type        = number
  default     = 4
}
