"""Conformance suite: boto3 against a running spoold.

Runs unchanged under current botocore (AWS JSON 1.0 protocol) and under Debian's old
botocore 1.29 (AWS Query protocol); it prints which one it speaks. Only the standard
library's unittest and boto3 are used.

Environment (set by run.py): SPOOL_ENDPOINT (http://127.0.0.1:PORT), SPOOL_REGION,
SPOOL_ACCOUNT_ID, SPOOL_ACCESS_KEY_ID, SPOOL_SECRET_ACCESS_KEY.

Every queue name starts with a per-run random prefix, so several suites can share one
server. Waits are bounded polls with explicit deadlines, never a sleep-and-hope.

The last line printed is `SUITE-RESULT passed=N failed=M skipped=K` for run.py.
"""

import hashlib
import json
import os
import re
import secrets
import struct
import sys
import threading
import time
import unittest

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("SPOOL_ENDPOINT", "http://127.0.0.1:9324").rstrip("/")
REGION = os.environ.get("SPOOL_REGION", "us-east-1")
ACCOUNT = os.environ.get("SPOOL_ACCOUNT_ID", "000000000000")
ACCESS_KEY = os.environ.get("SPOOL_ACCESS_KEY_ID", "test")
SECRET_KEY = os.environ.get("SPOOL_SECRET_ACCESS_KEY", "test")
OTHER_ACCOUNT = "111111111111" if ACCOUNT != "111111111111" else "222222222222"

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# HTTP status per legacy error code: spec section 2.
STATUS_OF = {
    "AWS.SimpleQueueService.NonExistentQueue": 400,
    "QueueAlreadyExists": 400,
    "AWS.SimpleQueueService.QueueDeletedRecently": 400,
    "AWS.SimpleQueueService.PurgeQueueInProgress": 403,
    "ReceiptHandleIsInvalid": 404,
    "AWS.SimpleQueueService.MessageNotInflight": 400,
    "InvalidMessageContents": 400,
    "InvalidAttributeName": 400,
    "InvalidAttributeValue": 400,
    "InvalidParameterValue": 400,
    "MissingParameter": 400,
    "AWS.SimpleQueueService.EmptyBatchRequest": 400,
    "AWS.SimpleQueueService.TooManyEntriesInBatchRequest": 400,
    "AWS.SimpleQueueService.BatchEntryIdsNotDistinct": 400,
    "AWS.SimpleQueueService.InvalidBatchEntryId": 400,
    "OverLimit": 403,
}

# Modeled error shape per legacy code (what JSON's __type carries): spec section 2.
MODELED_OF = {
    "AWS.SimpleQueueService.NonExistentQueue": "QueueDoesNotExist",
    "QueueAlreadyExists": "QueueNameExists",
    "AWS.SimpleQueueService.QueueDeletedRecently": "QueueDeletedRecently",
    "AWS.SimpleQueueService.PurgeQueueInProgress": "PurgeQueueInProgress",
    "ReceiptHandleIsInvalid": "ReceiptHandleIsInvalid",
    "AWS.SimpleQueueService.MessageNotInflight": "MessageNotInflight",
    "InvalidAttributeName": "InvalidAttributeName",
    "InvalidAttributeValue": "InvalidAttributeValue",
    "AWS.SimpleQueueService.EmptyBatchRequest": "EmptyBatchRequest",
    "AWS.SimpleQueueService.TooManyEntriesInBatchRequest": "TooManyEntriesInBatchRequest",
    "AWS.SimpleQueueService.BatchEntryIdsNotDistinct": "BatchEntryIdsNotDistinct",
    "AWS.SimpleQueueService.InvalidBatchEntryId": "InvalidBatchEntryId",
}


def make_client(**config):
    cfg = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=60, **config)
    return boto3.client(
        "sqs",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=cfg,
    )


CLIENT = make_client()
PROTOCOL = CLIENT.meta.service_model.protocol  # "json" or "query"
RUN = "c%s%s" % (PROTOCOL[0], secrets.token_hex(4))  # e.g. cj1a2b3c4d / cq...
_counter = [0]


def unique(label):
    _counter[0] += 1
    name = "%s-%d-%s" % (RUN, _counter[0], label)
    return name[:80]


def md5_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.md5(data).hexdigest()


def md5_of_attributes(attributes):
    """MD5OfMessageAttributes as SQS defines it (spec section 5), written from scratch."""
    buf = bytearray()

    def field(raw):
        buf.extend(struct.pack(">I", len(raw)))
        buf.extend(raw)

    for name in sorted(attributes):
        a = attributes[name]
        field(name.encode("utf-8"))
        field(a["DataType"].encode("utf-8"))
        if "BinaryValue" in a:
            buf.append(2)
            value = a["BinaryValue"]
            field(value if isinstance(value, bytes) else value.encode("utf-8"))
        else:
            buf.append(1)
            field(a["StringValue"].encode("utf-8"))
    return hashlib.md5(bytes(buf)).hexdigest()


def has_input_member(operation, member):
    shape = CLIENT.meta.service_model.operation_model(operation).input_shape
    return member in shape.members


class SqsTestCase(unittest.TestCase):
    sqs = CLIENT

    def url_of(self, name):
        return "%s/%s/%s" % (ENDPOINT, ACCOUNT, name)

    def new_queue(self, label, attributes=None, tags=None):
        name = unique(label)
        kwargs = {"QueueName": name}
        if attributes:
            kwargs["Attributes"] = attributes
        if tags:
            kwargs["tags"] = tags
        url = self.sqs.create_queue(**kwargs)["QueueUrl"]
        self.addCleanup(self._delete_quietly, url)
        return name, url

    def _delete_quietly(self, url):
        try:
            self.sqs.delete_queue(QueueUrl=url)
        except ClientError:
            pass

    def assert_error(self, code, fn, **kwargs):
        """Calls fn(**kwargs), asserts a ClientError with Error.Code == code (the legacy
        code, spec section 2) and the spec's HTTP status; returns the error response."""
        try:
            fn(**kwargs)
        except ClientError as e:
            err = e.response
        else:
            self.fail("%s(%r) succeeded; expected error %s" % (fn.__name__, kwargs, code))
        got = err.get("Error", {}).get("Code")
        status = err.get("ResponseMetadata", {}).get("HTTPStatusCode")
        self.assertEqual(got, code, "Error.Code (HTTP %s, error %r)" % (status, err.get("Error")))
        if code in STATUS_OF:
            self.assertEqual(status, STATUS_OF[code], "HTTP status for %s" % code)
        self.assertEqual(err["Error"].get("Type"), "Sender", "Error.Type for %s" % code)
        if PROTOCOL == "json":
            headers = err["ResponseMetadata"].get("HTTPHeaders", {})
            self.assertEqual(headers.get("x-amzn-query-error"), "%s;Sender" % code)
            if code in MODELED_OF:
                self.assertEqual(err["Error"].get("QueryErrorCode"), MODELED_OF[code])
        return err

    def attributes(self, url, *names):
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ["All"]).get(
            "Attributes", {})

    def counters(self, url):
        a = self.attributes(url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                            "ApproximateNumberOfMessagesDelayed")
        return (int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"]),
                int(a["ApproximateNumberOfMessagesDelayed"]))

    def receive_n(self, url, n, deadline_s=15, **kwargs):
        """Receives until n messages arrived or the deadline passed; returns them all."""
        got = []
        deadline = time.monotonic() + deadline_s
        while len(got) < n and time.monotonic() < deadline:
            kw = {"QueueUrl": url, "MaxNumberOfMessages": min(10, n - len(got)), "WaitTimeSeconds": 1}
            kw.update(kwargs)
            got.extend(self.sqs.receive_message(**kw).get("Messages", []))
        self.assertEqual(len(got), n, "messages received before the %d s deadline" % deadline_s)
        return got

    def receive_one(self, url, **kwargs):
        return self.receive_n(url, 1, **kwargs)[0]


# --------------------------------------------------------------------------- queues


class CreateQueueTest(SqsTestCase):
    def test_create_with_attributes_and_tags_reads_back(self):
        attrs = {"DelaySeconds": "5", "VisibilityTimeout": "45", "MaximumMessageSize": "2048",
                 "MessageRetentionPeriod": "3600", "ReceiveMessageWaitTimeSeconds": "2"}
        before = int(time.time())
        name, url = self.new_queue("attrs", attributes=attrs, tags={"env": "test", "team": "spool"})
        after = int(time.time())
        self.assertEqual(url, self.url_of(name))
        got = self.attributes(url)
        for k, v in attrs.items():
            self.assertEqual(got.get(k), v, k)
        self.assertEqual(got["QueueArn"], "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name))
        self.assertTrue(before - 2 <= int(got["CreatedTimestamp"]) <= after + 2, got["CreatedTimestamp"])
        self.assertTrue(before - 2 <= int(got["LastModifiedTimestamp"]) <= after + 2, got["LastModifiedTimestamp"])
        self.assertEqual(got["ApproximateNumberOfMessages"], "0")
        self.assertEqual(got["ApproximateNumberOfMessagesNotVisible"], "0")
        self.assertEqual(got["ApproximateNumberOfMessagesDelayed"], "0")
        self.assertEqual(got.get("SqsManagedSseEnabled"), "true")
        for fifo_only in ("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"):
            self.assertNotIn(fifo_only, got)
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url).get("Tags"), {"env": "test", "team": "spool"})

    def test_defaults(self):
        _, url = self.new_queue("defaults")
        got = self.attributes(url)
        self.assertEqual(got["DelaySeconds"], "0")
        # botocore's model (the authoritative schema, spec section 1) and AWS's docs since the
        # 2025 raise: "Default: 1,048,576 bytes (1 MiB)". The spec's table still says 262144.
        self.assertEqual(got["MaximumMessageSize"], "1048576")
        self.assertEqual(got["MessageRetentionPeriod"], "345600")
        self.assertEqual(got["ReceiveMessageWaitTimeSeconds"], "0")
        self.assertEqual(got["VisibilityTimeout"], "30")
        self.assertNotIn("Policy", got)
        self.assertNotIn("RedrivePolicy", got)

    def test_same_attributes_again_returns_same_url(self):
        attrs = {"VisibilityTimeout": "40"}
        name, url = self.new_queue("idem", attributes=attrs)
        again = self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        self.assertEqual(again, url)

    def test_different_attributes_is_queue_name_exists(self):
        name, _ = self.new_queue("differ", attributes={"VisibilityTimeout": "40"})
        self.assert_error("QueueAlreadyExists", self.sqs.create_queue, QueueName=name,
                          Attributes={"VisibilityTimeout": "41"})

    def test_invalid_names(self):
        self.assert_error("InvalidParameterValue", self.sqs.create_queue, QueueName=RUN + "-bad!name")
        self.assert_error("InvalidParameterValue", self.sqs.create_queue, QueueName=RUN + "x" * 81)
        # A .fifo name needs FifoQueue=true (spec section 3).
        self.assert_error("InvalidParameterValue", self.sqs.create_queue, QueueName=unique("nofifo") + ".fifo")

    def test_invalid_attributes(self):
        self.assert_error("InvalidAttributeValue", self.sqs.create_queue, QueueName=unique("badval"),
                          Attributes={"VisibilityTimeout": "43201"})
        self.assert_error("InvalidAttributeName", self.sqs.create_queue, QueueName=unique("badname"),
                          Attributes={"NoSuchAttribute": "1"})


class FifoCreateTest(SqsTestCase):
    # FIFO delivery is not in scope yet; creation and its attributes are (spec sections 3, 4).
    def test_fifo_queue_attributes(self):
        name = unique("f") + ".fifo"
        url = self.sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
        self.addCleanup(self._delete_quietly, url)
        self.assertEqual(url, self.url_of(name))
        got = self.attributes(url)
        self.assertEqual(got.get("FifoQueue"), "true")
        self.assertEqual(got.get("ContentBasedDeduplication"), "false")
        self.assertEqual(got.get("DeduplicationScope"), "queue")
        self.assertEqual(got.get("FifoThroughputLimit"), "perQueue")
        self.assertEqual(got["QueueArn"], "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name))

    def test_fifo_flag_without_suffix(self):
        self.assert_error("InvalidParameterValue", self.sqs.create_queue, QueueName=unique("nosuffix"),
                          Attributes={"FifoQueue": "true"})


class GetQueueUrlTest(SqsTestCase):
    def test_known_and_unknown(self):
        name, url = self.new_queue("url")
        self.assertEqual(self.sqs.get_queue_url(QueueName=name)["QueueUrl"], url)
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url,
                          QueueName=unique("missing"))

    def test_other_accounts_queue_is_nonexistent(self):
        name, url = self.new_queue("foreign")
        foreign = "%s/%s/%s" % (ENDPOINT, OTHER_ACCOUNT, name)
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_attributes,
                          QueueUrl=foreign, AttributeNames=["All"])
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.send_message,
                          QueueUrl=foreign, MessageBody="x")
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url,
                          QueueName=name, QueueOwnerAWSAccountId=OTHER_ACCOUNT)
        # The queue itself is untouched.
        self.assertEqual(self.counters(url), (0, 0, 0))


class ListQueuesTest(SqsTestCase):
    def test_prefix(self):
        group = unique("lp")
        urls = set()
        for i in range(3):
            urls.add(self.sqs.create_queue(QueueName="%s-%d" % (group, i))["QueueUrl"])
        for u in urls:
            self.addCleanup(self._delete_quietly, u)
        _, other = self.new_queue("lpother")
        got = self.sqs.list_queues(QueueNamePrefix=group)
        self.assertEqual(sorted(got.get("QueueUrls", [])), sorted(urls))
        self.assertNotIn(other, got["QueueUrls"])
        self.assertNotIn("NextToken", got)
        self.assertNotIn("QueueUrls", self.sqs.list_queues(QueueNamePrefix=unique("none")))

    def test_pagination(self):
        group = unique("pg")
        urls = set()
        for i in range(7):
            urls.add(self.sqs.create_queue(QueueName="%s-%d" % (group, i))["QueueUrl"])
        for u in urls:
            self.addCleanup(self._delete_quietly, u)
        pages = []
        kwargs = {"QueueNamePrefix": group, "MaxResults": 3}
        for _ in range(10):
            page = self.sqs.list_queues(**kwargs)
            pages.append(page.get("QueueUrls", []))
            if "NextToken" not in page:
                break
            kwargs["NextToken"] = page["NextToken"]
        self.assertEqual([len(p) for p in pages], [3, 3, 1])
        seen = [u for p in pages for u in p]
        self.assertEqual(len(seen), len(set(seen)), "no queue on two pages")
        self.assertEqual(set(seen), urls)
        # Without MaxResults: everything, no token.
        everything = self.sqs.list_queues(QueueNamePrefix=group)
        self.assertEqual(set(everything["QueueUrls"]), urls)
        self.assertNotIn("NextToken", everything)

    def test_max_results_out_of_range(self):
        for n in (0, 1001):
            self.assert_error("InvalidParameterValue", self.sqs.list_queues, QueueNamePrefix=RUN, MaxResults=n)


class QueueAttributesTest(SqsTestCase):
    def test_individual_names(self):
        name, url = self.new_queue("gqa", attributes={"VisibilityTimeout": "77"})
        got = self.attributes(url, "VisibilityTimeout", "QueueArn")
        self.assertEqual(got, {"VisibilityTimeout": "77",
                               "QueueArn": "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)})

    def test_unknown_name(self):
        _, url = self.new_queue("gqabad")
        self.assert_error("InvalidAttributeName", self.sqs.get_queue_attributes, QueueUrl=url,
                          AttributeNames=["NoSuchAttribute"])

    def test_counters_move_with_sends_and_receives(self):
        _, url = self.new_queue("counters")
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody="m%d" % i)
        self.sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=600)
        self.assertEqual(self.counters(url), (3, 0, 1))
        got = self.receive_n(url, 2, VisibilityTimeout=600)
        self.assertEqual(self.counters(url), (1, 2, 1))
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
        self.assertEqual(self.counters(url), (1, 1, 1))

    def test_set_round_trip(self):
        name, url = self.new_queue("sqa")
        arn = "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": "s1", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
            "Action": "sqs:SendMessage", "Resource": arn}]}
        new = {"VisibilityTimeout": "120", "DelaySeconds": "3", "MaximumMessageSize": "4096",
               "MessageRetentionPeriod": "86400", "ReceiveMessageWaitTimeSeconds": "20",
               "Policy": json.dumps(policy)}
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes=new)
        got = self.attributes(url)
        for k, v in new.items():
            if k == "Policy":
                self.assertEqual(json.loads(got["Policy"]), policy)
            else:
                self.assertEqual(got[k], v, k)
        self.assertGreaterEqual(int(got["LastModifiedTimestamp"]), int(got["CreatedTimestamp"]))

    def test_set_invalid_value(self):
        _, url = self.new_queue("sqabad", attributes={"VisibilityTimeout": "31"})
        for attr, value in (("VisibilityTimeout", "43201"), ("VisibilityTimeout", "abc"),
                            ("DelaySeconds", "901"), ("MessageRetentionPeriod", "59"),
                            ("ReceiveMessageWaitTimeSeconds", "21"), ("MaximumMessageSize", "1023")):
            self.assert_error("InvalidAttributeValue", self.sqs.set_queue_attributes, QueueUrl=url,
                              Attributes={attr: value})
        self.assertEqual(self.attributes(url, "VisibilityTimeout"), {"VisibilityTimeout": "31"})

    def test_set_read_only_or_unknown_name(self):
        _, url = self.new_queue("sqaro")
        self.assert_error("InvalidAttributeName", self.sqs.set_queue_attributes, QueueUrl=url,
                          Attributes={"QueueArn": "arn:aws:sqs:us-east-1:000000000000:x"})
        self.assert_error("InvalidAttributeName", self.sqs.set_queue_attributes, QueueUrl=url,
                          Attributes={"NoSuchAttribute": "1"})


class DeleteAndPurgeTest(SqsTestCase):
    def test_delete_then_recreate_is_deleted_recently(self):
        name = unique("del")
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        self.sqs.delete_queue(QueueUrl=url)
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url, QueueName=name)
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.send_message, QueueUrl=url,
                          MessageBody="x")
        self.assert_error("AWS.SimpleQueueService.QueueDeletedRecently", self.sqs.create_queue, QueueName=name)
        self.assertNotIn("QueueUrls", self.sqs.list_queues(QueueNamePrefix=name))

    def test_purge(self):
        _, url = self.new_queue("purge")
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody="p%d" % i)
        self.receive_one(url, VisibilityTimeout=600)  # one in flight: purge takes it too
        self.assertEqual(self.counters(url), (2, 1, 0))
        self.sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.counters(url), (0, 0, 0))
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1))
        self.assert_error("AWS.SimpleQueueService.PurgeQueueInProgress", self.sqs.purge_queue, QueueUrl=url)
        # Messages sent after the purge are kept.
        self.sqs.send_message(QueueUrl=url, MessageBody="after")
        self.assertEqual(self.receive_one(url)["Body"], "after")


# ------------------------------------------------------------------------- messages


class SendMessageTest(SqsTestCase):
    ATTRS = {
        "s": {"DataType": "String", "StringValue": "h\u00e9llo \u2603"},
        "n": {"DataType": "Number", "StringValue": "-12.5e3"},
        "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe\xff"},
        "custom": {"DataType": "String.uuid", "StringValue": "4f0a1c3e-0000-4000-8000-000000000000"},
        "nf": {"DataType": "Number.float", "StringValue": "3.25"},
        "bz": {"DataType": "Binary.gz", "BinaryValue": b"\x1f\x8b"},
    }

    def test_md5s_and_round_trip(self):
        _, url = self.new_queue("send")
        body = "body \u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9 \U0001F600 <&>\t\r\n"
        before_ms = int(time.time() * 1000)
        r = self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=self.ATTRS)
        after_ms = int(time.time() * 1000)
        self.assertRegex(r["MessageId"], UUID_RE)
        self.assertEqual(r["MD5OfMessageBody"], md5_hex(body))
        self.assertEqual(r["MD5OfMessageAttributes"], md5_of_attributes(self.ATTRS))
        self.assertNotIn("MD5OfMessageSystemAttributes", r)

        m = self.receive_one(url, AttributeNames=["All"], MessageAttributeNames=["All"])
        self.assertEqual(m["MessageId"], r["MessageId"])
        self.assertEqual(m["Body"], body)
        self.assertEqual(m["MD5OfBody"], md5_hex(body))
        self.assertEqual(m["MessageAttributes"], self.ATTRS)
        self.assertEqual(m["MD5OfMessageAttributes"], md5_of_attributes(self.ATTRS))
        a = m["Attributes"]
        self.assertEqual(set(a), {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
                                  "ApproximateFirstReceiveTimestamp"})
        # SenderId: the caller's access key id / account id (spec section 5).
        self.assertIn(a["SenderId"], (ACCESS_KEY, ACCOUNT))
        self.assertTrue(before_ms - 2000 <= int(a["SentTimestamp"]) <= after_ms + 2000, a["SentTimestamp"])
        self.assertGreaterEqual(int(a["ApproximateFirstReceiveTimestamp"]), int(a["SentTimestamp"]))
        self.assertEqual(a["ApproximateReceiveCount"], "1")
        self.assertTrue(m["ReceiptHandle"])

    def test_without_attributes_has_no_attribute_md5(self):
        _, url = self.new_queue("sendplain")
        r = self.sqs.send_message(QueueUrl=url, MessageBody="plain")
        self.assertEqual(r["MD5OfMessageBody"], md5_hex("plain"))
        self.assertNotIn("MD5OfMessageAttributes", r)
        m = self.receive_one(url, MessageAttributeNames=["All"])
        self.assertNotIn("MessageAttributes", m)
        self.assertNotIn("MD5OfMessageAttributes", m)
        self.assertNotIn("Attributes", m)

    def test_invalid_body_character(self):
        _, url = self.new_queue("sendbad")
        self.assert_error("InvalidMessageContents", self.sqs.send_message, QueueUrl=url, MessageBody="a\x01b")
        self.assert_error("InvalidMessageContents", self.sqs.send_message, QueueUrl=url, MessageBody="a\uffffb")
        self.assertEqual(self.counters(url), (0, 0, 0))

    def test_delay_seconds(self):
        _, url = self.new_queue("delay")
        start = time.monotonic()
        self.sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=2)
        self.assertEqual(self.counters(url), (0, 0, 1))
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url))
        m = self.receive_one(url, deadline_s=15)
        elapsed = time.monotonic() - start
        self.assertEqual(m["Body"], "delayed")
        self.assertGreaterEqual(elapsed, 2.0, "a 2 s delayed message arrived after %.2f s" % elapsed)
        self.assert_error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                          DelaySeconds=901)

    def test_queue_delay_applies(self):
        _, url = self.new_queue("qdelay", attributes={"DelaySeconds": "600"})
        self.sqs.send_message(QueueUrl=url, MessageBody="held")
        self.sqs.send_message(QueueUrl=url, MessageBody="now", DelaySeconds=0)
        self.assertEqual(self.counters(url), (1, 0, 1))
        self.assertEqual(self.receive_one(url)["Body"], "now")

    def test_maximum_message_size(self):
        _, url = self.new_queue("size", attributes={"MaximumMessageSize": "1024"})
        self.sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
        self.assert_error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x" * 1025)
        # Attribute names, types and values count too (spec section 5): 1000 + 1 + 6 + 20.
        self.assert_error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x" * 1000,
                          MessageAttributes={"a": {"DataType": "String", "StringValue": "v" * 20}})
        self.assertEqual(self.counters(url), (1, 0, 0))


class SendMessageBatchTest(SqsTestCase):
    def test_a_batch_over_one_mib_is_refused_whole(self):
        _, url = self.new_queue("bigbatch")
        # Each body is within the 1 MiB message limit; together they pass the batch's.
        err = self.assert_error("AWS.SimpleQueueService.BatchRequestTooLong", self.sqs.send_message_batch,
                                QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x" * 600000},
                                                       {"Id": "b", "MessageBody": "y" * 600000}])
        self.assertEqual(err["Error"]["Message"],
                         "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes.")
        self.assertEqual(self.counters(url), (0, 0, 0))

    def test_mixed_success_and_failure(self):
        _, url = self.new_queue("batch")
        attrs = {"k": {"DataType": "String", "StringValue": "v"}}
        r = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "ok1", "MessageBody": "first", "MessageAttributes": attrs},
            {"Id": "bad", "MessageBody": "bad\x00char"},
            {"Id": "ok2", "MessageBody": "second", "DelaySeconds": 0},
        ])
        ok = {e["Id"]: e for e in r.get("Successful", [])}
        self.assertEqual(set(ok), {"ok1", "ok2"})
        self.assertEqual(ok["ok1"]["MD5OfMessageBody"], md5_hex("first"))
        self.assertEqual(ok["ok1"]["MD5OfMessageAttributes"], md5_of_attributes(attrs))
        self.assertEqual(ok["ok2"]["MD5OfMessageBody"], md5_hex("second"))
        self.assertNotIn("MD5OfMessageAttributes", ok["ok2"])
        self.assertRegex(ok["ok1"]["MessageId"], UUID_RE)
        self.assertNotEqual(ok["ok1"]["MessageId"], ok["ok2"]["MessageId"])
        failed = r.get("Failed", [])
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["Id"], "bad")
        self.assertIs(failed[0]["SenderFault"], True)
        self.assertEqual(failed[0]["Code"], "InvalidMessageContents")
        self.assertTrue(failed[0].get("Message"))
        bodies = sorted(m["Body"] for m in self.receive_n(url, 2))
        self.assertEqual(bodies, ["first", "second"])

    def test_batch_level_errors(self):
        _, url = self.new_queue("batcherr")
        eleven = [{"Id": "e%d" % i, "MessageBody": "x"} for i in range(11)]
        self.assert_error("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", self.sqs.send_message_batch,
                          QueueUrl=url, Entries=eleven)
        self.assert_error("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", self.sqs.send_message_batch,
                          QueueUrl=url, Entries=[{"Id": "same", "MessageBody": "a"},
                                                 {"Id": "same", "MessageBody": "b"}])
        self.assert_error("AWS.SimpleQueueService.EmptyBatchRequest", self.sqs.send_message_batch,
                          QueueUrl=url, Entries=[])
        self.assert_error("AWS.SimpleQueueService.InvalidBatchEntryId", self.sqs.send_message_batch,
                          QueueUrl=url, Entries=[{"Id": "not valid!", "MessageBody": "a"}])
        self.assertEqual(self.counters(url), (0, 0, 0))


class ReceiveMessageTest(SqsTestCase):
    def test_max_number_of_messages(self):
        _, url = self.new_queue("rmax")
        sent = {"m%d" % i for i in range(5)}
        self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": b, "MessageBody": b} for b in sorted(sent)])
        first = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, WaitTimeSeconds=2).get("Messages", [])
        self.assertTrue(1 <= len(first) <= 2, len(first))
        rest = self.receive_n(url, 5 - len(first), MaxNumberOfMessages=10)
        self.assertEqual({m["Body"] for m in first + rest}, sent)
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10))

    def test_system_attribute_names(self):
        _, url = self.new_queue("rsys")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.receive_one(url, AttributeNames=["SentTimestamp"], VisibilityTimeout=0)
        self.assertEqual(set(m["Attributes"]), {"SentTimestamp"})
        m = self.receive_one(url, AttributeNames=["ApproximateReceiveCount", "SenderId"], VisibilityTimeout=0)
        self.assertEqual(set(m["Attributes"]), {"ApproximateReceiveCount", "SenderId"})
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "2")
        m = self.receive_one(url, AttributeNames=["All"], VisibilityTimeout=0)
        self.assertEqual(set(m["Attributes"]), {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
                                                "ApproximateFirstReceiveTimestamp"})

    def test_message_system_attribute_names(self):
        if not has_input_member("ReceiveMessage", "MessageSystemAttributeNames"):
            self.skipTest("botocore %s has no MessageSystemAttributeNames" % botocore.__version__)
        _, url = self.new_queue("rsysnew")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.receive_one(url, MessageSystemAttributeNames=["ApproximateFirstReceiveTimestamp"],
                             VisibilityTimeout=0)
        self.assertEqual(set(m["Attributes"]), {"ApproximateFirstReceiveTimestamp"})
        m = self.receive_one(url, MessageSystemAttributeNames=["All"], VisibilityTimeout=0)
        self.assertEqual(set(m["Attributes"]), {"SenderId", "SentTimestamp", "ApproximateReceiveCount",
                                                "ApproximateFirstReceiveTimestamp"})
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "2")

    def test_message_attribute_names(self):
        _, url = self.new_queue("rattr")
        attrs = {"trace.id": {"DataType": "String", "StringValue": "t1"},
                 "trace.span": {"DataType": "Number", "StringValue": "7"},
                 "tracer": {"DataType": "String", "StringValue": "no"},
                 "other": {"DataType": "Binary", "BinaryValue": b"\x07"}}
        self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attrs)
        cases = [
            (["All"], attrs),
            ([".*"], attrs),
            (["trace.*"], {k: attrs[k] for k in ("trace.id", "trace.span")}),
            (["other"], {"other": attrs["other"]}),
            (["other", "trace.span"], {k: attrs[k] for k in ("other", "trace.span")}),
            (["nosuch"], {}),
        ]
        for filters, expected in cases:
            m = self.receive_one(url, MessageAttributeNames=filters, VisibilityTimeout=0)
            if expected:
                self.assertEqual(m.get("MessageAttributes"), expected, filters)
                self.assertEqual(m.get("MD5OfMessageAttributes"), md5_of_attributes(expected), filters)
            else:
                self.assertNotIn("MessageAttributes", m, filters)
                self.assertNotIn("MD5OfMessageAttributes", m, filters)
        m = self.receive_one(url, VisibilityTimeout=0)
        self.assertNotIn("MessageAttributes", m)

    def test_receive_count_increments_and_handles_change(self):
        _, url = self.new_queue("rcount")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        handles, firsts = [], set()
        for expected in ("1", "2", "3"):
            m = self.receive_one(url, AttributeNames=["All"], VisibilityTimeout=0)
            self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], expected)
            handles.append(m["ReceiptHandle"])
            firsts.add(m["Attributes"]["ApproximateFirstReceiveTimestamp"])
        self.assertEqual(len(set(handles)), 3, "a new receipt handle for every receive")
        self.assertEqual(len(firsts), 1, "ApproximateFirstReceiveTimestamp stays the first receive's")

    def test_visibility_timeout_expiry(self):
        _, url = self.new_queue("rvis")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        start = time.monotonic()
        first = self.receive_one(url, VisibilityTimeout=1, AttributeNames=["All"])
        self.assertEqual(self.counters(url)[1], 1)
        again = None
        deadline = time.monotonic() + 10
        while again is None and time.monotonic() < deadline:
            got = self.sqs.receive_message(QueueUrl=url, AttributeNames=["All"], WaitTimeSeconds=1).get("Messages")
            if got:
                again = got[0]
        self.assertIsNotNone(again, "message not visible again within 10 s of a 1 s visibility timeout")
        self.assertGreaterEqual(time.monotonic() - start, 1.0)
        self.assertEqual(again["MessageId"], first["MessageId"])
        self.assertEqual(again["Attributes"]["ApproximateReceiveCount"], "2")
        self.assertNotEqual(again["ReceiptHandle"], first["ReceiptHandle"])

    def test_queue_visibility_timeout_is_the_default(self):
        _, url = self.new_queue("rqvis", attributes={"VisibilityTimeout": "600"})
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.receive_one(url)
        self.assertEqual(self.counters(url), (0, 1, 0))
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1))

    def test_long_poll_returns_early_when_a_message_arrives(self):
        _, url = self.new_queue("rlong")
        sender = make_client()
        errors = []

        def send_later():
            try:
                time.sleep(1.0)
                sender.send_message(QueueUrl=url, MessageBody="woke")
            except Exception as e:  # reported by the main thread
                errors.append(e)

        t = threading.Thread(target=send_later)
        start = time.monotonic()
        t.start()
        try:
            r = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)
            elapsed = time.monotonic() - start
        finally:
            t.join(30)
        self.assertEqual(errors, [])
        self.assertEqual([m["Body"] for m in r.get("Messages", [])], ["woke"])
        self.assertLess(elapsed, 4.0, "long poll returned after %.2f s" % elapsed)

    def test_long_poll_empty_waits(self):
        _, url = self.new_queue("rempty")
        start = time.monotonic()
        r = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        elapsed = time.monotonic() - start
        self.assertNotIn("Messages", r)
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertLess(elapsed, 4.0)

    def test_queue_receive_wait_time_is_the_default(self):
        _, url = self.new_queue("rqwait", attributes={"ReceiveMessageWaitTimeSeconds": "2"})
        start = time.monotonic()
        r = self.sqs.receive_message(QueueUrl=url)
        elapsed = time.monotonic() - start
        self.assertNotIn("Messages", r)
        self.assertGreaterEqual(elapsed, 1.9)
        self.assertLess(elapsed, 6.0)

    def test_out_of_range_parameters(self):
        _, url = self.new_queue("rrange")
        for kwargs in ({"MaxNumberOfMessages": 11}, {"MaxNumberOfMessages": 0}, {"WaitTimeSeconds": 21},
                       {"WaitTimeSeconds": -1}, {"VisibilityTimeout": 43201}, {"VisibilityTimeout": -1}):
            self.assert_error("InvalidParameterValue", self.sqs.receive_message, QueueUrl=url, **kwargs)


class DeleteMessageTest(SqsTestCase):
    def test_delete_and_delete_again(self):
        _, url = self.new_queue("dm")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.receive_one(url)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual(self.counters(url), (0, 0, 0))
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])  # twice: still succeeds
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, VisibilityTimeout=0))

    def test_older_handle_still_deletes(self):
        _, url = self.new_queue("dmold")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        old = self.receive_one(url, VisibilityTimeout=0)
        new = self.receive_one(url, VisibilityTimeout=600)
        self.assertNotEqual(old["ReceiptHandle"], new["ReceiptHandle"])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=old["ReceiptHandle"])
        self.assertEqual(self.counters(url), (0, 0, 0))

    def test_malformed_handle(self):
        _, url = self.new_queue("dmbad")
        self.assert_error("ReceiptHandleIsInvalid", self.sqs.delete_message, QueueUrl=url,
                          ReceiptHandle="not-a-receipt-handle")

    def test_batch_partial_failure(self):
        _, url = self.new_queue("dmb")
        self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "a"},
                                                           {"Id": "b", "MessageBody": "b"}])
        msgs = self.receive_n(url, 2, VisibilityTimeout=600)
        r = self.sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": "one", "ReceiptHandle": msgs[0]["ReceiptHandle"]},
            {"Id": "junk", "ReceiptHandle": "garbage"},
            {"Id": "two", "ReceiptHandle": msgs[1]["ReceiptHandle"]},
        ])
        self.assertEqual(sorted(e["Id"] for e in r.get("Successful", [])), ["one", "two"])
        failed = r.get("Failed", [])
        self.assertEqual([(f["Id"], f["Code"], f["SenderFault"]) for f in failed],
                         [("junk", "ReceiptHandleIsInvalid", True)])
        self.assertEqual(self.counters(url), (0, 0, 0))
        self.assert_error("AWS.SimpleQueueService.EmptyBatchRequest", self.sqs.delete_message_batch,
                          QueueUrl=url, Entries=[])
        self.assert_error("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", self.sqs.delete_message_batch,
                          QueueUrl=url, Entries=[{"Id": "x", "ReceiptHandle": "h"},
                                                 {"Id": "x", "ReceiptHandle": "h"}])


class ChangeVisibilityTest(SqsTestCase):
    def test_zero_makes_visible_at_once(self):
        _, url = self.new_queue("cmv")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.receive_one(url, VisibilityTimeout=600)
        self.assertEqual(self.counters(url), (0, 1, 0))
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        self.assertEqual(self.counters(url), (1, 0, 0))
        again = self.sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"]).get("Messages")
        self.assertIsNotNone(again)
        self.assertEqual(again[0]["MessageId"], m["MessageId"])
        self.assertEqual(again[0]["Attributes"]["ApproximateReceiveCount"], "2")

    def test_extend_keeps_it_hidden(self):
        _, url = self.new_queue("cmvext")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.receive_one(url, VisibilityTimeout=1)
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=600)
        self.assertNotIn("Messages", self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2))
        self.assertEqual(self.counters(url), (0, 1, 0))

    def test_not_in_flight(self):
        _, url = self.new_queue("cmvnif")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.receive_one(url, VisibilityTimeout=600)
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        self.assert_error("AWS.SimpleQueueService.MessageNotInflight", self.sqs.change_message_visibility,
                          QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=30)

    def test_malformed_handle_and_range(self):
        _, url = self.new_queue("cmvbad")
        self.assert_error("ReceiptHandleIsInvalid", self.sqs.change_message_visibility, QueueUrl=url,
                          ReceiptHandle="garbage", VisibilityTimeout=10)
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.receive_one(url, VisibilityTimeout=600)
        self.assert_error("InvalidParameterValue", self.sqs.change_message_visibility, QueueUrl=url,
                          ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=43201)

    def test_batch_partial_failure(self):
        _, url = self.new_queue("cmvb")
        self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "a"},
                                                           {"Id": "b", "MessageBody": "b"}])
        msgs = self.receive_n(url, 2, VisibilityTimeout=600)
        r = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": "show", "ReceiptHandle": msgs[0]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "junk", "ReceiptHandle": "garbage", "VisibilityTimeout": 0},
            {"Id": "keep", "ReceiptHandle": msgs[1]["ReceiptHandle"], "VisibilityTimeout": 900},
        ])
        self.assertEqual(sorted(e["Id"] for e in r.get("Successful", [])), ["keep", "show"])
        self.assertEqual([(f["Id"], f["Code"], f["SenderFault"]) for f in r.get("Failed", [])],
                         [("junk", "ReceiptHandleIsInvalid", True)])
        self.assertEqual(self.counters(url), (1, 1, 0))
        again = self.receive_one(url)
        self.assertEqual(again["MessageId"], msgs[0]["MessageId"])
        self.assert_error("AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                          self.sqs.change_message_visibility_batch, QueueUrl=url,
                          Entries=[{"Id": "e%d" % i, "ReceiptHandle": "h", "VisibilityTimeout": 0}
                                   for i in range(11)])


class RedriveTest(SqsTestCase):
    def test_policy_round_trip_validation_and_removal(self):
        dlq_name, _ = self.new_queue("dlq")
        dlq_arn = "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, dlq_name)
        _, url = self.new_queue("src")
        policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 4}
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(policy)})
        self.assertEqual(json.loads(self.attributes(url, "RedrivePolicy")["RedrivePolicy"]), policy)
        self.assert_error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=url,
                          Attributes={"RedrivePolicy": json.dumps(dict(policy, maxReceiveCount=0))})
        self.assert_error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=url,
                          Attributes={"RedrivePolicy": json.dumps({"maxReceiveCount": 4})})
        # An empty string removes the policy.
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": ""})
        self.assertNotIn("RedrivePolicy", self.attributes(url))

    def test_dead_letter_target_must_exist(self):
        # Spec section 4 ("DLQ must exist"); AWS answers InvalidParameterValue with
        # "Value ... for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."
        _, url = self.new_queue("srcnodlq")
        missing = {"deadLetterTargetArn": "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, unique("nodlq")),
                   "maxReceiveCount": 4}
        self.assert_error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=url,
                          Attributes={"RedrivePolicy": json.dumps(missing)})
        self.assertNotIn("RedrivePolicy", self.attributes(url))


# ------------------------------------------------------------------- metrics


def scrape():
    """Parses GET /metrics into {(name, frozenset(labels)): value}."""
    import urllib.request
    with urllib.request.urlopen(ENDPOINT + "/metrics", timeout=10) as r:
        text = r.read().decode("utf-8")
    samples = {}
    for line in text.splitlines():
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([0-9eE+.-]+|NaN|[+-]Inf)$', line)
        if not m:
            continue
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


class MetricsTest(SqsTestCase):
    def queue_sample(self, samples, metric, name, **extra):
        labels = {("account", ACCOUNT), ("queue", name)} | set(extra.items())
        return samples.get((metric, frozenset(labels)))

    def test_queue_metrics_follow_real_traffic(self):
        name, url = self.new_queue("metrics")
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody="m%d" % i)
        got = self.receive_n(url, 1, VisibilityTimeout=60)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
        self.receive_n(url, 1, VisibilityTimeout=60)
        # Counters move at once; depth gauges are refreshed every second: poll, bounded.
        deadline = time.monotonic() + 10
        while True:
            s = scrape()
            depth = (self.queue_sample(s, "spool_queue_messages", name, state="visible"),
                     self.queue_sample(s, "spool_queue_messages", name, state="in_flight"))
            if depth == (1.0, 1.0) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(self.queue_sample(s, "spool_queue_messages_sent_total", name), 3.0)
        self.assertEqual(self.queue_sample(s, "spool_queue_messages_received_total", name), 2.0)
        self.assertEqual(self.queue_sample(s, "spool_queue_messages_deleted_total", name), 1.0)
        self.assertEqual(depth, (1.0, 1.0), "visible and in_flight gauges")
        self.assertEqual(self.queue_sample(s, "spool_queue_messages", name, state="delayed"), 0.0)
        ok = s.get(("spool_api_requests_total", frozenset({("action", "SendMessage"), ("outcome", "ok")})))
        self.assertIsNotNone(ok)
        self.assertGreaterEqual(ok, 3.0)
        syncs = sum(v for (metric, _), v in s.items() if metric == "spool_storage_fsync_seconds_count")
        self.assertGreater(syncs, 0.0)

    def test_deleted_queue_series_disappear(self):
        name, url = self.new_queue("metrics-gone")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.assertEqual(self.queue_sample(scrape(), "spool_queue_messages_sent_total", name), 1.0)
        self.sqs.delete_queue(QueueUrl=url)
        deadline = time.monotonic() + 10
        while self.queue_sample(scrape(), "spool_queue_messages_sent_total", name) is not None:
            self.assertLess(time.monotonic(), deadline, "series still exported 10 s after DeleteQueue")
            time.sleep(0.2)


# ------------------------------------------------------------------- tags, policies


class TagsTest(SqsTestCase):
    def test_tag_untag_list(self):
        _, url = self.new_queue("tags")
        self.assertNotIn("Tags", self.sqs.list_queue_tags(QueueUrl=url))
        self.sqs.tag_queue(QueueUrl=url, Tags={"a": "1", "b": "2", "B": "upper", "empty": ""})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"],
                         {"a": "1", "b": "2", "B": "upper", "empty": ""})
        self.sqs.tag_queue(QueueUrl=url, Tags={"a": "3"})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"],
                         {"a": "3", "b": "2", "B": "upper", "empty": ""})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["b", "empty", "nosuch"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"a": "3", "B": "upper"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["a", "B"])
        self.assertNotIn("Tags", self.sqs.list_queue_tags(QueueUrl=url))

    def test_unknown_queue(self):
        url = self.url_of(unique("notags"))
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.list_queue_tags, QueueUrl=url)
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.tag_queue, QueueUrl=url,
                          Tags={"a": "b"})


class PermissionsTest(SqsTestCase):
    def policy(self, url):
        got = self.attributes(url, "Policy")
        return json.loads(got["Policy"]) if "Policy" in got else None

    def test_add_and_remove(self):
        name, url = self.new_queue("perm")
        arn = "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)
        self.assertIsNone(self.policy(url))
        self.sqs.add_permission(QueueUrl=url, Label="first", AWSAccountIds=["111122223333"],
                                Actions=["SendMessage", "ReceiveMessage"])
        policy = self.policy(url)
        self.assertIsNotNone(policy)
        statements = policy["Statement"]
        self.assertEqual([s["Sid"] for s in statements], ["first"])
        s = statements[0]
        self.assertEqual(s["Effect"], "Allow")
        principal = s["Principal"]["AWS"]
        self.assertEqual(principal if isinstance(principal, list) else [principal],
                         ["arn:aws:iam::111122223333:root"])
        self.assertEqual(sorted(s["Action"]), ["SQS:ReceiveMessage", "SQS:SendMessage"])
        self.assertEqual(s["Resource"], arn)

        self.assert_error("InvalidParameterValue", self.sqs.add_permission, QueueUrl=url, Label="first",
                          AWSAccountIds=["111122223333"], Actions=["SendMessage"])
        self.sqs.add_permission(QueueUrl=url, Label="second", AWSAccountIds=["444455556666"],
                                Actions=["DeleteMessage"])
        self.assertEqual(sorted(s["Sid"] for s in self.policy(url)["Statement"]), ["first", "second"])
        self.sqs.remove_permission(QueueUrl=url, Label="first")
        self.assertEqual([s["Sid"] for s in self.policy(url)["Statement"]], ["second"])
        self.sqs.remove_permission(QueueUrl=url, Label="second")
        self.assertIsNone(self.policy(url))
        self.assertNotIn("Policy", self.attributes(url))
        self.assert_error("InvalidParameterValue", self.sqs.remove_permission, QueueUrl=url, Label="second")

    def test_add_permission_checks_actions_and_principals(self):
        _, url = self.new_queue("permcheck")

        def refused(code, actions, accounts=("111122223333",)):
            err = self.assert_error(code, self.sqs.add_permission, QueueUrl=url, Label="l",
                                    AWSAccountIds=list(accounts), Actions=list(actions))
            return err["Error"]["Message"]

        self.assertEqual(refused("InvalidParameterValue", ["Bogus"]),
                         "Value SQS:Bogus for parameter ActionName is invalid. Reason: Please refer to the "
                         "appropriate WSDL for a list of valid actions.")
        # A batch is granted through its single form, never by its own name.
        self.assertIn("SQS:SendMessageBatch", refused("InvalidParameterValue", ["SendMessageBatch"]))
        self.assertEqual(refused("InvalidParameterValue", ["SendMessage", "DeleteQueue"]),
                         "Value SQS:DeleteQueue for parameter ActionName is invalid. Reason: Only the queue "
                         "owner is allowed to invoke this action.")
        eight = ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
                 "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListDeadLetterSourceQueues"]
        self.assertEqual(refused("OverLimit", eight), "8 Actions were found, maximum allowed is 7.")
        self.assertIn("PrincipalId", refused("InvalidParameterValue", ["SendMessage"], ["alice"]))
        self.assertIsNone(self.policy(url), "a refused grant stores nothing")

        self.sqs.add_permission(QueueUrl=url, Label="seven", AWSAccountIds=["111122223333"], Actions=eight[:7])
        self.sqs.add_permission(QueueUrl=url, Label="all", AWSAccountIds=["444455556666"], Actions=["*"])
        statements = {s["Sid"]: s for s in self.policy(url)["Statement"]}
        self.assertEqual(sorted(statements["seven"]["Action"]), sorted("SQS:" + a for a in eight[:7]))
        self.assertEqual(statements["all"]["Action"], "SQS:*")


# ------------------------------------------------------------------- protocol facts


class ProtocolFactsTest(SqsTestCase):
    def test_success_metadata(self):
        r = self.sqs.list_queues(QueueNamePrefix=unique("meta"))
        md = r["ResponseMetadata"]
        self.assertEqual(md["HTTPStatusCode"], 200)
        self.assertTrue(md.get("RequestId"), "a request id on every response")
        ctype = md["HTTPHeaders"].get("content-type", "")
        if PROTOCOL == "json":
            self.assertTrue(ctype.startswith("application/x-amz-json-1.0"), ctype)
            self.assertTrue(md["HTTPHeaders"].get("x-amzn-requestid"))
        else:
            self.assertTrue(ctype.startswith("text/xml"), ctype)

    def test_error_shape(self):
        err = self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.get_queue_url,
                                QueueName=unique("nothere"))
        self.assertTrue(err["Error"].get("Message"))
        self.assertTrue(err["ResponseMetadata"].get("RequestId"))
        if PROTOCOL == "json":
            self.assertEqual(err["Error"]["QueryErrorCode"], "QueueDoesNotExist")
        # The modeled exception class is what callers catch.
        self.assertTrue(hasattr(self.sqs.exceptions, "QueueDoesNotExist"))
        with self.assertRaises(self.sqs.exceptions.QueueDoesNotExist):
            self.sqs.get_queue_url(QueueName=unique("nothere2"))


def run_module(module, banner_extra=""):
    """Runs every test case of `module` and prints the SUITE-RESULT line run.py reads;
    the exit code for the suite. Shared by the suites built on this one (fifo_suite.py)."""
    print("boto3 %s, botocore %s, protocol %s, python %s (%s)" % (
        boto3.__version__, botocore.__version__, PROTOCOL, sys.version.split()[0], sys.executable))
    print("endpoint %s, queue prefix %s%s" % (ENDPOINT, RUN, banner_extra))
    sys.stdout.flush()
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped - len(result.expectedFailures)
    print("SUITE-RESULT passed=%d failed=%d skipped=%d" % (passed, failed, skipped))
    return 0 if failed == 0 else 1


def main():
    return run_module(sys.modules[__name__])


if __name__ == "__main__":
    sys.exit(main())
