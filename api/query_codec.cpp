#include "api/query_codec.h"

// The Query shape of every SQS action, transcribed from the last Query-era botocore model
// (1.29: /usr/lib/python3/dist-packages/botocore/data/sqs/2012-11-05/service-2.json).
// JSON names are the current model's member names; Query names the old model's
// locationNames. They differ, in case too (CreateQueue "tags", ListDeadLetterSourceQueues
// "queueUrls"), which is why both are spelled out. Members are in the old model's order,
// which is the order AWS writes XML elements in.
//
// The move-task actions postdate Query; they are shaped like the rest (scalars by member
// name, ListMessageMoveTasks' Results as repeated <ListMessageMoveTasksResultEntry>).
// tests/api/query_xml_check.py adds the same shapes to the old model for its checks.

namespace spool::query_shapes {
namespace {

constexpr Member text(std::string_view name) { return {name, name, Kind::kString}; }
constexpr Member integer(std::string_view name) { return {name, name, Kind::kInteger}; }
constexpr Member boolean(std::string_view name) { return {name, name, Kind::kBoolean}; }
constexpr Member list(std::string_view json_name, std::string_view element) {
  return {json_name, element, Kind::kList};
}
constexpr Member entries(std::string_view json_name, std::string_view element, const Shape& entry) {
  return {json_name, element, Kind::kStructList, &entry};
}
constexpr Member attributes(std::string_view json_name) { return {json_name, "Attribute", Kind::kMap}; }
constexpr Member tags(std::string_view json_name) { return {json_name, "Tag", Kind::kMap, nullptr, "Key"}; }
constexpr Member value_map(std::string_view json_name, std::string_view element, const Shape& value) {
  return {json_name, element, Kind::kStructMap, &value};
}

// MessageAttributeValue and MessageSystemAttributeValue have the same members.
constexpr Member kAttributeValue[] = {text("StringValue"), text("BinaryValue"),
                                      list("StringListValues", "StringListValue"),
                                      list("BinaryListValues", "BinaryListValue"), text("DataType")};
constexpr Shape kAttributeValueShape{kAttributeValue};
constexpr Member kMessageAttributes =
    value_map("MessageAttributes", "MessageAttribute", kAttributeValueShape);
constexpr Member kMessageSystemAttributes =
    value_map("MessageSystemAttributes", "MessageSystemAttribute", kAttributeValueShape);

constexpr Member kAddPermissionIn[] = {text("QueueUrl"), text("Label"), list("AWSAccountIds", "AWSAccountId"),
                                       list("Actions", "ActionName")};
constexpr Member kCancelMessageMoveTaskIn[] = {text("TaskHandle")};
constexpr Member kCancelMessageMoveTaskOut[] = {integer("ApproximateNumberOfMessagesMoved")};
constexpr Member kChangeVisibilityIn[] = {text("QueueUrl"), text("ReceiptHandle"),
                                          integer("VisibilityTimeout")};
constexpr Member kChangeVisibilityEntry[] = {text("Id"), text("ReceiptHandle"), integer("VisibilityTimeout")};
constexpr Shape kChangeVisibilityEntryShape{kChangeVisibilityEntry};
constexpr Member kChangeVisibilityBatchIn[] = {
    text("QueueUrl"),
    entries("Entries", "ChangeMessageVisibilityBatchRequestEntry", kChangeVisibilityEntryShape)};
constexpr Member kIdOnly[] = {text("Id")};
constexpr Shape kIdOnlyShape{kIdOnly};
constexpr Member kBatchError[] = {text("Id"), boolean("SenderFault"), text("Code"), text("Message")};
constexpr Shape kBatchErrorShape{kBatchError};
constexpr Member kFailed = entries("Failed", "BatchResultErrorEntry", kBatchErrorShape);
constexpr Member kChangeVisibilityBatchOut[] = {
    entries("Successful", "ChangeMessageVisibilityBatchResultEntry", kIdOnlyShape), kFailed};
constexpr Member kCreateQueueIn[] = {text("QueueName"), attributes("Attributes"), tags("tags")};
constexpr Member kQueueUrlOnly[] = {text("QueueUrl")};
constexpr Member kDeleteMessageIn[] = {text("QueueUrl"), text("ReceiptHandle")};
constexpr Member kDeleteEntry[] = {text("Id"), text("ReceiptHandle")};
constexpr Shape kDeleteEntryShape{kDeleteEntry};
constexpr Member kDeleteMessageBatchIn[] = {
    text("QueueUrl"), entries("Entries", "DeleteMessageBatchRequestEntry", kDeleteEntryShape)};
constexpr Member kDeleteMessageBatchOut[] = {
    entries("Successful", "DeleteMessageBatchResultEntry", kIdOnlyShape), kFailed};
constexpr Member kGetQueueAttributesIn[] = {text("QueueUrl"), list("AttributeNames", "AttributeName")};
constexpr Member kAttributesOnly[] = {attributes("Attributes")};
constexpr Member kGetQueueUrlIn[] = {text("QueueName"), text("QueueOwnerAWSAccountId")};
constexpr Member kListDeadLetterSourceQueuesIn[] = {text("QueueUrl"), text("NextToken"),
                                                    integer("MaxResults")};
constexpr Member kListDeadLetterSourceQueuesOut[] = {list("queueUrls", "QueueUrl"), text("NextToken")};
constexpr Member kListMessageMoveTasksIn[] = {text("SourceArn"), integer("MaxResults")};
constexpr Member kMoveTask[] = {text("TaskHandle"),
                                text("Status"),
                                text("SourceArn"),
                                text("DestinationArn"),
                                integer("MaxNumberOfMessagesPerSecond"),
                                integer("ApproximateNumberOfMessagesMoved"),
                                integer("ApproximateNumberOfMessagesToMove"),
                                text("FailureReason"),
                                integer("StartedTimestamp")};
constexpr Shape kMoveTaskShape{kMoveTask};
constexpr Member kListMessageMoveTasksOut[] = {
    entries("Results", "ListMessageMoveTasksResultEntry", kMoveTaskShape)};
constexpr Member kTagsOnly[] = {tags("Tags")};
constexpr Member kListQueuesIn[] = {text("QueueNamePrefix"), text("NextToken"), integer("MaxResults")};
constexpr Member kListQueuesOut[] = {list("QueueUrls", "QueueUrl"), text("NextToken")};
// MessageSystemAttributeNames is newer than Query; its element name follows AttributeName.
constexpr Member kReceiveMessageIn[] = {text("QueueUrl"),
                                        list("AttributeNames", "AttributeName"),
                                        list("MessageSystemAttributeNames", "MessageSystemAttributeName"),
                                        list("MessageAttributeNames", "MessageAttributeName"),
                                        integer("MaxNumberOfMessages"),
                                        integer("VisibilityTimeout"),
                                        integer("WaitTimeSeconds"),
                                        text("ReceiveRequestAttemptId")};
constexpr Member kMessage[] = {text("MessageId"), text("ReceiptHandle"),    text("MD5OfBody"),
                               text("Body"),      attributes("Attributes"), text("MD5OfMessageAttributes"),
                               kMessageAttributes};
constexpr Shape kMessageShape{kMessage};
constexpr Member kReceiveMessageOut[] = {entries("Messages", "Message", kMessageShape)};
constexpr Member kRemovePermissionIn[] = {text("QueueUrl"), text("Label")};
constexpr Member kSendMessageIn[] = {text("QueueUrl"),         text("MessageBody"),
                                     integer("DelaySeconds"),  kMessageAttributes,
                                     kMessageSystemAttributes, text("MessageDeduplicationId"),
                                     text("MessageGroupId")};
constexpr Member kSendMessageOut[] = {text("MD5OfMessageBody"), text("MD5OfMessageAttributes"),
                                      text("MD5OfMessageSystemAttributes"), text("MessageId"),
                                      text("SequenceNumber")};
constexpr Member kSendEntry[] = {text("Id"),
                                 text("MessageBody"),
                                 integer("DelaySeconds"),
                                 kMessageAttributes,
                                 kMessageSystemAttributes,
                                 text("MessageDeduplicationId"),
                                 text("MessageGroupId")};
constexpr Shape kSendEntryShape{kSendEntry};
constexpr Member kSendMessageBatchIn[] = {
    text("QueueUrl"), entries("Entries", "SendMessageBatchRequestEntry", kSendEntryShape)};
constexpr Member kSendResultEntry[] = {text("Id"),
                                       text("MessageId"),
                                       text("MD5OfMessageBody"),
                                       text("MD5OfMessageAttributes"),
                                       text("MD5OfMessageSystemAttributes"),
                                       text("SequenceNumber")};
constexpr Shape kSendResultEntryShape{kSendResultEntry};
constexpr Member kSendMessageBatchOut[] = {
    entries("Successful", "SendMessageBatchResultEntry", kSendResultEntryShape), kFailed};
constexpr Member kSetQueueAttributesIn[] = {text("QueueUrl"), attributes("Attributes")};
constexpr Member kStartMessageMoveTaskIn[] = {text("SourceArn"), text("DestinationArn"),
                                              integer("MaxNumberOfMessagesPerSecond")};
constexpr Member kStartMessageMoveTaskOut[] = {text("TaskHandle")};
constexpr Member kTagQueueIn[] = {text("QueueUrl"), tags("Tags")};
constexpr Member kUntagQueueIn[] = {text("QueueUrl"), list("TagKeys", "TagKey")};

constexpr Shape kQueueUrlOnlyShape{kQueueUrlOnly};
constexpr Shape kAttributesOnlyShape{kAttributesOnly};
constexpr Shape kCancelMessageMoveTaskOutShape{kCancelMessageMoveTaskOut};
constexpr Shape kChangeVisibilityBatchOutShape{kChangeVisibilityBatchOut};
constexpr Shape kDeleteMessageBatchOutShape{kDeleteMessageBatchOut};
constexpr Shape kListDeadLetterSourceQueuesOutShape{kListDeadLetterSourceQueuesOut};
constexpr Shape kListMessageMoveTasksOutShape{kListMessageMoveTasksOut};
constexpr Shape kTagsOnlyShape{kTagsOnly};
constexpr Shape kListQueuesOutShape{kListQueuesOut};
constexpr Shape kReceiveMessageOutShape{kReceiveMessageOut};
constexpr Shape kSendMessageOutShape{kSendMessageOut};
constexpr Shape kSendMessageBatchOutShape{kSendMessageBatchOut};
constexpr Shape kStartMessageMoveTaskOutShape{kStartMessageMoveTaskOut};

constexpr ActionShapes kActions[] = {
    {"AddPermission", {kAddPermissionIn}, nullptr},
    {"CancelMessageMoveTask", {kCancelMessageMoveTaskIn}, &kCancelMessageMoveTaskOutShape},
    {"ChangeMessageVisibility", {kChangeVisibilityIn}, nullptr},
    {"ChangeMessageVisibilityBatch", {kChangeVisibilityBatchIn}, &kChangeVisibilityBatchOutShape},
    {"CreateQueue", {kCreateQueueIn}, &kQueueUrlOnlyShape},
    {"DeleteMessage", {kDeleteMessageIn}, nullptr},
    {"DeleteMessageBatch", {kDeleteMessageBatchIn}, &kDeleteMessageBatchOutShape},
    {"DeleteQueue", {kQueueUrlOnly}, nullptr},
    {"GetQueueAttributes", {kGetQueueAttributesIn}, &kAttributesOnlyShape},
    {"GetQueueUrl", {kGetQueueUrlIn}, &kQueueUrlOnlyShape},
    {"ListDeadLetterSourceQueues", {kListDeadLetterSourceQueuesIn}, &kListDeadLetterSourceQueuesOutShape},
    {"ListMessageMoveTasks", {kListMessageMoveTasksIn}, &kListMessageMoveTasksOutShape},
    {"ListQueueTags", {kQueueUrlOnly}, &kTagsOnlyShape},
    {"ListQueues", {kListQueuesIn}, &kListQueuesOutShape},
    {"PurgeQueue", {kQueueUrlOnly}, nullptr},
    {"ReceiveMessage", {kReceiveMessageIn}, &kReceiveMessageOutShape},
    {"RemovePermission", {kRemovePermissionIn}, nullptr},
    {"SendMessage", {kSendMessageIn}, &kSendMessageOutShape},
    {"SendMessageBatch", {kSendMessageBatchIn}, &kSendMessageBatchOutShape},
    {"SetQueueAttributes", {kSetQueueAttributesIn}, nullptr},
    {"StartMessageMoveTask", {kStartMessageMoveTaskIn}, &kStartMessageMoveTaskOutShape},
    {"TagQueue", {kTagQueueIn}, nullptr},
    {"UntagQueue", {kUntagQueueIn}, nullptr},
};

}  // namespace

const ActionShapes* find_action(std::string_view action) {
  for (const auto& a : kActions) {
    if (a.action == action) return &a;
  }
  return nullptr;
}

}  // namespace spool::query_shapes
