provider "aws" {
  region     = var.region
  access_key = var.access_key
  secret_key = var.secret_key

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    sqs = var.endpoint
  }
}

# A work queue with every tunable attribute moved off its default.
resource "aws_sqs_queue" "orders" {
  name                       = "${var.name_prefix}-orders"
  visibility_timeout_seconds = var.orders_visibility_timeout
  message_retention_seconds  = 86400
  delay_seconds              = 5
  max_message_size           = 131072
  receive_wait_time_seconds  = 10
  sqs_managed_sse_enabled    = false

  tags = var.orders_tags
}

# A second queue with different non-default values.
resource "aws_sqs_queue" "events" {
  name                       = "${var.name_prefix}-events"
  visibility_timeout_seconds = 120
  message_retention_seconds  = 1209600
  delay_seconds              = 0
  max_message_size           = 2048
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true

  tags = {
    team    = "platform"
    purpose = "fan-in"
  }
}

# A queue encrypted with a (named) KMS key instead of SQS-managed SSE. Spool keeps no
# real KMS: it stores and returns KmsMasterKeyId and KmsDataKeyReusePeriodSeconds.
resource "aws_sqs_queue" "audit" {
  name                              = "${var.name_prefix}-audit"
  kms_master_key_id                 = "alias/aws/sqs"
  kms_data_key_reuse_period_seconds = 600
  visibility_timeout_seconds        = 0
  message_retention_seconds         = 60

  tags = {
    team = "security"
  }
}

# Lets any principal of the same account send to the orders queue.
resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id

  policy = jsonencode({
    Version = "2012-10-17"
    Id      = "orders-policy"
    Statement = [
      {
        Sid       = "AllowSendFromAccount"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::000000000000:root" }
        Action    = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
        Resource  = aws_sqs_queue.orders.arn
      }
    ]
  })
}
