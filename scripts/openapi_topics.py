"""The retained-topics part of openapi.yaml, written by hand (spec/topics-api.md).

gen_openapi.py merges it into the generated SQS document: `paths()` adds the
`/v1/...` path items, `schemas()` and `responses()` the components they reference,
`TAG` the tag. OpenAPI 3.0.3 as the rest of the document: a nullable value is
`nullable: true` (3.1's `type: "null"` is not available). Keep it in step with
api/topics/topic_routes.cpp (same operationIds, same order).
"""

JSON = "application/json"

ERROR_CODES = [
    "invalid_request", "invalid_topic_name", "invalid_partitions", "invalid_config", "unsupported_config",
    "invalid_record", "invalid_timestamp", "invalid_group_id", "invalid_session_timeout", "unauthenticated",
    "forbidden", "topic_not_found", "partition_not_found", "group_not_found", "unknown_member", "not_found",
    "method_not_allowed", "topic_exists", "group_not_empty", "partition_not_assigned", "record_too_large",
    "request_too_large", "offset_out_of_range", "throttled", "unsupported_media_type", "storage_full",
    "unavailable", "internal",
]
BATCH = "application/vnd.spool.kafka-batch"

TAG = {"name": "topics", "description": "Kafka-style retained topics and consumer groups (REST, JSON)."}


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def _int64(description=None, nullable=False):
    s = {"type": "integer", "format": "int64"}
    if description:
        s["description"] = description
    if nullable:
        s["nullable"] = True
    return s


def _path_param(name, description):
    schema = {"type": "integer", "minimum": 0} if name == "partition" else {"type": "string"}
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def _query(name, description, schema, required=False):
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


TOPIC = _path_param("topic", "Topic name: 1-249 characters of `[A-Za-z0-9._-]`.")
PARTITION = _path_param("partition", "Partition number.")
GROUP = _path_param("group", "Consumer group name: 1-255 characters of `[A-Za-z0-9._:-]`.")
MEMBER = _path_param("member_id", "A member id from joinGroup (`m-` and 16 hex digits).")


def _errors(*statuses):
    return {s: {"$ref": "#/components/responses/TopicError"} for s in statuses}


def _op(op_id, summary, params=None, body=None, ok=("200", None, "OK"), errors=("400", "401", "404")):
    status, schema, description = ok
    responses = {status: {"description": description}}
    if schema is not None:
        responses[status]["content"] = {JSON: {"schema": schema}}
    responses.update(_errors(*errors))
    op = {"summary": summary, "operationId": op_id, "tags": ["topics"]}
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    op["responses"] = responses
    return op


def _batch_produce_op():
    op = _op("produceBatches", "Fast path: store one or more Kafka v2 record batches (magic 2, CRC32C, no "
             "compression) as sent; baseOffset is ignored and rewritten. Replies once durable.",
             params=[TOPIC, PARTITION], ok=("200", ref("BatchProduceReply"), "Where the records went."),
             errors=("400", "401", "404", "413", "415", "503"))
    op["requestBody"] = {"required": True, "content": {BATCH: {"schema": {
        "type": "string", "format": "binary",
        "description": "Kafka v2 record batches back to back, at most 8 MiB and 10,000 records in all."}}}}
    return op


def _batch_fetch_op(offset_q):
    op = _op("fetchBatches", "Fast path: stored Kafka v2 record batches from the one holding `offset` (it may "
             "begin earlier), at least one, within max_bytes; long-polls like fetchRecords.",
             params=[TOPIC, PARTITION, offset_q,
                     _query("max_bytes", "Batch bytes; the first batch always comes.",
                            {"type": "integer", "minimum": 1, "maximum": 16777216, "default": 1048576}),
                     _query("wait_ms", "Long poll: wait up to this long for the first record.",
                            {"type": "integer", "minimum": 0, "maximum": 30000, "default": 0})],
             ok=("200", None, "The batches; an empty body at the high watermark."),
             errors=("400", "401", "404", "416"))
    offset_header = {"schema": {"type": "integer", "format": "int64"}}
    op["responses"]["200"]["content"] = {BATCH: {"schema": {"type": "string", "format": "binary"}}}
    op["responses"]["200"]["headers"] = {
        "Spool-Next-Offset": dict(offset_header, description="The offset after the last batch returned."),
        "Spool-High-Watermark": dict(offset_header, description="The partition's high watermark."),
        "Spool-Log-Start-Offset": dict(offset_header, description="The partition's first offset."),
    }
    return op


def paths():
    offset_q = _query("offset", "First offset wanted: an integer, `earliest` or `latest`.",
                      {"type": "string", "pattern": "^([0-9]+|earliest|latest)$"}, required=True)
    time_q = _query("timestamp", "`earliest`, `latest`, or epoch ms: the first offset with a record "
                    "timestamp at or after it.", {"type": "string", "pattern": "^([0-9]+|earliest|latest)$"},
                    required=True)
    return {
        "/v1/topics": {
            "post": _op("createTopic", "Create a topic with N partitions and optional config.", body=ref("CreateTopicRequest"),
                        ok=("201", ref("Topic"), "The new topic."), errors=("400", "401", "409", "429")),
            "get": _op("listTopics", "List the caller's topics by name, paginated.",
                       params=[_query("prefix", "Name prefix.", {"type": "string"}),
                               _query("limit", "Page size.", {"type": "integer", "minimum": 1, "maximum": 1000,
                                                              "default": 100}),
                               _query("next_token", "From the previous page.", {"type": "string"})],
                       ok=("200", ref("TopicList"), "One page of topics."), errors=("400", "401")),
        },
        "/v1/topics/{topic}": {
            "get": _op("describeTopic", "Describe a topic with its config and partitions.", params=[TOPIC],
                       ok=("200", ref("Topic"), "The topic.")),
            "patch": _op("alterTopic", "Change config (retention, ...) and/or add partitions; retention "
                         "applies at once.", params=[TOPIC], body=ref("AlterTopicRequest"),
                         ok=("200", ref("Topic"), "The changed topic.")),
            "delete": _op("deleteTopic", "Delete a topic, its records and its committed offsets.", params=[TOPIC],
                          ok=("204", None, "Deleted."), errors=("401", "404")),
        },
        "/v1/topics/{topic}/partitions": {
            "get": _op("listPartitions", "Every partition with its offsets and size.", params=[TOPIC],
                       ok=("200", ref("PartitionList"), "The partitions.")),
        },
        "/v1/topics/{topic}/partitions/{partition}": {
            "get": _op("describePartition", "One partition's offsets and size.", params=[TOPIC, PARTITION],
                       ok=("200", ref("Partition"), "The partition.")),
        },
        "/v1/topics/{topic}/records": {
            "post": _op("produceRecords", "Produce records; each goes to its `partition`, else by key "
                        "(Kafka's murmur2), else to one partition per request. Replies once durable.",
                        params=[TOPIC], body=ref("ProduceRequest"),
                        ok=("200", ref("ProduceReply"), "One result per record, in request order."),
                        errors=("400", "401", "404", "413", "503")),
        },
        "/v1/topics/{topic}/partitions/{partition}/records": {
            "post": _op("produceToPartition", "Produce records to one partition.", params=[TOPIC, PARTITION],
                        body=ref("ProduceRequest"),
                        ok=("200", ref("ProduceReply"), "One result per record, in request order."),
                        errors=("400", "401", "404", "413", "503")),
            "get": _op("fetchRecords", "Fetch records from an offset, optionally long-polling for new ones.",
                       params=[TOPIC, PARTITION, offset_q,
                               _query("max_records", "At most this many records.",
                                      {"type": "integer", "minimum": 1, "maximum": 10000, "default": 500}),
                               _query("max_bytes", "Key + value + header bytes; the first record always comes.",
                                      {"type": "integer", "minimum": 1, "maximum": 16777216, "default": 1048576}),
                               _query("wait_ms", "Long poll: wait up to this long for the first record.",
                                      {"type": "integer", "minimum": 0, "maximum": 30000, "default": 0}),
                               _query("value_format", "How values are written.",
                                      {"type": "string", "enum": ["auto", "string", "base64"], "default": "auto"}),
                               _query("group", "With `member_id`: fetch as a member of this group, which must "
                                      "own the partition (409 `partition_not_assigned`); refreshes its session.",
                                      {"type": "string"}),
                               _query("member_id", "With `group`: the fetching member.", {"type": "string"})],
                       ok=("200", ref("FetchReply"), "Records from the offset on."),
                       errors=("400", "401", "404", "409", "416")),
        },
        "/v1/fetch": {
            "post": _op("fetchMany", "Fetch from up to 1,000 partitions at once. max_records and max_bytes are "
                        "shared; the partition read first rotates from call to call so none starves; a "
                        "partition's error is reported inline. Returns as soon as any partition has records "
                        "(or an error), else empty after wait_ms.",
                        body=ref("FetchManyRequest"),
                        ok=("200", ref("FetchManyReply"), "One element per requested partition, in request order."),
                        errors=("400", "401")),
        },
        "/v1/topics/{topic}/partitions/{partition}/batches": {
            "post": _batch_produce_op(),
            "get": _batch_fetch_op(offset_q),
        },
        "/v1/topics/{topic}/partitions/{partition}/offsets": {
            "get": _op("listPartitionOffsets", "Earliest, latest, or first offset at a time.",
                       params=[TOPIC, PARTITION, time_q], ok=("200", ref("OffsetReply"), "The offset.")),
        },
        "/v1/topics/{topic}/offsets": {
            "get": _op("listOffsets", "listPartitionOffsets for every partition.", params=[TOPIC, time_q],
                       ok=("200", ref("OffsetList"), "One offset per partition.")),
        },
        "/v1/groups/{group}/offsets": {
            "put": _op("commitOffsets", "Commit a group's next offsets for partitions of a topic; replies once "
                       "durable. Without `member_id` the group must have no live members (409 `group_not_empty`); "
                       "with it, the member must own every listed partition (409 `partition_not_assigned`).",
                       params=[GROUP], body=ref("CommitRequest"), ok=("204", None, "Committed."),
                       errors=("400", "401", "404", "409")),
            "get": _op("getCommittedOffsets", "A group's committed offsets with lag, for one topic or all.",
                       params=[GROUP, _query("topic", "Only this topic.", {"type": "string"})],
                       ok=("200", ref("CommittedOffsets"), "Offsets; null where nothing was committed.")),
            "delete": _op("deleteCommittedOffsets", "Forget a group's offsets for a topic; 409 "
                          "`group_not_empty` while a live member owns one of its partitions.",
                          params=[GROUP, _query("topic", "The topic.", {"type": "string"}, required=True)],
                          ok=("204", None, "Forgotten."), errors=("400", "401", "404", "409")),
        },
        "/v1/groups/{group}/offsets/reset": {
            "post": _op("resetOffsets", "Move a group's committed offsets to earliest, latest, a time or an "
                        "offset (clamped to the log), or only show where they would go (`dry_run`). 409 "
                        "`group_not_empty` while the group has live members.", params=[GROUP],
                        body=ref("ResetRequest"), ok=("200", ref("ResetReply"), "The new offsets."),
                        errors=("400", "401", "404", "409", "503")),
        },
        "/v1/groups": {
            "get": _op("listGroups", "Groups with live members or committed offsets.",
                       params=[_query("prefix", "Name prefix.", {"type": "string"})],
                       ok=("200", ref("GroupList"), "The groups."), errors=("400", "401")),
        },
        "/v1/groups/{group}": {
            "get": _op("describeGroup", "A group's state, generation, topics and members with what each owns.",
                       params=[GROUP], ok=("200", ref("Group"), "The group.")),
            "delete": _op("deleteGroup", "Forget every committed offset of a group with no live members.",
                          params=[GROUP], ok=("204", None, "Deleted."), errors=("400", "401", "404", "409")),
        },
        "/v1/groups/{group}/members": {
            "post": _op("joinGroup", "Join as a member: the server assigns partitions (incremental, fenced: a "
                        "partition is handed over only after its old owner released it, its session expired, "
                        "or 60 s passed). Membership is in RAM; after a restart members get 404 "
                        "`unknown_member` and join again.", params=[GROUP], body=ref("JoinRequest"),
                        ok=("201", ref("Member"), "The new member, its assignment and start offsets."),
                        errors=("400", "401", "404", "429")),
        },
        "/v1/groups/{group}/members/{member_id}/heartbeat": {
            "post": _op("heartbeat", "Keep the session alive, report what the member still owns, and get its "
                        "current assignment and revocations.", params=[GROUP, MEMBER],
                        body=ref("HeartbeatRequest"), ok=("200", ref("Member"), "The member's assignment."),
                        errors=("400", "401", "404")),
        },
        "/v1/groups/{group}/members/{member_id}": {
            "delete": _op("leaveGroup", "Leave the group; its partitions go to the other members at once.",
                          params=[GROUP, MEMBER], ok=("204", None, "Left."), errors=("400", "401", "404")),
        },
    }


def _obj(properties, required=(), description=None, extra=True):
    s = {"type": "object"}
    if description:
        s["description"] = description
    if required:
        s["required"] = list(required)
    s["properties"] = properties
    if not extra:
        s["additionalProperties"] = False
    return s


def schemas():
    data = {
        "description": ("A key, value or header value: a string (its UTF-8 bytes), `{type, data}` with "
                        "type STRING, BINARY (base64) or JSON, or null."),
        "nullable": True,
        "oneOf": [{"type": "string"}, ref("TypedData")],
    }
    partition = _obj({"partition": {"type": "integer"}, "log_start_offset": _int64(),
                      "high_watermark": _int64("Next offset to be written; every offset below it is durable."),
                      "size_bytes": _int64(), "segments": {"type": "integer"}},
                     ["partition", "log_start_offset", "high_watermark", "size_bytes", "segments"])
    header = _obj({"name": {"type": "string"}, "value": ref("Data")}, ["name"])
    error_fields = {"error_code": {"type": "string", "enum": ERROR_CODES}, "message": {"type": "string"}}
    committed = _obj({"partition": {"type": "integer"}, "offset": _int64(nullable=True),
                      "metadata": {"type": "string", "nullable": True},
                      "committed_at": _int64(nullable=True), "high_watermark": _int64(),
                      "lag": _int64("High watermark minus the committed offset, at least 0.", nullable=True)},
                     ["partition", "offset", "high_watermark", "lag"])
    offset_reply = _obj({"topic": {"type": "string"}, "partition": {"type": "integer"},
                         "offset": _int64("Null when no record is that new.", nullable=True),
                         "timestamp": _int64(nullable=True), "log_start_offset": _int64(),
                         "high_watermark": _int64()},
                        ["topic", "partition", "offset", "log_start_offset", "high_watermark"])
    return {
        "TypedData": _obj({"type": {"type": "string", "enum": ["STRING", "BINARY", "JSON"]}, "data": {}},
                          ["type", "data"]),
        "Data": data,
        "Header": header,
        "TopicConfig": _obj({
            "retention.ms": _int64("-1 or >= 60000; default 604800000."),
            "retention.bytes": _int64("Per partition; -1 or >= 1048576; default -1."),
            "segment.bytes": _int64("1 MiB - 1 GiB; default 134217728."),
            "segment.ms": _int64(">= 60000; default 86400000."),
            "cleanup.policy": {"type": "string", "enum": ["delete"]},
            "max.message.bytes": _int64("1024 - 8388608; default 1048576."),
            "message.timestamp.type": {"type": "string", "enum": ["CreateTime", "LogAppendTime"]},
        }, description="Settable keys; numbers may also be sent as strings."),
        "CreateTopicRequest": _obj({"name": {"type": "string"},
                                    "partitions": {"type": "integer", "minimum": 1, "maximum": 1024, "default": 1},
                                    "config": ref("TopicConfig")}, ["name"], extra=False),
        "AlterTopicRequest": _obj({"config": ref("TopicConfig"),
                                   "partitions": {"type": "integer", "maximum": 1024}}, extra=False),
        "Partition": partition,
        "PartitionList": _obj({"partitions": {"type": "array", "items": ref("Partition")}}, ["partitions"]),
        "Topic": _obj({"name": {"type": "string"}, "id": {"type": "string"}, "partition_count": {"type": "integer"},
                       "created_at": _int64(), "config": ref("TopicConfig"),
                       "partitions": {"type": "array", "items": ref("Partition")},
                       "warning": {"type": "string"}},
                      ["name", "id", "partition_count", "created_at", "config", "partitions"]),
        "TopicSummary": _obj({"name": {"type": "string"}, "id": {"type": "string"},
                              "partition_count": {"type": "integer"}, "created_at": _int64()},
                             ["name", "id", "partition_count", "created_at"]),
        "TopicList": _obj({"topics": {"type": "array", "items": ref("TopicSummary")},
                           "next_token": {"type": "string", "nullable": True}}, ["topics", "next_token"]),
        "RecordIn": _obj({"partition": {"type": "integer", "minimum": 0}, "key": ref("Data"), "value": ref("Data"),
                          "headers": {"type": "array", "maxItems": 64, "items": ref("Header")},
                          "timestamp": _int64("CreateTime in epoch ms; default now.")}, extra=False),
        "ProduceRequest": _obj({"records": {"type": "array", "minItems": 1, "maxItems": 10000,
                                            "items": ref("RecordIn")}}, ["records"], extra=False),
        "ProduceResult": _obj(dict({"partition": {"type": "integer"}, "offset": _int64(), "timestamp": _int64()},
                                   **error_fields), ["partition"]),
        "ProduceReply": _obj({"failed_record_count": {"type": "integer"},
                              "results": {"type": "array", "items": ref("ProduceResult")}},
                             ["failed_record_count", "results"]),
        "RecordOut": _obj({"offset": _int64(), "timestamp": _int64(),
                           "timestamp_type": {"type": "string", "enum": ["CreateTime", "LogAppendTime"]},
                           "key": ref("Data"), "value": ref("Data"),
                           "headers": {"type": "array", "items": ref("Header")}},
                          ["offset", "timestamp", "timestamp_type", "key", "value", "headers"]),
        "FetchReply": _obj({"topic": {"type": "string"}, "partition": {"type": "integer"},
                            "records": {"type": "array", "items": ref("RecordOut")},
                            "next_offset": _int64(), "high_watermark": _int64(), "log_start_offset": _int64()},
                           ["topic", "partition", "records", "next_offset", "high_watermark", "log_start_offset"]),
        "FetchManyRequest": _obj({
            "wait_ms": {"type": "integer", "minimum": 0, "maximum": 30000, "default": 0},
            "max_bytes": {"type": "integer", "minimum": 1, "maximum": 16777216, "default": 1048576,
                          "description": "Key + value + header bytes over all partitions."},
            "max_records": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 500,
                            "description": "Records over all partitions."},
            "group": {"type": "string"},
            "member_id": {"type": "string", "description": "With group; ownership is checked once managed "
                                                            "membership exists."},
            "value_format": {"type": "string", "enum": ["auto", "string", "base64"], "default": "auto"},
            "partitions": {"type": "array", "minItems": 1, "maxItems": 1000, "items": _obj({
                "topic": {"type": "string"}, "partition": {"type": "integer", "minimum": 0},
                "offset": {"description": "An integer >= 0, `earliest` or `latest`.",
                           "oneOf": [_int64(), {"type": "string", "enum": ["earliest", "latest"]}]},
                "max_bytes": {"type": "integer", "minimum": 1, "maximum": 16777216,
                              "description": "This partition's cap within the call's max_bytes."}},
                ["topic", "partition", "offset"], extra=False)}},
            ["partitions"], extra=False),
        "PartitionError": _obj(dict({"topic": {"type": "string"}, "partition": {"type": "integer"},
                                     "log_start_offset": _int64("With offset_out_of_range."),
                                     "high_watermark": _int64("With offset_out_of_range.")}, **error_fields),
                               ["topic", "partition", "error_code", "message"]),
        "FetchManyReply": _obj({"partitions": {"type": "array", "items": {
            "oneOf": [ref("FetchReply"), ref("PartitionError")]}}}, ["partitions"]),
        "BatchProduceReply": _obj({"base_offset": _int64("Offset of the first record stored."),
                                   "record_count": {"type": "integer"},
                                   "timestamp": _int64("Largest record timestamp stored (the append time on "
                                                       "LogAppendTime topics).")},
                                  ["base_offset", "record_count", "timestamp"]),
        "OffsetReply": offset_reply,
        "OffsetList": _obj({"partitions": {"type": "array", "items": ref("OffsetReply")}}, ["partitions"]),
        "CommitRequest": _obj({
            "topic": {"type": "string"},
            "offsets": {"type": "array", "items": _obj({"partition": {"type": "integer", "minimum": 0},
                                                        "offset": _int64("Next offset to read; >= 0."),
                                                        "metadata": {"type": "string", "maxLength": 4096}},
                                                       ["partition", "offset"], extra=False)},
            "member_id": {"type": "string", "description": "The committing member (managed membership); it "
                          "must own every listed partition. Absent: a stateless commit."}},
            ["topic", "offsets"], extra=False),
        "CommittedOffsets": _obj({"group": {"type": "string"}, "topic": {"type": "string"},
                                  "offsets": {"type": "array", "items": committed},
                                  "topics": {"type": "array", "items": _obj({
                                      "topic": {"type": "string"},
                                      "offsets": {"type": "array", "items": committed}})}}, ["group"]),
        "ResetRequest": _obj({
            "topic": {"type": "string"},
            "partitions": {"type": "array", "items": {"type": "integer", "minimum": 0},
                           "description": "Default: every partition of the topic."},
            "to": {"oneOf": [{"type": "string", "enum": ["earliest", "latest"]},
                             _obj({"timestamp": _int64("The first offset with a record at or after it; the "
                                                       "high watermark when none is that new.")},
                                  ["timestamp"], extra=False),
                             _obj({"offset": _int64("Clamped to the log start and high watermark.")},
                                  ["offset"], extra=False)]},
            "dry_run": {"type": "boolean", "default": False}}, ["topic", "to"], extra=False),
        "ResetReply": _obj({"offsets": {"type": "array", "items": _obj(
            {"partition": {"type": "integer"}, "offset": _int64()}, ["partition", "offset"])}}, ["offsets"]),
        "TopicPartitions": _obj({"topic": {"type": "string"},
                                 "partitions": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
                                ["topic", "partitions"], extra=False),
        "JoinRequest": _obj({
            "topics": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "client_id": {"type": "string"},
            "session_timeout_ms": {"type": "integer", "minimum": 6000, "maximum": 1800000, "default": 30000},
            "auto_offset_reset": {"type": "string", "enum": ["earliest", "latest", "none"], "default": "latest",
                                  "description": "Where a partition without a committed offset starts: log start, "
                                                 "high watermark, or null (the client decides)."}},
            ["topics"], extra=False),
        "HeartbeatRequest": _obj({"owned": {"type": "array", "items": ref("TopicPartitions"),
                                            "description": "Every partition the member still holds; those left "
                                                           "out are released to their new owner."}}, extra=False),
        "Member": _obj({
            "member_id": {"type": "string"}, "generation": {"type": "integer"},
            "session_timeout_ms": {"type": "integer"},
            "heartbeat_interval_ms": {"type": "integer", "description": "session_timeout_ms / 10."},
            "assignment": {"type": "array", "items": _obj({
                "topic": {"type": "string"},
                "partitions": {"type": "array", "items": _obj({
                    "partition": {"type": "integer"},
                    "offset": _int64("Where to start: the committed offset, else per auto_offset_reset.",
                                     nullable=True)}, ["partition", "offset"])}}, ["topic", "partitions"])},
            "revoked": {"type": "array", "items": ref("TopicPartitions"),
                        "description": "Still owned but going to another member: finish, commit, then "
                                       "heartbeat `owned` without them."}},
            ["member_id", "generation", "session_timeout_ms", "heartbeat_interval_ms", "assignment", "revoked"]),
        "GroupMember": _obj({"member_id": {"type": "string"}, "client_id": {"type": "string"},
                             "last_seen": _int64("Epoch ms of its last request."),
                             "assignment": {"type": "array", "items": ref("TopicPartitions"),
                                            "description": "Everything it owns now, revoked partitions included."}},
                            ["member_id", "client_id", "last_seen", "assignment"]),
        "Group": _obj({"group": {"type": "string"}, "state": {"type": "string", "enum": ["Empty", "Stable",
                                                                                        "Reconciling"]},
                       "generation": {"type": "integer"}, "topics": {"type": "array", "items": {"type": "string"}},
                       "members": {"type": "array", "items": ref("GroupMember")}},
                      ["group", "state", "generation", "topics", "members"]),
        "GroupList": _obj({"groups": {"type": "array", "items": _obj({
            "group": {"type": "string"}, "state": {"type": "string", "enum": ["Empty", "Stable", "Reconciling"]},
            "member_count": {"type": "integer"},
            "topics": {"type": "array", "items": {"type": "string"}}})},
            "next_token": {"type": "string", "nullable": True}}, ["groups"]),
        "TopicErrorBody": _obj(dict(error_fields, request_id={"type": "string"},
                                    log_start_offset=_int64("offset_out_of_range only."),
                                    high_watermark=_int64("offset_out_of_range only."),
                                    config_key={"type": "string", "description": "invalid_config only."},
                                    index={"type": "integer", "description": "Which record (produce)."},
                                    partition={"type": "integer", "description": "partition_not_assigned only."},
                                    reason={"type": "string", "description": "unauthenticated only."}),
                               ["error_code", "message", "request_id"]),
    }


def responses():
    return {"TopicError": {
        "description": "A topics API error: HTTP status plus a snake_case `error_code` (spec/topics-api.md §8).",
        "headers": {"x-amzn-RequestId": {"schema": {"type": "string"}}},
        "content": {JSON: {"schema": ref("TopicErrorBody")}},
    }}
