#!/usr/bin/env python3
"""A full disk under a real spoold, through boto3: no acknowledged message is lost.

spoold's data directory (segments and its embedded PostgreSQL) sits on a 256 MiB tmpfs.
A sender fills it with SendMessageBatch (10 x 60 KB) until the shard refuses appends:
  1. the refusal is SQS's ServiceUnavailable (HTTP 503 or failed entries), not a crash;
  2. once the tmpfs is grown to 512 MiB, sends succeed again without a restart;
  3. after kill -9 and a restart, every acknowledged message is received exactly once
     with its body, and nothing else is.
Mounting needs root (CAP_SYS_ADMIN); where it is refused the test prints SKIP, and fails
under CI=true.

Usage: full_disk_test.py --spoold PATH [--keep]
"""

import hashlib
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spoold_process import Spoold, run_checks  # noqa: E402

REGION = "us-east-1"
BODY_BYTES = 60_000


def client(endpoint):
    import boto3
    import botocore.config
    return boto3.client(
        "sqs", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test",
        config=botocore.config.Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=20))


def body_for(n):
    # Distinct, incompressible enough, and checkable: the number, then pseudo-random text.
    seed = hashlib.sha256(str(n).encode()).hexdigest()
    return (str(n) + ":" + seed * (BODY_BYTES // len(seed) + 1))[:BODY_BYTES]


def send_batch(sqs, url, first):
    """(acknowledged {MessageId: n}, error codes) for one batch of 10 starting at `first`."""
    from botocore.exceptions import ClientError
    entries = [{"Id": "m%d" % i, "MessageBody": body_for(first + i)} for i in range(10)]
    try:
        r = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    except ClientError as e:
        return {}, [(e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])]
    acked = {e["MessageId"]: first + int(e["Id"][1:]) for e in r.get("Successful", [])}
    errors = [(f["Code"], 503 if not f.get("SenderFault") else 400) for f in r.get("Failed", [])]
    return acked, errors


def check_full_disk(binary, root):
    mount_point = os.path.join(root, "disk")
    os.makedirs(mount_point)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", mount_point],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        return "cannot mount a tmpfs here: %s" % mounted.stderr.strip()
    server = Spoold(binary, os.path.join(mount_point, "data"), os.path.join(root, "spoold.log"))
    try:
        server.start(timeout=120)
        sqs = client(server.endpoint)
        url = sqs.create_queue(QueueName="fill")["QueueUrl"]

        # 1. Fill until refused (at most 1,000 batches or 120 s: 256 MiB holds far fewer).
        acked, n, refused = {}, 0, []
        deadline = time.monotonic() + 120
        while not refused and n < 10_000 and time.monotonic() < deadline:
            got, errors = send_batch(sqs, url, n)
            acked.update(got)
            refused = errors
            n += 10
        assert refused, "the 256 MiB disk never filled (%d messages acknowledged)" % len(acked)
        codes = {code for code, _ in refused}
        assert codes == {"ServiceUnavailable"}, "refusal codes %r" % (refused,)
        assert all(status == 503 for _, status in refused), refused
        assert server.proc.poll() is None, "spoold exited on a full disk"
        print("full after %d acknowledged messages (%d sent); refusal %r" % (len(acked), n, refused[:1]), flush=True)

        # 2. More room: appends resume by themselves (the log probes free space).
        grown = subprocess.run(["mount", "-o", "remount,size=512m", mount_point], capture_output=True, text=True)
        assert grown.returncode == 0, grown.stderr
        deadline = time.monotonic() + 30
        resumed = False
        while time.monotonic() < deadline:
            got, errors = send_batch(sqs, url, n)
            n += 10
            acked.update(got)
            if got and not errors:
                resumed = True
                break
            time.sleep(0.2)
        assert resumed, "sends did not resume within 30 s of the disk growing"

        # 3. kill -9, restart, and every acknowledged message comes back once.
        server.kill()
        server.start(timeout=120)
        sqs = client(server.endpoint)
        seen = {}
        deadline = time.monotonic() + 120
        empty = 0
        while empty < 3 and time.monotonic() < deadline:
            r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=600)
            msgs = r.get("Messages", [])
            empty = empty + 1 if not msgs else 0
            for m in msgs:
                assert m["MessageId"] not in seen, "received twice: %s" % m["MessageId"]
                seen[m["MessageId"]] = m["Body"]
        missing = set(acked) - set(seen)
        assert not missing, "%d acknowledged messages lost, e.g. %s" % (len(missing), sorted(missing)[:3])
        for mid, number in acked.items():
            assert seen[mid] == body_for(number), "body of %s (message %d) differs" % (mid, number)
        # A refused send may still have reached the disk (SQS promises at-least-once to a
        # client that retries), so unacknowledged messages may come back, but only whole
        # messages that were sent, each once.
        numbers = [int(body.split(":", 1)[0]) for body in seen.values()]
        assert len(numbers) == len(set(numbers)), "a message came back under two ids"
        for mid, body in seen.items():
            number = int(body.split(":", 1)[0])
            assert number < n and body == body_for(number), "unexpected message %s: %r" % (mid, body[:40])
        print("after kill -9: all %d acknowledged messages received, bodies intact" % len(acked), flush=True)
        assert server.stop() == 0, "spoold exit code on SIGTERM"
        return None
    finally:
        server.kill()
        for _ in range(50):  # PostgreSQL may take a moment to let go of the mount
            if subprocess.run(["umount", mount_point], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)


if __name__ == "__main__":
    run_checks((check_full_disk,), "spool-full-disk-")
