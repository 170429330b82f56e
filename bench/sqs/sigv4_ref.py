"""botocore's SigV4Auth over the fixed request that `spool_bench_sqs --selftest` signs.

Prints X-Amz-Date and the Authorization header; run.sh compares the latter with the
generator's own signature (the generator also carries it as a known answer).
"""
import sys, datetime
from unittest import mock
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9324"
body = b'{"QueueName":"selftest","Attributes":{"VisibilityTimeout":"30"}}'
req = AWSRequest(method="POST", url="http://%s/" % host, data=body,
                 headers={"Content-Type": "application/x-amz-json-1.0",
                          "X-Amz-Target": "AmazonSQS.CreateQueue"})
fixed = datetime.datetime(2024, 1, 2, 3, 4, 5)
with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
    SigV4Auth(Credentials("test", "test"), "sqs", "us-east-1").add_auth(req)
print(req.headers["X-Amz-Date"])
print(req.headers["Authorization"])
