#!/usr/bin/env python3
"""Topic partitions against the limits that keep spoold up (README, flags).

Each partition's log runs two threads, so partitions are limited per tenant and per
node. Two real spoolds (embedded PostgreSQL):
 1. --max-partitions-per-tenant 8 --max-partitions 12: creating or growing a topic past
    either limit gets 429 `throttled` and changes nothing; deleting gives partitions back.
 2. A spoold in a pids cgroup of 400 tasks, so that a 1,024-partition topic cannot start
    its 2,048 threads: the create gets 503 `unavailable`, the process stays up, the name
    stays free and small topics still work. (RLIMIT_NPROC does not bind root, and an
    address-space cap would stop AddressSanitizer builds from starting.) Printed as SKIP
    where no pids cgroup can be made, a failure under CI=true.

Usage: topics_limits_test.py --spoold PATH [--keep]
Last line: `N passed, M failed`. Exit 0 when all passed.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spoold_process import Spoold, run_checks  # noqa: E402
from topics_client import TopicsClient, eq  # noqa: E402


def call(client, method, path, body=None):
    status, reply, _ = client.call(method, path, body)
    return status, reply


def new_tenant(server, name):
    """A tenant made with `spoold admin`, as a client once the server knows its key."""
    out = subprocess.run([server.binary, "admin", "tenant", "create", "--name", name, "--data-dir", server.data_dir],
                         capture_output=True, text=True, timeout=60)
    eq(out.returncode, 0, "admin tenant create: %s %s" % (out.stdout, out.stderr))
    made = dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line)
    client = TopicsClient(server.endpoint, made["access_key_id"], made["secret_access_key"])
    deadline = time.monotonic() + 15  # nodes load new keys within seconds
    while call(client, "GET", "/v1/topics")[0] != 200:
        if time.monotonic() > deadline:
            raise AssertionError("the new tenant's key was not accepted within 15 s")
        time.sleep(0.1)
    return client


def check_quotas(binary, root):
    server = Spoold(binary, os.path.join(root, "quota"), os.path.join(root, "quota.log"),
                    args=["--max-partitions-per-tenant", "8", "--max-partitions", "12"])
    server.start()
    try:
        a = TopicsClient(server.endpoint)
        eq(call(a, "POST", "/v1/topics", {"name": "a1", "partitions": 6})[0], 201, "a1")
        status, reply = call(a, "POST", "/v1/topics", {"name": "a2", "partitions": 3})
        eq((status, reply["error_code"], reply["message"]),
           (429, "throttled", "the account has 6 partitions; its quota is 8"), "a2 over the tenant quota")
        eq(call(a, "GET", "/v1/topics/a2")[0], 404, "a2 was not made")
        status, reply = call(a, "PATCH", "/v1/topics/a1", {"partitions": 9})
        eq((status, reply["error_code"]), (429, "throttled"), "growing a1 past the quota")
        eq(call(a, "GET", "/v1/topics/a1")[1]["partition_count"], 6, "a1 unchanged")
        eq(call(a, "PATCH", "/v1/topics/a1", {"partitions": 8})[0], 200, "growing a1 to the quota")

        # A second tenant has its own quota but shares the node's 12.
        b = new_tenant(server, "other")
        eq(call(b, "POST", "/v1/topics", {"name": "b1", "partitions": 4})[0], 201, "b1")
        status, reply = call(b, "POST", "/v1/topics", {"name": "b2", "partitions": 1})
        eq((status, reply["error_code"], reply["message"]),
           (429, "throttled", "this server holds 12 partitions, its limit is 12"), "b2 over the node limit")
        eq(call(a, "DELETE", "/v1/topics/a1")[0], 204, "delete a1")
        eq(call(b, "POST", "/v1/topics", {"name": "b2", "partitions": 4})[0], 201, "b2 after a1 went")
    finally:
        eq(server.stop(), 0, "quota spoold exit code")


PIDS_CGROUPS = "/sys/fs/cgroup/pids"  # cgroup v1's pids controller


def pids_cgroup(limit):
    """A new pids cgroup allowing `limit` tasks: (path, None), or (None, why not)."""
    path = os.path.join(PIDS_CGROUPS, "spool-topics-limits-%d" % os.getpid())
    try:
        os.mkdir(path)
        with open(os.path.join(path, "pids.max"), "w") as f:
            f.write(str(limit))
        return path, None
    except OSError as e:
        return None, "%s: %s" % (path, e)


def check_thread_exhaustion(binary, root):
    """Returns a reason when the check can't run on this machine (printed as SKIP)."""
    # 400 tasks: spoold's own threads and its PostgreSQL's processes fit with room to
    # spare; a 1,024-partition topic (2,048 threads) cannot.
    cgroup, why_not = pids_cgroup(400)
    if cgroup is None:
        return "no writable pids cgroup to run spoold out of threads (%s)" % why_not
    server = Spoold(binary, os.path.join(root, "threads"), os.path.join(root, "threads.log"), cgroup=cgroup)
    try:
        server.start()
        c = TopicsClient(server.endpoint)
        status, reply = call(c, "POST", "/v1/topics", {"name": "huge", "partitions": 1024})
        eq(status, 503, "huge: %r" % (reply,))
        eq(reply["error_code"], "unavailable", "huge error_code")
        assert reply["message"].startswith("cannot start the log's threads"), reply["message"]
        eq(call(c, "GET", "/v1/topics/huge")[0], 404, "huge was not made")
        eq(call(c, "POST", "/v1/topics", {"name": "small", "partitions": 2})[0], 201, "small after the failure")
        eq(call(c, "POST", "/v1/topics", {"name": "huge", "partitions": 2})[0], 201, "the name is free")
        eq(server.stop(), 0, "spoold exit code after running out of threads")
    finally:
        server.kill()
        for _ in range(100):  # PostgreSQL's processes leave the cgroup as they exit
            try:
                os.rmdir(cgroup)
                break
            except OSError:
                time.sleep(0.1)
    return None


if __name__ == "__main__":
    run_checks((check_quotas, check_thread_exhaustion), "spool-topics-limits-")
