output "orders_queue_url" {
  value = aws_sqs_queue.orders.url
}

output "orders_queue_arn" {
  value = aws_sqs_queue.orders.arn
}

output "events_queue_url" {
  value = aws_sqs_queue.events.url
}

output "events_queue_arn" {
  value = aws_sqs_queue.events.arn
}

output "audit_queue_url" {
  value = aws_sqs_queue.audit.url
}

output "audit_queue_arn" {
  value = aws_sqs_queue.audit.arn
}
