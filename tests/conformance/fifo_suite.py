"""Conformance suite: FIFO queues, deduplication, dead-letter redrive and message move
tasks (issue #5), boto3 against a running spoold.

Runs unchanged under current botocore (AWS JSON 1.0) and Debian's botocore 1.29 (AWS
Query), like sqs_suite.py, whose client, naming and assertion helpers it reuses. Spec:
shared/spec/sqs-api.md sections 7 and 8.

Environment: as sqs_suite.py, plus SPOOL_MOVE_TASKS ("1", the default, runs the move-task
cases StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask; "0" leaves
them out). botocore 1.29 has no move-task operations, so under the Query protocol those
cases are sent as hand-signed Query requests (see QueryCall).

The last line printed is `SUITE-RESULT passed=N failed=M skipped=K` for run.py.
"""

import hashlib
import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sqs_suite as base  # noqa: E402  (one client, one naming scheme, one assert_error)

ENDPOINT, REGION, ACCOUNT = base.ENDPOINT, base.REGION, base.ACCOUNT
PROTOCOL = base.PROTOCOL
MOVE_TASKS = os.environ.get("SPOOL_MOVE_TASKS", "1") != "0"

# Spec section 2: move task / resource not found.
base.STATUS_OF.setdefault("ResourceNotFoundException", 404)
base.MODELED_OF.setdefault("ResourceNotFoundException", "ResourceNotFoundException")

SEQUENCE_RE = r"^[0-9]{20}$"


def arn_of(name):
    return "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name)


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def wait_for(predicate, what, deadline_s=5.0, interval_s=0.1):
    """Polls predicate() until it returns a true value (returned) or the deadline passes
    (AssertionError naming `what`)."""
    deadline = time.monotonic() + deadline_s
    while True:
        got = predicate()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError("%s: not within %.1f s" % (what, deadline_s))
        time.sleep(interval_s)


class FifoTestCase(base.SqsTestCase):
    def new_fifo(self, label, attributes=None):
        name = base.unique(label)[:75] + ".fifo"
        attrs = {"FifoQueue": "true"}
        attrs.update(attributes or {})
        url = self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        self.addCleanup(self._delete_quietly, url)
        return name, url

    def send(self, url, body, group, dedupe=None, **kwargs):
        kw = {"QueueUrl": url, "MessageBody": body, "MessageGroupId": group}
        if dedupe is not None:
            kw["MessageDeduplicationId"] = dedupe
        kw.update(kwargs)
        return self.sqs.send_message(**kw)

    def receive(self, url, max_n=10, visibility=600, wait=0, **kwargs):
        """One ReceiveMessage with every system attribute; returns the message list."""
        kw = {"QueueUrl": url, "MaxNumberOfMessages": max_n, "VisibilityTimeout": visibility,
              "WaitTimeSeconds": wait, "AttributeNames": ["All"]}
        kw.update(kwargs)
        return self.sqs.receive_message(**kw).get("Messages", [])

    def assert_nothing_to_receive(self, url, why):
        got = self.receive(url)
        self.assertEqual([m["Body"] for m in got], [], why)

    def set_redrive(self, url, dlq_name, max_receive_count=1):
        policy = {"deadLetterTargetArn": arn_of(dlq_name), "maxReceiveCount": max_receive_count}
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(policy)})

    def drive_to_dlq(self, url, n):
        """With maxReceiveCount=1: the first receive delivers (count 1), the second one
        would exceed it, so the server moves the messages instead of delivering them."""
        first = self.receive_n(url, n, VisibilityTimeout=0, AttributeNames=["All"], MessageAttributeNames=["All"])
        second = self.receive(url, visibility=0)
        self.assertEqual(second, [], "a receive past maxReceiveCount delivered messages")
        return first


# ---------------------------------------------------------------------- ordering


class FifoOrderTest(FifoTestCase):
    def test_order_within_interleaved_groups(self):
        _, url = self.new_fifo("order", {"ContentBasedDeduplication": "true"})
        groups = ("g-a", "g-b", "g-c")
        for i in range(4):
            for g in groups:
                self.send(url, "%s-%d" % (g, i), g)
        got = []
        deadline = time.monotonic() + 10
        while len(got) < 12 and time.monotonic() < deadline:
            batch = self.receive(url, wait=1)
            got.extend(batch)
            # Deleting releases the groups for the next receive.
            for m in batch:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual(len(got), 12, "all 12 messages of three groups")
        for g in groups:
            self.assertEqual([m["Body"] for m in got if m["Attributes"]["MessageGroupId"] == g],
                             ["%s-%d" % (g, i) for i in range(4)], "order of group %s" % g)

    def test_group_blocks_while_in_flight_released_by_delete(self):
        _, url = self.new_fifo("block-del", {"ContentBasedDeduplication": "true"})
        for i in range(3):
            self.send(url, "m%d" % i, "g1")
        first = self.receive(url, max_n=1)
        self.assertEqual([m["Body"] for m in first], ["m0"])
        self.assert_nothing_to_receive(url, "m1 delivered while m0 of its group is in flight")
        # Another group is not blocked.
        self.send(url, "other", "g2")
        self.assertEqual([m["Body"] for m in self.receive(url)], ["other"])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
        self.assertEqual([m["Body"] for m in self.receive(url, max_n=1)], ["m1"])
        self.assert_nothing_to_receive(url, "m2 delivered while m1 is in flight")

    def test_group_released_by_change_message_visibility(self):
        _, url = self.new_fifo("block-cmv", {"ContentBasedDeduplication": "true"})
        for i in range(3):
            self.send(url, "m%d" % i, "g1")
        first = self.receive(url, max_n=1)
        self.assertEqual([m["Body"] for m in first], ["m0"])
        self.assert_nothing_to_receive(url, "group still in flight")
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"],
                                           VisibilityTimeout=0)
        again = self.receive(url)
        # m0 comes back first (a second delivery), then the rest of the group in order.
        self.assertEqual([m["Body"] for m in again], ["m0", "m1", "m2"])
        self.assertEqual(again[0]["MessageId"], first[0]["MessageId"])
        self.assertEqual(again[0]["Attributes"]["ApproximateReceiveCount"], "2")
        self.assertNotEqual(again[0]["ReceiptHandle"], first[0]["ReceiptHandle"])

    def test_one_receive_takes_several_groups_each_contiguous(self):
        _, url = self.new_fifo("multi", {"ContentBasedDeduplication": "true"})
        for i in range(2):
            for g in ("x", "y", "z"):
                self.send(url, "%s%d" % (g, i), g)
        got = self.receive(url, wait=1)
        self.assertEqual(len(got), 6, [m["Body"] for m in got])
        order = [m["Attributes"]["MessageGroupId"] for m in got]
        self.assertEqual(set(order), {"x", "y", "z"})
        # Consecutive messages of one group, then the next group (never x y x ...).
        runs = [g for i, g in enumerate(order) if i == 0 or order[i - 1] != g]
        self.assertEqual(len(runs), 3, "groups interleaved within one receive: %s" % order)
        for g in ("x", "y", "z"):
            self.assertEqual([m["Body"] for m in got if m["Attributes"]["MessageGroupId"] == g], [g + "0", g + "1"])

    def test_receive_request_attempt_id_retry(self):
        _, url = self.new_fifo("attempt", {"ContentBasedDeduplication": "true"})
        for i in range(3):
            self.send(url, "m%d" % i, "g")
        first = self.receive(url, max_n=2, ReceiveRequestAttemptId="attempt-1")
        self.assertEqual([m["Body"] for m in first], ["m0", "m1"])
        retry = self.receive(url, max_n=2, ReceiveRequestAttemptId="attempt-1")
        self.assertEqual([(m["MessageId"], m["ReceiptHandle"]) for m in retry],
                         [(m["MessageId"], m["ReceiptHandle"]) for m in first],
                         "a retry with the same ReceiveRequestAttemptId returns the same messages and handles")
        self.assertEqual([m["Attributes"]["ApproximateReceiveCount"] for m in retry], ["1", "1"])
        self.assertEqual(self.receive(url, ReceiveRequestAttemptId="attempt-2"), [],
                         "a new attempt id while the group is in flight")
        for m in first:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual([m["Body"] for m in self.receive(url, ReceiveRequestAttemptId="attempt-3")], ["m2"])

    def test_system_attributes_of_a_fifo_message(self):
        _, url = self.new_fifo("sysattr")
        sent = self.send(url, "body", "grp-1", "dedupe-1")
        m = self.receive(url)[0]
        a = m["Attributes"]
        self.assertEqual(a["MessageGroupId"], "grp-1")
        self.assertEqual(a["MessageDeduplicationId"], "dedupe-1")
        self.assertEqual(a["SequenceNumber"], sent["SequenceNumber"])
        self.assertEqual(a["ApproximateReceiveCount"], "1")
        for k in ("SenderId", "SentTimestamp", "ApproximateFirstReceiveTimestamp"):
            self.assertIn(k, a)


# ----------------------------------------------------------------- deduplication


class FifoDeduplicationTest(FifoTestCase):
    def test_explicit_id_duplicate_returns_original(self):
        _, url = self.new_fifo("dedupe")
        first = self.send(url, "first", "g", "d-1")
        self.assertRegex(first["MessageId"], base.UUID_RE)
        self.assertRegex(first["SequenceNumber"], SEQUENCE_RE)
        dup = self.send(url, "second body, same id", "g", "d-1")
        self.assertEqual((dup["MessageId"], dup["SequenceNumber"]), (first["MessageId"], first["SequenceNumber"]))
        other = self.send(url, "third", "g", "d-2")
        self.assertNotEqual(other["MessageId"], first["MessageId"])
        self.assertEqual(self.counters(url), (2, 0, 0))
        self.assertEqual([m["Body"] for m in self.receive(url)], ["first", "third"])

    def test_duplicate_after_delete_is_still_a_duplicate(self):
        _, url = self.new_fifo("dedupe-del")
        first = self.send(url, "x", "g", "d-1")
        m = self.receive(url)[0]
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        again = self.send(url, "x", "g", "d-1")
        self.assertEqual(again["MessageId"], first["MessageId"])
        self.assertEqual(self.counters(url), (0, 0, 0))

    def test_content_based(self):
        _, url = self.new_fifo("cbd", {"ContentBasedDeduplication": "true"})
        first = self.send(url, "same body", "g")
        dup = self.send(url, "same body", "g2")  # scope queue: the group does not matter
        self.assertEqual((dup["MessageId"], dup["SequenceNumber"]), (first["MessageId"], first["SequenceNumber"]))
        explicit = self.send(url, "same body", "g", "explicit-id")  # an explicit id wins over the hash
        self.assertNotEqual(explicit["MessageId"], first["MessageId"])
        got = self.receive(url)
        self.assertEqual([m["MessageId"] for m in got], [first["MessageId"], explicit["MessageId"]])
        self.assertEqual(got[0]["Attributes"]["MessageDeduplicationId"], sha256_hex("same body"))
        self.assertEqual(got[1]["Attributes"]["MessageDeduplicationId"], "explicit-id")

    def test_batch_duplicates(self):
        _, url = self.new_fifo("dedupe-batch")
        r = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "a", "MessageBody": "A", "MessageGroupId": "g", "MessageDeduplicationId": "same"},
            {"Id": "b", "MessageBody": "B", "MessageGroupId": "g", "MessageDeduplicationId": "same"},
            {"Id": "c", "MessageBody": "C", "MessageGroupId": "g", "MessageDeduplicationId": "other"},
        ])
        self.assertEqual(r.get("Failed", []), [])
        ok = {e["Id"]: e for e in r["Successful"]}
        self.assertEqual(sorted(ok), ["a", "b", "c"])
        self.assertEqual(ok["a"]["MessageId"], ok["b"]["MessageId"])
        self.assertEqual(ok["a"]["SequenceNumber"], ok["b"]["SequenceNumber"])
        self.assertNotEqual(ok["a"]["MessageId"], ok["c"]["MessageId"])
        self.assertEqual([m["Body"] for m in self.receive(url)], ["A", "C"])

    def test_scope_message_group(self):
        _, url = self.new_fifo("scope", {"DeduplicationScope": "messageGroup",
                                         "FifoThroughputLimit": "perMessageGroupId"})
        a = self.send(url, "in a", "ga", "same-id")
        b = self.send(url, "in b", "gb", "same-id")
        self.assertNotEqual(a["MessageId"], b["MessageId"], "same dedupe id in two groups: two messages")
        dup = self.send(url, "in a again", "ga", "same-id")
        self.assertEqual(dup["MessageId"], a["MessageId"], "same id in the same group: a duplicate")
        self.assertEqual(self.counters(url), (2, 0, 0))
        got = self.receive(url)
        self.assertEqual(sorted(m["Body"] for m in got), ["in a", "in b"])

    def test_sequence_numbers_strictly_increase(self):
        _, url = self.new_fifo("seq", {"ContentBasedDeduplication": "true"})
        seqs = []
        for i in range(6):
            seqs.append(self.send(url, "m%d" % i, "g%d" % (i % 2))["SequenceNumber"])
        r = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "e%d" % i, "MessageBody": "b%d" % i, "MessageGroupId": "g%d" % (i % 3)} for i in range(4)])
        self.assertEqual(r.get("Failed", []), [])
        by_id = {e["Id"]: e["SequenceNumber"] for e in r["Successful"]}
        seqs.extend(by_id["e%d" % i] for i in range(4))
        for s in seqs:
            self.assertRegex(s, SEQUENCE_RE)
        numbers = [int(s) for s in seqs]
        self.assertEqual(numbers, sorted(numbers))
        self.assertEqual(len(set(numbers)), len(numbers), "sequence numbers are unique: %s" % seqs)
        got = self.receive_n(url, 10, VisibilityTimeout=600, AttributeNames=["All"])
        self.assertEqual(sorted(int(m["Attributes"]["SequenceNumber"]) for m in got), numbers)

    def test_standard_queue_send_has_no_sequence_number(self):
        _, url = self.new_queue("std-seq")
        r = self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.assertNotIn("SequenceNumber", r)


# ------------------------------------------------------------------------ errors


class FifoErrorTest(FifoTestCase):
    def test_missing_group_id(self):
        _, url = self.new_fifo("nogroup", {"ContentBasedDeduplication": "true"})
        err = self.assert_error("MissingParameter", self.sqs.send_message, QueueUrl=url, MessageBody="x")
        self.assertEqual(err["Error"]["Message"], "The request must contain the parameter MessageGroupId.")
        self.assertEqual(self.counters(url), (0, 0, 0))

    def test_missing_dedupe_id_without_content_based(self):
        _, url = self.new_fifo("nodedupe")
        self.assert_error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                          MessageGroupId="g")
        self.assertEqual(self.counters(url), (0, 0, 0))

    def test_per_message_delay(self):
        _, url = self.new_fifo("delay", {"ContentBasedDeduplication": "true"})
        self.assert_error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                          MessageGroupId="g", DelaySeconds=5)
        self.assertEqual(self.counters(url), (0, 0, 0))
        self.send(url, "zero delay is fine", "g", DelaySeconds=0)
        self.assertEqual(self.counters(url), (1, 0, 0))

    def test_dedupe_id_on_standard_queue(self):
        _, url = self.new_queue("std-dedupe")
        self.assert_error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                          MessageDeduplicationId="d")
        self.assertEqual(self.counters(url), (0, 0, 0))

    def test_group_id_on_standard_queue_is_accepted(self):
        _, url = self.new_queue("std-group")
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="fair", MessageGroupId="tenant-7")
        self.assertNotIn("SequenceNumber", sent)
        m = self.receive_one(url, AttributeNames=["All"])
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Attributes"].get("MessageGroupId"), "tenant-7")


# -------------------------------------------------------------------- attributes


class FifoAttributesTest(FifoTestCase):
    def test_get_all_includes_fifo_attributes(self):
        name, url = self.new_fifo("attrs", {"ContentBasedDeduplication": "true",
                                            "DeduplicationScope": "messageGroup",
                                            "FifoThroughputLimit": "perMessageGroupId"})
        got = self.attributes(url)
        self.assertEqual(got.get("FifoQueue"), "true")
        self.assertEqual(got.get("ContentBasedDeduplication"), "true")
        self.assertEqual(got.get("DeduplicationScope"), "messageGroup")
        self.assertEqual(got.get("FifoThroughputLimit"), "perMessageGroupId")
        self.assertEqual(got["QueueArn"], arn_of(name))

    def test_per_message_group_throughput_needs_message_group_scope(self):
        # Spec section 4: FifoThroughputLimit=perMessageGroupId needs
        # DeduplicationScope=messageGroup (AWS's SetQueueAttributes reference: "allowed
        # only when the value for DeduplicationScope is messageGroup"). spoold refuses the
        # pair when both come in one request; the scope may also be the default or come
        # from an earlier request, and then the queue must not end up in that state either.
        self.assert_error("InvalidAttributeValue", self.sqs.create_queue, QueueName=base.unique("tput2")[:75] + ".fifo",
                          Attributes={"FifoQueue": "true", "DeduplicationScope": "queue",
                                      "FifoThroughputLimit": "perMessageGroupId"})
        self.assert_error("InvalidAttributeValue", self.sqs.create_queue, QueueName=base.unique("tput1")[:75] + ".fifo",
                          Attributes={"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"})
        _, url = self.new_fifo("tput-set")
        self.assert_error("InvalidAttributeValue", self.sqs.set_queue_attributes, QueueUrl=url,
                          Attributes={"FifoThroughputLimit": "perMessageGroupId"})
        self.assertEqual(self.attributes(url, "DeduplicationScope", "FifoThroughputLimit"),
                         {"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"})

    def test_set_content_based_deduplication(self):
        _, url = self.new_fifo("setcbd")
        self.assertEqual(self.attributes(url, "ContentBasedDeduplication"), {"ContentBasedDeduplication": "false"})
        self.assert_error("InvalidParameterValue", self.sqs.send_message, QueueUrl=url, MessageBody="x",
                          MessageGroupId="g")
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"ContentBasedDeduplication": "true"})
        self.assertEqual(self.attributes(url, "ContentBasedDeduplication"), {"ContentBasedDeduplication": "true"})
        self.send(url, "x", "g")
        self.assertEqual(self.counters(url), (1, 0, 0))


# ----------------------------------------------------------------------- redrive


class DeadLetterTest(FifoTestCase):
    ATTRS = {"k": {"DataType": "String", "StringValue": "v"},
             "n": {"DataType": "Number", "StringValue": "42"}}

    def wait_in_dlq(self, dlq_url, n):
        """Receives n messages from the DLQ, polling for at most ~5 s."""
        return self.receive_n(dlq_url, n, deadline_s=5, VisibilityTimeout=600, AttributeNames=["All"],
                              MessageAttributeNames=["All"])

    def test_standard_message_moves_to_dlq(self):
        dlq_name, dlq_url = self.new_queue("dlq")
        src_name, src_url = self.new_queue("src")
        self.set_redrive(src_url, dlq_name, 1)
        sent = self.sqs.send_message(QueueUrl=src_url, MessageBody="poison", MessageAttributes=self.ATTRS)
        first = self.drive_to_dlq(src_url, 1)[0]
        self.assertEqual(first["Attributes"]["ApproximateReceiveCount"], "1")
        m = self.wait_in_dlq(dlq_url, 1)[0]
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Body"], "poison")
        self.assertEqual(m.get("MessageAttributes"), self.ATTRS)
        self.assertEqual(m["MD5OfMessageAttributes"], sent["MD5OfMessageAttributes"])
        a = m["Attributes"]
        self.assertEqual(a.get("DeadLetterQueueSourceArn"), arn_of(src_name))
        self.assertEqual(a["ApproximateReceiveCount"], "1", "the receive count restarts in the DLQ")
        self.assertEqual(a["SentTimestamp"], first["Attributes"]["SentTimestamp"])
        self.assertEqual(self.counters(src_url), (0, 0, 0))

    def test_max_receive_count_two(self):
        dlq_name, dlq_url = self.new_queue("dlq2")
        _, src_url = self.new_queue("src2")
        self.set_redrive(src_url, dlq_name, 2)
        self.sqs.send_message(QueueUrl=src_url, MessageBody="twice")
        for expected in ("1", "2"):
            m = self.receive_one(src_url, VisibilityTimeout=0, AttributeNames=["All"])
            self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], expected)
        self.assertEqual(self.receive(src_url, visibility=0), [])
        self.assertEqual(self.wait_in_dlq(dlq_url, 1)[0]["Body"], "twice")

    def test_fifo_message_moves_to_fifo_dlq(self):
        dlq_name, dlq_url = self.new_fifo("fdlq")
        src_name, src_url = self.new_fifo("fsrc")
        self.set_redrive(src_url, dlq_name, 1)
        sent = self.send(src_url, "fifo poison", "grp", "dd-1", MessageAttributes=self.ATTRS)
        self.drive_to_dlq(src_url, 1)
        m = self.wait_in_dlq(dlq_url, 1)[0]
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Body"], "fifo poison")
        self.assertEqual(m.get("MessageAttributes"), self.ATTRS)
        a = m["Attributes"]
        self.assertEqual(a.get("DeadLetterQueueSourceArn"), arn_of(src_name))
        self.assertEqual(a["MessageGroupId"], "grp")
        self.assertEqual(a["MessageDeduplicationId"], "dd-1")
        self.assertEqual(a["ApproximateReceiveCount"], "1")
        self.assertRegex(a["SequenceNumber"], SEQUENCE_RE)
        self.assertEqual(self.counters(src_url), (0, 0, 0))

    def test_fifo_group_continues_after_its_head_is_dead_lettered(self):
        dlq_name, dlq_url = self.new_fifo("fdlq-head")
        _, src_url = self.new_fifo("fsrc-head", {"ContentBasedDeduplication": "true"})
        self.set_redrive(src_url, dlq_name, 1)
        for body in ("head", "next", "last"):
            self.send(src_url, body, "g")
        self.assertEqual([m["Body"] for m in self.receive(src_url, max_n=1, visibility=0)], ["head"])
        # The head's second receive would exceed maxReceiveCount: it moves, and the group
        # carries on with the next message, in order.
        rest = []
        deadline = time.monotonic() + 5
        while len(rest) < 2 and time.monotonic() < deadline:
            batch = self.receive(src_url, max_n=10, wait=1)
            rest.extend(batch)
            for m in batch:
                self.sqs.delete_message(QueueUrl=src_url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual([m["Body"] for m in rest], ["next", "last"])
        self.assertEqual([m["Body"] for m in self.wait_in_dlq(dlq_url, 1)], ["head"])

    def test_redrive_allow_policy_deny_all(self):
        dlq_name, dlq_url = self.new_queue("deny")
        allow = {"redrivePermission": "denyAll"}
        self.sqs.set_queue_attributes(QueueUrl=dlq_url, Attributes={"RedriveAllowPolicy": json.dumps(allow)})
        self.assertEqual(json.loads(self.attributes(dlq_url, "RedriveAllowPolicy")["RedriveAllowPolicy"]), allow)
        _, src_url = self.new_queue("deny-src")
        policy = json.dumps({"deadLetterTargetArn": arn_of(dlq_name), "maxReceiveCount": 3})
        self.assert_error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=src_url,
                          Attributes={"RedrivePolicy": policy})
        self.assertNotIn("RedrivePolicy", self.attributes(src_url))
        self.assert_error("InvalidParameterValue", self.sqs.create_queue, QueueName=base.unique("deny-create"),
                          Attributes={"RedrivePolicy": policy})

    def test_redrive_allow_policy_by_queue(self):
        allowed_name, allowed_url = self.new_queue("byq-ok")
        refused_name, refused_url = self.new_queue("byq-no")
        dlq_name, dlq_url = self.new_queue("byq-dlq")
        allow = {"redrivePermission": "byQueue", "sourceQueueArns": [arn_of(allowed_name)]}
        self.sqs.set_queue_attributes(QueueUrl=dlq_url, Attributes={"RedriveAllowPolicy": json.dumps(allow)})
        self.set_redrive(allowed_url, dlq_name, 5)
        self.assertEqual(json.loads(self.attributes(allowed_url, "RedrivePolicy")["RedrivePolicy"]),
                         {"deadLetterTargetArn": arn_of(dlq_name), "maxReceiveCount": 5})
        self.assert_error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=refused_url,
                          Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(dlq_name),
                                                                   "maxReceiveCount": 5})})
        self.assertNotIn("RedrivePolicy", self.attributes(refused_url))

    def test_queue_cannot_be_its_own_dlq(self):
        name, url = self.new_queue("self")
        self.assert_error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=url,
                          Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(name),
                                                                   "maxReceiveCount": 1})})

    def test_queue_types_must_match(self):
        std_name, _ = self.new_queue("std-dlq")
        fifo_dlq_name, _ = self.new_fifo("fifo-dlq")
        _, fifo_src = self.new_fifo("fifo-src")
        _, std_src = self.new_queue("std-src")
        for src, dlq in ((fifo_src, std_name), (std_src, fifo_dlq_name)):
            self.assert_error("InvalidParameterValue", self.sqs.set_queue_attributes, QueueUrl=src,
                              Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(dlq),
                                                                       "maxReceiveCount": 2})})
            self.assertNotIn("RedrivePolicy", self.attributes(src))

    def test_list_dead_letter_source_queues(self):
        dlq_name, dlq_url = self.new_queue("lsrc-dlq")
        sources = []
        for label in ("lsrc-a", "lsrc-b"):
            name, url = self.new_queue(label)
            self.set_redrive(url, dlq_name, 3)
            sources.append(url)
        self.new_queue("lsrc-unrelated")
        got = self.sqs.list_dead_letter_source_queues(QueueUrl=dlq_url)
        self.assertEqual(sorted(got["queueUrls"]), sorted(sources))
        self.assertNotIn("NextToken", got)
        pages = []
        kwargs = {"QueueUrl": dlq_url, "MaxResults": 1}
        for _ in range(5):
            page = self.sqs.list_dead_letter_source_queues(**kwargs)
            pages.append(page.get("queueUrls", []))
            if "NextToken" not in page:
                break
            kwargs["NextToken"] = page["NextToken"]
        self.assertEqual([len(p) for p in pages], [1, 1], pages)
        self.assertEqual(sorted(u for p in pages for u in p), sorted(sources))
        # A queue nobody uses as a DLQ lists nothing.
        _, lonely = self.new_queue("lsrc-none")
        self.assertEqual(self.sqs.list_dead_letter_source_queues(QueueUrl=lonely).get("queueUrls", []), [])
        self.assert_error("AWS.SimpleQueueService.NonExistentQueue", self.sqs.list_dead_letter_source_queues,
                          QueueUrl=self.url_of(base.unique("nodlq")))


# ----------------------------------------------------------------------- metrics


class FifoMetricsTest(FifoTestCase):
    def sample(self, samples, metric, **labels):
        return samples.get((metric, frozenset(labels.items())))

    def assert_metric(self, metric, value, deadline_s=3.0, **labels):
        """Polls /metrics (bounded) until the series has `value`, then asserts it."""
        deadline = time.monotonic() + deadline_s
        while True:
            got = self.sample(base.scrape(), metric, **labels)
            if got == value or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(got, value, "%s%s" % (metric, labels))

    def test_deduplicated_and_dead_lettered_counters(self):
        name, url = self.new_fifo("mdedupe")
        for _ in range(3):
            self.send(url, "same", "g", "one-id")
        self.send(url, "different", "g", "two-id")
        self.assert_metric("spool_queue_messages_deduplicated_total", 2.0, account=ACCOUNT, queue=name)
        self.assert_metric("spool_queue_messages_sent_total", 2.0, account=ACCOUNT, queue=name)

        dlq_name, dlq_url = self.new_queue("mdlq")
        src_name, src_url = self.new_queue("msrc")
        self.set_redrive(src_url, dlq_name, 1)
        self.sqs.send_message_batch(QueueUrl=src_url, Entries=[{"Id": str(i), "MessageBody": "p%d" % i}
                                                               for i in range(3)])
        self.drive_to_dlq(src_url, 3)
        self.receive_n(dlq_url, 3, deadline_s=5, VisibilityTimeout=600)
        self.assert_metric("spool_queue_messages_dead_lettered_total", 3.0, account=ACCOUNT, queue=src_name,
                           dead_letter_queue=dlq_name)
        self.assert_metric("spool_queue_messages_sent_total", 3.0, account=ACCOUNT, queue=src_name)

    def test_groups_in_flight_gauge(self):
        name, url = self.new_fifo("mgroups", {"ContentBasedDeduplication": "true"})
        for g in ("a", "b", "c"):
            self.send(url, "m-" + g, g)
        got = self.receive(url, max_n=2)
        self.assertEqual(len(got), 2)
        # Gauges are refreshed every second: poll, bounded.
        self.assert_metric("spool_queue_fifo_groups_in_flight", 2.0, deadline_s=5, account=ACCOUNT, queue=name)
        for m in got:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assert_metric("spool_queue_fifo_groups_in_flight", 0.0, deadline_s=5, account=ACCOUNT, queue=name)


# -------------------------------------------------------------------- move tasks


class QueryCall:
    """A hand-signed AWS Query request, for actions botocore 1.29's model lacks (the move
    tasks, added to SQS in June 2023). Returns the <...Result> element's children as a
    dict of text (repeated names become lists) or raises ClientError built from the
    <Error> element, so cases read the same under both protocols."""

    def __init__(self):
        self.credentials = Credentials(base.ACCESS_KEY, base.SECRET_KEY)

    def __call__(self, action, list_members=(), **params):
        form = {"Action": action, "Version": "2012-11-05"}
        form.update({k: str(v) for k, v in params.items()})
        body = urllib.parse.urlencode(form)
        request = AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(self.credentials, "sqs", REGION).add_auth(request)
        prepared = urllib.request.Request(ENDPOINT + "/", data=body.encode(), method="POST",
                                          headers=dict(request.headers.items()))
        try:
            with urllib.request.urlopen(prepared, timeout=30) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        root = ET.fromstring(text)
        strip = lambda tag: tag.split("}", 1)[-1]  # noqa: E731
        if strip(root.tag) == "ErrorResponse":
            err = {strip(c.tag): (c.text or "") for c in root.iter() if strip(c.tag) in ("Code", "Message", "Type")}
            raise ClientError({"Error": err, "ResponseMetadata": {"HTTPStatusCode": status}}, action)
        result = next(c for c in root if strip(c.tag) == action + "Result")
        return self.to_dict(result, strip, list_members)

    def to_dict(self, element, strip, list_members):
        out = {}
        for child in element:
            name = strip(child.tag)
            value = self.to_dict(child, strip, list_members) if len(child) else (child.text or "")
            if name in list_members:
                out.setdefault(name, []).append(value)
            else:
                out[name] = value
        return out


class MoveTaskClient:
    """StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask through boto3
    (JSON) or QueryCall (Query), with boto3's output shapes (numbers as ints)."""

    NUMBERS = ("MaxNumberOfMessagesPerSecond", "ApproximateNumberOfMessagesMoved",
               "ApproximateNumberOfMessagesToMove", "StartedTimestamp")

    def __init__(self, sqs):
        self.sqs = sqs
        self.query = None if hasattr(sqs, "start_message_move_task") else QueryCall()

    def start_message_move_task(self, **kwargs):
        if self.query is None:
            return self.sqs.start_message_move_task(**kwargs)
        return self.query("StartMessageMoveTask", **kwargs)

    def list_message_move_tasks(self, **kwargs):
        if self.query is None:
            return self.sqs.list_message_move_tasks(**kwargs)
        # The list is flattened; its element name under Query is a guess (the JSON-era model
        # names none): the member's name, its singular, or the entry shape's name.
        names = ("Results", "Result", "ListMessageMoveTasksResultEntry")
        r = self.query("ListMessageMoveTasks", list_members=names, **kwargs)
        return {"Results": [self.numbers(e) for n in names for e in r.get(n, [])]}

    def cancel_message_move_task(self, **kwargs):
        if self.query is None:
            return self.sqs.cancel_message_move_task(**kwargs)
        return self.numbers(self.query("CancelMessageMoveTask", **kwargs))

    def numbers(self, entry):
        return {k: int(v) if k in self.NUMBERS else v for k, v in entry.items()}


@unittest.skipUnless(MOVE_TASKS, "SPOOL_MOVE_TASKS=0")
class MessageMoveTaskTest(FifoTestCase):
    """AWS's API reference (StartMessageMoveTask, ListMessageMoveTasks,
    ListMessageMoveTasksResultEntry, CancelMessageMoveTask) is the source; where it is
    silent the case says so."""

    def setUp(self):
        self.tasks = MoveTaskClient(self.sqs)

    def dlq_with_messages(self, label, bodies, sources=1):
        """A DLQ holding `bodies`, moved there from `sources` source queues (round-robin).
        Returns (dlq name, dlq url, [(source name, url)], {body: source name})."""
        dlq_name, dlq_url = self.new_queue(label + "-dlq")
        srcs = []
        for i in range(sources):
            name, url = self.new_queue("%s-src%d" % (label, i))
            self.set_redrive(url, dlq_name, 1)
            srcs.append((name, url))
        origin = {}
        for i, body in enumerate(bodies):
            name, url = srcs[i % sources]
            self.sqs.send_message(QueueUrl=url, MessageBody=body)
            origin[body] = name
        for name, url in srcs:
            n = sum(1 for b in bodies if origin[b] == name)
            if n:
                self.drive_to_dlq(url, n)
        wait_for(lambda: self.counters(dlq_url)[0] == len(bodies), "%d messages in the DLQ" % len(bodies))
        return dlq_name, dlq_url, srcs, origin

    def latest_task(self, dlq_name):
        results = self.tasks.list_message_move_tasks(SourceArn=arn_of(dlq_name), MaxResults=1)["Results"]
        self.assertEqual(len(results), 1, results)
        return results[0]

    def wait_status(self, dlq_name, statuses, deadline_s=10):
        return wait_for(lambda: (lambda t: t if t["Status"] in statuses else None)(self.latest_task(dlq_name)),
                        "move task status in %s" % (statuses,), deadline_s=deadline_s, interval_s=0.2)

    def test_move_back_to_original_sources(self):
        bodies = ["b0", "b1", "b2", "b3"]
        dlq_name, dlq_url, srcs, origin = self.dlq_with_messages("mv-orig", bodies, sources=2)
        before_ms = int(time.time() * 1000)
        handle = self.tasks.start_message_move_task(SourceArn=arn_of(dlq_name))["TaskHandle"]
        self.assertTrue(handle)
        task = self.wait_status(dlq_name, ("COMPLETED",))
        after_ms = int(time.time() * 1000)
        self.assertEqual(task["SourceArn"], arn_of(dlq_name))
        self.assertNotIn("DestinationArn", task, "no DestinationArn given: NULL in the result entry")
        self.assertNotIn("MaxNumberOfMessagesPerSecond", task, "no rate given: NULL in the result entry")
        self.assertNotIn("TaskHandle", task, "TaskHandle is only listed for RUNNING tasks")
        self.assertNotIn("FailureReason", task)
        self.assertEqual(task["ApproximateNumberOfMessagesMoved"], 4)
        self.assertEqual(task["ApproximateNumberOfMessagesToMove"], 4)
        # Epoch milliseconds: a guess from the other SQS timestamps; the reference says "Long".
        self.assertTrue(before_ms - 2000 <= task["StartedTimestamp"] <= after_ms + 2000, task["StartedTimestamp"])
        for name, url in srcs:
            want = sorted(b for b in bodies if origin[b] == name)
            got = self.receive_n(url, len(want), deadline_s=5, VisibilityTimeout=600)
            self.assertEqual(sorted(m["Body"] for m in got), want, "messages back in %s" % name)
        self.assertEqual(self.counters(dlq_url), (0, 0, 0))

    def test_move_to_explicit_destination(self):
        dlq_name, dlq_url, srcs, _ = self.dlq_with_messages("mv-dest", ["d0", "d1", "d2"])
        dest_name, dest_url = self.new_queue("mv-dest-target")
        r = self.tasks.start_message_move_task(SourceArn=arn_of(dlq_name), DestinationArn=arn_of(dest_name),
                                               MaxNumberOfMessagesPerSecond=100)
        self.assertTrue(r["TaskHandle"])
        task = self.wait_status(dlq_name, ("COMPLETED",))
        self.assertEqual(task["DestinationArn"], arn_of(dest_name))
        self.assertEqual(task["MaxNumberOfMessagesPerSecond"], 100)
        self.assertEqual(task["ApproximateNumberOfMessagesMoved"], 3)
        got = self.receive_n(dest_url, 3, deadline_s=5, VisibilityTimeout=600)
        self.assertEqual(sorted(m["Body"] for m in got), ["d0", "d1", "d2"])
        self.assertEqual(self.counters(srcs[0][1]), (0, 0, 0), "nothing went back to the original source")
        self.assertEqual(self.counters(dlq_url), (0, 0, 0))

    def test_running_task_listed_then_cancelled(self):
        bodies = ["c%d" % i for i in range(6)]
        dlq_name, dlq_url, _, _ = self.dlq_with_messages("mv-cancel", bodies)
        dest_name, dest_url = self.new_queue("mv-cancel-target")
        # One message per second: six seconds of work, time enough to see it RUNNING.
        handle = self.tasks.start_message_move_task(SourceArn=arn_of(dlq_name), DestinationArn=arn_of(dest_name),
                                                    MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
        running = self.latest_task(dlq_name)
        self.assertEqual(running["Status"], "RUNNING")
        self.assertEqual(running["TaskHandle"], handle)
        self.assertEqual(running["ApproximateNumberOfMessagesToMove"], 6)
        self.assertEqual(running["MaxNumberOfMessagesPerSecond"], 1)
        # One active task per source. The reference names no error; InvalidParameterValue
        # is a guess (what emulators that checked against AWS report).
        self.assert_error("InvalidParameterValue", self.tasks.start_message_move_task,
                          SourceArn=arn_of(dlq_name), DestinationArn=arn_of(dest_name))
        moved = self.tasks.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
        self.assertTrue(0 <= moved < 6, moved)
        done = self.wait_status(dlq_name, ("CANCELLED",))
        self.assertNotIn("TaskHandle", done)
        self.assertLess(done["ApproximateNumberOfMessagesMoved"], 6)
        # Moved and remaining add up: nothing lost, nothing doubled.
        in_dest = self.counters(dest_url)[0]
        in_dlq = self.counters(dlq_url)[0]
        self.assertEqual((in_dest + in_dlq, in_dest), (6, done["ApproximateNumberOfMessagesMoved"]))

    def test_errors(self):
        plain_name, _ = self.new_queue("mv-plain")
        # A source nobody uses as a dead-letter queue. The reference says only DLQs are
        # accepted; the error code is a guess (InvalidParameterValue, as emulators checked
        # against AWS answer).
        self.assert_error("InvalidParameterValue", self.tasks.start_message_move_task, SourceArn=arn_of(plain_name))
        dlq_name, _, _, _ = self.dlq_with_messages("mv-err", ["e0"])
        for rate in (0, 501):
            self.assert_error("InvalidParameterValue", self.tasks.start_message_move_task,
                              SourceArn=arn_of(dlq_name), MaxNumberOfMessagesPerSecond=rate)
        # Documented error of StartMessageMoveTask for a resource that does not exist.
        self.assert_error("ResourceNotFoundException", self.tasks.start_message_move_task,
                          SourceArn=arn_of(base.unique("mv-nosuch")))
        self.assert_error("ResourceNotFoundException", self.tasks.cancel_message_move_task,
                          TaskHandle="bm8tc3VjaC10YXNr")
        self.assertEqual(self.tasks.list_message_move_tasks(SourceArn=arn_of(dlq_name)).get("Results", []), [],
                         "no task was started by the refused requests")


def main():
    return base.run_module(sys.modules[__name__], ", move tasks %s" % ("on" if MOVE_TASKS else "off"))


if __name__ == "__main__":
    sys.exit(main())
