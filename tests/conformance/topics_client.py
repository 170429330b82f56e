"""A small signed client for the topics API (tests and the benchmark's checks).

Requests are signed with botocore's SigV4Auth, service "sqs" (as `curl --aws-sigv4
"aws:amz:us-east-1:sqs"` signs them), so the server's ordinary SigV4 path verifies them.
murmur2() is an independent Python rendering of Kafka's Utils.murmur2, used to check
where the server places keyed records.
"""

import json
import urllib.error
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"


def eq(actual, expected, what=""):
    """The topics suites' assertion: names what differed, with both values."""
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


class TopicsClient:
    def __init__(self, endpoint, access_key="test", secret_key="test"):
        self.endpoint = endpoint.rstrip("/")
        self.credentials = Credentials(access_key, secret_key)

    def call(self, method, path, body=None, timeout=40, sign=True):
        """(status, parsed JSON body or None, headers)."""
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        url = self.endpoint + path
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if sign:
            req = AWSRequest(method=method, url=url, data=data, headers=headers)
            SigV4Auth(self.credentials, "sqs", REGION).add_auth(req)
            headers = dict(req.headers.items())
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None), dict(r.headers)
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, (json.loads(raw) if raw else None), dict(e.headers)


    def call_raw(self, method, path, data=b"", content_type="application/vnd.spool.kafka-batch", timeout=40):
        """(status, raw body bytes, headers) for the /batches routes; signed."""
        url = self.endpoint + path
        headers = {"Content-Type": content_type} if method != "GET" else {}
        body = data if method != "GET" else None
        req = AWSRequest(method=method, url=url, data=body, headers=headers)
        SigV4Auth(self.credentials, "sqs", REGION).add_auth(req)
        request = urllib.request.Request(url, data=body, method=method, headers=dict(req.headers.items()))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)


def murmur2(data):
    """Kafka's murmur2 as a signed 32-bit int (seed 0x9747b28c)."""
    m, r, mask = 0x5BD1E995, 24, 0xFFFFFFFF
    length = len(data)
    h = (0x9747B28C ^ length) & mask
    for i in range(length // 4):
        k = data[4 * i] | data[4 * i + 1] << 8 | data[4 * i + 2] << 16 | data[4 * i + 3] << 24
        k = (k * m) & mask
        k ^= k >> r
        k = (k * m) & mask
        h = (h * m) & mask
        h ^= k
    tail, rest = length & ~3, length % 4
    if rest == 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def kafka_partition(key_bytes, partitions):
    return (murmur2(key_bytes) & 0x7FFFFFFF) % partitions
