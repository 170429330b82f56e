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

# A FIFO work queue with every FIFO attribute off its default. Its redrive policy is a
# separate resource (below), so the queue itself carries none in the configuration.
resource "aws_sqs_queue" "orders" {
  name                        = "${var.name_prefix}-orders.fifo"
  fifo_queue                  = true
  content_based_deduplication = true
  deduplication_scope         = "messageGroup"
  fifo_throughput_limit       = "perMessageGroupId"
  visibility_timeout_seconds  = 60
  message_retention_seconds   = 86400

  tags = {
    team = "payments"
  }
}

# Its dead-letter queue: FIFO too (a FIFO source needs a FIFO DLQ), kept 14 days.
resource "aws_sqs_queue" "orders_dlq" {
  name                      = "${var.name_prefix}-orders-dlq.fifo"
  fifo_queue                = true
  message_retention_seconds = 1209600
}

# SetQueueAttributes(RedrivePolicy) on the source.
resource "aws_sqs_queue_redrive_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.orders_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# SetQueueAttributes(RedriveAllowPolicy) on the DLQ: only the orders queue may use it.
resource "aws_sqs_queue_redrive_allow_policy" "orders_dlq" {
  queue_url = aws_sqs_queue.orders_dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.orders.arn]
  })
}

# A standard pair with both policies inline: CreateQueue carries RedrivePolicy and
# RedriveAllowPolicy as attributes instead of a later SetQueueAttributes.
resource "aws_sqs_queue" "jobs_dlq" {
  name = "${var.name_prefix}-jobs-dlq"

  redrive_allow_policy = jsonencode({
    redrivePermission = "allowAll"
  })
}

resource "aws_sqs_queue" "jobs" {
  name                       = "${var.name_prefix}-jobs"
  visibility_timeout_seconds = 30

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.jobs_dlq.arn
    maxReceiveCount     = 10
  })
}
