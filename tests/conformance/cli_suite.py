"""Conformance suite: the AWS CLI (`aws sqs ...`) against a running spoold.

Standard library only; runs the CLI as a subprocess with --endpoint-url, --region and
--output json, credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.

Environment (set by run.py): SPOOL_AWS_CLI (the `aws` binary), SPOOL_ENDPOINT,
SPOOL_REGION, SPOOL_ACCOUNT_ID, SPOOL_ACCESS_KEY_ID, SPOOL_SECRET_ACCESS_KEY.
The last line printed is `SUITE-RESULT passed=N failed=M skipped=K` for run.py.
"""

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import unittest

AWS = os.environ.get("SPOOL_AWS_CLI") or shutil.which("aws") or "aws"
ENDPOINT = os.environ.get("SPOOL_ENDPOINT", "http://127.0.0.1:9324").rstrip("/")
REGION = os.environ.get("SPOOL_REGION", "us-east-1")
ACCOUNT = os.environ.get("SPOOL_ACCOUNT_ID", "000000000000")
ACCESS_KEY = os.environ.get("SPOOL_ACCESS_KEY_ID", "test")
SECRET_KEY = os.environ.get("SPOOL_SECRET_ACCESS_KEY", "test")
RUN = "cli%s" % secrets.token_hex(4)
_counter = [0]


def unique(label):
    _counter[0] += 1
    return "%s-%d-%s" % (RUN, _counter[0], label)


def cli_env():
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_PAGER": "",
                "AWS_EC2_METADATA_DISABLED": "true"})
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"):
        env.pop(k, None)
    return env


class CliResult:
    def __init__(self, code, stdout, stderr):
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def json(self):
        return json.loads(self.stdout) if self.stdout.strip() else {}


def aws(*args, timeout=60):
    cmd = [AWS, "sqs", *args, "--endpoint-url", ENDPOINT, "--region", REGION, "--output", "json"]
    p = subprocess.run(cmd, env=cli_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return CliResult(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


class CliCase(unittest.TestCase):
    """Helpers only; the cases live in the subclasses."""

    def ok(self, *args, timeout=60):
        r = aws(*args, timeout=timeout)
        self.assertEqual(r.code, 0, "aws sqs %s failed (exit %d): %s" % (" ".join(args), r.code, r.stderr))
        return r.json()

    def new_queue(self, label, *extra):
        name = unique(label)
        url = self.ok("create-queue", "--queue-name", name, *extra)["QueueUrl"]
        self.addCleanup(aws, "delete-queue", "--queue-url", url)
        return name, url


class CliTest(CliCase):
    def test_create_and_list_queues(self):
        name, url = self.new_queue("q", "--attributes", "VisibilityTimeout=45,DelaySeconds=1")
        self.assertEqual(url, "%s/%s/%s" % (ENDPOINT, ACCOUNT, name))
        self.assertEqual(self.ok("get-queue-url", "--queue-name", name)["QueueUrl"], url)
        listed = self.ok("list-queues", "--queue-name-prefix", name)
        self.assertEqual(listed.get("QueueUrls"), [url])

    def test_get_queue_attributes(self):
        name, url = self.new_queue("attrs", "--attributes", "VisibilityTimeout=45")
        got = self.ok("get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
        self.assertEqual(got["VisibilityTimeout"], "45")
        self.assertEqual(got["DelaySeconds"], "0")
        self.assertEqual(got["QueueArn"], "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, name))
        self.assertEqual(got["ApproximateNumberOfMessages"], "0")
        one = self.ok("get-queue-attributes", "--queue-url", url, "--attribute-names", "VisibilityTimeout")
        self.assertEqual(one, {"Attributes": {"VisibilityTimeout": "45"}})

    def test_send_receive_delete(self):
        _, url = self.new_queue("msg")
        body = "hello from the cli \u00e9"
        sent = self.ok("send-message", "--queue-url", url, "--message-body", body, "--message-attributes",
                       json.dumps({"k": {"DataType": "String", "StringValue": "v"}}))
        self.assertEqual(sent["MD5OfMessageBody"], hashlib.md5(body.encode("utf-8")).hexdigest())
        # k, String, transport 1, v -- spec section 5.
        expected_attr_md5 = hashlib.md5(b"\x00\x00\x00\x01k\x00\x00\x00\x06String\x01\x00\x00\x00\x01v").hexdigest()
        self.assertEqual(sent["MD5OfMessageAttributes"], expected_attr_md5)
        messages = []
        deadline = time.monotonic() + 15
        while not messages and time.monotonic() < deadline:
            messages = self.ok("receive-message", "--queue-url", url, "--wait-time-seconds", "1",
                               "--attribute-names", "All", "--message-attribute-names", "All").get("Messages", [])
        self.assertEqual(len(messages), 1)
        m = messages[0]
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Body"], body)
        self.assertEqual(m["MessageAttributes"], {"k": {"DataType": "String", "StringValue": "v"}})
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertEqual(self.ok("delete-message", "--queue-url", url, "--receipt-handle", m["ReceiptHandle"]), {})
        got = self.ok("get-queue-attributes", "--queue-url", url, "--attribute-names",
                      "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")["Attributes"]
        self.assertEqual(got, {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"})

    def test_error_nonexistent_queue(self):
        r = aws("get-queue-url", "--queue-name", unique("missing"))
        # AWS CLI v1 exits 255 on a service error, v2 254.
        self.assertIn(r.code, (254, 255), "exit code %d, stderr: %s" % (r.code, r.stderr))
        self.assertIn("AWS.SimpleQueueService.NonExistentQueue", r.stderr)
        self.assertIn("GetQueueUrl", r.stderr)
        self.assertEqual(r.stdout.strip(), "")

    def test_error_invalid_attribute_value(self):
        _, url = self.new_queue("bad")
        r = aws("set-queue-attributes", "--queue-url", url, "--attributes", "VisibilityTimeout=43201")
        self.assertIn(r.code, (254, 255), "exit code %d, stderr: %s" % (r.code, r.stderr))
        self.assertIn("InvalidAttributeValue", r.stderr)


class FifoCliTest(CliCase):
    """FIFO queues, deduplication and dead-letter sources through the CLI (spec sections 7, 8)."""

    def new_fifo(self, label, attributes):
        name = unique(label)[:75] + ".fifo"
        url = self.ok("create-queue", "--queue-name", name, "--attributes", json.dumps(attributes))["QueueUrl"]
        self.addCleanup(aws, "delete-queue", "--queue-url", url)
        return name, url

    def test_fifo_create_send_dedupe_receive(self):
        name, url = self.new_fifo("fifo", {"FifoQueue": "true", "DeduplicationScope": "queue"})
        self.assertEqual(url, "%s/%s/%s" % (ENDPOINT, ACCOUNT, name))
        got = self.ok("get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
        self.assertEqual({k: got.get(k) for k in ("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope",
                                                   "FifoThroughputLimit")},
                         {"FifoQueue": "true", "ContentBasedDeduplication": "false", "DeduplicationScope": "queue",
                          "FifoThroughputLimit": "perQueue"})
        first = self.ok("send-message", "--queue-url", url, "--message-body", "one", "--message-group-id", "g1",
                        "--message-deduplication-id", "d1")
        self.assertRegex(first["SequenceNumber"], r"^[0-9]{20}$")
        dup = self.ok("send-message", "--queue-url", url, "--message-body", "one again", "--message-group-id", "g1",
                      "--message-deduplication-id", "d1")
        self.assertEqual((dup["MessageId"], dup["SequenceNumber"]), (first["MessageId"], first["SequenceNumber"]))
        second = self.ok("send-message", "--queue-url", url, "--message-body", "two", "--message-group-id", "g1",
                         "--message-deduplication-id", "d2")
        self.assertGreater(int(second["SequenceNumber"]), int(first["SequenceNumber"]))
        messages = self.ok("receive-message", "--queue-url", url, "--max-number-of-messages", "10",
                           "--visibility-timeout", "600", "--wait-time-seconds", "1",
                           "--attribute-names", "All").get("Messages", [])
        self.assertEqual([m["Body"] for m in messages], ["one", "two"])
        self.assertEqual([(m["Attributes"]["MessageGroupId"], m["Attributes"]["MessageDeduplicationId"],
                           m["Attributes"]["SequenceNumber"]) for m in messages],
                         [("g1", "d1", first["SequenceNumber"]), ("g1", "d2", second["SequenceNumber"])])
        self.assertEqual([m["MessageId"] for m in messages], [first["MessageId"], second["MessageId"]])
        r = aws("send-message", "--queue-url", url, "--message-body", "x", "--message-deduplication-id", "d3")
        self.assertIn(r.code, (254, 255), "exit code %d, stderr: %s" % (r.code, r.stderr))
        self.assertIn("MissingParameter", r.stderr)
        self.assertIn("The request must contain the parameter MessageGroupId.", r.stderr)

    def test_list_dead_letter_source_queues(self):
        dlq_name, dlq_url = self.new_queue("dlq")
        policy = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, dlq_name),
                             "maxReceiveCount": 3})
        sources = []
        for label in ("src-a", "src-b"):
            _, url = self.new_queue(label, "--attributes", json.dumps({"RedrivePolicy": policy}))
            sources.append(url)
        # --page-size 1: the CLI sends MaxResults=1 and follows NextToken itself.
        listed = self.ok("list-dead-letter-source-queues", "--queue-url", dlq_url, "--page-size", "1")
        self.assertEqual(sorted(listed["queueUrls"]), sorted(sources))
        self.assertNotIn("NextToken", listed)
        # --max-results (the API parameter) turns the CLI's paging off: one page at a time.
        first = self.ok("list-dead-letter-source-queues", "--queue-url", dlq_url, "--max-results", "1")
        self.assertEqual(len(first["queueUrls"]), 1, first)
        self.assertTrue(first.get("NextToken"), first)
        second = self.ok("list-dead-letter-source-queues", "--queue-url", dlq_url, "--max-results", "1",
                         "--next-token", first["NextToken"])
        self.assertEqual(sorted(first["queueUrls"] + second["queueUrls"]), sorted(sources))
        self.assertNotIn("NextToken", second)


def main():
    version = subprocess.run([AWS, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=60, env=cli_env()).stdout.decode().strip()
    print("aws cli: %s (%s); endpoint %s; queue prefix %s" % (version, AWS, ENDPOINT, RUN))
    sys.stdout.flush()
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped - len(result.expectedFailures)
    print("SUITE-RESULT passed=%d failed=%d skipped=%d" % (passed, failed, skipped))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
