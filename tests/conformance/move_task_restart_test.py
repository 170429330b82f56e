#!/usr/bin/env python3
"""A message move task survives kill -9: it resumes at the next start and finishes.

    python3 tests/conformance/move_task_restart_test.py --spoold build/dev/api/spoold

Redrive puts 30 messages into a dead-letter queue, a move task takes them back to their
source at 10 messages/s, spoold is SIGKILLed while the task runs and started again on
the same data directory. Then the task must reach COMPLETED by itself, the source must
hold every one of the 30 bodies (a crash may duplicate a message, never lose one) and
the dead-letter queue must be empty.

Exit 0 when it holds, 1 when not, 77 when boto3 is missing and CI is not set.
"""

import argparse
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spoold_process  # noqa: E402

SKIP = 77
MESSAGES = 30


def log(*parts):
    print(*parts, flush=True)


def poll(what, check, timeout):
    """check() until it returns a true value; that value, or AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(0.1)


def client(endpoint):
    import boto3
    from botocore.config import Config
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}))


def count(sqs, url, name):
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[name])["Attributes"][name])


def run(binary, work):
    server = spoold_process.Spoold(binary, os.path.join(work, "data"), os.path.join(work, "spoold.log"))
    os.mkdir(server.data_dir)
    os.chmod(server.data_dir, 0o755)
    server.start()
    try:
        sqs = client(server.endpoint)
        dlq = sqs.create_queue(QueueName="moved-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        src = sqs.create_queue(QueueName="moved-src", Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
        for i in range(0, MESSAGES, 10):
            sqs.send_message_batch(QueueUrl=src, Entries=[
                {"Id": str(j), "MessageBody": "m%02d" % (i + j)} for j in range(10)])
        # maxReceiveCount 1: a second receive of each message moves it to the DLQ. The
        # source is drained once nothing is left in it (visible or being moved); redrive
        # may duplicate a message in the DLQ (at least once), never lose one.
        def drained_into_dlq():
            sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
            left = count(sqs, src, "ApproximateNumberOfMessages") + count(sqs, src, "ApproximateNumberOfMessagesNotVisible")
            return left == 0 and count(sqs, dlq, "ApproximateNumberOfMessages") >= MESSAGES
        poll("redrive of %d messages" % MESSAGES, drained_into_dlq, 20)
        in_dlq = count(sqs, dlq, "ApproximateNumberOfMessages")

        handle = sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=10)["TaskHandle"]
        def some_moved():
            tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
            return tasks and tasks[0]["ApproximateNumberOfMessagesMoved"] >= 5
        poll("the first moves", some_moved, 10)
        server.kill()

        server.start()
        sqs = client(server.endpoint)
        def finished():
            tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
            return tasks if tasks and tasks[0]["Status"] != "RUNNING" else None
        # The batch the kill interrupted stays hidden in the DLQ for the move's 10 s hold;
        # the resumed task waits for it before it completes.
        tasks = poll("the resumed task to finish", finished, 45)
        assert len(tasks) == 1, tasks
        t = tasks[0]
        assert t["Status"] == "COMPLETED", t
        assert "TaskHandle" not in t, t  # handles are listed for running tasks only
        assert t["ApproximateNumberOfMessagesToMove"] == in_dlq, (t, in_dlq)
        # Progress is saved after every batch of up to 10: the kill may cost the count of
        # the batch in flight, or count a message moved twice (moved, killed before its
        # delete from the DLQ was durable, moved again).
        assert in_dlq - 10 <= t["ApproximateNumberOfMessagesMoved"] <= in_dlq + 10, (t, in_dlq)
        assert count(sqs, dlq, "ApproximateNumberOfMessages") == 0
        assert count(sqs, dlq, "ApproximateNumberOfMessagesNotVisible") == 0
        bodies = []
        while True:
            got = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=60)
            if not got.get("Messages"):
                break
            bodies += [m["Body"] for m in got["Messages"]]
        assert sorted(set(bodies)) == ["m%02d" % i for i in range(MESSAGES)], sorted(bodies)
        try:
            sqs.cancel_message_move_task(TaskHandle=handle)
            raise AssertionError("cancelling a completed task succeeded")
        except sqs.exceptions.ClientError as e:
            code = e.response["Error"]["Code"]
            assert "UnsupportedOperation" in code, code
        log("move task resumed after SIGKILL: COMPLETED, %d moved, %d bodies back in the source"
            % (t["ApproximateNumberOfMessagesMoved"], len(bodies)))
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spoold", required=True)
    args = ap.parse_args()
    try:
        import boto3  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            log("FAIL: boto3 is not importable by %s (CI=true)" % sys.executable)
            sys.exit(1)
        log("SKIP: boto3 is not importable by %s" % sys.executable)
        sys.exit(SKIP)
    work = spoold_process.make_data_root("spool-move-task-")
    ok = False
    try:
        run(args.spoold, work)
        ok = True
    except Exception as e:  # noqa: BLE001 — report any failure with the server's output
        log("FAIL: %r" % e)
        log(open(os.path.join(work, "spoold.log"), errors="replace").read()[-4000:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log("1 passed, 0 failed" if ok else "0 passed, 1 failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
