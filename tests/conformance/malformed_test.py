#!/usr/bin/env python3
"""Malformed SQS requests get well-formed SQS errors, and spoold stays up.

Requests are mutations of valid ones for every kind of action: values of the wrong type,
out of range, too long, with bytes that are not UTF-8 or not allowed in XML; members
dropped, renamed or added; byte-level damage to the body; Query parameters with broken
indices. Each is correctly signed, so it reaches the codecs and the handlers rather than
stopping at SigV4. The random generator is seeded, so a run is repeatable.

Every answer must be one a client can read:
  - never a 5xx;
  - JSON protocol: a JSON document, with `__type` when it is an error;
  - Query protocol: an XML document, with an <Error><Code> when it is an error
    (error messages quote the offending input, so they must survive any bytes).
Raw HTTP garbage (unsigned) must get the HTTP status that names the damage. Afterwards
spoold still answers and stops cleanly on SIGTERM (run_suite checks that).

Usage: malformed_test.py --spoold PATH [--keep]
Last line: `N passed, M failed`. Exit 0 when all passed.
"""

import errno
import http.client
import json
import os
import random
import socket
import sys
import urllib.parse
import xml.dom.minidom

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spoold_process import run_suite  # noqa: E402

ACCOUNT = "000000000000"
REQUESTS_PER_PROTOCOL = 2500


def eq(got, want, what):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))


class Client:
    def __init__(self, endpoint):
        parsed = urllib.parse.urlparse(endpoint)
        self.endpoint, self.host, self.port = endpoint, parsed.hostname, parsed.port
        self.credentials = Credentials("test", "test")

    def post(self, path, body, headers):
        request = AWSRequest(method="POST", url=self.endpoint + path, data=body, headers=headers)
        SigV4Auth(self.credentials, "sqs", "us-east-1").add_auth(request)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request("POST", path, body=body, headers=dict(request.headers.items()))
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read()
        finally:
            conn.close()

    def json(self, action, body):
        return self.post("/", body, {"X-Amz-Target": "AmazonSQS." + action,
                                     "Content-Type": "application/x-amz-json-1.0"})

    def query(self, body, path="/"):
        return self.post(path, body, {"Content-Type": "application/x-www-form-urlencoded"})


def seeds(endpoint):
    """A valid request of every shape worth damaging: (action, JSON input)."""
    url = "%s/%s/mf" % (endpoint, ACCOUNT)
    fifo = url + ".fifo"
    handle = "AQEAAAAAAAAAAAAAAAAAAAABAAAABD9PMvGK-OKnscmj"
    arn = "arn:aws:sqs:us-east-1:%s:" % ACCOUNT
    return [
        ("SendMessage", {"QueueUrl": url, "MessageBody": "hello", "DelaySeconds": 0, "MessageAttributes": {
            "a": {"DataType": "String", "StringValue": "v"}, "n": {"DataType": "Number.int", "StringValue": "7"},
            "b": {"DataType": "Binary", "BinaryValue": "AAEC"}}}),
        ("SendMessage", {"QueueUrl": fifo, "MessageBody": "hello", "MessageGroupId": "g",
                         "MessageDeduplicationId": "d"}),
        ("SendMessageBatch", {"QueueUrl": url, "Entries": [
            {"Id": "a", "MessageBody": "x"},
            {"Id": "b", "MessageBody": "y", "DelaySeconds": 1, "MessageSystemAttributes": {
                "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}}}]}),
        ("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10, "VisibilityTimeout": 0, "WaitTimeSeconds": 0,
                            "AttributeNames": ["All"], "MessageAttributeNames": ["All"],
                            "MessageSystemAttributeNames": ["SenderId"], "ReceiveRequestAttemptId": "x"}),
        ("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": handle}),
        ("DeleteMessageBatch", {"QueueUrl": url, "Entries": [{"Id": "a", "ReceiptHandle": handle}]}),
        ("ChangeMessageVisibility", {"QueueUrl": url, "ReceiptHandle": handle, "VisibilityTimeout": 5}),
        ("ChangeMessageVisibilityBatch", {"QueueUrl": url, "Entries": [
            {"Id": "a", "ReceiptHandle": handle, "VisibilityTimeout": 5}]}),
        ("CreateQueue", {"QueueName": "mfq", "Attributes": {
            "VisibilityTimeout": "5", "Policy": "{}",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn + "mfdlq", "maxReceiveCount": 2})},
            "tags": {"k": "v"}}),
        ("SetQueueAttributes", {"QueueUrl": url, "Attributes": {"DelaySeconds": "0", "RedriveAllowPolicy": json.dumps(
            {"redrivePermission": "byQueue", "sourceQueueArns": [arn + "mfq"]})}}),
        ("GetQueueAttributes", {"QueueUrl": url, "AttributeNames": ["All"]}),
        ("GetQueueUrl", {"QueueName": "mf", "QueueOwnerAWSAccountId": ACCOUNT}),
        ("ListQueues", {"QueueNamePrefix": "mf", "MaxResults": 2}),
        ("TagQueue", {"QueueUrl": url, "Tags": {"a": "b"}}),
        ("UntagQueue", {"QueueUrl": url, "TagKeys": ["a"]}),
        ("ListQueueTags", {"QueueUrl": url}),
        ("AddPermission", {"QueueUrl": url, "Label": "l", "AWSAccountIds": ["111122223333"],
                           "Actions": ["SendMessage"]}),
        ("RemovePermission", {"QueueUrl": url, "Label": "l"}),
        ("ListDeadLetterSourceQueues", {"QueueUrl": url, "MaxResults": 3}),
        ("StartMessageMoveTask", {"SourceArn": arn + "mfdlq", "DestinationArn": arn + "mf",
                                  "MaxNumberOfMessagesPerSecond": 5}),
        ("ListMessageMoveTasks", {"SourceArn": arn + "mfdlq", "MaxResults": 5}),
        ("CancelMessageMoveTask", {"TaskHandle": "abc"}),
        ("PurgeQueue", {"QueueUrl": "%s/%s/mfdlq" % (endpoint, ACCOUNT)}),
    ]


# Replacement values: wrong types, edges of ranges, text no queue accepts.
ODD_VALUES = [
    None, True, False, 0, -1, 1.5, 1e308, 10 ** 30, -10 ** 30, "", "x" * 300, "\u0000", "\ud7ff\ue000",
    "\U0001F642" * 10, "\ufffe", [], [1], {}, {"a": None}, "1e3", "  7 ", "0x10", "NaN", "-0", "00012",
    [[[[[]]]]], {"DataType": "Number", "StringValue": "1e400"}, {"DataType": "Binary"},
    {"DataType": "String.x", "StringValue": ""}, {"DataType": "", "StringValue": "v"},
    "arn:aws:sqs:us-east-1:%s:" % ACCOUNT, "arn:aws:sqs::%s:mf" % ACCOUNT, "/%s/mf" % ACCOUNT, "AQEAAAAA", "A" * 5000,
]


def mutate(rnd, value):
    if rnd.random() < 0.35:
        return rnd.choice(ODD_VALUES)
    if isinstance(value, dict) and value:
        value = dict(value)
        key = rnd.choice(list(value))
        r = rnd.random()
        if r < 0.3:
            del value[key]
        elif r < 0.5:
            value[rnd.choice(["Unknown", "", "a" * 300, key.lower(), "__type"])] = rnd.choice(ODD_VALUES)
        else:
            value[key] = mutate(rnd, value[key])
        return value
    if isinstance(value, list) and value:
        if rnd.random() < 0.3:
            return value * rnd.choice([0, 2, 11, 100])
        value = list(value)
        i = rnd.randrange(len(value))
        value[i] = mutate(rnd, value[i])
        return value
    if isinstance(value, str):
        r = rnd.random()
        if r < 0.3:
            return value * rnd.choice([2, 50, 3000])
        if r < 0.6:
            return value[:rnd.randrange(len(value) + 1)]
        return value + rnd.choice(["\u0000", "\ufffe", "%", "&", "=", ".", "..", "\\", "\"", "\n", "<"])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return rnd.choice([value + 1, -value, value * 10 ** 6, str(value), float(value) + 0.5])
    return rnd.choice(ODD_VALUES)


def damage_bytes(rnd, data):
    data = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        if not data:
            break
        i = rnd.randrange(len(data))
        r = rnd.random()
        if r < 0.3:
            data[i] = rnd.randrange(256)
        elif r < 0.6:
            del data[i]
        elif r < 0.8:
            data[i:i] = bytes([rnd.choice(b'{}[]",:\\u0% ')])
        else:
            data = data[:i]
    return bytes(data)


LIST_MEMBER = {"AttributeNames": "AttributeName", "MessageAttributeNames": "MessageAttributeName",
               "MessageSystemAttributeNames": "MessageSystemAttributeName", "TagKeys": "TagKey",
               "AWSAccountIds": "AWSAccountId", "Actions": "ActionName"}
MAPS = {"Attributes": ("Attribute", "Name"), "MessageAttributes": ("MessageAttribute", "Name"),
        "MessageSystemAttributes": ("MessageSystemAttribute", "Name"), "Tags": ("Tag", "Key"),
        "tags": ("Tag", "Key")}


def query_params(action, value):
    """The Query form of a (possibly damaged) JSON input: lists as Name.N, maps as
    Name.N.Name/Key + Name.N.Value, batch entries as <Action>RequestEntry.N."""
    out = [("Action", action), ("Version", "2012-11-05")]

    def text(v):
        return v if isinstance(v, str) else ("" if v is None else json.dumps(v))

    def flat(prefix, v, member=None):
        if prefix in MAPS and isinstance(v, dict):
            name, key = MAPS[prefix]
            for i, (k, x) in enumerate(v.items(), 1):
                out.append(("%s.%d.%s" % (name, i, key), k))
                flat("%s.%d.Value" % (name, i), x)
        elif isinstance(v, dict):
            for k, x in v.items():
                flat("%s.%s" % (prefix, k) if prefix else k, x)
        elif isinstance(v, list):
            base = member or prefix
            for i, x in enumerate(v, 1):
                flat("%s.%d" % (base, i), x)
        else:
            out.append((prefix, text(v)))

    if isinstance(value, dict):
        for k, v in value.items():
            if k == "Entries":
                flat(k, v, action + "RequestEntry")
            else:
                flat(k, v, LIST_MEMBER.get(k))
    else:
        out.append(("Body", text(value)))
    return out


def problem_with(protocol, status, content_type, body):
    """Why the answer is not one an SQS client can read, or None."""
    if status >= 500:
        return "status %d" % status
    if protocol == "json" and content_type.startswith("application/x-amz-json"):
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            return "not JSON (%s)" % e
        if status >= 400 and "__type" not in doc:
            return "a JSON error without __type"
        return None
    try:
        doc = xml.dom.minidom.parseString(body)
    except Exception as e:  # noqa: BLE001 (expat raises its own error type)
        return "not XML (%s)" % e
    if status >= 400 and not doc.getElementsByTagName("Code"):
        return "an XML error without <Code>"
    return None


class Suite:
    def __init__(self, server):
        self.server = server
        self.client = Client(server.endpoint)
        for name, attributes in (("mf", {}), ("mf.fifo", {"FifoQueue": "true"}), ("mfdlq", {})):
            status, _, body = self.client.json("CreateQueue", json.dumps({"QueueName": name, "Attributes": attributes}))
            eq(status, 200, "CreateQueue %s: %r" % (name, body[:200]))

    def run(self, protocol, seed):
        rnd = random.Random(seed)
        shapes = seeds(self.server.endpoint)
        statuses, problems = {}, []
        for n in range(REQUESTS_PER_PROTOCOL):
            action, valid = rnd.choice(shapes)
            value = mutate(rnd, valid) if rnd.random() < 0.85 else valid
            if protocol == "json":
                body = json.dumps(value).encode()
                if rnd.random() < 0.25:
                    body = damage_bytes(rnd, body)
                if rnd.random() < 0.05:
                    action = rnd.choice(["Bogus", "", "sendmessage"])
                status, ctype, reply = self.client.json(action, body)
            else:
                params = query_params(action, value)
                if rnd.random() < 0.3:
                    i = rnd.randrange(len(params))
                    k, v = params[i]
                    params[i] = (rnd.choice([k + ".0", k.replace(".1", ".99999999999"), k + ".", "." + k,
                                             k.replace("1", "-1")]), v)
                body = urllib.parse.urlencode(params).encode()
                if rnd.random() < 0.15:
                    body = damage_bytes(rnd, body)
                path = "/" if rnd.random() < 0.7 else rnd.choice(
                    ["/%s/mf" % ACCOUNT, "/%s/nope" % ACCOUNT, "/%s/mf/x" % ACCOUNT, "/x"])
                status, ctype, reply = self.client.query(body, path)
            statuses[status] = statuses.get(status, 0) + 1
            problem = problem_with(protocol, status, ctype, reply)
            if problem:
                problems.append("#%d %s (%s): %s; body %r" % (n, action, protocol, problem, reply[:300]))
        print("  %s, seed %d: %d requests, statuses %s" % (protocol, seed, REQUESTS_PER_PROTOCOL,
                                                            dict(sorted(statuses.items()))), flush=True)
        if problems:
            raise AssertionError("%d unreadable answers, the first:\n  %s" % (len(problems), "\n  ".join(problems[:5])))
        # The mutations must reach both sides: some requests stay valid, most do not.
        if not statuses.get(200) or not statuses.get(400):
            raise AssertionError("expected both 200s and 400s, got %r" % statuses)

    def test_damaged_json_requests(self):
        self.run("json", 1)

    def test_damaged_query_requests(self):
        self.run("query", 2)

    def test_raw_http_garbage(self):
        """Unsigned damage to HTTP itself gets the HTTP status that names it. The two
        oversized heads may also see the connection reset while they are still sending:
        the server stops reading at its limit."""
        cases = [
            (b"\x00\x01\x02\r\n\r\n", {400}, False),
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", {400}, False),
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", {400}, False),
            (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", {400}, False),
            (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", {400}, False),
            (b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {414, 431}, True),
            (b"POST / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 20000 + b"\r\n", {431}, True),
            (b"POST / HTTP/9.9\r\nHost: x\r\n\r\n", {505}, False),
            # Well-formed but unsigned: SQS's MissingAuthenticationToken.
            (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonSQS.ListQueues\r\n"
             b"Content-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n\r\n{}", {403}, False),
        ]
        for i, (request, statuses, may_reset) in enumerate(cases):
            reply = b""
            with socket.create_connection((self.client.host, self.client.port), timeout=15) as s:
                try:
                    s.sendall(request)
                    s.shutdown(socket.SHUT_WR)
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        reply += chunk
                except OSError as e:
                    # The reset shows at whichever call meets it: sendall (EPIPE), recv
                    # (ECONNRESET), or shutdown (ENOTCONN, once the RST has closed the socket).
                    if not may_reset or e.errno not in (errno.ECONNRESET, errno.EPIPE, errno.ENOTCONN):
                        raise
            if not reply and may_reset:
                continue
            parts = reply.split(b"\r\n", 1)[0].split(b" ")
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
                raise AssertionError("garbage #%d: not an HTTP answer: %r" % (i, reply[:120]))
            if int(parts[1]) not in statuses:
                raise AssertionError("garbage #%d: status %s, want one of %s: %r" %
                                     (i, parts[1].decode(), sorted(statuses), reply[:300]))

    def test_still_serving(self):
        status, _, body = self.client.json("SendMessage", json.dumps(
            {"QueueUrl": "%s/%s/mf" % (self.server.endpoint, ACCOUNT), "MessageBody": "after"}))
        eq(status, 200, "SendMessage after the damage: %r" % body[:200])
        status, _, body = self.client.json("GetQueueUrl", json.dumps({"QueueName": "mf"}))
        eq((status, json.loads(body)["QueueUrl"]), (200, "%s/%s/mf" % (self.server.endpoint, ACCOUNT)),
           "GetQueueUrl after the damage")


if __name__ == "__main__":
    run_suite(Suite, "spool-malformed-")
